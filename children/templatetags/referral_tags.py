"""The case page's referrals card, `{% case_referrals_card case %}`, kept with the referrals code
so the case view needs no referral queries of its own."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.templatetags.persian_dates import jdate

from ..models import Referral
from ..presenters import url_around
from ..selectors.case_page import known_empty
from ..selectors.referrals import referrals_for_case
from .case_page_tags import choice_label

register = template.Library()


@register.inclusion_tag("children/referrals/_case_card.html", takes_context=True)
def case_referrals_card(context, case):
    """Every referral of `case` with its state, dates, overdue badge and the answers it got,
    and its letters to outside agencies."""
    referrals = [] if known_empty(context, case, "referrals") else referrals_for_case(case=case)
    # Each referral's link reversed once for the list.
    head, tail = url_around("children:referral_detail") if referrals else ("", "")
    language = translation.get_language()
    return {
        "case": case,
        "referral_rows": [_referral_row(referral, head, tail, language) for referral in referrals],
        "letters": []
        if known_empty(context, case, "referral_letters")
        else list(case.referral_letters.all()),
        "can": context.get("can", {}),
    }


# A referral's state badge, as children/referrals/_state_badge.html colours it.
_STATE_BADGE = {
    "sent": "text-bg-primary",
    "accepted": "text-bg-info",
    "completed": "text-bg-success",
    "not_completed": "text-bg-warning",
}
_SEP = ' <span class="sep" aria-hidden="true"></span> '


def _referral_row(referral: Referral, head: str, tail: str, language: str | None) -> SafeString:
    """One referral of the card, written in Python (a template loop over a case's referrals cost
    more than the rows, issue 21): the markup children/referrals/_case_card.html's loop wrote,
    whitespace included; every value escaped as the template did."""
    e = conditional_escape
    pk = str(referral.pk)
    state = referral.state
    overdue = (
        ' <span class="badge text-bg-danger" data-testid="referral-overdue">'
        f"{e(_('Overdue'))}</span>"
        if referral.is_overdue
        else ""
    )
    dates = [f"{e(_('Sent on'))} {e(jdate(referral.sent_at))}"]
    if state == "sent":
        dates.append(f"{_SEP}{e(_('Answer due'))} {e(jdate(referral.answer_due_at))}")
    if referral.answered_at:
        dates.append(f"{_SEP}{e(_('Answered'))} {e(jdate(referral.answered_at))}")
    if referral.closed_at:
        dates.append(f"{_SEP}{e(_('Ended'))} {e(jdate(referral.closed_at))}")
    declined = (
        f'<div>{e(_("Reason for declining"))}: <span class="text-break">'
        f"{linebreaksbr(referral.decline_reason, autoescape=True)}</span></div>"
        if referral.decline_reason
        else ""
    )
    outcome = (
        f'<div data-testid="referral-outcome">{e(_("Completion notes"))}: '
        f'<span class="text-break">{linebreaksbr(referral.outcome_notes, autoescape=True)}'
        "</span></div>"
        if referral.outcome_notes
        else ""
    )
    if referral.sharing_ended_at:
        ended = (
            '<div class="text-danger" data-testid="referral-sharing-ended">'
            + e(
                _(
                    "Ended because the consent was withdrawn; the receiving organisation no "
                    "longer sees it."
                )
            )
            + "</div>\n      "
        )
    elif referral.withdrawn_reason:
        ended = (
            f'<div>{e(_("Reason for withdrawal"))}: <span class="text-break">'
            f"{linebreaksbr(referral.withdrawn_reason, autoescape=True)}</span></div>"
        )
    else:
        ended = ""
    no_consent = (
        ""
        if referral.consent_id
        else f'<div class="text-warning-emphasis">{e(_("Sent without recorded consent"))}: '
        f'<span class="text-break">{e(referral.consent_override_reason)}</span></div>'
    )
    html = (
        f'\n    <div class="border-top pt-2 mt-2 small" id="referral-{pk}"'
        ' data-testid="case-referral">'
        '\n      <div class="d-flex flex-wrap gap-1 align-items-center">'
        f'\n        <a class="fw-semibold" href="{e(head)}{pk}{e(tail)}">'
        f"{e(str(referral.service))}</a>"
        f"\n        {_SEP.strip()} <bdi>{e(str(referral.to_organisation))}</bdi>"
        f'\n        <span class="badge {_STATE_BADGE.get(state, "text-bg-secondary")}"'
        f' data-testid="referral-state">{e(str(choice_label(referral, "state", language)))}</span>{overdue}\n'
        "\n      </div>"
        '\n      <div class="text-body-secondary">'
        f"\n        {''.join(dates)}"
        "\n      </div>"
        f"\n      {declined}"
        f"\n      {outcome}"
        f"\n      {ended}"
        f"\n      {no_consent}"
        "\n    </div>\n    "
    )
    return mark_safe(html)  # noqa: S308 (every value escaped above)
