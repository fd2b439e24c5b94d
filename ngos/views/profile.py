"""Editing an organisation's profile, and the history of what changed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.access import require_permission
from core.permissions import Perm, has_permission
from core.refusals import refusal_on_form

from ..access import get_organisation_for_history, get_organisation_for_profile_edit
from ..forms import OrganisationProfileForm, ServiceOfferingsForm
from ..history import describe_events
from ..selectors import organisation_history
from ..services import organisation_update_profile


@require_permission(Perm.ORG_EDIT_PROFILE)
def profile_edit(request, pk):
    organisation = get_organisation_for_profile_edit(request.user, pk)
    can_edit_identity = has_permission(request.user, Perm.ORGS_MANAGE_ALL)
    offerings_form = ServiceOfferingsForm(request.POST or None, organisation=organisation)
    form = OrganisationProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=organisation,
        can_edit_identity=can_edit_identity,
    )
    # `&`, not `and`: both forms are validated so that each shows its errors at once.
    if request.method == "POST" and form.is_valid() & offerings_form.is_valid():
        with refusal_on_form(form):
            organisation_update_profile(
                by=request.user,
                organisation=organisation,
                data=form.profile_data(),
                offerings=offerings_form.offerings_data(),
            )
            messages.success(request, _("The profile has been saved."))
            return redirect("ngos:detail", pk=organisation.pk)
    return render(
        request,
        "ngos/profile_form.html",
        {"organisation": organisation, "form": form, "offerings_form": offerings_form},
    )


@require_permission(Perm.ORG_HISTORY_VIEW, Perm.ORG_EDIT_PROFILE)
def history(request, pk):
    organisation = get_organisation_for_history(request.user, pk)
    page = Paginator(organisation_history(organisation=organisation), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ngos/history.html",
        {"organisation": organisation, "page": page, "entries": describe_events(page)},
    )
