"""Reads of business calendars: a year at a glance, and which calendar an organisation uses.

Calendars are configuration, visible to every staff member, so there is no data scope here.
"""

from datetime import date, timedelta

from . import calendar as business_calendar
from .calendar import DayInfo
from .models import BusinessCalendar


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


def calendar_for_unit(org_unit) -> BusinessCalendar | None:
    """The calendar of `org_unit` or of its nearest ancestor that has one (one query)."""
    if org_unit is None:
        return None
    step = org_unit.steplen  # materialised path: every ancestor's path is a prefix of ours
    paths = [org_unit.path[:end] for end in range(step, len(org_unit.path) + 1, step)]
    calendars = BusinessCalendar.objects.filter(org_unit__path__in=paths).select_related("org_unit")
    return max(calendars, key=lambda c: (c.org_unit.depth, -c.pk), default=None)
