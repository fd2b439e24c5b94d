"""Checks on uploaded documents: meetings' and progress updates' files, children's document scans
(FU-01).

PDF, DOCX and images only (scans: PDF and images), checked by the name's suffix AND the first bytes: a renamed binary
is refused. DOCX is a ZIP, so its content check also looks for the Word part in the archive.
"""

import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.core.files.base import File

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def _is_docx(file: Any, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(position)


# Name suffix -> (content type, test on the first bytes and the file).
Formats = dict[str, tuple[str, Callable[[bytes, Any], bool]]]
DOCUMENT_FORMATS: Formats = {
    ".pdf": ("application/pdf", lambda head, f: head.startswith(b"%PDF-")),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head, f: _is_docx(f, head),
    ),
    ".png": ("image/png", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    ".webp": ("image/webp", lambda head, f: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}


# A scan of a child's document (children/models/documents.py): a PDF or a photograph.
SCAN_FORMATS = {
    suffix: DOCUMENT_FORMATS[suffix] for suffix in (".pdf", ".png", ".jpg", ".jpeg", ".webp")
}


def document_content_type(file: "File[bytes]", formats: Formats | None = None) -> str:
    """Check an uploaded file; return its content type or raise ValidationError.

    `formats` narrows the accepted kinds (SCAN_FORMATS); by default any of DOCUMENT_FORMATS.
    """
    formats = DOCUMENT_FORMATS if formats is None else formats
    if file.size is None or file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": DOCUMENT_MAX_BYTES // (1024 * 1024)},
        )
    if file.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    suffix = PurePosixPath(file.name or "").suffix.lower()
    fmt = formats.get(suffix)
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if fmt is None or not fmt[1](head, file):
        raise ValidationError(
            _("Attach a PDF, a Word (DOCX) file or an image (PNG, JPEG, WebP).")
            if ".docx" in formats
            else _("Attach a PDF or an image (PNG, JPEG, WebP)."),
            code="invalid_type",
        )
    return fmt[0]


_UNSAFE = re.compile(r"[^\w.\- ()\u200c]+")


def safe_download_name(name: object, fallback: str = "document") -> str:
    """A file name safe for a Content-Disposition header: no path, no control or quote
    characters, no leading dots, at most 120 characters; Persian letters are kept."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" ._")
    if not base:
        return fallback
    stem, dot, suffix = base.rpartition(".")
    if dot and len(suffix) <= 8:
        return f"{stem[:110]}.{suffix}"
    return base[:120]
