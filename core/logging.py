"""Logging helpers: a request id on every line, and error reports without personal data."""

import logging
import re
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


# --- No child's data in any log line (LG-04) ----------------------------------------------------

# A path followed by a query string, as in a request line or a URL inside a message.
_QUERY = re.compile(r"(?P<path>(?:https?://[^\s\"'?]*)?/[^\s\"'?]*)\?[^\s\"']*")
# PostgreSQL repeats the offending values in a constraint error's detail line.
_KEY_DETAIL = re.compile(r"(Key \([^)]*\)=)\([^\n]*?\)( already exists| is not present|\.|$)")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` without query strings (search words, filters) or database key values."""
    # Neither pattern can match without its literal: most lines (gunicorn's access log leaves
    # out the query) skip both.
    if "?" in text:
        text = _QUERY.sub(r"\g<path>", text)
    if "Key (" in text:
        text = _KEY_DETAIL.sub(rf"\1({REDACTED})\2", text)
    return text


class NoQueryStringFilter(logging.Filter):
    """Drops query strings and database key values from every record it sees (LG-04).

    Search, the child picker and the list filters carry names, ID numbers and phone numbers in
    their query strings; runserver's request log (`django.server`), gunicorn's error log and any
    URL in an exception would write them out. Attached to handlers, so every logger is covered.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # The record keeps its message formatted (cleaned or not), so the formatter does not
        # format it a second time.
        record.msg, record.args = redact(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def add_no_query_filter(logger: logging.Logger) -> None:
    """Put NoQueryStringFilter on each of `logger`'s handlers (Celery sets up its own)."""
    for handler in logger.handlers:
        if not any(isinstance(f, NoQueryStringFilter) for f in handler.filters):
            handler.addFilter(NoQueryStringFilter())
