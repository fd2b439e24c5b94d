"""Organisation pages."""

from django.shortcuts import render

from core.access import require_permission
from core.permissions import Perm, has_permission

from .access import get_organisation_for_staff_view
from .selectors import staff_of


@require_permission(Perm.ORG_VIEW_STAFF)
def staff_list(request, pk):
    organisation = get_organisation_for_staff_view(request.user, pk)
    return render(
        request,
        "ngos/staff_list.html",
        {
            "organisation": organisation,
            "staff": staff_of(organisation=organisation),
            "can_manage": has_permission(
                request.user, Perm.ORG_MANAGE_STAFF, organisation=organisation
            ),
        },
    )
