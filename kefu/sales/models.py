from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel, VersionedModel

from .choices import CampaignKind, CampaignResult, ProspectSource, ProspectStage, TargetMetric


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


class ProspectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProspectQuerySet":
        from .selectors import prospects_visible_to

        return self & prospects_visible_to(user)


class Prospect(TimeStampedModel, VersionedModel):
    """A potential customer (潜在客户) kept beside the archive until it is won: where it came from,
    how far the pipeline has got, and, once won, the customer it became (through the customers
    app's own service, so the archive's checks and audit apply)."""

    name = models.CharField(_("name"), max_length=120)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ProspectSource.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=ProspectStage.choices, default=ProspectStage.LEAD)
    expected_revenue = models.DecimalField(
        _("expected yearly revenue (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    won_at = models.DateTimeField(_("won at"), null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ProspectQuerySet.as_manager()

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        indexes = [
            models.Index(fields=["owner", "stage"], name="sales_prospect_owner_idx"),
            models.Index(fields=["won_at"], name="sales_prospect_won_idx"),
        ]

    def __str__(self):
        return self.name


class SalesCampaign(TimeStampedModel, VersionedModel):
    """An outbound or conversion campaign (外呼营销, 转化) over a list of customers or prospects,
    each entry worked by the manager who holds it, with its result counted on the campaign."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)
    # The unit that runs it: its supervisors see it and its results.
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("organisation unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("sales campaign")
        verbose_name_plural = _("sales campaigns")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.name


class CampaignEntry(models.Model):
    """One customer or prospect on a campaign's list, its result and who worked it."""

    campaign = models.ForeignKey(SalesCampaign, on_delete=models.CASCADE, related_name="entries")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    prospect = models.ForeignKey(
        Prospect, verbose_name=_("prospect"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worked by"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=20, choices=CampaignResult.choices, default="pending")
    note = models.CharField(_("note"), max_length=300, blank=True)
    worked_at = models.DateTimeField(_("worked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign entry")
        verbose_name_plural = _("campaign entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=True, prospect__isnull=False)
                | models.Q(customer__isnull=False, prospect__isnull=True),
                name="sales_entry_customer_or_prospect",
            ),
            models.UniqueConstraint(fields=["campaign", "customer"], name="sales_entry_customer_once"),
            models.UniqueConstraint(fields=["campaign", "prospect"], name="sales_entry_prospect_once"),
        ]
        indexes = [models.Index(fields=["assignee", "result"], name="sales_entry_assignee_idx")]

    def __str__(self):
        return f"{self.campaign_id}: {self.customer_id or self.prospect_id}"


class SalesTarget(TimeStampedModel):
    """A target for a period (new customers, revenue, retention) set for a branch or team (an
    organisation unit) or for one manager; progress is computed from the data, never typed."""

    metric = models.CharField(_("metric"), max_length=20, choices=TargetMetric.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("organisation unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-period_start", "metric", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(org_unit__isnull=True, manager__isnull=False)
                | models.Q(org_unit__isnull=False, manager__isnull=True),
                name="sales_target_unit_or_manager",
            ),
            models.UniqueConstraint(
                fields=["metric", "period_start", "period_end", "org_unit"],
                condition=models.Q(org_unit__isnull=False),
                name="sales_target_unit_once",
            ),
            models.UniqueConstraint(
                fields=["metric", "period_start", "period_end", "manager"],
                condition=models.Q(manager__isnull=False),
                name="sales_target_manager_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class NamedGroupCustomer(TimeStampedModel):
    """A group customer on the year's named list (名单制集团客户, seed 002), and whether and when it
    was lost: the retention rate is the share of the year's list not lost (target ≥ 92 %)."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=200, blank=True)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("named group customer")
        verbose_name_plural = _("named group customers")
        constraints = [models.UniqueConstraint(fields=["customer", "year"], name="sales_named_once_a_year")]
        indexes = [models.Index(fields=["year", "lost_on"], name="sales_named_year_idx")]

    def __str__(self):
        return f"{self.customer_id} {self.year}"


class PriceRequest(TimeStampedModel, VersionedModel):
    """A price or commercial request from a customer or prospect, to be answered in writing within
    3 working days (seed 004 篇9) counted on the business calendar; late or unanswered past its
    due time it is overdue."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    prospect = models.ForeignKey(
        Prospect, verbose_name=_("prospect"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer by"))
    due_provisional = models.BooleanField(_("provisional deadline"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by (owner)"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("written answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("price request")
        verbose_name_plural = _("price requests")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=True, prospect__isnull=False)
                | models.Q(customer__isnull=False, prospect__isnull=True),
                name="sales_price_customer_or_prospect",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner", "due_at"], name="sales_price_open_idx", condition=models.Q(answered_at__isnull=True)
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at > self.due_at
