"""The active language, and the one rule for text stored in both Persian and English."""

from django.utils.translation import get_language


def is_persian(lang: str | None = None) -> bool:
    """True when ``lang`` (default: the active language) is Persian."""
    lang = lang or get_language() or "fa"
    return lang.lower().startswith("fa")


def localised(fa: str, en: str, lang: str | None = None) -> str:
    """``fa`` in Persian (``lang``, default the active language) or when ``en`` is empty; else ``en``.

    English names are optional for organisations and working groups: an English page shows the
    Persian one rather than nothing.
    """
    return fa if is_persian(lang) or not en else en
