"""Ministry officers verify an organisation, suspend it with a reason, or end a suspension."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from core.access import require_permission
from core.permissions import Perm
from core.refusals import refusal_on_form

from ..access import get_organisation_for_verification
from ..forms import ReinstateForm, SuspendForm, VerifyForm
from ..services import organisation_reinstate, organisation_suspend, organisation_verify

ACTIONS = {
    "verify": {
        "form": VerifyForm,
        "service": lambda by, org, data: organisation_verify(
            by=by, organisation=org, note=data["note"]
        ),
        "title": gettext_lazy("Verify the organisation"),
        "intro": gettext_lazy(
            "Confirm that you checked the documents and the registration. The organisation's "
            "managers are told by email."
        ),
        "button": gettext_lazy("Verify"),
        "button_class": "btn-success",
        "done": gettext_lazy("The organisation is verified and its managers have been told."),
    },
    "suspend": {
        "form": SuspendForm,
        "service": lambda by, org, data: organisation_suspend(
            by=by, organisation=org, reason=data["reason"]
        ),
        "title": gettext_lazy("Suspend the organisation"),
        "intro": gettext_lazy(
            "A suspended organisation receives no new referrals. Its staff can still sign in "
            "and read their own cases. The managers receive the reason by email."
        ),
        "button": gettext_lazy("Suspend"),
        "button_class": "btn-danger",
        "done": gettext_lazy("The organisation is suspended and its managers have been told."),
    },
    "reinstate": {
        "form": ReinstateForm,
        "service": lambda by, org, data: organisation_reinstate(
            by=by, organisation=org, note=data["note"]
        ),
        "title": gettext_lazy("End the suspension"),
        "intro": gettext_lazy(
            "The organisation receives referrals again. Its managers are told by email."
        ),
        "button": gettext_lazy("End the suspension"),
        "button_class": "btn-primary",
        "done": gettext_lazy("The suspension has ended and the managers have been told."),
    },
}


def _act(request, pk, action):
    organisation = get_organisation_for_verification(request.user, pk)
    spec = ACTIONS[action]
    form = spec["form"](request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            spec["service"](request.user, organisation, form.cleaned_data)
            messages.success(request, str(spec["done"]))
            return redirect("ngos:detail", pk=organisation.pk)
    return render(
        request,
        "ngos/verification_form.html",
        {
            "organisation": organisation,
            "form": form,
            "action": action,
            "title": spec["title"],
            "intro": spec["intro"],
            "button": spec["button"],
            "button_class": spec["button_class"],
        },
    )


@require_permission(Perm.ORG_VERIFY)
def verify(request, pk):
    return _act(request, pk, "verify")


@require_permission(Perm.ORG_VERIFY)
def suspend(request, pk):
    return _act(request, pk, "suspend")


@require_permission(Perm.ORG_VERIFY)
def reinstate(request, pk):
    return _act(request, pk, "reinstate")
