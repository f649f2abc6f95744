"""Public holidays by the statutory rule, for years no published schedule covers yet.

《全国年节及纪念日放假办法》 as revised in 2024 (国务院令第795号, in force from 2025):
- Art. 2: 元旦 1 day (1/1), 春节 4 days (除夕 to 初三), 清明 1 day, 劳动节 2 days (5/1–5/2),
  端午 1 day (lunar 5/5), 中秋 1 day (lunar 8/15), 国庆 3 days (10/1–10/3);
- Art. 6: a holiday of all citizens that falls on a Saturday or Sunday is made up on a
  working day (补假) — computed here as the next weekday after it that is not a holiday, and
  likewise for a day where two festivals coincide (中秋 on 10/1–10/3), so that every holiday
  costs one weekday as in the 2020 schedule;
- Art. 7: the State Council additionally swaps weekend days (调休) to make longer breaks.
  That part is a decision, not a rule, so a computed year stays **provisional** until an
  admin enters the official notice.
"""

from datetime import date, timedelta
from functools import lru_cache

from lunardate import LunarDate

LUNAR_YEARS = range(1900, 2100)  # the years lunardate 0.3.0 can convert


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def qingming(year: int) -> date:
    """The 清明 solar term by the usual 21st-century formula (C = 4.81).

    It agrees with chinesecalendar's astronomical table for 2001–2099 (tested); outside that
    range it may be a day off, which only matters for a provisional answer anyway.
    """
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def festivals(year: int) -> list[tuple[str, list[date]]]:
    """Art. 2 festivals of `year` with their dates (lunar ones only where lunardate knows the year)."""
    days = [
        ("元旦", [date(year, 1, 1)]),
        ("清明节", [qingming(year)]),
        ("劳动节", [date(year, 5, 1), date(year, 5, 2)]),
        ("国庆节", [date(year, 10, d) for d in (1, 2, 3)]),
    ]
    if year in LUNAR_YEARS:
        new_year = _lunar(year, 1, 1)
        days += [
            ("春节", [new_year + timedelta(days=offset) for offset in range(-1, 3)]),
            ("端午节", [_lunar(year, 5, 5)]),
            ("中秋节", [_lunar(year, 8, 15)]),
        ]
    return sorted(days, key=lambda item: item[1][0])


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """Days off in `year` by the rule: festival days, then one 补假 weekday per day owed.

    1. Each festival day takes its own date if that is a weekday not already taken;
       otherwise (weekend, or another festival's day) one weekday is owed.
    2. Each owed day becomes the first weekday after the festival day that is still free.
    """
    days: dict[date, str] = {}
    owed: list[tuple[date, str]] = []
    for name, dates in festivals(year):
        for day in dates:
            if day.weekday() >= 5 or day in days:
                owed.append((day, name))
            days.setdefault(day, name)
    for day, name in owed:
        while day.weekday() >= 5 or day in days:
            day += timedelta(days=1)
        days[day] = f"{name}补假"
    return {day: name for day, name in sorted(days.items()) if day.year == year}
