"""Cleaning and checking of customer and key-person data, shared by forms, the API and imports.

Every function takes raw values (strings from a form, a JSON body or a spreadsheet cell) and
returns clean ones or raises `ValidationError({field: message})` in the user's language.
"""

import functools
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.dates import parse_date
from kefu.core.phones import is_valid_mobile, is_valid_phone, normalise_landline, normalise_phone
from kefu.core.text import check_text, refused_character

from .choices import CreditRating, CustomerKind, CustomerStatus, SourceChannel
from .tiers import active_tiers

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def is_valid_resident_id(value: str) -> bool:
    """18-digit PRC resident ID with its ISO 7064 MOD 11-2 check character."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def is_valid_credit_code(value: str) -> bool:
    """18-character unified social credit code (统一社会信用代码, GB 32100-2015)."""
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == value[17]


def _text(raw) -> str:
    if raw.__class__ is str:
        return raw.strip()
    if raw is None:
        return ""
    return str(raw).strip()


def _choice(raw, choices, field, errors, labels_too=True):
    value = _text(raw)
    if not value:
        return ""
    for key, label in choices:
        if value == key or (labels_too and value in (str(label), _(str(label)))):
            return key
    errors[field] = _("“%(value)s” is not one of the allowed values: %(allowed)s") % {
        "value": value,
        "allowed": "、".join(str(label) for _k, label in choices),
    }
    return ""


def _check_texts(clean: dict, errors: dict, *, multiline: tuple[str, ...]) -> None:
    """No control or text-direction characters in the text fields (kefu.core.text). One search
    over the whole row first (the single-line rule refuses the most); each field's only if it
    finds something."""
    if refused_character(" ".join(clean.values())) is None:
        return
    for field, value in clean.items():
        check_text(value, field, errors, multiline=field in multiline)


def clean_customer_data(raw: dict, *, current_tier: str = "", today: date | None = None) -> dict:
    """Clean the customer fields present in `raw`; raise ValidationError naming each bad field.

    `current_tier` is the tier the customer has now: it may stay even if it was retired since.
    `today` (default: the local date now) is what a birthday may not be after: an import works it
    out once per batch of rows."""
    errors: dict[str, str] = {}
    clean: dict = {}
    for field in (
        "code", "name", "address", "region", "grid", "industry",
        "contract_no", "competitor_info", "notes",
    ):  # fmt: skip
        if field in raw:
            clean[field] = _text(raw[field])
    _check_texts(clean, errors, multiline=("competitor_info", "notes"))
    if "name" in clean and not clean["name"]:
        errors["name"] = _("The name is required.")
    if "kind" in raw:
        clean["kind"] = _choice(raw["kind"], CustomerKind.choices, "kind", errors) or CustomerKind.INDIVIDUAL
    if "status" in raw:
        clean["status"] = _choice(raw["status"], CustomerStatus.choices, "status", errors) or CustomerStatus.ACTIVE
    if "source_channel" in raw:
        clean["source_channel"] = _choice(raw["source_channel"], SourceChannel.choices, "source_channel", errors)
    if "credit_rating" in raw:
        clean["credit_rating"] = _choice(raw["credit_rating"], CreditRating.choices, "credit_rating", errors)
    if "tier" in raw:
        clean["tier"] = _clean_tier(raw["tier"], current_tier, errors)
    _clean_phones(raw, clean, errors)
    _clean_identifiers(raw, clean, errors)
    if "email" in raw:
        clean["email"] = _clean_email(raw["email"], errors)
    if "birthday" in raw:
        clean["birthday"] = _clean_birthday(raw["birthday"], errors, today)
    _check_lengths("customer", clean, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _check_lengths(model_name: str, clean: dict, errors: dict) -> None:
    """Each text within its column's length: a longer value would pass here, then fail the
    database's check on PostgreSQL, or be stored on SQLite and refuse every later edit."""
    limits = _max_lengths(model_name)
    for field, value in clean.items():
        limit = limits.get(field)
        if limit and isinstance(value, str) and len(value) > limit and field not in errors:
            errors[field] = _("At most %(limit)d characters (this has %(length)d).") % {
                "limit": limit,
                "length": len(value),
            }


@functools.cache
def _max_lengths(model_name: str) -> dict[str, int]:
    from django.apps import apps

    model = apps.get_model("customers", model_name)
    return {f.name: f.max_length for f in model._meta.get_fields() if getattr(f, "max_length", None)}


