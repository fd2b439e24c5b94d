"""The organisation dashboard's longest tables, rendered in one pass."""

import datetime
from html import escape
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape, json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.i18n import localised
from core.templatetags.form_tags import bootstrap
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


# The dashboard's short tables, a row per item in one pass (issue 21): the template language's
# loop, lookups and filters cost more than the few rows they write.


def _label(value: Any) -> str:
    # conditional_escape: a label already safe stays as the template would have left it.
    return str(conditional_escape(value))


RISK_HEAD = '<th scope="col" class="small">{}</th>'
RISK_LINK = '<a href="{}?risk_level={}">{}</a>'


@register.simple_tag
def risk_heads(columns: list[dict], case_list_url: str) -> SafeString:
    """The grid's column heads: each risk level a link to the case list with that level."""
    url = escape(str(case_list_url))
    return mark_safe(  # noqa: S308 - every value in it is escaped here
        "".join(
            RISK_HEAD.format(
                RISK_LINK.format(url, escape(str(column["risk"])), _label(column["label"]))
                if column["risk"]
                else _label(column["label"])
            )
            for column in columns
        )
    )


MONTH_ROW = (
    "\n              "
    '<tr data-testid="month-{}"><td>{}</td><td class="text-end">{}</td></tr>'
    "\n            "
)
CLOSURE_ROW = (
    "\n              "
    '<tr data-testid="closure-{}"><td>{}</td><td class="text-end">{}</td></tr>'
    "\n            "
)
OUTCOME_ROW = '<tr data-testid="follow-up-{}"><td>{}</td><td class="text-end">{}</td></tr>'


def _count_rows(row_template: str, rows: list[dict], key: Any) -> SafeString:
    """One row a dict: the row's key (what the test id and links name), its label, its count."""
    language = get_language()
    return mark_safe(  # noqa: S308 - every value in it is escaped here
        "".join(
            row_template.format(
                escape(str(key(row))),
                _label(row["label"]),
                escape(localdigits(row["count"], language)),
            )
            for row in rows
        )
    )


@register.simple_tag
def month_rows(months: list[dict]) -> SafeString:
    """New registrations per month: the month, the count."""
    return _count_rows(MONTH_ROW, months, lambda row: row["year_month"])


@register.simple_tag
def closure_rows(rows: list[dict]) -> SafeString:
    """Cases closed by reason: the reason ("none" for a closure without one), the count."""
    return _count_rows(CLOSURE_ROW, rows, lambda row: row["reason"] or "none")


@register.simple_tag
def outcome_rows(rows: list[dict]) -> SafeString:
    """Follow-ups due in the period by outcome: the outcome, the count."""
    return _count_rows(OUTCOME_ROW, rows, lambda row: row["key"])


REFERRAL_STATE_ROW = (
    "\n              "
    '<tr data-testid="referral-state-{state}"><td>{label}</td>'
    '\n                <td class="text-end"><a href="{sent}?state={state}">{out}</a></td>'
    '\n                <td class="text-end"><a href="{inbox}?state={state}">{in_}</a></td></tr>'
    "\n            "
)


@register.simple_tag
def referral_state_rows(states: list[dict], sent_url: str, inbox_url: str) -> SafeString:
    """Referrals by state, sent and received: each count a link to its list in that state."""
    language = get_language()
    sent, inbox = escape(str(sent_url)), escape(str(inbox_url))
    return mark_safe(  # noqa: S308 - every value in it is escaped here
        "".join(
            REFERRAL_STATE_ROW.format(
                state=escape(str(row["state"])),
                label=_label(row["label"]),
                sent=sent,
                inbox=inbox,
                out=escape(localdigits(row["out"], language)),
                in_=escape(localdigits(row["in"], language)),
            )
            for row in states
        )
    )


# The period's select as `field|bootstrap` writes it, per (day, language, bound, choice): its
# seventeen options in three groups cost about 0.2 ms a page to render. Only a valid choice is
# kept (a bad one is rendered each time, as a sent value must not grow the store); the day's
# choices and labels come from the day and language (selectors.organisation.period_options).
_PERIOD_SELECTS: dict[tuple[Any, ...], SafeString] = {}
_PERIOD_SELECTS_KEPT = 128


@register.simple_tag
def period_select(field: BoundField, today: datetime.date) -> SafeString:
    """`field|bootstrap` for the dashboard's period form, the same HTML."""
    if field.errors:
        return bootstrap(field)
    key = (today, get_language(), field.form.is_bound, field.value())
    html = _PERIOD_SELECTS.get(key)
    if html is None:
        if len(_PERIOD_SELECTS) >= _PERIOD_SELECTS_KEPT:
            _PERIOD_SELECTS.clear()
        html = _PERIOD_SELECTS[key] = bootstrap(field)
    return html


CHART = (
    '\n<div class="dashboard-chart mb-3"><canvas data-chart="{}" role="img" aria-label="{}">'
    "</canvas></div>\n{}\n"
)


@register.simple_tag
def chart(spec: dict, chart_id: str, title: Any) -> SafeString:
    """A chart drawn by static/js/dashboard-charts.js from `spec`; the table beside it carries
    the same numbers. A tag rather than an included template: seven includes a page, each a
    new context and a template lookup (issue 21)."""
    return mark_safe(  # noqa: S308 - the id and title escaped, the spec by json_script
        CHART.format(escape(str(chart_id)), conditional_escape(title), json_script(spec, chart_id))
    )
