"""Customer grading (客户分级, SPEC §3): rules an admin defines, runs that score every customer in
SQL, proposals a supervisor approves, and the grade history with the explanation of each grade."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimeStampedModel, VersionedModel

from .choices import ChangeSource, Method, ProposalStatus, RunStatus, RunTrigger, Source


class GradingScheme(TimeStampedModel, VersionedModel):
    """A set of grading rules, defined without code: its criteria (with their bands and weights)
    and the tier bands the score falls into.

    `tier_bands` is a list, best tier first: for a weighted scheme `{"tier": code, "min_score": n}`
    (the first band whose minimum the score reaches), for value share `{"tier": code,
    "max_share": p}` (the first band whose cumulative share in percent covers the customer's).
    `in_use` marks the scheme the schedule runs; several may be kept and run on demand to compare.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.WEIGHTED)
    period_months = models.PositiveSmallIntegerField(_("period (months)"), default=12)
    tier_bands = models.JSONField(_("tier bands"), default=list)
    in_use = models.BooleanField(_("run on schedule"), default=False)
    preset = models.CharField(_("preset"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("grading scheme")
        verbose_name_plural = _("grading schemes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    """One weighted criterion of a scheme and its bands.

    `bands` is a list: for a number `{"min": n, "points": p, "label": "…"}` (the band with the
    highest minimum the value reaches; a value below every minimum scores 0), for a code (credit,
    potential) `{"value": code, "points": p}` (a missing or other code scores 0).
    """

    scheme = models.ForeignKey(GradingScheme, on_delete=models.CASCADE, related_name="criteria")
    source = models.CharField(_("criterion"), max_length=30, choices=Source.choices)
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2)
    bands = models.JSONField(_("bands"), default=list)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "source"], name="criterion_source_once")]

    def __str__(self):
        return self.get_source_display()


class GradingRun(models.Model):
    """One computation of a scheme over every customer: its rules as they were, when, and counts.

    `rules` is the scheme as run (criteria, bands, tier bands, period), so every score of the run
    can be explained later even after the scheme changes.
    """

    scheme = models.ForeignKey(GradingScheme, on_delete=models.CASCADE, related_name="runs")
    rules = models.JSONField(_("rules as run"), default=dict)
    as_of = models.DateField(_("reference date"))
    trigger = models.CharField(_("started by"), max_length=20, choices=RunTrigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    customers = models.PositiveIntegerField(_("customers graded"), default=0)
    changes = models.PositiveIntegerField(_("grade changes found"), default=0)
    proposals = models.PositiveIntegerField(_("proposals made"), default=0)
    failure = models.TextField(_("failure"), blank=True)

    class Meta:
        verbose_name = _("grading run")
        verbose_name_plural = _("grading runs")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.scheme} #{self.pk}"


class GradeScore(models.Model):
    """A customer's score in one run: each criterion's value as read, the score and the tier.

    Written set-based (one INSERT … SELECT per run). The points per criterion are not stored:
    they follow from the value and the run's `rules` (`explain.explain_score`), computed by the
    same bands as the SQL. A column stays empty when the scheme has no criterion reading it.
    """

    # No single-column indexes: (run, customer) and (customer, -run) below serve both lookups,
    # and every index is written a million times per run.
    run = models.ForeignKey(GradingRun, on_delete=models.CASCADE, related_name="scores", db_index=False)
    # No database constraint: a run inserts a million rows at once; deleting a customer still
    # removes its scores through Django's collector.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    current_tier = models.CharField(_("tier before"), max_length=20, blank=True)
    tier = models.CharField(_("computed tier"), max_length=20, blank=True)
    score = models.DecimalField(_("score"), max_digits=16, decimal_places=4, null=True)
    share = models.DecimalField(_("cumulative value share (%)"), max_digits=9, decimal_places=4, null=True)
    volume_total = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    revenue_total = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    monthly_volume = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    monthly_revenue = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    credit_rating = models.CharField(max_length=2, blank=True, null=True)
    potential = models.CharField(max_length=10, blank=True, null=True)
    complaints = models.IntegerField(null=True)
    years = models.IntegerField(null=True)
    recency_months = models.IntegerField(null=True)
    active_months = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("grade score")
        verbose_name_plural = _("grade scores")
        indexes = [models.Index(fields=["customer", "-run"], name="grade_score_customer_idx")]
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="grade_score_once_per_run")]

    def __str__(self):
        return f"{self.customer_id}: {self.tier} ({self.score})"

    def value_of(self, source: str):
        return getattr(self, Source(source).value)


class GradeProposal(models.Model):
    """A grade change a run found (seed 004 篇5 "提出客户等级变更的建议"), waiting for a
    supervisor. Nothing changes the customer's grade until it is approved."""

    run = models.ForeignKey(GradingRun, on_delete=models.CASCADE, related_name="proposal_rows")
    score = models.ForeignKey(GradeScore, on_delete=models.SET_NULL, null=True, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="grade_proposals")
    from_tier = models.CharField(_("current tier"), max_length=20, blank=True)
    to_tier = models.CharField(_("proposed tier"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("grade proposal")
        verbose_name_plural = _("grade proposals")
        ordering = ["-id"]
        constraints = [
            # One open question per customer: a later run supersedes, never duplicates.
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status=ProposalStatus.PENDING), name="grade_proposal_one_pending"
            ),
        ]
        indexes = [
            models.Index(fields=["-id"], name="grade_proposal_pending_idx", condition=Q(status=ProposalStatus.PENDING)),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.from_tier or '-'} → {self.to_tier}"


class GradeChange(models.Model):
    """A grade a customer was given: the history on the 360 page and in the customer's export
    (PIPL Art. 24). An approved proposal keeps its score (the explanation); an override its reason."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="grade_changes")
    from_tier = models.CharField(_("tier before"), max_length=20, blank=True)
    to_tier = models.CharField(_("tier after"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ChangeSource.choices)
    proposal = models.ForeignKey(GradeProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    score = models.ForeignKey(GradeScore, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade history")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["customer", "-changed_at"], name="grade_change_customer_idx")]

    def __str__(self):
        return f"{self.customer_id}: {self.from_tier or '-'} → {self.to_tier}"
