"""The number of approvals waiting for the signed-in manager, for the navigation bar.

    {% load approval_tags %}{% approvals_waiting as waiting %}

A tag rather than a context processor: `core` may not import `children`, and only the pages that
draw the navigation pay for the two counts (none at all for a user who decides nothing).
"""

from django import template

from ..selectors.approvals import WAITING_ON_REQUEST, approvals_count

register = template.Library()


@register.simple_tag(takes_context=True)
def approvals_waiting(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Counted once per request, however many times the page asks.
    cached = getattr(request, WAITING_ON_REQUEST, None)
    if cached is None:
        cached = approvals_count(user=user)
        setattr(request, WAITING_ON_REQUEST, cached)
    return cached
