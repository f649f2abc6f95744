"""Quiet hours: when a customer is not to be disturbed by an SMS (or a call).

Seed 002 "避免在客户休息时打扰客户": by default the lunch rest and the night, 12:00–14:00 and
21:00–08:00 in the installation's time zone, the default the callback rules use
(`callbacks.models.default_quiet_hours`; a callback rule keeps its own, on its business
calendar, read with `parse_quiet_hours`). Setting `OUTBOX_QUIET_HOURS` changes them for
messages; `OUTBOX_QUIET_CHANNELS` names the channels they apply to (SMS by default). Other
apps (calls) use `quiet_end`.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

DEFAULT_QUIET_HOURS = [["12:00", "14:00"], ["21:00", "08:00"]]


def _period(entry) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(str(part)) for part in entry)
    except (TypeError, ValueError):
        raise ValueError(entry) from None
    return start, end


def parse_quiet_hours(value) -> list[tuple[time, time]]:
    """[["12:00", "14:00"], …] as (start, end) times; an end at or before the start wraps past
    midnight. Raises ValueError naming the bad entry (a period that starts where it ends too).
    For quiet hours an admin types in (callback rules)."""
    periods = []
    for entry in value or []:
        start, end = _period(entry)
        if start == end:
            raise ValueError(entry)
        periods.append((start, end))
    return periods


def quiet_periods() -> list[tuple[time, time]]:
    """The setting's periods (one that starts where it ends is left out)."""
    periods = (_period(entry) for entry in getattr(settings, "OUTBOX_QUIET_HOURS", DEFAULT_QUIET_HOURS))
    return [(start, end) for start, end in periods if start != end]


def applies_to(channel: str) -> bool:
    return channel in getattr(settings, "OUTBOX_QUIET_CHANNELS", ["sms"])


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


def _spans(day, zone):
    for start, end in quiet_periods():
        begin = datetime.combine(day, start, tzinfo=zone)
        if end > start:
            yield begin, datetime.combine(day, end, tzinfo=zone)
        else:  # past midnight
            yield begin, datetime.combine(day + timedelta(days=1), end, tzinfo=zone)


def quiet_end(moment: datetime | None = None) -> datetime | None:
    """The end of the quiet period `moment` lies in (following periods that join on), or None
    when `moment` is not in quiet hours."""
    zone = _zone()
    moment = (moment or timezone.now()).astimezone(zone)
    end = None
    at = moment
    for _ in range(10):  # joined periods, e.g. 21:00–00:00 then 00:00–08:00
        found = None
        for day in (at.date() - timedelta(days=1), at.date()):
            for start, stop in _spans(day, zone):
                if start <= at < stop and (found is None or stop > found):
                    found = stop
        if found is None:
            break
        end = at = found
    return end


def is_quiet(moment: datetime | None = None) -> bool:
    return quiet_end(moment) is not None


def next_allowed(moment: datetime, channel: str) -> datetime:
    """`moment`, or the end of its quiet period for a channel quiet hours apply to."""
    if not applies_to(channel):
        return moment
    return quiet_end(moment) or moment
