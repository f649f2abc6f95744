"""Reads of business calendars: a year at a glance, and which calendar an organisation uses.

Calendars are configuration, visible to every staff member, so there is no data scope here.
"""

from datetime import date, timedelta

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Value, When

from kefu.core import config_cache
from kefu.org.models import OrgUnit
from kefu.org.selectors import unit_path

from . import calendar as business_calendar
from .calendar import DayInfo
from .choices import SlaState
from .hooks import Milestone
from .models import BusinessCalendar, SlaClock


def calendar_year(calendar: BusinessCalendar, year: int) -> list[DayInfo]:
    """Every day of `year` as the calendar resolves it (one query, then the cache)."""
    first = date(year, 1, 1)
    return [
        business_calendar.day_info(calendar, first + timedelta(days=n))
        for n in range((date(year + 1, 1, 1) - first).days)
    ]


def calendar_exceptions(calendar: BusinessCalendar, year: int) -> list[DayInfo]:
    """The days that differ from a plain Monday–Friday week: what to compare with the notice."""
    return [info for info in calendar_year(calendar, year) if info.is_workday != (info.date.weekday() < 5)]


def year_is_provisional(calendar: BusinessCalendar, year: int) -> bool:
    """True while some day of `year` is still computed by the rule (no official schedule yet)."""
    return any(info.provisional for info in calendar_year(calendar, year))


def _unit_calendars() -> tuple[dict[int, BusinessCalendar | None], dict[str, BusinessCalendar]]:
    """Each unit's calendar (its own or its nearest ancestor's) by unit id, and the calendars
    attached to units by their unit's path (the oldest where a unit has two). One entry of the
    configuration cache: every new request asks."""

    def load():
        calendars = BusinessCalendar.objects.filter(org_unit__isnull=False).select_related("org_unit")
        by_path = {calendar.org_unit.path: calendar for calendar in calendars.order_by("-pk")}
        by_unit = {pk: _nearest(path, by_path) for pk, path in OrgUnit.objects.values_list("pk", "path")}
        return by_unit, by_path

    return config_cache.cached("sla.unit_calendars", load)


def _nearest(path: str, by_path: dict[str, BusinessCalendar]) -> BusinessCalendar | None:
    step = OrgUnit.steplen  # materialised path: every ancestor's path is a prefix of ours
    for end in range(len(path), 0, -step):
        if path[:end] in by_path:
            return by_path[path[:end]]
    return None


def calendar_for_unit(org_unit) -> BusinessCalendar | None:
    """The calendar of `org_unit` or of its nearest ancestor that has one."""
    return None if org_unit is None else _nearest(org_unit.path, _unit_calendars()[1])


def calendar_for_unit_id(unit_id: int | None) -> BusinessCalendar | None:
    """The same for a unit known by its id (a request's department, its owner's unit)."""
    if unit_id is None:
        return None
    by_unit, by_path = _unit_calendars()
    if unit_id in by_unit:
        return by_unit[unit_id]
    path = unit_path(unit_id)  # a unit added since the cache was loaded (by another process)
    return None if path is None else _nearest(path, by_path)


# ── How a request stands against its time limits ─────────────────────────────────────────────
# Read from the clocks, never copied onto the request: a mass breach then stamps the clocks
# alone (one UPDATE) instead of also rewriting hundreds of thousands of request rows.


def time_limit_state(clocks) -> str:
    """ok / warning / breached: the worst of a request's running clocks."""
    running = [clock for clock in clocks if clock.stopped_at is None]
    if any(clock.breached_at for clock in running):
        return SlaState.BREACHED
    if any(clock.warned_at for clock in running):
        return SlaState.WARNING
    return SlaState.OK


def _running_clock(**stamped) -> Exists:
    return Exists(SlaClock.objects.filter(ticket=OuterRef("pk"), stopped_at__isnull=True, **stamped))


def with_time_limit_state(tickets: QuerySet) -> QuerySet:
    """Requests annotated with `sla_state` (evaluated only for the rows a page reads)."""
    return tickets.annotate(
        sla_state=Case(
            When(_running_clock(breached_at__isnull=False), then=Value(SlaState.BREACHED.value)),
            When(_running_clock(warned_at__isnull=False), then=Value(SlaState.WARNING.value)),
            default=Value(SlaState.OK.value),
            output_field=CharField(),
        )
    )


def filter_time_limit_state(tickets: QuerySet, state: str) -> QuerySet:
    breached, warned = _running_clock(breached_at__isnull=False), _running_clock(warned_at__isnull=False)
    if state == SlaState.BREACHED:
        return tickets.filter(breached)
    if state == SlaState.WARNING:
        return tickets.filter(warned).exclude(breached)
    if state == SlaState.OK:
        return tickets.exclude(warned).exclude(breached)
    return tickets.none()


# ── The sweep's steps on a request's timeline ───────────────────────────────────────────────
# The sweep stamps clocks and writes no row per request (in a mass breach, inserting an event
# per request and checking their foreign keys at commit took most of the sweep). The timeline
# shows the stamps; when a reopened request's clock starts again, its old stamps are kept as
# event rows first (clocks._restart).
_MILESTONES = ("warned", "breached", "reminded")


def clock_milestones(clocks) -> list[Milestone]:
    """Warnings, breaches and reminders of these clocks, for the request's timeline."""
    milestones = []
    for clock in clocks:
        for stamp in _MILESTONES:
            at = getattr(clock, f"{stamp}_at")
            # A clock breached without an earlier warning is stamped "warned" by the breach too.
            if at is None or (stamp == "warned" and at == clock.breached_at):
                continue
            milestones.append(Milestone(clock.ticket_id, stamp, str(clock.get_metric_display()), at))
    return milestones
