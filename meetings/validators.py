"""Checks on documents attached to meetings and progress updates (FU-01): shared with the
children's document scans, so they live in core/uploads.py."""

from core.uploads import (
    DOCUMENT_FORMATS,
    DOCUMENT_MAX_BYTES,
    document_content_type,
    safe_download_name,
)

__all__ = ["DOCUMENT_FORMATS", "DOCUMENT_MAX_BYTES", "document_content_type", "safe_download_name"]
