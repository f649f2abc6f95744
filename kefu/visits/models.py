from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel

from .choices import VisitStatus


class VisitFrequency(models.Model):
    """How often an account manager visits customers of a tier (seed 000 篇8: top tier monthly,
    every customer at least once a year). A row with an empty tier applies to every tier without
    its own row, and to customers without a tier. Periods are aligned to the calendar year
    (every 1 month: each month; 3: each quarter; 12: each year)."""

    tier = models.CharField(
        _("tier"), max_length=20, blank=True, unique=True, help_text=_("Empty: every other customer.")
    )
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    class Meta:
        verbose_name = _("visit frequency")
        verbose_name_plural = _("visit frequencies")
        ordering = ["tier"]

    def __str__(self):
        return f"{self.tier or '*'}: {self.every_months}"


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VisitQuerySet":
        from .selectors import visits_visible_to

        return self & visits_visible_to(user)


class Visit(VersionedModel):
    """A planned visit to a customer in one period, then its record (客户走访记录表): the
    appointment, purpose, people met, outcome, needs found and issues raised (each can become a
    request), the data corrections applied to the archive. One per customer and period:
    planning twice (two workers, a rerun) makes it once."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period from"))
    due_date = models.DateField(_("visit by"))
    # Customers with a missing or invalid phone come first (seed 000 篇8): a visit is the way to reach them.
    phone_missing = models.BooleanField(_("no valid phone"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    people_met = models.CharField(_("people met"), max_length=200, blank=True)
    outcome = models.TextField(_("visit outcome"), blank=True)
    needs_found = models.TextField(_("needs found"), blank=True)
    issues = models.JSONField(_("issues raised"), default=list, blank=True)  # [{"text": …, "ticket": id|None}]
    corrections = models.JSONField(_("data corrections"), default=dict, blank=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    overdue_notified = models.BooleanField(default=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["customer", "period_start"], name="visit_once_per_period")]
        indexes = [
            models.Index(fields=["manager", "due_date"], name="visit_manager_due_idx"),
            models.Index(fields=["due_date"], name="visit_open_due_idx", condition=Q(status__in=["planned", "booked"])),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.period_start}"
