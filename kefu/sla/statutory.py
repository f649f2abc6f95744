"""Public holidays by the statutory rule, for years no published schedule covers yet.

《全国年节及纪念日放假办法》 as revised in 2024 (in force from 2025): 元旦 1 day, 春节 4 days
(除夕 to 初三), 清明 1 day, 劳动节 2 days (5/1–5/2), 端午 1 day, 中秋 1 day, 国庆 3 days
(10/1–10/3). The State Council also moves weekend days (调休) each year; those cannot be
computed, so such a year is marked provisional until an admin enters the official notice.
"""

from datetime import date, timedelta
from functools import lru_cache

from lunardate import LunarDate


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def qingming(year: int) -> date:
    """The 清明 solar term: the usual 21st-century formula (C = 4.81), valid 2001–2099."""
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    spring = _lunar(year, 1, 1)
    days = {date(year, 1, 1): "元旦", qingming(year): "清明节"}
    for offset in range(-1, 3):
        days[spring + timedelta(days=offset)] = "春节"
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = "劳动节"
    days[_lunar(year, 5, 5)] = "端午节"
    days[_lunar(year, 8, 15)] = "中秋节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return {day: name for day, name in days.items() if day.year == year}
