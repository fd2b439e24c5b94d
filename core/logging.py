"""Logging helpers: a request id on every line, and error reports without personal data."""

import logging
from types import FrameType
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

from .request_context import current


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        meta = current()
        record.request_id = str(meta.request_id) if meta else "-"
        return True


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide every submitted value and every local variable in error reports (LG-02).

    Forms here carry children's names, birth dates and locations; the safe default would show
    them in an error mail. What field names were sent is enough to debug.
    """

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    # Django iterates the pairs, so a list serves where it returns an ItemsView.
    def get_traceback_frame_variables(  # type: ignore[override]
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> list[tuple[str, Any]]:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
