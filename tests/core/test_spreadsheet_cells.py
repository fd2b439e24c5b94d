"""Cell parsers that every import kind shares (core/spreadsheets/cells.py)."""

import pytest

from core.spreadsheets.cells import ParseError, whole_number_parser

parse = whole_number_parser(1, 100, "out of range")


@pytest.mark.parametrize(
    ("cell", "number"),
    [("12", 12), ("۱۲", 12), ("١٢", 12), (12, 12), (12.0, 12), (" 100 ", 100), ("1", 1)],
)
def test_whole_number_in_any_digits(cell, number):
    assert parse(cell) == number


@pytest.mark.parametrize("cell", [None, "", "  ", "\u200c"])
def test_an_empty_cell_is_no_number(cell):
    assert parse(cell) is None


@pytest.mark.parametrize("cell", ["0", "101", "-5", "12.5", 12.5, "twelve", "1,2"])
def test_a_number_outside_the_range_or_not_whole_is_refused_with_the_message(cell):
    with pytest.raises(ParseError, match="out of range"):
        parse(cell)
