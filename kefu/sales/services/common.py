"""Small checks shared by the sales services: text, dates, amounts, each refused naming its field."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.dates import parse_date
from kefu.core.text import check_text


def clean_text(data: dict, field: str, errors: dict, *, max_length: int | None = None, multiline=False) -> str:
    value = str(data.get(field) or "").strip()
    check_text(value, field, errors, multiline=multiline)
    if max_length and len(value) > max_length:
        errors[field] = _("At most %(count)s characters.") % {"count": max_length}
    return value


def clean_date(data: dict, field: str, errors: dict, *, not_after_today: bool = False) -> date | None:
    try:
        day = parse_date(data.get(field))
    except (ValueError, OverflowError):
        errors[field] = _("Enter a date such as 2026-05-31.")
        return None
    if day and not_after_today and day > timezone.localdate():
        errors[field] = _("This date is in the future.")
    return day


def clean_amount(data: dict, field: str, errors: dict, *, max_digits: int = 14) -> Decimal | None:
    raw = data.get(field)
    if raw in (None, ""):
        return None
    try:
        amount = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        errors[field] = _("Enter an amount such as 1200.50.")
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = _("Enter an amount of zero or more.")
        return None
    amount = amount.quantize(Decimal("0.01"))
    if len(amount.as_tuple().digits) > max_digits:
        errors[field] = _("This amount is too large.")
        return None
    return amount
