"""Working days and working hours on a business calendar.

Whether a date is a working day is decided, in order, by:
1. the calendar's own CalendarDay overrides (the official notice an admin entered, or local days);
2. the `chinesecalendar` library, for the years it knows (it raises for later years);
3. the statutory rule (kefu.sla.statutory) with weekends off — marked **provisional**.

A year's table is built once per calendar revision and cached in the process, so computing
deadlines for thousands of requests costs one query per calendar and year.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone

from .models import BusinessCalendar, CalendarDay
from .statutory import statutory_holidays

MAX_SEARCH_DAYS = 3660  # ten years: a limit that never finds a working day is a bad calendar


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    name: str
    source: str  # "override", "library" or "rule"
    provisional: bool


_tables: dict[tuple[int, int, int], dict[date, DayInfo]] = {}


def _library_day(day: date) -> DayInfo | None:
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return DayInfo(day, not is_holiday, name or "", "library", False)


def _rule_day(day: date) -> DayInfo:
    name = statutory_holidays(day.year).get(day, "")
    return DayInfo(day, not name and day.weekday() < 5, name, "rule", True)


def _year_table(calendar: BusinessCalendar, year: int) -> dict[date, DayInfo]:
    key = (calendar.pk, calendar.revision, year)
    table = _tables.get(key)
    if table is None:
        overrides = {d.date: d for d in CalendarDay.objects.filter(calendar_id=calendar.pk, date__year=year)}
        table = {}
        day = date(year, 1, 1)
        while day.year == year:
            override = overrides.get(day)
            if override is not None:
                table[day] = DayInfo(day, override.is_workday, override.name, "override", False)
            else:
                table[day] = _library_day(day) or _rule_day(day)
            day += timedelta(days=1)
        if len(_tables) > 256:
            _tables.clear()
        _tables[key] = table
    return table


def day_info(calendar: BusinessCalendar, day: date) -> DayInfo:
    return _year_table(calendar, day.year)[day]


def is_workday(calendar: BusinessCalendar, day: date) -> bool:
    return day_info(calendar, day).is_workday


def is_provisional(calendar: BusinessCalendar, day: date) -> bool:
    return day_info(calendar, day).provisional


def next_workday(calendar: BusinessCalendar, day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    for _ in range(MAX_SEARCH_DAYS):
        if is_workday(calendar, day):
            return day
        day += timedelta(days=1)
    raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days of {day}")


def add_working_days(calendar: BusinessCalendar, start: date, count: int) -> date:
    """The `count`-th working day after `start` (the start day itself is not counted)."""
    day = start
    for _ in range(count):
        day = next_workday(calendar, day + timedelta(days=1))
    return day


def add_calendar_days(calendar: BusinessCalendar, start: date, count: int) -> date:
    """`count` calendar days after `start`; a deadline on a non-working day moves to the next one."""
    return next_workday(calendar, start + timedelta(days=count))


def working_days_between(calendar: BusinessCalendar, start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(calendar, day)
    return count


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def working_intervals(calendar: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """The day's working hours as aware intervals (two when there is a lunch break)."""
    if not is_workday(calendar, day):
        return []
    start, end = _local(day, calendar.work_start), _local(day, calendar.work_end)
    if calendar.lunch_start and calendar.lunch_end and calendar.work_start < calendar.lunch_start < calendar.lunch_end:
        return [(start, _local(day, calendar.lunch_start)), (_local(day, calendar.lunch_end), end)]
    return [(start, end)]


def close_of_business(calendar: BusinessCalendar, day: date) -> datetime:
    return _local(day, calendar.work_end)


def add_working_seconds(calendar: BusinessCalendar, start: datetime, seconds: float) -> datetime:
    """The moment `seconds` of working time after `start`."""
    remaining = timedelta(seconds=seconds)
    day = timezone.localtime(start).date()
    for _ in range(MAX_SEARCH_DAYS):
        for begin, end in working_intervals(calendar, day):
            begin = max(begin, start)
            if begin >= end:
                continue
            if begin + remaining <= end:
                return begin + remaining
            remaining -= end - begin
        day += timedelta(days=1)
    raise ValueError("no working time found")


def add_working_hours(calendar: BusinessCalendar, start: datetime, hours: float) -> datetime:
    return add_working_seconds(calendar, start, hours * 3600)


def working_seconds_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Working time between two moments, in seconds (0 if end is before start)."""
    total = 0.0
    day, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    while day <= last:
        for begin, finish in working_intervals(calendar, day):
            overlap = (min(finish, end) - max(begin, start)).total_seconds()
            total += max(overlap, 0)
        day += timedelta(days=1)
    return total
