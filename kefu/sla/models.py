from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .choices import DaySource, Metric, TimeUnit

# Owner → supervisor → department head: a breached clock is escalated at most twice.
MAX_ESCALATION_LEVEL = 2


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("“%(value)s” is not a time zone."), params={"value": value}) from None


class BusinessCalendar(models.Model):
    """Working hours of an organisation and the days it overrides (holidays, 调休, closures).

    Which days are working days comes from CalendarDay overrides first, then the
    chinesecalendar library, then the statutory rule (see kefu.sla.calendar). Working hours
    are read in the calendar's own time zone, not the server's, so that a deadline does not
    move when TIME_ZONE is set differently for a deployment.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, unique=True)
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("organisation"),
        help_text=_("The organisation whose hours these are; empty for a calendar shared by all."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="business_calendars",
    )
    time_zone = models.CharField(
        _("time zone"), max_length=50, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    work_start = models.TimeField(_("working day starts"), default=time(8, 30))
    work_end = models.TimeField(_("working day ends"), default=time(17, 30))
    lunch_start = models.TimeField(_("lunch break starts"), null=True, blank=True, default=time(12, 0))
    lunch_end = models.TimeField(_("lunch break ends"), null=True, blank=True, default=time(13, 30))
    # Bumped by every change of the calendar or its days, so cached day tables expire.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self):
        return self.name

    def clean(self):
        """Working hours must be one daytime span; a lunch break, if any, lies inside it."""
        if self.work_start and self.work_end and self.work_start >= self.work_end:
            raise ValidationError({"work_end": _("The working day must end after it starts.")})
        if bool(self.lunch_start) != bool(self.lunch_end):
            raise ValidationError({"lunch_end": _("Give both ends of the lunch break, or neither.")})
        hours = (self.work_start, self.lunch_start, self.lunch_end, self.work_end)
        if all(hours) and not hours[0] < hours[1] < hours[2] < hours[3]:
            raise ValidationError({"lunch_start": _("The lunch break must lie inside the working day.")})


class CalendarDay(models.Model):
    """An admin-entered day: from the State Council's notice, or a local closure or working day.

    Only exceptions are stored (a holiday, a weekend made a working day); ordinary days come
    from the library or the rule, so a calendar costs a few dozen rows a year.
    """

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=DaySource.choices, default=DaySource.OFFICIAL)

    class Meta:
        # Not "calendar days": that phrase is the time unit 自然日 in the catalog.
        verbose_name = _("holiday or adjusted day")
        verbose_name_plural = _("holidays and adjusted days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="one_override_per_day")]

    def __str__(self):
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """Time limits for requests matching type × customer tier × priority × channel.

    An empty criterion matches anything; when several policies match, the one with the most
    criteria set wins (then the oldest), so a general rule and its exceptions coexist.
    """

    name = models.CharField(_("name"), max_length=100)
    preset = models.CharField(_("preset"), max_length=20, blank=True)
    ticket_type = models.CharField(_("request type"), max_length=20, blank=True)
    customer_tier = models.CharField(_("customer tier"), max_length=20, blank=True)
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    first_response = models.PositiveIntegerField(_("first response within"), null=True, blank=True)
    first_response_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.CALENDAR_HOURS
    )
    arrival = models.PositiveIntegerField(_("on site within"), null=True, blank=True)
    arrival_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.CALENDAR_MINUTES
    )
    resolution = models.PositiveIntegerField(_("resolved within"), null=True, blank=True)
    resolution_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    warn_at_percent = models.PositiveSmallIntegerField(_("warning threshold (percent of the time limit)"), default=75)
    escalate_every_hours = models.PositiveSmallIntegerField(_("escalate again after (hours)"), default=24)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("time limit policy")
        verbose_name_plural = _("time limit policies")

    def __str__(self):
        return self.name

    @property
    def specificity(self) -> int:
        return sum(bool(value) for value in (self.ticket_type, self.customer_tier, self.priority, self.channel))


def _copied_person() -> models.ForeignKey:
    """A clock's copy of the request's owner or handler (see SlaClock.owner)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


class SlaClock(models.Model):
    """One time limit of one request (first response, arrival on site or resolution).

    Milestones (warned, breached, escalated, reminded) are stamped once each by conditional
    updates, so two sweeps at once cannot act twice. `warn_at` is precomputed so that the
    sweep's queries are plain range scans on partial indexes.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="sla_clocks",
        db_index=False,  # one_clock_per_metric
    )
    metric = models.CharField(_("time limit"), max_length=20, choices=Metric.choices)
    # No index of its own: the sweep reads clocks by policy through clock_escalation_idx, and an
    # index written by every clock update for the rare deletion of a policy does not pay.
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The calendar the deadline was counted on when the clock started: the handling department's
    # or the owner's unit's, else the policy's (clocks.calendar_for). Pauses and a restart use it
    # too. Empty on clocks started before units had calendars: the policy's then. Unindexed like
    # the policy: only the rare deletion of a calendar looks clocks up by it.
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    # Who answers for the request, kept on the clock so that the sweep tells them from the rows
    # it claims instead of reading the requests (in a mass breach, that read was the sweep's largest cost).
    # Kept in step by the tickets hooks on assignment and transfer (clocks.on_responsibility_changed).
    # No index: users are deactivated, not deleted. No database constraint either: they copy the
    # request's owner and handler, which the request's own keys check; checking the copies cost
    # each new request three more key checks and share-locks on the owner's row.
    owner = _copied_person()
    assignee = _copied_person()
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn from"))
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time paused (s)"), default=0)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    provisional = models.BooleanField(_("computed on a provisional calendar"), default=False)

    class Meta:
        verbose_name = _("time limit clock")
        verbose_name_plural = _("time limit clocks")
        constraints = [models.UniqueConstraint(fields=["ticket", "metric"], name="one_clock_per_metric")]
        indexes = [
            models.Index(
                fields=["warn_at"],
                name="clock_warn_idx",
                condition=Q(stopped_at__isnull=True, paused_at__isnull=True, warned_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="clock_due_idx",
                condition=Q(stopped_at__isnull=True, paused_at__isnull=True, breached_at__isnull=True),
            ),
            models.Index(
                fields=["breached_at"],
                name="clock_breached_idx",
                condition=Q(stopped_at__isnull=True, breached_at__isnull=False),
            ),
            # The escalation step's range scan per policy: clocks that can still go up a level,
            # by the time they last moved. Overdue requests pile up; this keeps it a range scan.
            models.Index(
                F("policy"),
                Coalesce("escalated_at", "breached_at"),
                name="clock_escalation_idx",
                condition=Q(
                    stopped_at__isnull=True, breached_at__isnull=False, escalation_level__lt=MAX_ESCALATION_LEVEL
                ),
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.metric}"
