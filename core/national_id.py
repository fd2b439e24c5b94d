"""The Iranian national ID (کد ملی): ten digits, the last a check digit.

With s = sum(digit[i] * (10 - i) for i in 0..8) and r = s % 11, the check digit is r when r < 2,
else 11 - r. The check catches every single mistyped digit and most swaps of neighbours, which
is why forms and imports validate it instead of trusting the ten digits.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.persian import to_latin_digits

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "check_digit",
    "is_valid_national_id",
    "normalize_national_id",
    "validate_national_id",
]

LENGTH = 10
# What people put between digit groups when they copy an ID from a card or a letter: spaces of
# every kind, ASCII and typographic dashes, and the bidi marks pasted from Word and messengers.
_SEPARATORS = dict.fromkeys(
    " \t\u00a0\u2009\u202f\u200c\u200b"
    "-\u2010\u2011\u2012\u2013\u2014\u2212_"
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_STRIP_SEPARATORS = str.maketrans(_SEPARATORS)


def normalize_national_id(value: object) -> str:
    """Return the ID as ASCII digits with spaces and dashes removed: "۰۰۱-۲۳۴۵۶۷-۸" → "0012345678".

    Does not validate (a wrong length or check digit comes back as typed, for the error message).
    An ``int`` is zero-padded to ten digits: a spreadsheet cell that held the ID as a number has
    lost its leading zeros, and many IDs start with 0 (the first three digits are the
    issuing office's code). ``None`` gives "".
    """
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:0{LENGTH}d}"
    return to_latin_digits(str(value)).translate(_STRIP_SEPARATORS)


def check_digit(first_nine: str) -> int:
    """Return the check digit (0-9) for the first nine digits of an ID, given as a str."""
    digits = normalize_national_id(first_nine)
    if len(digits) != LENGTH - 1 or not digits.isascii() or not digits.isdigit():
        raise ValueError("expected nine digits")
    remainder = sum(int(digit) * (LENGTH - i) for i, digit in enumerate(digits)) % 11
    return remainder if remainder < 2 else 11 - remainder


def is_valid_national_id(value: object) -> bool:
    """True when ``value`` (any digit form, spaces and dashes allowed) is a valid national ID.

    Ten digits with a correct check digit, and not ten times the same digit: 0000000000,
    1111111111 ... 9999999999 satisfy the arithmetic but are never issued; they are what people
    type to get past a required field, so accepting them would hide a missing ID.
    """
    return _problem(normalize_national_id(value)) is None


def _problem(digits: str) -> "StrPromise | None":
    """None for a valid normalised ID, else the message that explains what is wrong."""
    if len(digits) != LENGTH or not digits.isascii() or not digits.isdigit():
        return _("A national ID has exactly ten digits.")
    if len(set(digits)) == 1 or check_digit(digits[:-1]) != int(digits[-1]):
        return _("This is not a valid national ID. Check the digits against the card.")
    return None


def validate_national_id(value: object) -> None:
    """Django validator: raise ValidationError (code "invalid_national_id") for an invalid ID."""
    problem = _problem(normalize_national_id(value))
    if problem is not None:
        raise ValidationError(problem, code="invalid_national_id")
