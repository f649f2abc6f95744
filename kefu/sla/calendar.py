"""Working days and working hours on a business calendar.

Whether a date is a working day is decided, in order, by:
1. the calendar's own CalendarDay overrides (the official notice an admin entered, or local days);
2. the `chinesecalendar` library, for the years it knows (it raises for later years);
3. for a year with official days entered but unknown to the library: the notice is taken as
   complete, so any other day is an ordinary weekday or weekend (source "notice");
4. otherwise the statutory rule (kefu.sla.statutory) with weekends off — marked **provisional**.

A year's table is built once per calendar revision and cached in the process, so computing
deadlines for thousands of requests costs one query per calendar and year. Services bump
`BusinessCalendar.revision` on every change of a day, which changes the cache key; callers
holding an old calendar instance keep using the old table until they reload it.

Times are read in the calendar's time zone; every datetime in or out is aware.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday

from .choices import DaySource
from .models import BusinessCalendar, CalendarDay
from .statutory import statutory_holidays

MAX_SEARCH_DAYS = 3660  # ten years: a limit that never finds a working day is a bad calendar
_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in Holiday}


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    name: str
    source: str  # "override", "library", "notice" or "rule" (see the module docstring)
    provisional: bool


_tables: dict[tuple[int, int, int], dict[date, DayInfo]] = {}


def _library_day(day: date) -> DayInfo | None:
    """The published schedule as chinesecalendar knows it, or None for a year it does not know."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    name = _CHINESE_NAMES.get(name, name or "")
    if name and not is_holiday:
        name = f"{name}调休上班"  # a weekend day worked to lengthen that holiday
    return DayInfo(day, not is_holiday, name, "library", False)


def _rule_day(day: date) -> DayInfo:
    name = statutory_holidays(day.year).get(day, "")
    return DayInfo(day, not name and day.weekday() < 5, name, "rule", True)


def _notice_day(day: date) -> DayInfo:
    return DayInfo(day, day.weekday() < 5, "", "notice", False)


def _year_table(calendar: BusinessCalendar, year: int) -> dict[date, DayInfo]:
    """Every day of `year`, resolved in the order of the module docstring (one query)."""
    key = (calendar.pk, calendar.revision, year)
    table = _tables.get(key)
    if table is None:
        overrides = {d.date: d for d in CalendarDay.objects.filter(calendar_id=calendar.pk, date__year=year)}
        fallback = _rule_day
        if any(entry.source == DaySource.OFFICIAL for entry in overrides.values()):
            fallback = _notice_day
        table = {}
        day = date(year, 1, 1)
        while day.year == year:
            override = overrides.get(day)
            if override is not None:
                table[day] = DayInfo(day, override.is_workday, override.name, "override", False)
            else:
                table[day] = _library_day(day) or fallback(day)
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
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    for _ in range(count):
        day = next_workday(calendar, day + timedelta(days=1))
    return day


def add_calendar_days(calendar: BusinessCalendar, start: date, count: int) -> date:
    """`count` calendar days after `start`; a deadline on a non-working day moves to the next one.

    SPEC §14: the start day is not counted (day 1 is the day after `start`).
    """
    return next_workday(calendar, start + timedelta(days=count))


def working_days_between(calendar: BusinessCalendar, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if `end` is not after `start`)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(calendar, day)
    return count


@lru_cache(maxsize=32)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(calendar: BusinessCalendar) -> ZoneInfo:
    return _zone(calendar.time_zone)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business calendar arithmetic needs aware datetimes")
    return moment


def _local(calendar: BusinessCalendar, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=zone(calendar))


def local_date(calendar: BusinessCalendar, moment: datetime) -> date:
    """The date `moment` falls on in the calendar's time zone."""
    return _aware(moment).astimezone(zone(calendar)).date()


def working_intervals(calendar: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """The day's working hours as aware intervals (two when there is a lunch break)."""
    if not is_workday(calendar, day):
        return []
    start, end = _local(calendar, day, calendar.work_start), _local(calendar, day, calendar.work_end)
    if calendar.lunch_start and calendar.lunch_end and calendar.work_start < calendar.lunch_start < calendar.lunch_end:
        return [(start, _local(calendar, day, calendar.lunch_start)), (_local(calendar, day, calendar.lunch_end), end)]
    return [(start, end)]


def close_of_business(calendar: BusinessCalendar, day: date) -> datetime:
    return _local(calendar, day, calendar.work_end)


def add_working_seconds(calendar: BusinessCalendar, start: datetime, seconds: float) -> datetime:
    """The moment `seconds` of working time after `start` (a start outside hours waits for them)."""
    remaining = timedelta(seconds=seconds)
    day = local_date(calendar, start)
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
    """Working time between two moments, in seconds (0 if end is before start).

    SLA clocks use it to measure a pause, so that resuming moves the deadline by the working
    time lost rather than by wall-clock time.
    """
    total = 0.0
    day, last = local_date(calendar, start), local_date(calendar, _aware(end))
    while day <= last:
        for begin, finish in working_intervals(calendar, day):
            overlap = (min(finish, end) - max(begin, start)).total_seconds()
            total += max(overlap, 0)
        day += timedelta(days=1)
    return total
