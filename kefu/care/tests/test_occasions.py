"""The care calendar's holiday dates, checked against a table written by hand from the published
calendars (not computed by the library under test)."""

from datetime import date

import pytest

from kefu.care.choices import Occasion
from kefu.care.occasions import holiday_date, holidays_between, month_days_matching, yearly_date

KNOWN = {
    Occasion.SPRING_FESTIVAL: {
        2025: date(2025, 1, 29),
        2026: date(2026, 2, 17),
        2027: date(2027, 2, 6),
        2028: date(2028, 1, 26),
        2029: date(2029, 2, 13),
        2030: date(2030, 2, 3),
    },
    Occasion.DRAGON_BOAT: {
        2025: date(2025, 5, 31),
        2026: date(2026, 6, 19),
        2027: date(2027, 6, 9),
        2028: date(2028, 5, 28),
        2029: date(2029, 6, 16),
        2030: date(2030, 6, 5),
    },
    Occasion.MID_AUTUMN: {
        2025: date(2025, 10, 6),
        2026: date(2026, 9, 25),
        2027: date(2027, 9, 15),
        2028: date(2028, 10, 3),
        2029: date(2029, 9, 22),
        2030: date(2030, 9, 12),
    },
}


@pytest.mark.parametrize(
    ("occasion", "year", "expected"),
    [(occasion, year, day) for occasion, years in KNOWN.items() for year, day in years.items()],
)
def test_lunar_holidays_fall_on_their_gregorian_dates_2025_to_2030(occasion, year, expected):
    assert holiday_date(occasion, year) == expected


def test_new_year_is_the_first_of_january_every_year():
    assert [holiday_date(Occasion.NEW_YEAR, year) for year in (2025, 2099, 2150)] == [
        date(2025, 1, 1),
        date(2099, 1, 1),
        date(2150, 1, 1),
    ]


def test_a_year_beyond_the_lunar_tables_has_no_lunar_holiday_rather_than_an_error():
    assert holiday_date(Occasion.SPRING_FESTIVAL, 2150) is None
    assert [item.occasion for item in holidays_between(date(2150, 1, 1), date(2150, 12, 31))] == [Occasion.NEW_YEAR]


def test_the_holidays_of_a_month_are_listed_in_date_order():
    found = holidays_between(date(2026, 1, 1), date(2026, 2, 28))
    assert [(item.day, item.occasion) for item in found] == [
        (date(2026, 1, 1), Occasion.NEW_YEAR),
        (date(2026, 2, 17), Occasion.SPRING_FESTIVAL),
    ]


def test_a_leap_day_birthday_is_greeted_on_28_february_in_a_common_year():
    assert yearly_date(date(1992, 2, 29), 2026) == date(2026, 2, 28)
    assert month_days_matching(date(2026, 2, 28)) == [(2, 28), (2, 29)]
    assert month_days_matching(date(2028, 2, 28)) == [(2, 28)]
    assert month_days_matching(date(2028, 2, 29)) == [(2, 29)]
