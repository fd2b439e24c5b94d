"""The service directory: search and filters, an organisation's profile, its logo, coverage."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from core.access import require_permission
from core.permissions import Perm, has_permission

from ..access import get_organisation_for_directory
from ..selectors import (
    coverage,
    organisation_directory,
    organisations_verifiable,
    organisations_with_visible_history,
)
from ..validators import logo_content_type

PAGE_SIZE = 25


@require_permission(Perm.DIRECTORY_VIEW)
def directory(request):
    filterset = organisation_directory(user=request.user, filters=request.GET)
    # No filter at all lists every organisation; a refused filter lists none.
    refused = filterset.is_bound and not filterset.is_valid()
    results = filterset.queryset.none() if refused else filterset.qs
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ngos/directory.html",
        {"filter": filterset, "page": page, "filtered": filterset.form.has_changed()},
    )


@require_permission(Perm.DIRECTORY_VIEW)
def detail(request, pk):
    organisation = get_organisation_for_directory(request.user, pk)
    user = request.user
    return render(
        request,
        "ngos/organisation_detail.html",
        {
            "organisation": organisation,
            "offerings": organisation.service_offerings.all(),
            "can_edit": has_permission(user, Perm.ORG_EDIT_PROFILE, organisation=organisation),
            "can_verify": organisations_verifiable(user=user).filter(pk=pk).exists(),
            "can_see_history": organisations_with_visible_history(user=user).filter(pk=pk).exists(),
            "can_see_staff": has_permission(user, Perm.ORG_VIEW_STAFF, organisation=organisation),
        },
    )


@require_permission(Perm.DIRECTORY_VIEW)
def logo(request, pk):
    organisation = get_organisation_for_directory(request.user, pk)
    if not organisation.logo:
        raise Http404
    handle = organisation.logo.open("rb")
    head = handle.read(16)
    handle.seek(0)
    content_type = logo_content_type(organisation.logo.name, head)
    if content_type is None:
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_permission(Perm.COVERAGE_VIEW)
def coverage_table(request):
    verified_only = request.GET.get("include") != "unverified"
    table = coverage(user=request.user, verified_only=verified_only)
    chart = {
        "labels": [service.name for service in table["services"]],
        "lacking": [item["provinces_lacking"] for item in table["summary"]],
        "covered": [item["provinces_covered"] for item in table["summary"]],
        "provinces": len(table["rows"]),
    }
    return render(
        request,
        "ngos/coverage.html",
        {"table": table, "chart": chart, "verified_only": verified_only},
    )
