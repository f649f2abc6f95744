"""Working days on the official 2025 and 2026 schedules, admin overrides, provisional years."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.sla import calendar as cal
from kefu.sla.models import CalendarDay
from kefu.sla.services import calendar_day_set, calendar_schedule_import, default_calendar
from kefu.sla.statutory import qingming, statutory_holidays


@pytest.fixture
def calendar(db):
    return default_calendar()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def test_three_working_days_from_monday_before_2025_spring_festival_is_due_2025_02_07(calendar):
    # 2025: 1/28–2/4 off for 春节; 2/8 (Saturday) a working day.
    assert cal.add_working_days(calendar, date(2025, 1, 27), 3) == date(2025, 2, 7)


def test_2025_adjusted_working_weekend_days_count(calendar):
    assert cal.is_workday(calendar, date(2025, 1, 26))  # Sunday made a working day
    assert cal.is_workday(calendar, date(2025, 2, 8))  # Saturday made a working day
    assert not cal.is_workday(calendar, date(2025, 2, 3))  # Monday in the holiday


@pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
def test_2026_weekend_workdays_count_as_working_days(calendar, day):
    assert date.fromisoformat(day).weekday() >= 5
    assert cal.is_workday(calendar, date.fromisoformat(day))


def test_2026_national_day_week_is_off(calendar):
    assert not any(cal.is_workday(calendar, date(2026, 10, d)) for d in range(1, 8))


def test_admin_override_beats_the_library(calendar, admin_user):
    calendar_day_set(actor=admin_user, calendar=calendar, day=date(2026, 3, 2), is_workday=False, name="暴雪停工")
    calendar.refresh_from_db()
    info = cal.day_info(calendar, date(2026, 3, 2))
    assert (info.is_workday, info.name, info.source) == (False, "暴雪停工", "override")


def test_2027_is_computed_by_rule_and_marked_provisional(calendar):
    info = cal.day_info(calendar, date(2027, 2, 8))  # 初三 of the 2027 Spring Festival
    assert info.provisional and not info.is_workday and info.name == "春节"
    assert cal.is_workday(calendar, date(2027, 2, 10))
    assert cal.add_working_days(calendar, date(2027, 12, 30), 5) == date(2028, 1, 6)


def test_statutory_rule_gives_the_2025_revision_holidays():
    holidays = statutory_holidays(2027)
    assert len(holidays) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    assert qingming(2025) == date(2025, 4, 4) and qingming(2026) == date(2026, 4, 5)


def test_calendar_day_limit_does_not_count_start_day_and_moves_off_holiday(calendar):
    assert cal.add_calendar_days(calendar, date(2026, 3, 2), 3) == date(2026, 3, 5)
    # 2026-09-28 + 3 days = 10-01, National Day: moves to the first working day, 10-08.
    assert cal.add_calendar_days(calendar, date(2026, 9, 28), 3) == date(2026, 10, 8)


def test_working_hours_skip_the_lunch_break(calendar):
    # Monday 2026-03-02, 11:00 + 2 working hours: 1 h before lunch, 1 h after 13:30.
    assert cal.add_working_hours(calendar, at(date(2026, 3, 2), 11), 2) == at(date(2026, 3, 2), 14, 30)


def test_working_hours_run_over_night_and_weekend(calendar):
    # Friday 2026-03-06 16:30 + 2 h: 1 h on Friday, 1 h from Monday 08:30.
    assert cal.add_working_hours(calendar, at(date(2026, 3, 6), 16, 30), 2) == at(date(2026, 3, 9), 9, 30)


def test_working_seconds_between_two_moments(calendar):
    seconds = cal.working_seconds_between(calendar, at(date(2026, 3, 6), 16, 30), at(date(2026, 3, 9), 9, 30))
    assert seconds == 2 * 3600


def test_import_of_official_schedule_reports_bad_rows_and_writes_nothing(calendar, admin_user):
    text = "日期,是否上班,名称\n2027-02-06,no,春节\n2027-02-20,maybe,调休\nnot-a-date,yes,x\n"
    with pytest.raises(ValidationError) as error:
        calendar_schedule_import(actor=admin_user, calendar=calendar, text=text)
    assert len(error.value.messages) == 2
    assert "3" in error.value.messages[0] and "4" in error.value.messages[1]
    assert not CalendarDay.objects.exists()


def test_imported_official_schedule_makes_the_year_final(calendar, admin_user):
    count = calendar_schedule_import(
        actor=admin_user, calendar=calendar, text="2027-02-20,是,春节调休\n2027-02-12,否,春节\n"
    )
    assert count == 2
    assert cal.is_workday(calendar, date(2027, 2, 20))
    assert cal.day_info(calendar, date(2027, 2, 20)).source == "override"


def test_cached_days_expire_when_an_override_is_saved(calendar, admin_user):
    day = date(2026, 3, 3)
    assert cal.is_workday(calendar, day)
    calendar_day_set(actor=admin_user, calendar=calendar, day=day, is_workday=False, name="停电检修")
    assert not cal.is_workday(calendar, day)


def test_a_whole_year_of_lookups_costs_one_query(calendar, django_assert_max_num_queries):
    calendar.revision += 1000  # a fresh cache key
    with django_assert_max_num_queries(1):
        assert cal.working_days_between(calendar, date(2026, 1, 1), date(2026, 12, 31)) > 240
