""" "My work"'s long lists (children/my_work.html and its partials), each written in one pass.

A manager's page lists about two hundred rows; drawn by the template engine each row cost
some 40 µs, mostly in looking up and escaping its variables, the Jalali date filter reading the
language again, and `{% translate %}` inside the row (issue 21). Here the words, the language
and each day's text are read once a page, and a list is one string with the template's exact
markup (what the `{% for %}` loop it replaces gave, row after row). The rows are the small
dicts of children/selectors, their addresses set by the view (children/views/mywork.py).
"""

import datetime
import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from core.templatetags.persian_dates import jdate

register = template.Library()

_SEP = '<span class="sep" aria-hidden="true"></span>'


def _escape(value: object) -> str:
    """`conditional_escape` for plain text (no value of a row is marked safe). Most names and
    addresses hold none of the five characters: looking for them first is about half the cost of
    `html.escape`'s five replacements, on some eight hundred values a manager's page."""
    text = value if type(value) is str else str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text)
    return text


class _Page:
    """What one page's lists share: the words (unescaped, as `{% translate %}` gives a literal's
    translation), the language, and the text of each day met so far."""

    def __init__(self) -> None:
        self.language = get_language()
        self.days: dict[Any, str] = {}
        self.zone: datetime.tzinfo | None = None
        self.words: dict[str, str] = {}

    def word(self, msgid: str) -> str:
        """`msgid`'s translation, looked up once a page. Callers write the literal inside
        gettext_noop: makemessages finds a message only in such a call."""
        if msgid not in self.words:
            self.words[msgid] = gettext(msgid)
        return self.words[msgid]

    def day(self, value: Any) -> str:
        """`{{ value|jdate }}`: digits and separators only, nothing to escape."""
        if isinstance(value, datetime.datetime):
            # Its day in the current zone, as the filter takes it (core/jalali.py _local_date),
            # the zone read once a page: each row's instant is its own, its day seldom is.
            if value.utcoffset() is None:  # naive: Tehran wall time already
                value = value.date()
            else:
                if self.zone is None:
                    self.zone = timezone.get_current_timezone()
                value = value.astimezone(self.zone).date()
        text = self.days.get(value)
        if text is None:
            text = self.days[value] = jdate(value, self.language)
        return text

    def overdue(self) -> str:
        overdue = self.word(gettext_noop("Overdue"))  # outside the f-string, for xgettext
        return f'<span class="badge text-bg-danger">{overdue}</span> '


def _page(context: template.Context) -> _Page:
    page = context.render_context.get(__name__)
    if page is None:
        page = context.render_context[__name__] = _Page()
    return page


def _joined(rows: Iterable[str]) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 - every value in a row is escaped


@register.simple_tag(takes_context=True)
def follow_up_rows(
    context: template.Context,
    rows: list[dict[str, Any]],
    today: datetime.date,
    whole_organisation: bool,
) -> SafeString:
    page = _page(context)
    overdue = page.overdue()
    return _joined(
        '\n        <li><a class="work-link" href="{}"><bdi>{}</bdi></a>\n'
        "          <div>{}{} {} {}{}</div></li>\n        ".format(
            _escape(row["url"]),
            _escape(row["case_name"]),
            overdue if row["due_on"] < today else "",
            page.day(row["due_on"]),
            _SEP,
            _escape(row["kind_label"]),
            f" {_SEP} <bdi>{_escape(row['responsible_name'])}</bdi>" if whole_organisation else "",
        )
        for row in rows
    )


@register.simple_tag(takes_context=True)
def incoming_referral_rows(context: template.Context, rows: list[dict[str, Any]]) -> SafeString:
    page = _page(context)
    overdue = page.overdue()
    return _joined(
        '<li><a class="work-link" href="{}">{}</a>\n'
        "          <div>{}<bdi>{}</bdi> {} {}</div></li>\n        ".format(
            _escape(row["url"]),
            _escape(row["service"]),
            overdue if row["is_overdue"] else "",
            _escape(row["from_organisation"]),
            _SEP,
            page.day(row["sent_at"]),
        )
        for row in rows
    )


@register.simple_tag(takes_context=True)
def outgoing_referral_rows(context: template.Context, rows: list[dict[str, Any]]) -> SafeString:
    page = _page(context)
    overdue = page.overdue()
    to = page.word(gettext_noop("to"))
    return _joined(
        '<li><a class="work-link" href="{}"><bdi>{}</bdi></a>\n'
        '          <div>{}<span class="flow-arrow" aria-hidden="true"></span>'
        '<span class="visually-hidden">{}</span> <bdi>{}</bdi> {} {}</div></li>\n        '.format(
            _escape(row["url"]),
            _escape(row["case_name"]),
            overdue if row["is_overdue"] else "",
            to,
            _escape(row["to_organisation"]),
            _SEP,
            _escape(row["service"]),
        )
        for row in rows
    )


