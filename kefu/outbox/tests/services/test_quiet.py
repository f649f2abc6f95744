from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.outbox import quiet

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "end"),
    [
        (at(2, 12, 30), at(2, 14)),  # the lunch rest
        (at(2, 21, 0), at(3, 8)),  # the night, across midnight
        (at(3, 6, 59), at(3, 8)),  # the morning part of the night
        (at(2, 14, 0), None),  # the end itself is callable
        (at(2, 10, 0), None),
    ],
)
def test_quiet_end_of_the_default_quiet_hours(moment, end):
    assert quiet.quiet_end(moment) == end
    assert quiet.is_quiet(moment) is (end is not None)


def test_joined_periods_end_at_the_last_one(settings):
    settings.OUTBOX_QUIET_HOURS = [["20:00", "23:00"], ["23:00", "07:00"]]
    assert quiet.quiet_end(at(2, 21)) == at(3, 7)


def test_quiet_hours_apply_to_the_configured_channels_only(settings):
    assert quiet.next_allowed(at(2, 22), "sms") == at(3, 8)
    assert quiet.next_allowed(at(2, 22), "email") == at(2, 22)
    settings.OUTBOX_QUIET_CHANNELS = []
    assert quiet.next_allowed(at(2, 22), "sms") == at(2, 22)
