"""Reading an official holiday schedule typed or pasted by an admin.

One line per day or per range, as the State Council notice lists them:

    2027-02-05~2027-02-11,休,春节
    2027-02-20,班,春节调休上班

Every bad line is reported (with its number) rather than the first one only, so the admin
fixes the whole file in one pass; the service writes nothing unless every line is good.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from kefu.core.dates import parse_date

from .models import CalendarDay

TRUE_WORDS = {"1", "true", "yes", "y", "是", "班", "上班", "workday", "work"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "休", "放假", "holiday", "off"}
RANGE_SEPARATORS = ("~", "～", "至", "..")
MAX_RANGE_DAYS = 31  # the longest official break is 8–9 days; a longer range is a typo
NAME_LENGTH = CalendarDay._meta.get_field("name").max_length


@dataclass(frozen=True)
class ScheduleRow:
    line: int
    date: date
    is_workday: bool
    name: str


def _parse_one(text: str) -> date:
    try:
        day = parse_date(text.strip())
    except (ValueError, OverflowError):
        day = None
    if day is None:
        raise ValueError(_("“%(value)s” is not a date.") % {"value": text.strip()})
    return day


def _parse_dates(text: str) -> list[date]:
    for separator in RANGE_SEPARATORS:
        if separator in text:
            first, _sep, last = text.partition(separator)
            start, end = _parse_one(first), _parse_one(last)
            if not 0 <= (end - start).days < MAX_RANGE_DAYS:
                raise ValueError(_("“%(value)s” is not a range of up to a month.") % {"value": text.strip()})
            return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [_parse_one(text)]


def _parse_line(row: list[str]) -> tuple[list[date], bool, str]:
    if len(row) < 2:
        raise ValueError(_("Expected: date, working day (班/休), name"))
    days = _parse_dates(row[0])
    flag = row[1].strip().lower()
    if flag not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(_("“%(value)s” is neither 班 (working day) nor 休 (day off).") % {"value": row[1]})
    name = (row[2] if len(row) > 2 else "").strip()
    if len(name) > NAME_LENGTH:
        raise ValueError(_("The name is longer than %(max)d characters.") % {"max": NAME_LENGTH})
    return days, flag in TRUE_WORDS, name


def parse_schedule(text: str) -> tuple[list[ScheduleRow], list[dict]]:
    """Rows of the schedule, and an error {"line", "message"} for every bad line.

    Blank lines, a header line and lines starting with # are skipped; a date given twice is
    an error, since the file would contradict itself.
    """
    rows: list[ScheduleRow] = []
    errors: list[dict] = []
    seen: dict[date, int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        first = row[0].strip().lower() if row else ""
        if not "".join(row).strip() or first.startswith("#") or first in ("date", "日期"):
            continue
        try:
            days, is_workday, name = _parse_line(row)
        except ValueError as error:
            errors.append({"line": number, "message": str(error)})
            continue
        repeated = [day for day in days if day in seen]
        if repeated:
            message = _("%(date)s is already given on line %(line)d.")
            errors.append({"line": number, "message": message % {"date": repeated[0], "line": seen[repeated[0]]}})
            continue
        for day in days:
            seen[day] = number
            rows.append(ScheduleRow(number, day, is_workday, name))
    return rows, errors
