"""The encounter list's and the referral lists' rows, each list written in one pass (issue 21).

Drawn by the template engine, a page of 25 rows cost more than the rest of the page: looking up
and escaping some 300 variables, `{% url %}` and the Jalali date filters (which read the
language again) on every row. Here the words, the language and the address around the key are
read once a page, and the list is one string with the templates' exact markup: what their
`{% for %}` loops gave, row after row. The rows are children/selectors/list_rows.py's tuples.
tests/children/test_list_row_tags.py holds the loops these rows must equal.
"""

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.db import models
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from core.exports import person_name
from core.i18n import localised
from core.id_urls import id_url
from core.templatetags.persian_dates import EMPTY, jdate, jdatetime_filter, localdigits

from ..models.cases import join_names
from ..models.choices import Activity, ReferralState
from ..selectors.list_rows import EncounterRow, ReferralRow

register = template.Library()


def _escape(value: object) -> str:
    """`conditional_escape` for plain text (no value of a row is marked safe)."""
    return html.escape(str(value))


def _label(choices: type[models.TextChoices], value: str) -> str:
    """What the model's `get_<field>_display()` gives: the choice's label, else the value."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class _Labels:
    """A choice's label, escaped, read once a page for each value met."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self._choices = choices
        self._labels: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        label = self._labels.get(value)
        if label is None:
            label = self._labels[value] = _escape(_label(self._choices, value))
        return label


_ENCOUNTER_ROW = (
    "\n      <tr>\n"
    '        <td class="text-nowrap stack-title"><a href="{}">{}</a></td>\n'
    '        <td class="stack-wide" data-label="{}"><bdi>{}</bdi>'
    '<div class="small text-body-secondary">{} <span class="sep" aria-hidden="true"></span> {}'
    "</div></td>\n"
    '        <td data-label="{}">{}</td>\n'
    '        <td data-label="{}">{}{}</td>\n'
    '        <td data-label="{}">{}</td>\n'
    '        <td data-label="{}"><bdi>{}</bdi></td>\n'
    "      </tr>\n      "
)


@register.simple_tag
def encounter_rows(rows: Iterable[EncounterRow]) -> SafeString:
    """children/encounter_list.html's rows."""
    language = get_language()
    address = id_url("children:encounter_detail")
    # Unescaped, as `{% translate %}` gives a literal's translation (the catalogue's own text).
    hotspot, district, activity, anonymous, caseworker = (
        gettext(word)
        for word in (
            gettext_noop("Hotspot"),
            gettext_noop("District"),
            gettext_noop("Activity"),
            gettext_noop("Children not registered"),
            gettext_noop("Caseworker"),
        )
    )
    follow_up = f' <span class="badge text-bg-warning">{gettext("Follow-up")}</span>'
    activities = _Labels(Activity)
    return mark_safe(  # noqa: S308 - every value of a row is escaped
        "".join(
            _ENCOUNTER_ROW.format(
                _escape(address(row.pk)),
                jdatetime_filter(row.occurred_at, language),
                hotspot,
                _escape(row.hotspot),
                _escape(localised(row.province_fa, row.province_en, language)),
                _escape(row.city),
                district,
                _escape(row.district or EMPTY),
                activity,
                activities(row.activity),
                follow_up if row.follow_up_needed else "",
                anonymous,
                localdigits(row.anonymous_total, language),
                caseworker,
                _escape(
                    person_name(
                        row.caseworker_first_name,
                        row.caseworker_last_name,
                        row.caseworker_username,
                    )
                ),
            )
            for row in rows
        )
    )


_REFERRAL_ROW = (
    '\n      <tr data-testid="referral-row">\n'
    '        <td class="text-nowrap" data-label="{}">{}</td>\n'
    '        <td class="stack-wide" data-label="{}"><bdi>{}</bdi></td>\n'
    '        <td class="stack-title">\n'
    "          {}\n"
    "        </td>\n"
    '        <td data-label="{}">{}</td>\n'
    '        <td data-label="{}"><span class="badge {}" data-testid="referral-state">{}</span>{}\n'
    "</td>\n"
    '        <td class="text-nowrap" data-label="{}">{}</td>\n'
    "      </tr>\n      "
)
# children/referrals/_state_badge.html's colours.
_STATE_BADGES: dict[str, str] = {
    ReferralState.SENT: "text-bg-primary",
    ReferralState.ACCEPTED: "text-bg-info",
    ReferralState.COMPLETED: "text-bg-success",
    ReferralState.NOT_COMPLETED: "text-bg-warning",
}


@register.simple_tag
def referral_rows(rows: Iterable[ReferralRow], box: str) -> SafeString:
    """children/referrals/inbox.html's rows; `box`: "inbox" or "sent"."""
    language = get_language()
    address = id_url("children:referral_detail")
    sent_on, other, service, state, due, overdue = (
        gettext(word)
        for word in (
            gettext_noop("Sent on"),
            gettext_noop("From") if box == "inbox" else gettext_noop("To"),
            gettext_noop("Service"),
            gettext_noop("State"),
            gettext_noop("Answer due"),
            gettext_noop("Overdue"),
        )
    )
    overdue_badge = (
        f' <span class="badge text-bg-danger" data-testid="referral-overdue">{overdue}</span>'
    )
    not_shared = f'<span class="text-body-secondary">{gettext("No longer shared")}</span>'
    states = _Labels(ReferralState)
    days: dict[Any, str] = {}

    def day(value: Any) -> str:
        """`{{ value|jdate }}`: digits and separators, nothing to escape."""
        text = days.get(value)
        if text is None:
            text = days[value] = jdate(value, language)
        return text

    def child(row: ReferralRow) -> str:
        """The child's cell; a link ends with the blank line the template's branch left."""
        url = _escape(address(row.pk))
        if box == "sent":
            names = _escape(join_names(row.given_name, row.family_name))
            return f'<a href="{url}"><bdi>{names}</bdi></a>\n          '
        if row.shared:
            names = f"{_escape(row.given_name)} {_escape(row.family_name)}"
            return f'<a href="{url}" data-testid="open-referral"><bdi>{names}</bdi></a>\n          '
        return not_shared

    def is_overdue(row: ReferralRow) -> bool:
        """`Referral.is_overdue`, the clock read for each row as the property reads it."""
        return row.state == ReferralState.SENT and row.answer_due_at < timezone.now()

    return mark_safe(  # noqa: S308 - every value of a row is escaped
        "".join(
            _REFERRAL_ROW.format(
                sent_on,
                day(row.sent_at),
                other,
                _escape(localised(row.organisation_fa, row.organisation_en, language)),
                child(row),
                service,
                _escape(localised(row.service_fa, row.service_en, language)),
                state,
                _STATE_BADGES.get(row.state, "text-bg-secondary"),
                states(row.state),
                overdue_badge if is_overdue(row) else "",
                due,
                day(row.answer_due_at) if row.state == ReferralState.SENT else EMPTY,
            )
            for row in rows
        )
    )
