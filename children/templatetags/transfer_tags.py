"""Transfer blocks other pages include with one line (docs/adr/0037).

{% load transfer_tags %}{% transfers_my_work %}       on "My work"
{% load transfer_tags %}{% transfer_card case %}      on the case page
"""

from typing import Any

from django import template

from core.permissions import Perm, has_permission

from ..selectors import transfers as selectors
from ..selectors.case_page import known_empty

register = template.Library()


@register.inclusion_tag("children/transfers/_my_work.html", takes_context=True)
def transfers_my_work(context: Any) -> dict[str, Any]:
    request = context.get("request")
    return {"transfers": selectors.transfers_my_work(user=request.user), "request": request}


@register.inclusion_tag("children/transfers/_case_card.html", takes_context=True)
def transfer_card(context: Any, case: Any) -> dict[str, Any]:
    """The case owner's view: a request waiting, the arrival from another organisation, and the
    button for a manager."""
    request = context.get("request")
    user = request.user
    if known_empty(context, case, "transfers"):
        pending, arrival = None, None
    else:
        pending, arrival = selectors.case_page_transfers(case)
    return {
        "case": case,
        "pending": pending,
        "arrival": arrival,
        "may_transfer": has_permission(user, Perm.CASE_TRANSFER, organisation=case.organisation_id),
        "request": request,
    }
