"""Understanding phone numbers as people type them: full-width digits, spaces, dashes, +86."""

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx/0xxx followed by a 7 or 8 digit local number, or a bare local number.
_LANDLINE = re.compile(r"^(0\d{2,3})?[2-9]\d{6,7}$")
# Service numbers such as 95598 or 400/800 lines.
_SERVICE = re.compile(r"^(95\d{3,6}|[48]00\d{7})$")
_NOISE = re.compile(r"[\s\-()（）.·—–_/]+")


def normalise_phone(raw: str | None) -> str:
    """Digits only: NFKC folds full-width digits, separators go, a +86/0086 prefix goes.

    A value with letters or other symbols is returned folded but otherwise unchanged so that
    validation can point at it rather than silently mangling it.
    """
    if raw is None:
        return ""
    text = str(raw)
    if text.isascii() and text.isdigit() and not text.startswith("0086"):
        return text  # already clean: most cells of an import, skip the folding below
    text = unicodedata.normalize("NFKC", text).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]  # numbers that went through a spreadsheet as floats
    text = _NOISE.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def is_valid_mobile(number: str) -> bool:
    return bool(_MOBILE.match(number))


def is_valid_phone(number: str) -> bool:
    """A number we could actually dial: a mobile, a landline or a service number."""
    return bool(number) and bool(_MOBILE.match(number) or _LANDLINE.match(number) or _SERVICE.match(number))