def _clean_tier(raw, current: str, errors) -> str:
    """A tier's code or label, among the active tiers (Tier rows); the customer's present tier
    may stay even if an admin retired it since."""
    value = _text(raw)
    if not value or value == current:
        return value
    for tier in active_tiers():
        if value in (tier.code, tier.label):
            return tier.code
    allowed = "、".join(tier.label for tier in active_tiers())
    errors["tier"] = _("“%(value)s” is not an active customer tier: %(allowed)s") % {
        "value": value,
        "allowed": allowed or "—",
    }
    return ""


def _clean_phones(raw, clean, errors):
    if "mobile" in raw:
        mobile = normalise_phone(raw["mobile"])
        if mobile and not is_valid_mobile(mobile):
            errors["mobile"] = _("“%(value)s” is not a valid mobile number (11 digits starting with 1).") % {
                "value": _text(raw["mobile"])
            }
        clean["mobile"] = mobile
    if "phone" in raw:
        try:
            clean["phone"] = normalise_landline(raw["phone"])
        except ValueError:
            errors["phone"] = _(
                "“%(value)s” is not a valid phone number (a landline with its area code, such as "
                "0591-87654321, an extension as 转801 or ext. 801)."
            ) % {"value": _text(raw["phone"])}
            clean["phone"] = normalise_phone(raw["phone"])


def _clean_identifiers(raw, clean, errors):
    if "id_number" in raw:
        id_number = _text(raw["id_number"]).upper().replace(" ", "")
        if _excel_number(raw["id_number"]):
            errors["id_number"] = _(
                "“%(value)s” is an ID number that Excel turned into a number, losing its last digits. "
                "Format the column as text, type the number again and upload the file again."
            ) % {"value": id_number}
        elif id_number and not is_valid_resident_id(id_number):
            errors["id_number"] = _("“%(value)s” is not a valid 18-digit resident ID number.") % {"value": id_number}
        clean["id_number"] = id_number
    if "org_code" in raw:
        org_code = _text(raw["org_code"]).upper().replace(" ", "")
        if org_code and not is_valid_credit_code(org_code):
            errors["org_code"] = _("“%(value)s” is not a valid unified social credit code.") % {"value": org_code}
        clean["org_code"] = org_code


def _clean_email(raw, errors) -> str:
    email = _text(raw)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("“%(value)s” is not a valid email address.") % {"value": email}
    return email


def _excel_number(raw) -> bool:
    """A long number that went through a spreadsheet as a floating-point number: 3.601021980050303E+17,
    or a float cell, whose digits past the fifteenth Excel has already dropped."""
    if isinstance(raw, float):
        return abs(raw) >= 1e15
    return bool(re.fullmatch(r"\d(\.\d+)?E\+\d+", _text(raw).upper()))


def _clean_birthday(raw, errors, today=None):
    birthday = _clean_date(raw, "birthday", errors)
    if birthday and birthday > (today or local_today()):
        errors["birthday"] = _("%(value)s is in the future; a birthday cannot be.") % {"value": birthday.isoformat()}
    return birthday


def local_today() -> date:
    """The date now in the site's time zone: what a birthday may not be after."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _clean_date(raw, field, errors):
    if raw.__class__ is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            return date.fromisoformat(raw)  # most dates of an import: parse_date's first text case, sooner
        except ValueError:
            pass
    try:
        return parse_date(raw)
    except (ValueError, OverflowError):
        errors[field] = _("“%(value)s” is not a date (use 2024-05-31 or an Excel date).") % {"value": _text(raw)}
        return None


def clean_key_person_data(raw: dict, *, today: date | None = None) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    for field in ("name", "title", "preferences", "taboos"):
        if field in raw:
            clean[field] = _text(raw[field])
    _check_texts(clean, errors, multiline=("preferences", "taboos"))
    if "name" in clean and not clean["name"]:
        errors["name"] = _("The name is required.")
    _clean_phones(raw, clean, errors)
    if "email" in raw:
        clean["email"] = _clean_email(raw["email"], errors)
    if "birthday" in raw:
        clean["birthday"] = _clean_birthday(raw["birthday"], errors, today)
    if "is_primary" in raw:
        clean["is_primary"] = _text(raw["is_primary"]).lower() in {"1", "true", "yes", "是", "y", "on"}
    _check_lengths("keyperson", clean, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def phone_is_valid_for_quality(mobile: str, phone: str) -> bool:
    """The data-quality rule: a customer counts as reachable with any dialable number."""
    return is_valid_mobile(mobile) or is_valid_phone(phone)
