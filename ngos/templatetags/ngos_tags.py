"""`{{ items|joinlocal }}`: a list joined with the reader's comma (، in Persian, ", " in English)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.i18n import is_persian

register = template.Library()


@register.filter(needs_autoescape=True)
def joinlocal(items, autoescape=True):
    escape = conditional_escape if autoescape else str
    separator = "، " if is_persian() else ", "
    return mark_safe(separator.join(escape(str(item)) for item in items or []))  # noqa: S308
