"""Street outreach pages: log an encounter, list them, see hotspots."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import object_access, require_permission
from core.jalali import format_date
from core.permissions import Perm

from .. import services
from ..access import encounters_visible_to, get_encounter_for_user
from ..filters import EncounterFilter, unfiltered
from ..forms import EncounterForm
from ..models import ANONYMOUS_FIELDS
from ..models.choices import AgeBand, Sex
from ..selectors.cases import cases_visible_to
from ..selectors.list_rows import (
    ENCOUNTER_COLUMNS,
    ORGANISATION_ENCOUNTER_PAGE,
    ORGANISATION_ENCOUNTERS,
    CompiledPages,
    encounter_row,
)
from ..selectors.outreach import hotspot_page
from ..sync.models import SyncItem
from ..sync.once import ALREADY_SAVED, page_post_once

PAGE_SIZE = 25
HOTSPOT_DEFAULT_PERIOD = datetime.timedelta(days=90)


@require_permission(Perm.OUTREACH_LOG)
def encounter_create(request):
    organisation = request.user.membership.organisation
    form = EncounterForm(
        request.POST or None, cases=cases_visible_to(request.user), organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        # Once per phone-made id: a post whose answer was lost may arrive again (RE-08).
        encounter = page_post_once(
            request,
            SyncItem.Kind.ENCOUNTER,
            lambda: services.encounter_log(
                by=request.user,
                organisation=organisation,
                data=form.encounter_data(),
                cases=form.cleaned_data["cases"],
                anonymous=form.anonymous_counts(),
            ),
        )
        if isinstance(encounter, SyncItem):
            messages.info(request, ALREADY_SAVED)
            return redirect("children:encounter_detail", pk=encounter.object_id)
        messages.success(request, _("The encounter is saved."))
        return redirect("children:encounter_detail", pk=encounter.pk)
    picked = [pk for pk in request.POST.getlist("cases") if pk.isdigit()]
    context = {
        "form": form,
        "bands": AgeBand,
        "picked_cases": cases_visible_to(request.user).filter(pk__in=picked) if picked else [],
    }
    return render(request, "children/encounter_form.html", context)


def encounter_filter(request):
    """The encounter list's FilterSet over the user's organisation's encounters: the list page
    and its export read the same rows (AC-02)."""
    queryset = encounters_visible_to(request.user).select_related("province", "caseworker")
    return EncounterFilter(request.GET, queryset=queryset, request=request)


@require_permission(Perm.OUTREACH_LOG)
def encounter_list(request):
    filterset = encounter_filter(request)
    if unfiltered(filterset):
        # encounters_visible_to's rows for a user who logs outreach, each page's query and the
        # count compiled once per process (issue 21).
        rows = CompiledPages(
            ORGANISATION_ENCOUNTER_PAGE,
            ORGANISATION_ENCOUNTERS,
            encounter_row,
            organisation=request.user.membership.organisation_id,
        )
    else:
        # The columns the table shows (children/encounter_list.html), read as values.
        rows = filterset.qs.values_list(*ENCOUNTER_COLUMNS)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if not isinstance(rows, CompiledPages):
        page.object_list = [encounter_row(row) for row in page.object_list]
    return render(request, "children/encounter_list.html", {"filter": filterset, "page": page})


@object_access
def encounter_detail(request, pk):
    encounter = get_encounter_for_user(request.user, pk)
    anonymous = [
        {
            "sex": Sex(sex),
            "cells": [
                {"band": AgeBand(band), "count": encounter.anonymous_count(sex, band)}
                for band in AgeBand.values
            ],
        }
        for sex in Sex.values
    ]
    context = {
        "encounter": encounter,
        "anonymous": anonymous,
        "bands": AgeBand,
        # Only the children whose case is still this organisation's (a transferred one is not: ADR 0037).
        "cases": encounter.children.filter(organisation_id=encounter.organisation_id),
        "has_anonymous": any(getattr(encounter, name) for name in ANONYMOUS_FIELDS.values()),
    }
    return render(request, "children/encounter_detail.html", context)


@require_permission(Perm.OUTREACH_LOG)
def hotspots(request):
    # Five years of encounters make a slow and stale summary: without dates, the last 90 days.
    data = request.GET.copy()
    if not data.get("date_from") and not data.get("date_to"):
        data["date_from"] = format_date(timezone.localdate() - HOTSPOT_DEFAULT_PERIOD)
    encounter_filter = EncounterFilter(
        data, queryset=encounters_visible_to(request.user), request=request
    )
    page = hotspot_page(encounter_filter.qs, request.GET.get("page"), per_page=PAGE_SIZE)
    context = {"filter": encounter_filter, "page": page, "rows": page.object_list}
    return render(request, "children/hotspots.html", context)
