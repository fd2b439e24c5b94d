"""The organisation dashboard's longest table, rendered in one pass."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.templatetags.persian_dates import localdigits

register = template.Library()

ROW = (
    "\n              "
    '<tr data-testid="caseworker-{}"><td><a href="{}?assigned_to={}"><bdi>{}</bdi></a></td>'
    '<td class="text-end">{}</td><td class="text-end">{}</td></tr>'
    "\n            "
)


@register.simple_tag
def caseworker_rows(rows: list[dict], case_list_url: str) -> SafeString:
    """One table row per caseworker: name (a link to their cases), open cases, high or critical.

    A large organisation has a hundred caseworkers or more: six lookups and filters a row in the
    template language cost about 8 ms a page, and Django's escaping helpers, checking each
    argument for lazy text, most of the rest. Every value is escaped here with the standard
    library's `html.escape`, which is what django.utils.html.escape calls (issue 21)."""
    language = get_language()
    url = escape(str(case_list_url))
    # The counts repeat from row to row (a hundred caseworkers, a few dozen distinct numbers):
    # each is written in the reader's digits once.
    numbers: dict[int, str] = {}

    def digits(count: int) -> str:
        if count not in numbers:
            numbers[count] = escape(localdigits(count, language))
        return numbers[count]

    return mark_safe(  # noqa: S308 - every value in it is escaped just above
        "".join(
            ROW.format(
                row["user"].pk,
                url,
                row["user"].pk,
                escape(str(row["user"])),
                digits(row["open"]),
                digits(row["high"]),
            )
            for row in rows
        )
    )
