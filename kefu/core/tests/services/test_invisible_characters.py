"""Names and titles refuse control characters and text-direction overrides (a name that reads
"ABC" but sorts and searches as "CBA", a title whose second half runs backwards), with a clear
error on the field: one check (kefu.core.text) used by the customer and new-request cleaning,
so pages, API and imports agree."""

import pytest
from django.core.exceptions import ValidationError

from kefu.core.tests.factories import NEW
from kefu.core.text import check_text
from kefu.tickets.tests.factories import install_workflows

REFUSED = ["\u202e", "\u202a", "\u202d", "\u200e", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c",
           "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\n", "\t", "\r"]  # fmt: skip


@pytest.mark.parametrize("character", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_single_line_text_refuses_the_character(character):
    errors = {}
    check_text(f"张{character}三", "name", errors)
    assert f"U+{ord(character):04X}" in errors["name"]


@pytest.mark.parametrize("character", ["\n", "\t", "\r"])
def test_multi_line_text_keeps_newlines_and_tabs(character):
    errors = {}
    check_text(f"第一行{character}第二行", "description", errors, multiline=True)
    assert errors == {}


def test_multi_line_text_still_refuses_overrides_and_other_controls():
    errors = {}
    check_text("正常\n\u202e反向", "description", errors, multiline=True)
    assert "U+202E" in errors["description"]


def test_ordinary_chinese_names_and_emoji_pass():
    errors = {}
    for text in ["张三", "北京·朝阳区", "O'Brien & Co.", "王\u200d👨\u200d👩", "Ａ栋１０１"]:
        check_text(text, "name", errors)
    assert errors == {}


# --- new requests: the service itself ---------------------------------------------------------


def test_the_service_refuses_what_the_form_would(agent):
    from kefu.tickets.services import ticket_create

    install_workflows()
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=agent, data={**NEW, "title": "a\x00b", "caller_name": "陈先生"})
    assert "title" in refused.value.message_dict


@pytest.mark.parametrize("multiline", [False, True])
def test_the_search_refuses_exactly_the_characters_the_rule_names(multiline):
    from kefu.core.text import _refused, refused_character

    for code in range(0x3000):
        character = chr(code)
        found = refused_character("张三" + character, multiline=multiline)
        assert (found == character) == _refused(character, multiline), hex(code)
