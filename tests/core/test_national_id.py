"""Iranian national ID (کد ملی): ten digits, the last a check digit."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from core.national_id import (
    check_digit,
    is_valid_national_id,
    normalize_national_id,
    validate_national_id,
)


def with_check_digit(first_nine):
    """The rule, written out here independently of the code under test."""
    s = sum(int(digit) * (10 - i) for i, digit in enumerate(first_nine))
    r = s % 11
    return first_nine + str(r if r < 2 else 11 - r)


VALID = [
    with_check_digit("001234567"),  # remainder 2: check digit 9, and a leading zero
    with_check_digit("123456789"),  # remainder 1: check digit 1
    with_check_digit("987654321"),  # remainder 0: check digit 0
    with_check_digit("451237896"),
]


def wrong_check_digit(national_id):
    return national_id[:-1] + str((int(national_id[-1]) + 1) % 10)


def test_reference_ids_are_what_the_rule_gives():
    assert VALID[:3] == ["0012345679", "1234567891", "9876543210"]


@pytest.mark.parametrize("national_id", VALID)
def test_ids_with_the_right_check_digit_are_valid(national_id):
    assert is_valid_national_id(national_id)
    validate_national_id(national_id)  # does not raise


@pytest.mark.parametrize("national_id", VALID)
def test_a_wrong_check_digit_is_invalid(national_id):
    assert not is_valid_national_id(wrong_check_digit(national_id))


@pytest.mark.parametrize("national_id", ["123456789", "12345678910", "", "12345abcde"])
def test_wrong_length_or_non_digits_are_invalid(national_id):
    assert not is_valid_national_id(national_id)


@pytest.mark.parametrize("digit", "0123456789")
def test_ten_times_the_same_digit_is_invalid_though_the_arithmetic_passes(digit):
    national_id = digit * 10
    assert with_check_digit(digit * 9) == national_id

    assert not is_valid_national_id(national_id)


def test_persian_and_arabic_digits_are_accepted():
    assert is_valid_national_id("۰۰۱۲۳۴۵۶۷۹")
    assert is_valid_national_id("١٢٣٤٥٦٧٨٩١")


def test_spaces_and_dashes_are_accepted():
    assert is_valid_national_id(" 001-234567-9 ")
    assert is_valid_national_id("۰۰۱ ۲۳۴۵۶۷ ۹")


def test_normalize_gives_ten_ascii_digits():
    assert normalize_national_id(" ۰۰۱–۲۳۴۵۶۷–۹\u200f") == "0012345679"


def test_normalize_pads_ids_that_a_spreadsheet_stored_as_numbers():
    assert normalize_national_id(12345679) == "0012345679"


def test_normalize_of_none_is_empty():
    assert normalize_national_id(None) == ""


def test_check_digit_helper_follows_the_rule():
    assert check_digit("001234567") == 9
    assert check_digit("123456789") == 1
    assert check_digit("987654321") == 0


def test_validator_raises_with_its_code_and_a_translatable_message():
    with override("en"):
        with pytest.raises(ValidationError) as error:
            validate_national_id(wrong_check_digit(VALID[0]))
        assert error.value.code == "invalid_national_id"
        assert "national ID" in error.value.messages[0]


def test_validator_says_when_the_length_is_wrong():
    with override("en"):
        with pytest.raises(ValidationError) as error:
            validate_national_id("12345")
        assert error.value.code == "invalid_national_id"
        assert "ten digits" in error.value.messages[0]


@pytest.mark.parametrize(
    "national_id",
    ["００１２３４５６７９", "001234567９", "٠٠١٢٣٤٥٦٧\uff19"],
)
def test_full_width_and_other_non_ascii_digits_are_invalid_not_an_error(national_id):
    # str.isdigit accepts them, the check digit cannot: the answer is "not valid", not a crash.
    assert not is_valid_national_id(national_id)
    with override("en"):
        with pytest.raises(ValidationError) as error:
            validate_national_id(national_id)
        assert error.value.messages == ["A national ID has exactly ten digits."]


def test_check_digit_reads_any_digit_form_and_separators():
    assert check_digit("۰۰۱-۲۳۴۵۶۷") == 9
    assert check_digit(" ١٢٣ ٤٥٦ ٧٨٩ ") == 1


@pytest.mark.parametrize(
    "first_nine", ["12345678", "1234567890", "", "12345678a", "１２３４５６７８９", "12345678²"]
)
def test_check_digit_wants_exactly_nine_ascii_digits(first_nine):
    with pytest.raises(ValueError, match="^expected nine digits$"):
        check_digit(first_nine)


def test_the_messages_say_what_is_wrong_word_for_word():
    with override("en"):
        with pytest.raises(ValidationError) as wrong_length:
            validate_national_id("12345")
        with pytest.raises(ValidationError) as wrong_digit:
            validate_national_id(wrong_check_digit(VALID[0]))
        assert wrong_length.value.messages == ["A national ID has exactly ten digits."]
        assert wrong_digit.value.messages == [
            "This is not a valid national ID. Check the digits against the card."
        ]


def test_normalize_pads_zero_but_not_a_boolean():
    assert normalize_national_id(0) == "0000000000"
    assert normalize_national_id(True) == "True"
