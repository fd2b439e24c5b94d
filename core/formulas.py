"""Cells no spreadsheet program runs as a formula (docs/security.md FU-04), for every CSV and XLSX
the product writes: list exports (core.exports), import templates and error reports, report files.

A value typed by a user or read from an upload may start like a formula ("=HYPERLINK(...)"); a
spreadsheet opening the file would run it. Such text gets a leading apostrophe, which is how
spreadsheets mark "text, not a formula".
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
# First characters worth a closer look (a formula may hide behind leading spaces); most text
# starts otherwise, so writers test this first and call `safe_text` only when it matches.
RISKY_START = frozenset((*FORMULA_START, " "))


def safe_text(text: str) -> str:
    """`text`, with a leading apostrophe when it starts with = + - @, tab, CR or NUL after any
    leading spaces."""
    if text[:1] in RISKY_START and text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


def safe_cell(value: object) -> str | int | float:
    """A cell value that no spreadsheet runs as a formula.

    Text goes through `safe_text` and loses its NUL characters; numbers stay numbers; None is an
    empty cell; anything else becomes its text.
    """
    if value is None:
        return ""
    kind = type(value)
    if isinstance(value, int | float) and (kind is int or kind is float):
        return value
    text = value if isinstance(value, str) and kind is str else str(value)
    if text[:1] in RISKY_START:
        text = safe_text(text)
    return text.replace("\0", "") if "\0" in text else text
