from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kefu.core.dates import parse_date
from kefu.customers.validation import (
    clean_customer_data,
    is_valid_credit_code,
    is_valid_resident_id,
)


def test_resident_id_check_character_is_verified():
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")


def test_unified_social_credit_code_check_character_is_verified():
    assert is_valid_credit_code("91350100M000100Y43")
    assert not is_valid_credit_code("91350100M000100Y44")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (45292, date(2024, 1, 1)),  # Excel serial
        ("45292", date(2024, 1, 1)),
        ("2024/1/1", date(2024, 1, 1)),
        ("2024-01-01", date(2024, 1, 1)),
        ("2024年1月1日", date(2024, 1, 1)),
        ("20240101", date(2024, 1, 1)),
        ("2024-01-01 00:00:00", date(2024, 1, 1)),
        ("", None),
    ],
)
def test_dates_are_understood_as_excel_serials_and_text(raw, expected):
    assert parse_date(raw) == expected


def test_bad_values_are_reported_per_field_and_nothing_is_guessed():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        clean_customer_data({"name": "", "mobile": "12345", "birthday": "yesterday", "kind": "alien"})
    messages = error.value.message_dict
    assert set(messages) == {"name", "mobile", "birthday", "kind"}
    assert "12345" in messages["mobile"][0]


def test_choice_fields_accept_their_chinese_labels():
    with translation.override("zh-hans"):
        clean = clean_customer_data({"kind": "organisation", "source_channel": "hotline"})
    assert clean["kind"] == "organisation"
