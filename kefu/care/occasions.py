"""The care calendar's dates: the four holidays of seed 002 for any year (春节, 端午, 中秋 from the
lunar calendar, through the lunardate library that the business calendar uses too), birthdays
(29 February greeted on 28 February in other years) and the organisation's custom dates."""

from dataclasses import dataclass
from datetime import date

from lunardate import LunarDate

from .choices import Occasion

LUNAR_YEARS = range(1900, 2100)  # the years lunardate 0.3.0 can convert


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def holiday_date(occasion: str, year: int) -> date | None:
    """The Gregorian date of a holiday occasion in `year` (None outside the lunar library's years)."""
    if occasion == Occasion.NEW_YEAR:
        return date(year, 1, 1)
    if year not in LUNAR_YEARS:
        return None
    if occasion == Occasion.SPRING_FESTIVAL:
        return _lunar(year, 1, 1)
    if occasion == Occasion.DRAGON_BOAT:
        return _lunar(year, 5, 5)
    if occasion == Occasion.MID_AUTUMN:
        return _lunar(year, 8, 15)
    return None


def yearly_date(day: date, year: int) -> date:
    """A birthday or yearly custom date in `year` (29 February becomes 28 February in other years)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def month_days_matching(day: date) -> list[tuple[int, int]]:
    """The (month, day) pairs whose birthdays fall on `day`: 28 February in a common year also
    greets those born on 29 February."""
    pairs = [(day.month, day.day)]
    if (day.month, day.day) == (2, 28) and yearly_date(date(2000, 2, 29), day.year) == day:
        pairs.append((2, 29))
    return pairs


@dataclass(frozen=True)
class CalendarOccasion:
    day: date
    occasion: str
    label: str


def holidays_between(first: date, last: date) -> list[CalendarOccasion]:
    """The four holidays that fall between `first` and `last` (inclusive)."""
    found = []
    for year in range(first.year, last.year + 1):
        for occasion in (Occasion.NEW_YEAR, Occasion.SPRING_FESTIVAL, Occasion.DRAGON_BOAT, Occasion.MID_AUTUMN):
            day = holiday_date(occasion, year)
            if day and first <= day <= last:
                found.append(CalendarOccasion(day, occasion, str(Occasion(occasion).label)))
    return sorted(found, key=lambda item: item.day)


def custom_dates_between(custom, first: date, last: date) -> list[date]:
    """The dates of a CustomOccasion between `first` and `last`."""
    if not custom.yearly:
        return [custom.day] if first <= custom.day <= last else []
    days = []
    for year in range(max(first.year, custom.day.year), last.year + 1):
        day = yearly_date(custom.day, year)
        if first <= day <= last:
            days.append(day)
    return days
