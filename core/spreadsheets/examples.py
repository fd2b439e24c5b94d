"""The template's example row, recognised in an uploaded file so that it is never imported
(issue 16, docs/adr/0020-a-preview-that-never-misleads.md)."""

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from .cells import word_key

if TYPE_CHECKING:
    from .table import Column

Cells: TypeAlias = Sequence[Any]  # as in .table, which imports this module

# The word that marks the template's example row, in its first cell ("مثال: NGO0042", or the word
# alone where the first column has no example). A row whose first cell starts with it is never
# imported: it is counted in ``example_rows`` and reported as skipped.
EXAMPLE_MARKER = {"fa": "مثال", "en": "Example"}
_EXAMPLE_CELL = re.compile(r"\s*(?:مثال|نمونه|example|e\.g\.)\s*(?:[:：\-–]|$)", re.IGNORECASE)
# What a marked cell can start with: other cells are passed over without the pattern.
_MARKER_PREFIXES = (
    "مثال",
    "نمونه",
    "Example",
    "example",
    "EXAMPLE",
    "e.g.",
    "E.g.",
    "E.G.",
    " ",
    "\t",
    "\u00a0",
    "\u200c",
    "\u200f",
    "\ufeff",
)
# An unmarked example row (a template from before the marker) is looked for in the first rows.
LEGACY_EXAMPLE_ROWS = 10


# Columns with an example value an unmarked row must repeat to be taken for the example.
MIN_EXAMPLE_COLUMNS = 3


def _example_key(cell: object) -> str:
    # A number cell lost its leading zero (09123456789 → 9123456789).
    return word_key(cell).lstrip("0")


def example_cell(lang: str, example: str) -> str:
    """The first cell of a template's example row: the marker, then the column's example."""
    marker = EXAMPLE_MARKER["fa" if lang == "fa" else "en"]
    return f"{marker}: {example}" if example else marker


def is_example_cell(cell: object) -> bool:
    """Whether ``cell`` carries the example row's marker (cheap for the cells that cannot)."""
    if cell.__class__ is not str or not cell:
        return False
    return _EXAMPLE_CELL.match(cell) is not None


class ExampleRows:
    """Finds the example rows of one file, a batch of rows at a time: rows whose first cell (or
    the first template column's) carries the marker anywhere in the file, and, in the first rows
    only, a row of an older template whose example values are all untouched."""

    def __init__(self, mapping: "dict[int, Column]", first: "Column | None") -> None:
        # Where the example row's marker may be: the first cell, and the first template column's.
        self.marker_positions = sorted({0, *(p for p, c in mapping.items() if c is first)})
        # A template downloaded before the marker: its example values, untouched, per column.
        self.examples = {
            p: {_example_key(e) for e in (c.example_fa, c.example_en) if e} - {""}
            for p, c in mapping.items()
            if c.example_fa or c.example_en
        }
        # Rows at the top of the file still to look at for those values.
        self.legacy_rows_left = LEGACY_EXAMPLE_ROWS
        trigger = next(iter(self.examples), None)
        self.trigger = trigger
        self.trigger_cells = (
            {c for c in (mapping[trigger].example_fa, mapping[trigger].example_en) if c}
            if trigger is not None and len(self.examples) >= MIN_EXAMPLE_COLUMNS
            else set()
        )

    def split(self, batch: list[tuple[int, Cells]]) -> tuple[list[tuple[int, Cells]], list[int]]:
        """(``batch`` without the template's example rows, those rows' numbers).

        Every row is looked at for the marker, in one comprehension over the batch (the pattern
        runs only on cells that start like it); the untouched example values of an older
        template are looked for in the first rows of the file only, where that row sits.
        """
        p, q = self.marker_positions[0], self.marker_positions[-1]
        prefixes = _MARKER_PREFIXES
        found = [
            i
            for i, (_number, row) in enumerate(batch)
            if (len(row) > p and row[p].__class__ is str and row[p].startswith(prefixes))
            or (q != p and len(row) > q and row[q].__class__ is str and row[q].startswith(prefixes))
        ]
        found = [i for i in found if self._marked(batch[i][1])]
        if self.legacy_rows_left and self.trigger_cells:
            head = range(min(self.legacy_rows_left, len(batch)))
            found += [i for i in head if i not in found and self._unmarked(batch[i][1])]
        self.legacy_rows_left = max(0, self.legacy_rows_left - len(batch))
        if not found:
            return batch, []
        skipped = set(found)
        numbers = sorted(batch[i][0] for i in skipped)
        return [item for i, item in enumerate(batch) if i not in skipped], numbers

    def _marked(self, row: Cells) -> bool:
        return any(
            position < len(row) and is_example_cell(row[position])
            for position in self.marker_positions
        )

    def _unmarked(self, row: Cells) -> bool:
        """Whether ``row`` holds an older template's example values, every one untouched."""
        trigger = self.trigger
        if trigger is None or trigger >= len(row) or row[trigger] not in self.trigger_cells:
            return False
        return all(
            p < len(row) and _example_key(row[p]) in keys for p, keys in self.examples.items()
        )
