"""The first sheet of an XLSX file read a row at a time, for a worker's memory (issue 16).

python-calamine builds the whole sheet in memory before giving its first row: about 110 MB for
100,000 rows of 17 text cells, held for the whole import. Most import files hold text, numbers
and yes/no cells only (Jalali dates are typed as text), and those are read here from the sheet's
XML as it is unzipped, with the rows calamine would give: every row from the sheet's first to its
last row with a value, each as wide as the columns that hold a value anywhere (from the first
such column), an empty cell as "", numbers as floats, booleans as bools, a formula as its stored
result.

Anything else (a cell with a date or time format, an error cell, a 1904 workbook, a part this
reader does not find) is left to calamine: ``rows`` returns None and the caller reads the file
the usual way. The parts are parsed with defusedxml, which refuses a DTD and entities (FU-03), as
the upload check has already.
"""

import re
import zipfile
from collections.abc import Iterator
from posixpath import join, normpath
from typing import IO, Any

from defusedxml.ElementTree import fromstring, iterparse

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# Built-in number formats that show a date or a time (ECMA-376 18.8.30).
_DATE_FORMATS = frozenset((*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)))
# A format code shows a date or time when a d, m, y, h or s stands outside quotes and brackets
# ("[Red]", "[$-409]"); "General" and "@" do not.
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_LETTERS = re.compile(r"[dmyhsDMYHS]")
# The sheet's XML is read with regular expressions, not a parser: an XML parser calls back into
# Python for every element (100,000 rows are three million), five times calamine's time. The
# cells are found whole, as spreadsheet programs write them (``<c r="B2" t="s"><v>7</v></c>``);
# a first pass checks that every cell is written so, else calamine reads the file.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d+"[^>]*?(?<!/)>(?!</c>)')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_VALUE = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
_INLINE_TEXT = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>|<rPh\b.*?</rPh>", re.DOTALL)
# What this reader does not read: cells of another type, values with attributes, CDATA, names
# with a namespace prefix.
_UNREAD = re.compile(rb"<v\s|<!\[CDATA\[|<[A-Za-z]+:(?:c|row|v|t|is)[\s>/]")
_KNOWN_TYPES = frozenset((b"s", b"str", b"inlineStr", b"n", b"b"))


def _column_index(letters: str | bytes) -> int:
    index = 0
    for letter in letters.encode() if isinstance(letters, str) else letters:
        index = index * 26 + letter - 64
    return index - 1


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first sheet, as calamine's sheet 0."""
    workbook = fromstring(archive.read("xl/workbook.xml"))
    pr = workbook.find(f"{_NS}workbookPr")
    if pr is not None and pr.get("date1904") in ("1", "true"):
        return None
    sheet = workbook.find(f"{_NS}sheets/{_NS}sheet")
    if sheet is None:
        return None
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(_PKG_REL):
        if rel.get("Id") == sheet.get(_REL):
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
    return None


def _has_date_styles(archive: zipfile.ZipFile) -> bool:
    """Whether any cell style shows its number as a date or a time (calamine turns those cells
    into dates; this reader does not)."""
    try:
        styles = fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return False
    custom = {}
    for fmt in styles.iter(f"{_NS}numFmt"):
        code = _QUOTED.sub("", fmt.get("formatCode") or "")
        custom[int(fmt.get("numFmtId") or 0)] = bool(_DATE_LETTERS.search(code))
    xfs = styles.find(f"{_NS}cellXfs")
    for xf in xfs if xfs is not None else ():
        number = int(xf.get("numFmtId") or 0)
        if number in _DATE_FORMATS or custom.get(number, False):
            return True
    return False


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        part = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with part:
        for _event, item in iterparse(part):
            if item.tag == f"{_NS}si":
                strings.append(_text_of(item))
                item.clear()
    return strings


