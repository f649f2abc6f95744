import pytest

from kefu.core.masking import mask_id_number, mask_phone
from kefu.core.phones import is_valid_mobile, is_valid_phone, normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("008613812345678", "13812345678"),  # all digits, still an international prefix
        ("13812345678", "13812345678"),
        ("13812345678.0", "13812345678"),  # a number that went through Excel as a float
        ("(010) 6234-5678", "01062345678"),
        (None, ""),
    ],
)
def test_phone_numbers_are_normalised_to_digits(raw, expected):
    assert normalise_phone(raw) == expected


def test_mobile_must_have_eleven_digits_starting_with_1():
    assert is_valid_mobile("13812345678")
    assert not is_valid_mobile("1381234567")
    assert not is_valid_mobile("23812345678")


def test_landlines_and_service_numbers_are_dialable_phones():
    assert is_valid_phone("01062345678")
    assert is_valid_phone("95598")
    assert not is_valid_phone("12345abc")
    assert not is_valid_phone("")


def test_phone_is_masked_as_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("") == ""


def test_id_number_keeps_only_first_and_last_four_characters():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