@register.simple_tag(takes_context=True)
def unseen_case_rows(
    context: template.Context, rows: list[dict[str, Any]], whole_organisation: bool
) -> SafeString:
    page = _page(context)
    last_contact = page.word(gettext_noop("last contact"))
    return _joined(
        '<li><a class="work-link" href="{}"><bdi>{}</bdi></a>\n'
        '          <div><span dir="ltr">{}</span> {} {}: {}{}</div></li>\n        '.format(
            _escape(row["url"]),
            _escape(row["case_name"]),
            _escape(row["case_number"]),
            _SEP,
            last_contact,
            page.day(row["last_contact_on"]),
            f" {_SEP} <bdi>{_escape(row['assigned_to'])}</bdi>" if whole_organisation else "",
        )
        for row in rows
    )


_PLAN_ACTION_FORM = (
    '\n        <form method="post" action="{}" class="mt-1">\n'
    '          <input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
    '          <input type="hidden" name="status" value="done">\n'
    '          <input type="hidden" name="back" value="my_work">\n'
    '          <button class="btn btn-sm btn-outline-success" data-testid="plan-action-done">{}'
    "</button>\n"
    "        </form>\n        "
)


@register.simple_tag(takes_context=True)
def plan_action_rows(
    context: template.Context, section: dict[str, Any], csrf: object
) -> SafeString:
    """children/partials/my_plan_actions.html's rows; `csrf`, the page's token as text."""
    page = _page(context)
    overdue = page.overdue()
    today = section["today"]
    can_mark_done = section["can_mark_done"]
    token = _escape(csrf)
    mark_done = page.word(gettext_noop("Mark done"))
    return _joined(
        '\n      <li data-testid="plan-action-{}"><a class="work-link" href="{}#plan"><bdi>{}</bdi>'
        "</a>\n"
        '        <div>{}{} {} <span class="text-break">{}</span>{}</div>\n        {}\n'
        "      </li>\n      ".format(
            _escape(row["pk"]),
            _escape(row["url"]),
            _escape(row["case_name"]),
            overdue if row["target_date"] < today else "",
            page.day(row["target_date"]),
            _SEP,
            _escape(row["description"]),
            f" {_SEP} {_escape(row['service'])}" if row["has_service"] else "",
            _PLAN_ACTION_FORM.format(_escape(row["status_url"]), token, mark_done)
            if can_mark_done
            else "",
        )
        for row in section["actions"]
    )


_CLOSURE = (
    '\n      <li class="approval-item" data-testid="approval-closure">\n'
    '        <div class="approval-what">\n'
    '          <a href="{url}"><bdi>{case_name}</bdi></a>\n'
    '          {sep} <span dir="ltr">{case_number}</span>\n'
    "        </div>\n"
    '        <div class="small">\n'
    "          {reason}: <strong>{reason_label}</strong>{note}\n"
    "        </div>\n"
    '        <div class="small text-body-secondary">\n'
    "          {asked_by} <bdi>{requested_by}</bdi> {sep} {requested_at}\n"
    "        </div>\n"
    "        {decision}\n"
    "      </li>\n      "
)
_OWN_CLOSURE = (
    '\n        <p class="small text-body-secondary mb-0" data-testid="queue-own-closure">{}</p>\n'
    "        "
)
_DECIDE = (
    '\n        <form method="post" action="{url}" class="approval-decide">\n'
    '          <input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">\n'
    '          <input type="hidden" name="back" value="my_work">\n'
    '          <label class="form-label small mb-1" for="approval-comment-{pk}">{comment}</label>\n'
    '          <textarea class="form-control form-control-sm" name="comment"'
    ' id="approval-comment-{pk}" rows="1"></textarea>\n'
    '          <div class="approval-buttons">\n'
    '            <button class="btn btn-success" name="decision" value="approve"'
    ' data-testid="queue-approve-closure">{approve}</button>\n'
    '            <button class="btn btn-outline-secondary" name="decision" value="return"'
    ' data-testid="queue-return-closure">{send_back}</button>\n'
    "          </div>\n"
    "        </form>\n        "
)


