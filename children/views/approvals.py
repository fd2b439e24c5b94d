"""Approving a referral sent on a consent override, from the approvals queue on "My work"
(docs/adr/0038)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import get_for_user_or_404, object_access
from core.refusals import refusal_as_message

from .. import services
from ..selectors.approvals import consent_overrides_open


@require_POST
@object_access
def override_approve(request, pk):
    # Only the sending organisation's approvers find it; anyone else (the receiver included)
    # gets the audited 404 of a missing id.
    referral = get_for_user_or_404(request.user, consent_overrides_open(user=request.user), pk=pk)
    with refusal_as_message(request, not_allowed_too=True):
        services.consent_override_approve(by=request.user, referral=referral)
        messages.success(request, _("The referral without consent is approved."))
    return redirect(reverse("children:my_work") + "#approvals")
