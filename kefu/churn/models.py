"""Churn warning (流失预警, SPEC §9): the weights and threshold an admin sets, nightly runs that
score every customer in SQL with each factor's points kept, and the retention tasks of the
customers over the threshold with their outcomes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel

from .choices import RunTrigger, TaskStatus

_POINTS = {"max_digits": 7, "decimal_places": 2}


class ChurnSettings(VersionedModel):
    """The one set of rules a run applies (a single row, pk 1): each factor's weight (its points
    at full strength), what full strength means, the threshold that makes a retention task and
    how many days the manager has for it. Changed only through `services.churn_settings_update`
    (audited, optimistic version); a run keeps a copy in `ChurnRun.rules`."""

    weight_volume = models.DecimalField(_("weight: falling volume or revenue"), default=30, **_POINTS)
    weight_complaints = models.DecimalField(_("weight: complaints"), default=25, **_POINTS)
    weight_callbacks = models.DecimalField(_("weight: unsatisfied callbacks"), default=15, **_POINTS)
    weight_contact = models.DecimalField(_("weight: no contact"), default=15, **_POINTS)
    weight_competitor = models.DecimalField(_("weight: competitor activity"), default=15, **_POINTS)
    recent_months = models.PositiveSmallIntegerField(
        _("months compared"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    min_drop_percent = models.PositiveSmallIntegerField(
        _("smallest drop that counts (%)"), default=20, validators=[MaxValueValidator(100)]
    )
    complaint_days = models.PositiveSmallIntegerField(_("complaints of the last (days)"), default=180)
    complaints_full = models.PositiveSmallIntegerField(_("complaints for full points"), default=3)
    callback_days = models.PositiveSmallIntegerField(_("callbacks of the last (days)"), default=180)
    callbacks_full = models.PositiveSmallIntegerField(_("unsatisfied callbacks for full points"), default=2)
    no_contact_days = models.PositiveSmallIntegerField(_("no contact for (days)"), default=90)
    competitor_days = models.PositiveSmallIntegerField(_("competitor records of the last (days)"), default=365)
    competitors_full = models.PositiveSmallIntegerField(_("competitor records for full points"), default=1)
    threshold = models.DecimalField(_("threshold (score)"), default=50, **_POINTS)
    task_due_days = models.PositiveSmallIntegerField(_("days to act on a retention task"), default=7)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("churn warning settings")
        verbose_name_plural = _("churn warning settings")

    def __str__(self):
        return str(_("churn warning settings"))


class ChurnRun(models.Model):
    """One scoring of every customer: the rules as run (so each score stays explainable after the
    settings change), the reference date and the counts."""

    rules = models.JSONField(_("rules as run"), default=dict)
    as_of = models.DateField(_("reference date"))
    trigger = models.CharField(_("started by"), max_length=20, choices=RunTrigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    customers = models.PositiveIntegerField(_("customers scored"), default=0)
    at_risk = models.PositiveIntegerField(_("customers over the threshold"), default=0)
    tasks = models.PositiveIntegerField(_("retention tasks made"), default=0)

    class Meta:
        verbose_name = _("churn run")
        verbose_name_plural = _("churn runs")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.as_of} #{self.pk}"


class ChurnScore(models.Model):
    """A customer's risk in one run: what each factor read, the points it gave and their sum.

    Written set-based (one INSERT … SELECT per run, `engine.py`); the points are stored, so the
    explanation shown is exactly what the run computed.
    """

    # (run, -score) and (customer, -run) below serve the list and the customer's latest score.
    run = models.ForeignKey(ChurnRun, on_delete=models.CASCADE, related_name="scores", db_index=False)
    # No database constraint: a run inserts a million rows at once; deleting a customer still
    # removes its scores through Django's collector.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    volume_recent = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    volume_earlier = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    revenue_recent = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    revenue_earlier = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    drop_percent = models.DecimalField(_("drop (%)"), max_digits=9, decimal_places=2, default=0)
    complaints = models.IntegerField(_("complaints"), default=0)
    open_complaints = models.IntegerField(_("unresolved complaints"), default=0)
    unsatisfied = models.IntegerField(_("unsatisfied callbacks"), default=0)
    last_contact = models.DateTimeField(_("last contact"), null=True)
    competitor_records = models.IntegerField(_("competitor records"), default=0)
    points_volume = models.DecimalField(default=0, **_POINTS)
    points_complaints = models.DecimalField(default=0, **_POINTS)
    points_callbacks = models.DecimalField(default=0, **_POINTS)
    points_contact = models.DecimalField(default=0, **_POINTS)
    points_competitor = models.DecimalField(default=0, **_POINTS)
    score = models.DecimalField(_("risk score"), **_POINTS)

    class Meta:
        verbose_name = _("churn score")
        verbose_name_plural = _("churn scores")
        indexes = [
            models.Index(fields=["run", "-score"], name="churn_score_run_idx"),
            models.Index(fields=["customer", "-run"], name="churn_score_customer_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.score}"


class RetentionTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RetentionTaskQuerySet":
        from .selectors import tasks_visible_to

        return self & tasks_visible_to(user)


class RetentionTask(VersionedModel):
    """A customer at risk for their account manager to keep (挽留), due within the settings' days;
    closed with its outcome: retained, or lost with the reason. One open task per customer: a
    nightly run that finds the customer still at risk leaves the open task as it is."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account manager"), on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(ChurnRun, on_delete=models.SET_NULL, null=True, related_name="+")
    # The score that made the task (kept by the pruning of old runs) and its total.
    score = models.ForeignKey(ChurnScore, on_delete=models.SET_NULL, null=True, related_name="+")
    risk_score = models.DecimalField(_("risk score"), **_POINTS)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    due_date = models.DateField(_("due"))
    reason = models.TextField(_("outcome and reason"), blank=True)
    created_at = models.DateTimeField(_("created"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RetentionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention task")
        verbose_name_plural = _("retention tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status=TaskStatus.OPEN), name="retention_task_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "due_date"], name="retention_task_manager_idx"),
            models.Index(fields=["run"], name="retention_task_run_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.get_status_display()}"
