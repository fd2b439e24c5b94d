"""The case page's referrals card, `{% case_referrals_card case %}`, kept with the referrals code
so the case view needs no referral queries of its own."""

from django import template

from ..presenters import url_around
from ..selectors.case_page import known_empty
from ..selectors.referrals import referrals_for_case

register = template.Library()


@register.inclusion_tag("children/referrals/_case_card.html", takes_context=True)
def case_referrals_card(context, case):
    """Every referral of `case` with its state, dates, overdue badge and the answers it got,
    and its letters to outside agencies."""
    referrals = (
        [] if known_empty(context, case, "referrals") else list(referrals_for_case(case=case))
    )
    return {
        "case": case,
        "referrals": referrals,
        # Each referral's link, reversed once for the list.
        "detail_href": url_around("children:referral_detail") if referrals else ("", ""),
        "letters": []
        if known_empty(context, case, "referral_letters")
        else list(case.referral_letters.all()),
        "can": context.get("can", {}),
    }