def _text_of(item: Any) -> str:
    """A shared or inline string: its text, or its runs' texts joined (phonetic runs left out)."""
    plain = item.find(f"{_NS}t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for r in item.iter(f"{_NS}r") for t in r.iter(f"{_NS}t"))


def _survey(archive: zipfile.ZipFile, name: str) -> tuple[int, int] | None:
    """(first, last) column index holding a value, or None when the sheet is not written as this
    reader reads it (then calamine reads it). One pass over the XML."""
    columns: set[bytes] = set()
    for window in _windows(archive, name):
        if _UNREAD.search(window):
            return None
        # Every cell starts with its reference, and is of a type read here (counted, not found
        # one by one: a row's ht="…" is not a type, hence the space).
        cells = window.count(b'<c r="')
        if cells != window.count(b"<c ") + window.count(b"<c>") + window.count(b"<c/>"):
            return None
        if window.count(b' t="') != sum(window.count(b' t="%s"' % t) for t in _KNOWN_TYPES):
            return None
        columns.update(_CELL_COLUMN.findall(window))
    if not columns:
        return (0, -1)
    indexes = [_column_index(c) for c in columns]
    return min(indexes), max(indexes)


def _windows(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part's XML in pieces that end at a row's end (a cell is never cut)."""
    tail = b""
    with archive.open(name) as part:
        while piece := part.read(1024 * 1024):
            window = tail + piece
            cut = window.rfind(b"</row>")
            if cut < 0:
                tail = window
                continue
            cut += len(b"</row>")
            window, tail = window[:cut], window[cut:]
            yield window
    if tail:
        yield tail


def rows(source: IO[bytes]) -> Iterator[list[Any]] | None:
    """The first sheet's rows, or None when calamine must read this file (see the module)."""
    try:
        source.seek(0)
        archive = zipfile.ZipFile(source)
        name = _first_sheet(archive)
        if name is None or _has_date_styles(archive):
            return None
        span = _survey(archive, name)
        if span is None:
            return None
        strings = _shared_strings(archive)
    except (KeyError, ValueError, zipfile.BadZipFile, SyntaxError):
        return None
    return _rows(archive, name, strings, span)


_ENTITY = re.compile(r"&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(match: "re.Match[str]") -> str:
    hex_code, code, name = match.groups()
    if name:
        return _NAMED[name]
    return chr(int(hex_code, 16) if hex_code else int(code))


def _text(raw: bytes) -> str:
    text = raw.decode()
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _rows(
    archive: zipfile.ZipFile, name: str, strings: list[str], span: tuple[int, int]
) -> Iterator[list[Any]]:
    first, last = span
    width = last - first + 1
    if width <= 0:
        return
    index_of: dict[bytes, int] = {}
    kind_of: dict[bytes, bytes | None] = {}
    done = 0  # the sheet's rows given so far (a row with no value is given as empty)
    current, out, filled = 0, [""] * width, False
    for window in _windows(archive, name):
        for column, number_text, attributes, inner in _CELL.findall(window):
            number = int(number_text)
            if number != current:
                if filled:
                    for _missing in range(current - 1 - done):
                        yield [""] * width
                    done = current
                    yield out
                    out, filled = [""] * width, False
                current = number
            if not inner:
                continue
            kind = kind_of.get(attributes, b"-")
            if kind == b"-":
                found = _TYPE.search(attributes)
                kind = kind_of[attributes] = found.group(1) if found else None
            value: Any
            if kind == b"inlineStr":
                value = "".join(_text(t) for t in _INLINE_TEXT.findall(inner) if t)
            else:
                raw = _VALUE.search(inner)
                if raw is None:
                    continue
                text = raw.group(1)
                if kind == b"s":
                    value = strings[int(text)]
                elif kind == b"str":
                    value = _text(text)
                elif kind == b"b":
                    value = text.strip() in (b"1", b"true")
                else:
                    value = float(text)
            index = index_of.get(column)
            if index is None:
                index = index_of[column] = _column_index(column)
            if first <= index <= last:
                out[index - first] = value
                filled = True
    if filled:
        for _missing in range(current - 1 - done):
            yield [""] * width
        yield out
