"""Working days on the official 2025 and 2026 schedules, admin overrides, provisional years."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.sla import calendar as cal
from kefu.sla.choices import DaySource
from kefu.sla.models import BusinessCalendar
from kefu.sla.services import calendar_day_set, calendar_schedule_import

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int, minute: int = 0, tz=SHANGHAI) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=tz)


# Working days on the official schedules (chinesecalendar 1.11.0)


def test_three_working_days_from_monday_before_2025_spring_festival_is_due_2025_02_07(calendar):
    # 2025: 1/28–2/4 off for 春节; 1/26 (Sunday) and 2/8 (Saturday) worked.
    assert cal.add_working_days(calendar, date(2025, 1, 27), 3) == date(2025, 2, 7)


def test_2025_adjusted_working_weekend_days_count(calendar):
    assert cal.is_workday(calendar, date(2025, 1, 26))  # Sunday made a working day
    assert cal.is_workday(calendar, date(2025, 2, 8))  # Saturday made a working day
    assert not cal.is_workday(calendar, date(2025, 2, 3))  # Monday in the holiday
    assert cal.day_info(calendar, date(2025, 2, 8)).name == "春节调休上班"


@pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
def test_2026_weekend_workdays_count_as_working_days(calendar, day):
    assert date.fromisoformat(day).weekday() >= 5
    assert cal.is_workday(calendar, date.fromisoformat(day))


def test_2026_national_day_week_is_off_and_named_in_chinese(calendar):
    assert not any(cal.is_workday(calendar, date(2026, 10, d)) for d in range(1, 8))
    info = cal.day_info(calendar, date(2026, 10, 1))
    assert (info.name, info.source, info.provisional) == ("国庆节", "library", False)


def test_working_days_between_counts_days_after_the_start(calendar):
    # 2026-02-13 (Fri) → 2026-02-27 (Fri): 2/14 worked, 2/15–2/23 off, 2/24–2/27 worked.
    assert cal.working_days_between(calendar, date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert cal.working_days_between(calendar, date(2026, 2, 27), date(2026, 2, 13)) == 0


def test_zero_working_days_is_the_start_day_and_negative_is_refused(calendar):
    assert cal.add_working_days(calendar, date(2026, 3, 7), 0) == date(2026, 3, 7)
    with pytest.raises(ValueError):
        cal.add_working_days(calendar, date(2026, 3, 7), -1)


# Calendar-day limits (SPEC §14)


def test_calendar_day_limit_does_not_count_start_day_and_moves_off_holiday(calendar):
    assert cal.add_calendar_days(calendar, date(2026, 3, 2), 3) == date(2026, 3, 5)
    # Friday + 1 day is Saturday: moves to Monday.
    assert cal.add_calendar_days(calendar, date(2026, 3, 6), 1) == date(2026, 3, 9)
    # 2026-09-28 + 3 days = 10-01, National Day: moves to the first working day, 10-08.
    assert cal.add_calendar_days(calendar, date(2026, 9, 28), 3) == date(2026, 10, 8)


def test_calendar_day_limit_may_end_on_a_working_saturday(calendar):
    assert cal.add_calendar_days(calendar, date(2026, 10, 7), 3) == date(2026, 10, 10)


# Overrides, provisional years, the notice


def test_admin_override_beats_the_library(calendar, admin_user):
    calendar_day_set(actor=admin_user, calendar=calendar, day=date(2026, 3, 2), is_workday=False, name="暴雪停工")
    info = cal.day_info(calendar, date(2026, 3, 2))
    assert (info.is_workday, info.name, info.source, info.provisional) == (False, "暴雪停工", "override", False)


def test_2027_is_computed_by_rule_and_marked_provisional(calendar):
    info = cal.day_info(calendar, date(2027, 2, 8))  # 初三 of the 2027 Spring Festival
    assert info.provisional and not info.is_workday and info.name == "春节"
    # 初一 and 初二 fall on the weekend: made up on Tuesday and Wednesday (补假).
    assert cal.day_info(calendar, date(2027, 2, 10)).name == "春节补假"
    assert cal.is_workday(calendar, date(2027, 2, 11))
    assert cal.add_working_days(calendar, date(2027, 12, 30), 5) == date(2028, 1, 7)  # 2028-01-03 补假 of 元旦


def test_far_future_years_do_not_crash(calendar):
    for year in (2099, 2100, 2150):
        assert cal.add_working_days(calendar, date(year, 1, 1), 10) > date(year, 1, 1)
        assert cal.is_provisional(calendar, date(year, 6, 1))


def test_a_local_closure_leaves_a_future_year_provisional(calendar, admin_user):
    calendar_day_set(
        actor=admin_user, calendar=calendar, day=date(2027, 3, 1), is_workday=False, name="搬迁", source=DaySource.LOCAL
    )
    assert cal.day_info(calendar, date(2027, 3, 1)).source == "override"
    assert cal.is_provisional(calendar, date(2027, 3, 2))
    assert not cal.is_workday(calendar, date(2027, 2, 8))  # still the rule's 春节


def test_entering_the_official_notice_makes_the_year_final(calendar, admin_user):
    # A made-up notice for 2027: 春节 2/5–2/11 with 2/20 worked, nothing else yet.
    calendar_schedule_import(
        actor=admin_user, calendar=calendar, text="2027-02-05~2027-02-11,休,春节\n2027-02-20,班,春节调休上班\n"
    )
    assert cal.is_workday(calendar, date(2027, 2, 20))
    assert not cal.is_workday(calendar, date(2027, 2, 11))
    # Days the notice does not list are ordinary days, no longer the rule's guesses.
    plain = cal.day_info(calendar, date(2027, 10, 4))
    assert (plain.is_workday, plain.source, plain.provisional) == (True, "notice", False)
    assert not cal.is_workday(calendar, date(2027, 2, 13))  # an ordinary Saturday


# Working hours


def test_working_hours_skip_the_lunch_break(calendar):
    # Monday 2026-03-02, 11:00 + 2 working hours: 1 h before lunch, 1 h after 13:30.
    assert cal.add_working_hours(calendar, at("2026-03-02", 11), 2) == at("2026-03-02", 14, 30)
    assert cal.add_working_hours(calendar, at("2026-03-02", 12, 15), 1) == at("2026-03-02", 14, 30)


def test_working_hours_start_at_opening_when_registered_early(calendar):
    assert cal.add_working_hours(calendar, at("2026-03-02", 7), 1) == at("2026-03-02", 9, 30)


def test_working_hours_run_over_night(calendar):
    assert cal.add_working_hours(calendar, at("2026-03-03", 17), 1) == at("2026-03-04", 9)


def test_working_hours_run_over_night_and_weekend(calendar):
    # Friday 2026-03-06 16:30 + 2 h: 1 h on Friday, 1 h from Monday 08:30.
    assert cal.add_working_hours(calendar, at("2026-03-06", 16, 30), 2) == at("2026-03-09", 9, 30)


def test_working_hours_skip_a_holiday_and_use_a_working_saturday(calendar):
    assert cal.add_working_hours(calendar, at("2026-09-30", 16, 30), 2) == at("2026-10-08", 9, 30)
    assert cal.add_working_hours(calendar, at("2026-02-13", 17), 1) == at("2026-02-14", 9)


def test_working_seconds_between_two_moments(calendar):
    seconds = cal.working_seconds_between(calendar, at("2026-03-06", 16, 30), at("2026-03-09", 9, 30))
    assert seconds == 2 * 3600
    assert cal.working_seconds_between(calendar, at("2026-03-02", 0), at("2026-03-03", 0)) == 7.5 * 3600
    assert cal.working_seconds_between(calendar, at("2026-03-09", 9), at("2026-03-06", 9)) == 0


def test_a_pause_measured_in_working_time_moves_the_deadline_by_the_same(calendar):
    due = at("2026-03-06", 15)
    paused = cal.working_seconds_between(calendar, at("2026-03-05", 17), at("2026-03-06", 9))  # 1 h
    assert cal.add_working_seconds(calendar, due, paused) == at("2026-03-06", 16)


def test_working_hours_are_read_in_the_calendars_time_zone(db):
    urumqi = BusinessCalendar.objects.create(name="乌鲁木齐", code="urc", time_zone="Asia/Urumqi")
    start = at("2026-03-02", 17, 0, tz=ZoneInfo("Asia/Urumqi"))
    assert cal.add_working_hours(urumqi, start, 0.5) == at("2026-03-02", 19, 30)  # 17:30 Urumqi, UTC+6


def test_naive_datetimes_are_refused(calendar):
    with pytest.raises(ValueError):
        cal.add_working_hours(calendar, datetime(2026, 3, 2, 9), 1)  # noqa: DTZ001 - the point of the test


# The cache


def test_cached_days_expire_when_an_override_is_saved(calendar, admin_user):
    day = date(2026, 3, 3)
    assert cal.is_workday(calendar, day)
    calendar_day_set(actor=admin_user, calendar=calendar, day=day, is_workday=False, name="停电检修")
    assert not cal.is_workday(calendar, day)


def test_another_instance_of_the_calendar_sees_the_change_once_reloaded(calendar, admin_user):
    day = date(2026, 3, 3)
    elsewhere = BusinessCalendar.objects.get(pk=calendar.pk)
    assert cal.is_workday(elsewhere, day)
    calendar_day_set(actor=admin_user, calendar=calendar, day=day, is_workday=False, name="停电检修")
    elsewhere.refresh_from_db()
    assert not cal.is_workday(elsewhere, day)


def test_a_whole_year_of_lookups_costs_one_query(calendar, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        # 2026: 261 weekdays − 19 of them holidays + 6 weekend days worked (1/1 is a holiday).
        assert cal.working_days_between(calendar, date(2026, 1, 1), date(2026, 12, 31)) == 248


def test_deadlines_for_a_thousand_requests_cost_one_query_per_year(calendar, django_assert_max_num_queries):
    starts = [at("2026-01-01", 9) + timedelta(hours=10 * n) for n in range(1000)]  # into 2027
    with django_assert_max_num_queries(2):
        for start in starts:
            cal.add_working_days(calendar, start.date(), 7)
            cal.add_working_hours(calendar, start, 24)
