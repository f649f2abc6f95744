"""Dates as people and spreadsheets write them: the one parser for typed and imported dates
(customer archive fields and imports, pasted holiday schedules)."""

import re
from datetime import date, datetime, timedelta

_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date(raw) -> date | None:
    """A date from a date object, an Excel serial or text (2024-05-31, 2024/5/31, 2024.5.31,
    20240531, 2024年5月31日, or a date with a time after it); None for nothing. Raises
    ValueError (or OverflowError) for anything else: the caller names the field or row."""
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) or (isinstance(raw, str) and re.fullmatch(r"\d{5}(\.0+)?", raw.strip())):
        serial = int(float(raw))
        if 1 <= serial <= 2958465:
            return _EXCEL_EPOCH + timedelta(days=serial)
        raise ValueError(raw)
    text = str(raw).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)  # the common case
        except ValueError:
            pass
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} ", text) else text
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time of day
        except ValueError:
            continue
    raise ValueError(raw)
