"""Understanding phone numbers as people type them: full-width digits, spaces, dashes, +86."""

import re
import unicodedata

import phonenumbers

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx/0xxx followed by a 7 or 8 digit local number, or a bare local number.
_LANDLINE = re.compile(r"^(0\d{2,3})?[2-9]\d{6,7}$")
# Service numbers such as 95598 or 400/800 lines.
_SERVICE = re.compile(r"^(95\d{3,6}|[48]00\d{7})$")
_NOISE = re.compile(r"[\s\-()（）.·—–_/]+")
# An extension after the number: 转801, 分机801, ext. 801, x801, #801.
_EXTENSION = re.compile(r"\s*(?:转|分机|分|ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)


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
    """A number we could actually dial: a mobile, a landline (with an extension after "-", as
    `normalise_landline` stores it) or a service number."""
    number, _dash, extension = (number or "").partition("-")
    if extension and not (extension.isdigit() and len(extension) <= 6):
        return False
    return bool(number) and bool(_MOBILE.match(number) or _LANDLINE.match(number) or _SERVICE.match(number))


def normalise_landline(raw) -> str:
    """A landline as stored: its digits, then "-" and the extension if one is given
    ("0591-87654321 转801" → "059187654321-801"). Raises ValueError for a number nobody could dial.

    A number with its area code is checked by `phonenumbers` (libphonenumber's numbering plan for
    China: the area code and the local number's length must agree); mobiles and service numbers
    (95598, 400…) by their patterns; a bare local number, which has no area code to check against,
    by its length.
    """
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    match = _EXTENSION.search(text)
    extension = match.group(1) if match else ""
    number = normalise_phone(text[: match.start()] if match else text)
    if not number:
        if extension:
            raise ValueError(raw)
        return ""
    if not number.isdigit():
        raise ValueError(raw)
    if number.startswith("0") and not _SERVICE.match(number):
        try:
            parsed = phonenumbers.parse(number, "CN")
        except phonenumbers.NumberParseException as error:
            raise ValueError(raw) from error
        if not phonenumbers.is_valid_number(parsed):
            raise ValueError(raw)
        number = "0" + phonenumbers.national_significant_number(parsed)
    elif not is_valid_phone(number):
        raise ValueError(raw)
    return f"{number}-{extension}" if extension else number
