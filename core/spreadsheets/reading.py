"""Opening an uploaded file safely, before any parser sees it (FU-01, FU-02, FU-03).

Only ``.csv`` and ``.xlsx`` are accepted, by name *and* by content. An XLSX is a zip of XML: its
entry count, uncompressed size and compression ratio are checked from the zip directory, and
every XML part is scanned for a DTD (entity expansion, external entities) before python-calamine
reads the sheet. Reading stops at ``MAX_ROWS``.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any, BinaryIO, Protocol, cast

import defusedxml.ElementTree
from django.utils.translation import gettext_lazy as _

from . import sheet_stream

MAX_BYTES = 40 * 1024 * 1024  # an upload over this is refused before it is read (100k rows fit)
MAX_ROWS = 200_000
HEADER_ROWS = 20  # a title above the header is allowed
XLSX_MAX_ENTRIES = 500
XLSX_MAX_UNCOMPRESSED = 300 * 1024 * 1024
# Spreadsheet XML compresses ~10-30x; a zip bomb compresses thousands of times.
XLSX_MAX_RATIO = 150
_RATIO_FLOOR = 1024 * 1024  # small parts (styles, a tiny sheet) may compress as they like
ALLOWED_EXTENSIONS = (".csv", ".xlsx")
CSV_ENCODINGS = ("utf-8-sig", "cp1256")

_ZIP_MAGIC = b"PK\x03\x04"
# Binary formats people rename to .csv: zip (incl. xlsx), old Excel/OLE, PDF, images,
# executables, gzip, rar, 7z.
_BINARY_MAGIC = (
    _ZIP_MAGIC,
    b"\xd0\xcf\x11\xe0",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"MZ",
    b"\x7fELF",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\bref="[A-Z]+\d+:[A-Z]+(\d{1,9})"')
_ROW_REF = re.compile(rb'<row\b[^>]*?\br="(\d{1,9})"')
# A cell past column AZ (the template has 17 columns): one search, no loop over every cell.
_WIDE_CELL = re.compile(rb'<c\b[^>]*?\br="(?:[A-Z]{3,}|[B-Z][A-Z])\d')


class Readable(Protocol):
    """A file opened for reading in binary (a stored file, a BytesIO)."""

    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, whence: int = ..., /) -> int: ...


class UnsafeFile(ValueError):
    """The file is refused as a whole; ``str(error)`` says why, in the active language."""


def safe_name(name: object) -> str:
    """The original name reduced to something safe to show and to offer as a download name."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f<>:\"/\\|?*]", "_", base).strip(" .")
    return base[-150:] or "upload"


def extension_of(name: object) -> str:
    return PurePath(str(name or "").lower()).suffix


def check_upload(name: object, data: bytes) -> str:
    """Refuse the file unless it is a CSV or XLSX by both name and content. Returns the kind."""
    extension = extension_of(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise UnsafeFile(_("Only .csv and .xlsx files can be imported."))
    if len(data) > MAX_BYTES:
        raise UnsafeFile(_("The file is too large to import."))
    head = data[:8]
    if extension == ".xlsx":
        if not head.startswith(_ZIP_MAGIC):
            raise UnsafeFile(_("This file is not a real .xlsx spreadsheet."))
        check_xlsx(data)
        return "xlsx"
    if head.startswith(_BINARY_MAGIC) or b"\x00" in data[:65536]:
        raise UnsafeFile(_("This file is not a real .csv file."))
    return "csv"


def check_xlsx(data: bytes) -> None:
    """The zip checks of FU-02 and the DTD check of FU-03, from the zip directory and parts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnsafeFile(_("This file is not a real .xlsx spreadsheet.")) from None
    if len(entries) > XLSX_MAX_ENTRIES:
        raise UnsafeFile(_("The spreadsheet has too many parts to be read safely."))
    total = sum(entry.file_size for entry in entries)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise UnsafeFile(_("The spreadsheet is too large when unpacked to be read safely."))
    for entry in entries:
        if entry.file_size > _RATIO_FLOOR and entry.file_size > XLSX_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise UnsafeFile(_("The spreadsheet is too large when unpacked to be read safely."))
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise UnsafeFile(_("This file is not a real .xlsx spreadsheet."))
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            _refuse_dtd(archive, entry)
    # defusedxml refuses DTDs and entities itself; parsing the content types proves it is active.
    try:
        defusedxml.ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except defusedxml.DefusedXmlException:
        raise UnsafeFile(
            _("The spreadsheet contains an XML document type, which is refused.")
        ) from None
    except defusedxml.ElementTree.ParseError:
        raise UnsafeFile(_("This file is not a real .xlsx spreadsheet.")) from None


def _refuse_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Scan one XML part: refuse a DTD (FU-03) and, in a worksheet, cells beyond the caps.

    python-calamine allocates the sheet as a rectangle up to its last cell, so one cell written
    at XFD1048576 would ask for billions of cells: the cell addresses are checked here first.
    The whole part is scanned (a DTD may hide after comments), in chunks, never reading more than
    the declared (already capped) size.
    """
    worksheet = entry.filename.startswith("xl/worksheets/")
    read, tail = 0, b""
    max_row = rows = 0
    with archive.open(entry) as part:
        while chunk := part.read(1024 * 1024):
            read += len(chunk)
            if read > entry.file_size or read > XLSX_MAX_UNCOMPRESSED:
                raise UnsafeFile(_("The spreadsheet is too large when unpacked to be read safely."))
            window = tail + chunk
            if _DTD.search(window):
                raise UnsafeFile(
                    _("The spreadsheet contains an XML document type, which is refused.")
                )
            if worksheet:
                # Tags cut at the chunk boundary are seen whole in the next window; counting
                # "<row" only in the new chunk avoids counting one twice.
                rows += chunk.count(b"<row")
                for match in _ROW_REF.finditer(window):
                    max_row = max(max_row, int(match.group(1)))
                if _WIDE_CELL.search(window):
                    raise UnsafeFile(_("The spreadsheet has more columns than can be imported."))
                if max(rows, max_row) > MAX_ROWS + HEADER_ROWS:
                    raise UnsafeFile(_("The file has more rows than can be imported at once."))
            tail = chunk[-64:]


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without a byte-order mark), else Windows-1256."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnsafeFile(_("The file's text encoding is not UTF-8 or Windows Arabic (1256)."))


