"""Checks on uploaded organisation logos: the name and the content must both be an image we serve.

SVG is refused on purpose: it can carry script, and a logo is shown to every signed-in user.
"""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 512 * 1024

# Name suffix -> (content type, test on the first bytes).
LOGO_FORMATS = {
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}


def logo_content_type(name, head):
    """The content type for a stored logo, or None when the name and the bytes disagree."""
    suffix = PurePosixPath(name or "").suffix.lower()
    fmt = LOGO_FORMATS.get(suffix)
    if fmt is None or not fmt[1](head):
        return None
    return fmt[0]


def validate_logo(file):
    if getattr(file, "_committed", False):
        return  # already stored, so checked when it was uploaded
    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is larger than %(limit)s KB."),
            code="too_large",
            params={"limit": LOGO_MAX_BYTES // 1024},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if logo_content_type(file.name, head) is None:
        raise ValidationError(
            _("The logo must be a PNG, JPEG or WebP image."), code="invalid_image"
        )
