"""PDFs in the official right-to-left Persian layout, rendered by WeasyPrint.

The font is Vazirmatn, shipped with the app and given to the template as a file URL built at
render time, so rendering needs no network. Templates use it as `{{ font_url }}` in their
`@font-face`; relative URLs in them resolve against the project folder. WeasyPrint is imported
when a PDF is rendered, not when the app starts: it is slow to import and the web pages do not
need it.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

FONT = "vendor/vazirmatn/Vazirmatn-Variable.woff2"


def font_url() -> str:
    """The font's file URL: from the static folders in development, else from STATIC_ROOT."""
    found = finders.find(FONT)
    path = found if isinstance(found, str) else str(Path(settings.STATIC_ROOT) / FONT)
    return Path(path).resolve().as_uri()


def render_pdf(template: str, context: Mapping[str, Any], *, language: str = "fa") -> bytes:
    """The PDF bytes of `template` rendered with `context` in `language` (Persian by default:
    the official records are Persian)."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "font_url": font_url()})
    pdf: bytes = HTML(string=html, base_url=str(Path(settings.BASE_DIR).resolve())).write_pdf()
    return pdf