@register.simple_tag(takes_context=True)
def closure_rows(context: template.Context, approvals: dict[str, Any], csrf: object) -> SafeString:
    """children/partials/approvals.html's closing requests; `csrf`, the page's token as text."""
    page = _page(context)
    token = _escape(csrf)
    user_id = approvals["user_id"]
    words = {
        "sep": _SEP,
        "reason": page.word(gettext_noop("Reason")),
        "asked_by": page.word(gettext_noop("Asked by")),
    }
    decide_words = {
        "csrf": token,
        "comment": page.word(gettext_noop("Comment (needed to send back)")),
        "approve": page.word(gettext_noop("Approve closing")),
        "send_back": page.word(gettext_noop("Send back")),
    }
    rows = []
    for row in approvals["closures"]:
        if row["requested_by_id"] == user_id:
            decision = _OWN_CLOSURE.format(
                page.word(
                    "You asked to close this case, so another manager or the organisation's"
                    " second approver must approve it."
                )
            )
        else:
            decision = _DECIDE.format(
                url=_escape(row["decide_url"]), pk=_escape(row["pk"]), **decide_words
            )
        note = row["note"]
        rows.append(
            _CLOSURE.format(
                url=_escape(row["url"]),
                case_name=_escape(row["case_name"]),
                case_number=_escape(row["case_number"]),
                reason_label=_escape(row["reason_label"]),
                note=f" {_SEP} {_escape(note)}" if note else "",
                requested_by=_escape(row["requested_by"]),
                requested_at=page.day(row["requested_at"]),
                decision=decision,
                **words,
            )
        )
    return _joined(rows)


_OVERRIDE = (
    '\n      <li class="approval-item" data-testid="approval-override">\n'
    '        <div class="approval-what">\n'
    '          <a href="{url}"><bdi>{case_name}</bdi></a>\n'
    '          {sep} <span dir="ltr">{case_number}</span>\n'
    "        </div>\n"
    '        <div class="small">\n'
    '          {service} <span class="flow-arrow" aria-hidden="true"></span>'
    '<span class="visually-hidden">{to}</span> <bdi>{to_organisation}</bdi> {sep} {state_label}\n'
    "        </div>\n"
    '        <div class="small text-body-secondary">\n'
    "          {reason_word}: {reason}\n"
    "          {sep} <bdi>{sent_by}</bdi> {sep} {sent_at}\n"
    "        </div>\n"
    "        {state}\n"
    '        <div class="approval-buttons">\n'
    "          {approve}\n"
    '          <a class="btn btn-outline-primary" href="{url}" data-testid="queue-record-consent">'
    "{record_consent}</a>\n"
    "        </div>\n"
    "      </li>\n      "
)
_OVERRIDE_APPROVED = (
    '\n        <div class="small text-success-emphasis" data-testid="override-approved">{} <bdi>{}'
    "</bdi> {} {}</div>\n        "
)
_OWN_OVERRIDE = (
    '\n        <div class="small text-body-secondary" data-testid="queue-own-override">{}</div>\n'
    "        "
)
_APPROVE_OVERRIDE = (
    '\n          <form method="post" action="{}">\n'
    '            <input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
    '            <button class="btn btn-success" data-testid="queue-approve-override">{}</button>\n'
    "          </form>\n          "
)


@register.simple_tag(takes_context=True)
def override_rows(context: template.Context, approvals: dict[str, Any], csrf: object) -> SafeString:
    """children/partials/approvals.html's referrals sent on a consent override."""
    page = _page(context)
    token = _escape(csrf)
    user_id = approvals["user_id"]
    words = {
        "sep": _SEP,
        "to": page.word(gettext_noop("to")),
        "reason_word": page.word(gettext_noop("Reason for referring without consent")),
        "record_consent": page.word(gettext_noop("Record consent")),
    }
    rows = []
    for row in approvals["overrides"]:
        approved_at = row["override_approved_at"]
        own = row["sent_by_id"] == user_id
        if approved_at:
            state = _OVERRIDE_APPROVED.format(
                page.word(gettext_noop("Override approved by")),
                _escape(row["override_approved_by"]),
                _SEP,
                page.day(approved_at),
            )
        elif own:
            state = _OWN_OVERRIDE.format(
                page.word(
                    "You sent this referral without consent, so another manager or the"
                    " organisation's second approver must approve the override."
                )
            )
        else:
            state = ""
        approve = (
            _APPROVE_OVERRIDE.format(
                _escape(row["approve_url"]), token, page.word(gettext_noop("Approve the override"))
            )
            if not approved_at and not own
            else ""
        )
        rows.append(
            _OVERRIDE.format(
                url=_escape(row["url"]),
                case_name=_escape(row["case_name"]),
                case_number=_escape(row["case_number"]),
                service=_escape(row["service"]),
                to_organisation=_escape(row["to_organisation"]),
                state_label=_escape(row["state_label"]),
                reason=_escape(row["consent_override_reason"]),
                sent_by=_escape(row["sent_by"]),
                sent_at=page.day(row["sent_at"]),
                state=state,
                approve=approve,
                **words,
            )
        )
    return _joined(rows)
