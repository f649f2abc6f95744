from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel, VersionedModel


class CompetitorRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CompetitorRecordQuerySet":
        from .selectors import competitor_records_visible_to

        return self & competitor_records_visible_to(user)


class CompetitorRecord(TimeStampedModel, VersionedModel):
    """What a competitor offers one of our customers (issue 21 item 5): who, what offer, at which
    price, for which products or routes, and their visits to the customer. Part of the customer's
    business file, so it is read under group confidentiality; the churn warning counts recent ones."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    competitor = models.CharField(_("competitor"), max_length=100)
    offer = models.TextField(_("offer"), blank=True)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2, null=True, blank=True)
    price_unit = models.CharField(_("price unit"), max_length=30, blank=True)
    products = models.CharField(_("products or routes"), max_length=300, blank=True)
    visited_on = models.DateField(_("their visit on"), null=True, blank=True)
    visit_notes = models.TextField(_("visit notes"), blank=True)
    # When we learned it: the churn warning looks at what was learned recently.
    noted_on = models.DateField(_("noted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CompetitorRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitor record")
        verbose_name_plural = _("competitor records")
        ordering = ["-noted_on", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-noted_on"], name="sales_comp_customer_idx"),
            models.Index(fields=["noted_on"], name="sales_comp_noted_idx"),
            models.Index(fields=["visited_on"], name="sales_comp_visited_idx"),
        ]

    def __str__(self):
        return f"{self.competitor} ({self.noted_on:%Y-%m-%d})"
