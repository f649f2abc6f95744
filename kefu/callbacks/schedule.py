"""When a customer may be called: working days of the rule's calendar, outside quiet hours.

SPEC §6 (seed 002 "避免在客户休息时打扰客户"): never in the customer's rest hours (default
12:00–14:00 and 21:00–08:00) and never on a public holiday or a weekend that is not worked
(调休 working weekends count), read from the business calendar (kefu/sla/calendar.py).

A task is due `amount` hours or days after the event. Days are calendar days with the start
day not counted and a date off work moved to the next working day (SPEC §14); the due time
keeps the event's time of day. A due moment inside quiet hours moves back to the end of the
callable period before it (still on that day, and after the event), else forward to the next
callable moment.
"""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from kefu.outbox.quiet import parse_quiet_hours
from kefu.sla import calendar as cal

MINUTE = timedelta(minutes=1)
MAX_DAYS = 366


def _quiet_spans(day: date, periods, zone) -> list[tuple[datetime, datetime]]:
    spans = []
    for start, end in periods:
        begin = datetime.combine(day, start, tzinfo=zone)
        if end > start:
            spans.append((begin, datetime.combine(day, end, tzinfo=zone)))
        else:  # past midnight: the evening of this day and the morning of this day
            spans.append((begin, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)))
            spans.append((datetime.combine(day, time(0), tzinfo=zone), datetime.combine(day, end, tzinfo=zone)))
    return spans


def callable_windows(calendar, day: date, quiet_hours) -> list[tuple[datetime, datetime]]:
    """The day's periods in which a customer may be called, in order (none on a day off)."""
    if not cal.is_workday(calendar, day):
        return []
    zone = cal.zone(calendar)
    windows = [
        (datetime.combine(day, time(0), tzinfo=zone), datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone))
    ]
    for q_start, q_end in _quiet_spans(day, parse_quiet_hours(quiet_hours), zone):
        cut = []
        for w_start, w_end in windows:
            if q_end <= w_start or q_start >= w_end:
                cut.append((w_start, w_end))
                continue
            if w_start < q_start:
                cut.append((w_start, q_start))
            if q_end < w_end:
                cut.append((q_end, w_end))
        windows = cut
    return windows


def is_callable(calendar, moment: datetime, quiet_hours) -> bool:
    day = cal.local_date(calendar, moment)
    return any(start <= moment < end for start, end in callable_windows(calendar, day, quiet_hours))


def next_callable(calendar, moment: datetime, quiet_hours) -> datetime:
    """`moment` if a customer may be called then, else the start of the next callable period."""
    day = cal.local_date(calendar, moment)
    for _ in range(MAX_DAYS):
        for start, end in callable_windows(calendar, day, quiet_hours):
            if moment < end:
                return max(start, moment)
        day += timedelta(days=1)
    raise ValueError("no callable time within a year: check the calendar and quiet hours")


def _last_callable_before(calendar, moment: datetime, quiet_hours, *, not_before: datetime) -> datetime | None:
    """The last callable minute before `moment` on the same day, after `not_before`."""
    day = cal.local_date(calendar, moment)
    for start, end in reversed(callable_windows(calendar, day, quiet_hours)):
        if start < moment:
            latest = min(end - MINUTE, moment)
            if latest > not_before and latest >= start:
                return latest
    return None


def due_time(calendar, start: datetime, amount: int, unit: str, quiet_hours) -> datetime:
    """When a task created at `start` is due (see the module docstring)."""
    if unit == "hours":
        target = start + timedelta(hours=amount)
    else:
        local = start.astimezone(cal.zone(calendar))
        day = cal.add_calendar_days(calendar, local.date(), amount)
        target = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=cal.zone(calendar))
    if is_callable(calendar, target, quiet_hours):
        return target
    earlier = _last_callable_before(calendar, target, quiet_hours, not_before=start)
    return earlier or next_callable(calendar, target, quiet_hours)


def repeat_due(calendar, start: datetime, months: int, quiet_hours) -> datetime:
    """A repeat `months` after `start` (a warranty's follow-up every 3 months), at a callable time."""
    local = start.astimezone(cal.zone(calendar)) + relativedelta(months=months)
    return next_callable(calendar, local, quiet_hours)