def read_rows(kind: str, data: "bytes | Readable") -> Iterator[list[Any]]:
    """Yield each row as a list of cells, at most MAX_ROWS (then UnsafeFile).

    ``data``: the file's bytes, or the file opened for reading (binary, seekable): a CSV file is
    then read a piece at a time, never held whole (issue 16: a worker's memory)."""
    source = cast("BinaryIO", io.BytesIO(data) if isinstance(data, bytes | bytearray) else data)
    del data
    rows = _read_csv(source) if kind == "csv" else _read_xlsx(source)
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise UnsafeFile(_("The file has more rows than can be imported at once."))
        yield row


def rows_expected(kind: str, data: "bytes | Readable") -> int:
    """About how many rows the file holds, cheaply, for a progress bar (never for a decision):
    a CSV's line ends; the last row of an XLSX sheet's declared range (0 when it has none).
    A file object is read from its start and left there."""
    source = cast("BinaryIO", io.BytesIO(data) if isinstance(data, bytes | bytearray) else data)
    if kind == "csv":
        source.seek(0)
        lines, last = 0, b""
        while piece := source.read(_PIECE):
            lines += piece.count(b"\n")
            last = piece
        source.seek(0)
        return lines + (0 if last.endswith(b"\n") or not last else 1)
    try:
        source.seek(0)
        archive = zipfile.ZipFile(source)
        sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        if not sheets:
            return 0
        with archive.open(sheets[0]) as part:
            head = part.read(4096)
    except (zipfile.BadZipFile, ValueError, OSError):
        return 0
    finally:
        source.seek(0)
    match = _DIMENSION.search(head)
    return int(match.group(1)) if match else 0


# A CSV file is checked and read in pieces of this many bytes.
_PIECE = 1024 * 1024


def _csv_encoding(source: BinaryIO) -> str:
    """The first of CSV_ENCODINGS that decodes the whole file, checked a piece at a time."""
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        source.seek(0)
        try:
            while piece := source.read(_PIECE):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        source.seek(0)
        return encoding
    raise UnsafeFile(_("The file's text encoding is not UTF-8 or Windows Arabic (1256)."))


def _read_csv(source: BinaryIO) -> Iterator[list[str]]:
    encoding = _csv_encoding(source)
    # Lines are decoded as they are read: the file is never held whole, as bytes or as text (a
    # 100,000-row file is 23 MB of bytes and 28 MB of text). ``newline=""`` ends a line at
    # "\n", "\r\n" or a lone "\r" and keeps it, as the csv module wants.
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    text._CHUNK_SIZE = 64 * 1024  # type: ignore[attr-defined]  # fewer, larger decodes
    sample = text.read(8192)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    else:
        # Spreadsheets write a quote inside a quoted cell as two quotes; the sniffer says
        # otherwise whenever the sample's quoted cells hold no "" it recognises, and the cell
        # «"=H(""u"")"» was then read as «=H("u"")"» (issue 16: values shown as typed).
        dialect.doublequote = True
    try:
        yield from csv.reader(text, dialect)
    finally:
        text.detach()  # the caller closes its file


def _read_xlsx(source: BinaryIO) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    # Read a row at a time where the sheet allows it; calamine holds the whole sheet (issue 16).
    streamed = sheet_stream.rows(source)
    if streamed is not None:
        try:
            for row in streamed:
                yield [None if cell == "" else cell for cell in row]
        except (IndexError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
            raise UnsafeFile(_("The spreadsheet cannot be read.")) from None
        return
    try:
        source.seek(0)
        workbook = CalamineWorkbook.from_filelike(source)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception:  # calamine raises its own error types for broken files
        raise UnsafeFile(_("The spreadsheet cannot be read.")) from None
    for row in rows:
        yield [None if cell == "" else cell for cell in row]
