"""Issue 16: a row is blank by one join and strip when all its cells are text; the answer is
the cell-by-cell one for any row."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from core.spreadsheets.cells import BLANK, is_blank
from core.spreadsheets.table import is_blank_row

CELLS = st.one_of(
    st.text(alphabet=st.sampled_from(list(BLANK) + ["a", "۱", "ی", "\u200c"]), max_size=4),
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.just(datetime.date(2020, 1, 1)),
)


@given(st.lists(CELLS, max_size=6))
def test_blank_row_is_every_cell_blank(row):
    assert is_blank_row(row) == all(is_blank(cell) for cell in row)


@given(st.lists(st.text(alphabet=st.sampled_from(list(BLANK) + ["x"]), max_size=3), max_size=6))
def test_blank_row_of_text(row):
    assert is_blank_row(row) == all(is_blank(cell) for cell in row)
