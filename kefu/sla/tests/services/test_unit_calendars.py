"""Whose calendar a deadline counts on, in which time zone, and whether the API says it may move.

docs/calendar.md, "Which calendar a request uses": the calendar of the request's handling
department, else of its owner's unit (each unit inherits its nearest ancestor's), else the
policy's; days and hours are read in that calendar's own time zone.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from kefu.sla import clocks
from kefu.sla.choices import TimeUnit
from kefu.sla.models import BusinessCalendar, SlaClock
from kefu.sla.tests.factories import register
from kefu.tickets.tests.factories import install_workflows

SHANGHAI, URUMQI, UTC = ZoneInfo("Asia/Shanghai"), ZoneInfo("Asia/Urumqi"), ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def setup(db, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    install_workflows()


def resolution(ticket) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, metric="resolution")


def test_a_request_counts_on_the_calendar_of_its_owners_unit_not_the_policys(
    one_day_policy, agent, org, own_customer, monkeypatch
):
    # The company's own calendar (agent's unit): the working day ends at 21:00, not 17:30.
    BusinessCalendar.objects.create(name="热线日历", code="hotline", org_unit=org["company"], work_end=time(21))
    ticket = register(agent, own_customer, when=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), monkeypatch=monkeypatch)
    assert resolution(ticket).due_at == datetime(2026, 3, 3, 21, tzinfo=SHANGHAI)
    assert resolution(ticket).calendar.code == "hotline"


def test_the_nearest_units_calendar_wins_and_a_unit_without_one_falls_back_to_the_policys(
    one_day_policy, org, own_customer, monkeypatch
):
    from kefu.org.choices import Role
    from kefu.org.tests.factories import UserFactory

    BusinessCalendar.objects.create(name="城东日历", code="east", org_unit=org["east"], work_end=time(18))
    east_agent = UserFactory(username="east_agent", role=Role.AGENT, org_unit=org["east_team"])
    west_agent = UserFactory(username="west_agent", role=Role.AGENT, org_unit=org["west_team"])
    monday = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
    east = register(east_agent, own_customer, when=monday, monkeypatch=monkeypatch)
    west = register(west_agent, own_customer, when=monday, monkeypatch=monkeypatch)
    assert resolution(east).due_at == datetime(2026, 3, 3, 18, tzinfo=SHANGHAI)  # the branch's calendar
    assert resolution(west).due_at == datetime(2026, 3, 3, 17, 30, tzinfo=SHANGHAI)  # the policy's


def test_the_handling_department_s_calendar_wins_over_the_owners(one_day_policy, agent, org, own_customer, monkeypatch):
    BusinessCalendar.objects.create(name="总公司", code="hq", org_unit=org["company"], work_end=time(21))
    BusinessCalendar.objects.create(name="城西", code="west", org_unit=org["west"], work_end=time(16))
    ticket = register(agent, own_customer, when=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), monkeypatch=monkeypatch)
    ticket.department = org["west_team"]  # dispatched: a clock started now counts on the west's hours
    assert clocks.calendar_for(ticket).code == "west"


def test_a_paused_clock_is_shifted_on_the_calendar_it_was_counted_on(
    one_day_policy, agent, org, own_customer, monkeypatch
):
    BusinessCalendar.objects.create(name="热线日历", code="hotline", org_unit=org["company"], work_end=time(21))
    ticket = register(agent, own_customer, when=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), monkeypatch=monkeypatch)
    clock = resolution(ticket)
    clock.policy = clocks.policy_by_id(clock.policy_id)
    # Paused Monday 18:00-20:00: working time on the unit's calendar (open until 21:00), none on
    # the policy's (closed at 17:30), so the deadline moves by two hours.
    clocks._shift(
        clock, datetime(2026, 3, 2, 18, tzinfo=SHANGHAI), datetime(2026, 3, 2, 20, tzinfo=SHANGHAI)
    )  # fmt: skip
    assert clock.due_at == datetime(2026, 3, 4, 10, 30, tzinfo=SHANGHAI)  # Tue 21:00 + 2 h: Wed 8:30 + 2 h
    assert clock.paused_seconds == 2 * 3600


@pytest.mark.parametrize(
    ("zone", "start", "due"),
    [
        # 23:00 on Monday in Urumqi is already Tuesday 01:00 in Shanghai: one working day after
        # Monday ends on Tuesday, at 17:30 Urumqi time.
        (URUMQI, datetime(2026, 3, 2, 23, tzinfo=URUMQI), datetime(2026, 3, 3, 17, 30, tzinfo=URUMQI)),
        # 20:00 UTC on Monday is Tuesday 04:00 in Shanghai.
        (UTC, datetime(2026, 3, 2, 20, tzinfo=UTC), datetime(2026, 3, 3, 17, 30, tzinfo=UTC)),
    ],
)
def test_a_day_limit_counts_from_the_start_day_in_the_calendars_own_time_zone(zone, start, due):
    calendar = BusinessCalendar.objects.create(name="异地", code="far", time_zone=str(zone))
    assert clocks.deadline(calendar, start, 1, TimeUnit.WORKING_DAYS) == (due, False)
    assert clocks.deadline(calendar, start, 1, TimeUnit.CALENDAR_DAYS) == (due, False)


def test_a_units_calendar_is_found_without_a_query_once_loaded(org, django_assert_num_queries):
    from kefu.sla.selectors import calendar_for_unit_id

    branch = BusinessCalendar.objects.create(name="城东日历", code="east", org_unit=org["east"])
    assert calendar_for_unit_id(org["east_team"].pk) == branch
    with django_assert_num_queries(0):  # every new request asks
        assert calendar_for_unit_id(org["east_team"].pk) == branch
        assert calendar_for_unit_id(org["west_team"].pk) is None
