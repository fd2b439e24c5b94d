"""The case list's rows (children/case_list.html), written in Python (issue 21).

Drawn by the template engine, 25 rows cost five times what they cost here (8 ms of CPU against
1.5 on a busy machine), mostly in looking up and escaping some 400 variables and in reversing
each case's address. Here the address is reversed once, the column names, the language and
the labels are read once a page, and each row is one string.
A row's status and risk level labels are read from the choices themselves: a model's
`get_status_display()` builds a dictionary of every choice on each call (about 40 µs a row).
tests/children/test_case_list_tags.py holds the template these rows must equal.
"""

import datetime
import functools
import html

from django import template
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from core.templatetags.persian_dates import EMPTY, localdigits

from ..models import Case
from ..models.choices import CaseStatus, RiskLevel
from .labour_tags import labour_flag_labels

register = template.Library()


def _label(choices: type[models.TextChoices], value: str) -> str:
    """What the model's `get_<field>_display()` gives: the choice's label, else the value."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def status_label(value: str) -> str:
    return _label(CaseStatus, value)


@register.filter
def risk_label(value: str) -> str:
    return _label(RiskLevel, value)


# A key no case has, put in the address and then replaced by each case's own.
_MARK = 2147483647


def case_url(pk: int) -> str:
    """What `{% url 'children:case_detail' pk %}` gives, reversed once for each script prefix
    and URLconf (the two things reversing reads)."""
    head, tail = _case_url_around(get_script_prefix(), get_urlconf())
    return f"{head}{int(pk)}{tail}"


@functools.lru_cache(maxsize=16)
def _case_url_around(prefix: str, urlconf: str | None) -> tuple[str, str]:
    """The address's text before and after the key (`prefix`, read by `reverse`, keys the cache)."""
    head, _, tail = reverse("children:case_detail", args=[_MARK], urlconf=urlconf).rpartition(
        str(_MARK)
    )
    return head, tail


# The column names each cell carries for the phone's stacked rows: the table head's own words.
_COLUMNS = {
    "number": gettext_noop("Case number"),
    "father": gettext_noop("Father's name"),
    "age": gettext_noop("Age"),
    "status": gettext_noop("Status"),
    "risk": gettext_noop("Risk level"),
    "caseworker": gettext_noop("Caseworker"),
}
_ROW = (
    "<tr>\n"
    '        <td class="text-nowrap stack-wide" data-label="{number}"><a href="{url}" dir="ltr">'
    "{case_number}</a></td>\n"
    '        <td class="stack-title"><a href="{url}"><bdi>{name}</bdi></a>{flags}</td>\n'
    '        <td data-label="{father}"><bdi>{father_name}</bdi></td>\n'
    '        <td data-label="{age}">{case_age}</td>\n'
    '        <td data-label="{status}">{case_status}</td>\n'
    '        <td data-label="{risk}">{case_risk}</td>\n'
    '        <td data-label="{caseworker}"><bdi>{assigned_to}</bdi></td>\n'
    "      </tr>"
)
_FLAG = ' <span class="badge text-bg-danger fw-normal" data-testid="case-labour-flag">{}</span>'
_RISK = '<span class="badge risk-{}">{}</span>'


class _Page:
    """What the rows of one page share, read once: the column names, the address around the
    key, the language and the labels of the statuses and risk levels met so far."""

    def __init__(self) -> None:
        # Unescaped, as `{% translate %}` gives a literal's translation (the catalogue's own text).
        self.columns = {key: gettext(text) for key, text in _COLUMNS.items()}
        self.url_head, self.url_tail = _case_url_around(get_script_prefix(), get_urlconf())
        self.language = get_language()
        self.labels: dict[tuple[str, str], str] = {}

    def label(self, choices: type[models.TextChoices], value: str) -> str:
        key = (choices.__name__, value)
        if key not in self.labels:
            self.labels[key] = _escape(_label(choices, value))
        return self.labels[key]


def _escape(value: object) -> str:
    """`conditional_escape` for plain text (no value of a row is marked safe), without its
    checks for lazy and safe text."""
    return html.escape(str(value))


@register.simple_tag(takes_context=True)
def case_row(context: template.Context, case: Case, today: datetime.date | None) -> SafeString:
    """One case's row; `today` is the day the view read once (else each age reads it)."""
    page = context.render_context.get(__name__)
    if page is None:
        page = context.render_context[__name__] = _Page()
    flags = "".join(_FLAG.format(_escape(label)) for label in labour_flag_labels(case.labour_flags))
    risk = case.risk_level
    url = _escape(f"{page.url_head}{int(case.pk)}{page.url_tail}")
    row = _ROW.format(
        **page.columns,
        url=url,
        case_number=_escape(case.case_number),
        name=_escape(case.full_name),
        flags=flags,
        father_name=_escape(case.father_name or EMPTY),
        case_age=_escape(localdigits(case.age(today or None), page.language)),
        case_status=page.label(CaseStatus, case.status),
        case_risk=_RISK.format(_escape(risk), page.label(RiskLevel, risk)) if risk else EMPTY,
        assigned_to=_escape(case.assigned_to),
    )
    return mark_safe(row)  # noqa: S308 - every value above is escaped
