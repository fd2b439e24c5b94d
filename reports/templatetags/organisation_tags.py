"""The organisation dashboard's longest tables, rendered in one pass."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.i18n import localised
from core.templatetags.persian_dates import localdigits

register = template.Library()

ROW = (
    "\n              "
    '<tr data-testid="caseworker-{}"><td><a href="{}?assigned_to={}"><bdi>{}</bdi></a></td>'
    '<td class="text-end">{}</td><td class="text-end">{}</td></tr>'
    "\n            "
)


STATUS_ROW = (
    "\n              "
    '<tr data-testid="status-{status}"><th scope="row" class="text-start fw-normal stack-title">'
    '<a href="{url}?status={status}">{label}</a></th>{cells}'
    '<td class="fw-semibold" data-label="{total_label}">{total}</td></tr>'
    "\n            "
)
TOTALS_ROW = (
    '<tr data-testid="risk-totals"><th scope="row" class="text-start stack-title">{total_label}'
    '</th>{cells}<th data-label="{total_label}">{total}</th></tr>'
)


@register.simple_tag
def status_grid(figures: dict, case_list_url: str, total_label: str) -> SafeString:
    """The body and foot of "open cases by status and risk level": a row per status, a cell
    per risk level with its name for phones, and the totals (issue 21: the template language's
    loops, filters and lookups cost about a millisecond for these forty cells)."""
    language = get_language()
    url = escape(str(case_list_url))
    total_label = escape(str(total_label))
    labels = [escape(str(column["label"])) for column in figures["risk_columns"]]

    def cells(counts: list[int], tag: str) -> str:
        return "".join(
            f'<{tag} data-label="{label}">{escape(localdigits(count, language))}</{tag}>'
            for label, count in zip(labels, counts, strict=False)
        )

    body = "".join(
        STATUS_ROW.format(
            status=escape(str(row["status"])),
            url=url,
            label=escape(str(row["label"])),
            cells=cells(row["counts"], "td"),
            total_label=total_label,
            total=escape(localdigits(row["total"], language)),
        )
        for row in figures["by_status"]
    )
    foot = TOTALS_ROW.format(
        total_label=total_label,
        cells=cells(figures["risk_totals"], "th"),
        total=escape(localdigits(figures["open_total"], language)),
    )
    return mark_safe(f"<tbody>{body}</tbody>\n            <tfoot>{foot}</tfoot>")  # noqa: S308 - escaped above


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


HOTSPOT_ROW = (
    "\n              "
    '<tr data-testid="hotspot-row"><td><bdi>{}</bdi><div class="small text-body-secondary">{} '
    '<span class="sep" aria-hidden="true"></span> <bdi>{}</bdi></div></td>'
    '\n                <td class="text-end">{}</td><td class="text-end">{}</td>'
    '<td class="text-end">{}</td><td class="text-end fw-semibold">{}</td></tr>'
    "\n            "
)


@register.simple_tag
def hotspot_rows(rows: list[dict]) -> SafeString:
    """The busiest hotspots' rows: the place and its province and city, then encounters,
    registered, unregistered and all children met, in the reader's digits (one pass, issue 21)."""
    language = get_language()

    def digits(count: int) -> str:
        return escape(localdigits(count, language))

    return mark_safe(  # noqa: S308 - every value in it is escaped here
        "".join(
            HOTSPOT_ROW.format(
                escape(str(row["hotspot"])),
                escape(localised(row["province__name_fa"], row["province__name_en"])),
                escape(str(row["city"])),
                digits(row["encounters"]),
                digits(row["registered"]),
                digits(row["anonymous"]),
                digits(row["children"]),
            )
            for row in rows
        )
    )
