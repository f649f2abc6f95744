"""The one check on text people type into names, titles and notes: no control characters and no
text-direction controls.

A right-to-left override (U+202E) makes "张三\u202eabc.exe" display as "张三exe.cba", a direction
isolate or mark reorders what an agent reads against what is stored and searched, and C0/C1
control characters (NUL, ESC, bell…) break exports and terminals (PostgreSQL refuses NUL
outright). Single-line text (names, titles, codes) refuses them all; multi-line text
(descriptions, notes) keeps its line breaks and tabs. Used by customers/validation.py and the
new-request cleaning in tickets/services/lifecycle.py, so pages, API and imports agree.
"""

import re

from django.utils.translation import gettext as _

# Text-direction controls: LRM, RLM, ALM, the embeddings and overrides, the isolates.
DIRECTION_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTILINE_ALLOWED = frozenset("\n\r\t")


def _refused(character: str, multiline: bool) -> bool:
    code = ord(character)
    if character in DIRECTION_CONTROLS:
        return True
    if code < 0x20 or 0x7F <= code <= 0x9F:  # C0, DEL, C1
        return not (multiline and character in MULTILINE_ALLOWED)
    return False


# The same rule as _refused, as one character class per kind of text: a search runs in C, which
# matters for an import checking a million rows.
_REFUSED_SINGLE = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(DIRECTION_CONTROLS)) + "]")
_REFUSED_MULTI = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "".join(sorted(DIRECTION_CONTROLS)) + "]")


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character `value` may not contain, or None."""
    match = (_REFUSED_MULTI if multiline else _REFUSED_SINGLE).search(value)
    return match.group() if match else None


def check_text(value: str, field: str, errors: dict, *, multiline: bool = False) -> None:
    """Add an error for `field` to `errors` if `value` holds a refused character."""
    character = refused_character(value or "", multiline=multiline)
    if character is not None:
        errors[field] = _(
            "Contains an invisible control or text-direction character (U+%(code)s); remove it and type the text again."
        ) % {"code": f"{ord(character):04X}"}
