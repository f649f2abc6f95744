from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import VersionedModel
from kefu.outbox.quiet import DEFAULT_QUIET_HOURS, parse_quiet_hours

from .choices import AttemptOutcome, CallbackStatus, DueUnit, OnUnsatisfied, RuleEvent, Satisfaction


def default_quiet_hours() -> list[list[str]]:
    """Seed 002 "避免在客户休息时打扰客户": the lunch rest and the night (the outbox's default too)."""
    return [list(period) for period in DEFAULT_QUIET_HOURS]


class CallbackRule(models.Model):
    """Which event creates a callback task, when it is due, for whom, and how it is called.

    An admin keeps these rows (SPEC §6 defaults in `presets.py`): a complaint reaching 待回访,
    any request closed, an installation's handover (a state of its workflow) with repeats every
    3 months. `full_coverage_rank`: customers of a tier ranked this high or higher (1 = top) always
    get a callback; others a sampled share (`sample_percent`). Quiet hours and the rule's calendar
    (working days, holidays, 调休) decide when a customer may be called.
    """

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    event = models.CharField(_("event"), max_length=20, choices=RuleEvent.choices, default=RuleEvent.CLOSED)
    state = models.ForeignKey(
        "tickets.WorkflowState",
        verbose_name=_("workflow state"),
        help_text=_("For “A request reaches a workflow state”: the state that creates the task."),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    ticket_types = models.JSONField(_("request types"), default=list, blank=True, help_text=_("Empty: every type."))
    due_amount = models.PositiveSmallIntegerField(_("due within"), default=3)
    due_unit = models.CharField(_("unit"), max_length=10, choices=DueUnit.choices, default=DueUnit.DAYS)
    repeat_every_months = models.PositiveSmallIntegerField(_("then every (months)"), default=0)
    repeat_times = models.PositiveSmallIntegerField(_("repeated (times)"), default=0)
    full_coverage_rank = models.PositiveSmallIntegerField(
        _("every customer of tiers up to rank"),
        default=1,
        help_text=_("Customers of a tier ranked this high or higher (1 = top tier) are always called back."),
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("share of other customers (%)"), default=100, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    quiet_hours = models.JSONField(_("quiet hours"), default=default_quiet_hours, blank=True)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("calendar"),
        help_text=_("Working days on which customers are called; empty: the standard calendar."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts before unreachable"), default=3, validators=[MinValueValidator(1)]
    )
    retry_after_minutes = models.PositiveSmallIntegerField(_("retry after (minutes)"), default=120)
    expire_after_days = models.PositiveSmallIntegerField(
        _("expire after (days past due)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("A task not called this many days after its due time is closed as expired."),
    )
    on_unsatisfied = models.CharField(
        _("when unsatisfied"), max_length=20, choices=OnUnsatisfied.choices, default=OnUnsatisfied.REOPEN
    )
    script = models.JSONField(_("script"), default=dict, blank=True, help_text=_("Empty: the standard script."))

    class Meta:
        verbose_name = _("callback rule")
        verbose_name_plural = _("callback rules")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        try:
            parse_quiet_hours(self.quiet_hours)
        except ValueError as bad:
            errors["quiet_hours"] = _('“%(value)s” is not a period such as ["21:00", "08:00"].') % {
                "value": bad.args[0]
            }
        if self.event == RuleEvent.STATE_REACHED and not self.state_id:
            errors["state"] = _("Name the state that creates the task.")
        if not isinstance(self.ticket_types, list):
            errors["ticket_types"] = _("A list of request types.")
        if not isinstance(self.script, dict) or not all(isinstance(text, str) for text in self.script.values()):
            # The call screen fills in each named line (greeting, question, …) as text.
            errors["script"] = _("The script's lines, each named and written as text.")
        if errors:
            raise ValidationError(errors)


class CallbackQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CallbackQuerySet":
        from .selectors import callbacks_visible_to

        return self & callbacks_visible_to(user)


class Callback(VersionedModel):
    """One callback task (回访任务): a customer to be called about a request, due at a time
    outside their quiet hours. Claimed by one agent at a time (`claimed_by`, `claimed_until`);
    each failed try is a `CallbackAttempt`; the result (满意 / 基本满意 / 一般 / 不满意) with the
    customer's words is the callback record (回访记录表) and feeds satisfaction.

    `(rule, ticket, sequence)` is unique among pending tasks: the rule's repeats are numbered, and
    creating the tasks twice (a hook and a job, two workers) makes each once.
    """

    rule = models.ForeignKey(CallbackRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("service request"), on_delete=models.CASCADE, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # callback_customer_idx leads with it
    )
    # The staff member whose work is followed up (the request's handler, else its owner) and
    # their unit: satisfaction per person and team, and whose supervisor hears of 不满意.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff followed up"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveSmallIntegerField(_("callback number"), default=1)
    tier_rank = models.PositiveSmallIntegerField(_("tier rank"), default=999)  # desk order: top tier first
    due_at = models.DateTimeField(_("due"))
    next_try_at = models.DateTimeField(_("call from"))
    status = models.CharField(
        _("status"), max_length=20, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    result = models.CharField(_("result"), max_length=20, choices=Satisfaction.choices, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    completed_at = models.DateTimeField(_("called at"), null=True, blank=True)
    # Why a task was closed without a call (expired: how long past due), shown on the task.
    # db_default: the set-based catch-up (generate.py) inserts rows without naming it.
    closed_reason = models.CharField(_("reason closed"), max_length=200, blank=True, default="", db_default="")
    # When the assigned agent (or the desk's supervisor) was told the task is overdue: once per task.
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("follow-up complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        constraints = [
            # One open task per rule, request and repeat: a hook and a job, or two workers, make it
            # once; after its result a request that comes back (reopened, sent back) may get a new one.
            models.UniqueConstraint(
                fields=["rule", "ticket", "sequence"],
                condition=Q(status="pending"),
                name="callback_pending_once_per_rule_ticket",
            ),
        ]
        indexes = [
            # The desk: pending tasks in due order (tier first within a due time is a sort of the page).
            models.Index(
                fields=["due_at", "tier_rank"], name="callback_pending_due_idx", condition=Q(status="pending")
            ),
            models.Index(fields=["customer", "-id"], name="callback_customer_idx"),
            models.Index(fields=["completed_at"], name="callback_completed_idx", condition=Q(status="done")),
        ]

    def __str__(self):
        return f"{self.ticket_id}/{self.sequence}"


class CallbackAttempt(models.Model):
    """A call that did not reach the customer (or was put off at their request): the attempts
    the rule allows before the task is marked unreachable."""

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="tries")
    outcome = models.CharField(_("outcome"), max_length=20, choices=AttemptOutcome.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.callback_id} {self.outcome}"


class Campaign(models.Model):
    """A proactive service campaign (主动服务, seed 003 篇1): every site of a key account (the
    member customers of its head office, e.g. the 200 hotels of a chain) is called, faults found
    are recorded (each can become a request), and the result is reported to the head office."""

    name = models.CharField(_("name"), max_length=100)
    head_office = models.ForeignKey(
        "customers.Customer", verbose_name=_("head office"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField(
        _("question"), max_length=200, default="请问贵店的设备近期运行是否正常？有没有需要我们处理的问题？"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("service campaign")
        verbose_name_plural = _("service campaigns")
        ordering = ["-pk"]

    def __str__(self):
        return self.name


class CampaignCall(VersionedModel):
    """One site of a campaign: whether it was reached, the faults it reported (each as
    {"text", "ticket"}: the request it became), the site's satisfaction and a note."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="calls")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    result = models.CharField(_("result"), max_length=20, choices=Satisfaction.choices, blank=True)
    faults = models.JSONField(_("faults found"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    # The agent calling the site now (as a callback's claim): two agents working one campaign
    # never call the same site.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign call")
        verbose_name_plural = _("campaign calls")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_call_once_per_site")]

    def __str__(self):
        return f"{self.campaign_id}/{self.customer_id}"
