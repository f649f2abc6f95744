"""The statutory rule used for years no published schedule covers (2024 revision, Art. 2 and 6)."""

from datetime import date

import chinese_calendar
import pytest

from kefu.sla.statutory import festivals, qingming, statutory_holidays


def test_the_2024_revision_gives_13_festival_days_a_year():
    # 元旦 1 + 春节 4 + 清明 1 + 劳动节 2 + 端午 1 + 中秋 1 + 国庆 3
    assert sum(len(dates) for _name, dates in festivals(2027)) == 13


def test_spring_festival_runs_from_new_years_eve_to_the_third_day():
    # Lunar new year 2027 is 2027-02-06: 除夕 2/5, 初一–初三 2/6–2/8.
    holidays = statutory_holidays(2027)
    assert [holidays[date(2027, 2, d)] for d in range(5, 9)] == ["春节"] * 4


def test_a_festival_day_on_a_weekend_is_made_up_on_the_next_free_weekday():
    holidays = statutory_holidays(2027)
    # 2027-05-01/02 are Saturday/Sunday: Monday and Tuesday off instead.
    assert holidays[date(2027, 5, 3)] == holidays[date(2027, 5, 4)] == "劳动节补假"
    assert date(2027, 5, 5) not in holidays


def test_mid_autumn_on_a_national_day_holiday_adds_a_day():
    # 2028: 中秋 is 10/3 (Tuesday), already 国庆; 10/1 is a Sunday. Two weekdays are owed.
    holidays = statutory_holidays(2028)
    assert holidays[date(2028, 10, 4)] == "国庆节补假"
    assert holidays[date(2028, 10, 5)] == "中秋节补假"


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_weekday_the_rule_gives_off_was_off_in_the_official_schedule(year):
    """The rule is the floor of every notice: 调休 only adds to it."""
    off_by_rule = [day for day in statutory_holidays(year) if day.weekday() < 5]
    assert off_by_rule and not [day for day in off_by_rule if chinese_calendar.is_workday(day)]


def test_qingming_formula_matches_the_astronomical_table_for_2001_to_2099():
    for year in range(2001, 2100):
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        assert (qingming(year), "清明") in terms, year


def test_years_the_lunar_table_does_not_cover_keep_the_solar_holidays():
    holidays = statutory_holidays(2100)
    assert holidays[date(2100, 10, 1)] == "国庆节"
    assert "春节" not in holidays.values()
