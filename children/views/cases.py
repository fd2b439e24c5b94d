"""Case pages: list and search, registration with a duplicate check, the case record."""

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.access import object_access, require_permission
from core.compiled import CompiledObjects, CompiledRows
from core.exceptions import ActionNotAllowed, Conflict
from core.pagination import FirstRankPaginator, count_of
from core.permissions import Perm, permission_flags
from core.ratelimits import is_search, rate_limit

from .. import services
from ..access import get_case_for_user, get_encounter_for_user
from ..filters import CaseFilter, unfiltered
from ..forms import (
    SECTIONS,
    ClosureDecisionForm,
    ClosureRequestForm,
    ConsentForm,
    FamilyAddForm,
    GoalForm,
    NoteForm,
    PlanActionStatusForm,
    ReassignForm,
    RegistrationForm,
    ReopenForm,
    WithdrawConsentForm,
    section_form,
)
from ..models import Case, CaseNote, Consent, Encounter
from ..presenters import display_value, section_rows, section_rows_html, url_around
from ..presenters_workflow import workflow_context
from ..selectors.case_page import case_page_contents
from ..selectors.case_rows import ORGANISATION_CASE_PAGE, CaseRowsOf, case_row, case_rows
from ..selectors.cases import case_timeline, cases_visible_to, organisation_cases, search_cases
from ..selectors.duplicates import likely_duplicates, likely_duplicates_of_case
from ..selectors.families import CaseLinks, case_family, case_links
from ..selectors.list_rows import CompiledPages
from ..sync.models import SyncItem
from ..sync.once import ALREADY_SAVED, applied_before, page_post_once
from ..templatetags.case_page_tags import BlankForm
from .families import sibling_initial

PAGE_SIZE = 25
# A search's matches are counted up to this many (twenty pages); past it the page says "more
# than" and asks for another word. Counting every match of a common name compared every case of
# the organisation by similarity, for a number nobody pages through (issue 21).
SEARCH_COUNT_CAP = 20 * PAGE_SIZE
PERSON_COLUMNS = ("first_name", "last_name", "username")
# How many cases the list shows unfiltered: cases_visible_to's (an organisation's cases, for a
# user who reads cases), counted by a query compiled once per process (issue 21).
_ORGANISATION_CASES = CompiledRows(
    Case,
    lambda key, organisation: count_of(organisation_cases(organisation)),
)


@require_permission(Perm.CASE_VIEW)
@rate_limit("search", when=is_search)
def case_list(request):
    # The page's rows are read as values (children/selectors/case_rows.py), not as cases.
    queryset = cases_visible_to(request.user)
    case_filter = CaseFilter(request.GET, queryset=queryset, request=request)
    searching = case_filter.form.is_valid() and case_filter.form.cleaned_data.get("q")
    # A search's first pages are usually its first-rank matches alone (every word as typed):
    # those are read newest first until the page is full and the matches only counted.
    # Otherwise it must look at every match to rank them: one query gives the page's keys and
    # the count (core/pagination.py). A list without a search counts on an index and reads
    # only the page's rows, as Django's paginator does.
    if searching:
        paginator = FirstRankPaginator(
            case_filter.qs,
            PAGE_SIZE,
            first_rank=case_filter.first_rank_matches(),
            count_cap=SEARCH_COUNT_CAP,
            # The page's 25 rows by key, from the user's cases: the keys passed the search.
            rows_from=queryset,
            read_rows=case_rows,
        )
    elif unfiltered(case_filter):
        # The organisation's cases, counted and paged by queries compiled once per process.
        organisation = request.user.membership.organisation_id
        pages = CompiledPages(
            ORGANISATION_CASE_PAGE, _ORGANISATION_CASES, case_row, organisation=organisation
        )
        paginator = Paginator(pages, PAGE_SIZE)
    else:
        paginator = Paginator(CaseRowsOf(case_filter.qs), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    if searching:
        audit.record(
            audit.Action.VIEW, user=request.user, object_type="children.case", object_id="search"
        )
    # Today's date read once for the rows' ages (children/templatetags/case_list_tags.py).
    context = {"filter": case_filter, "page": page, "today": timezone.localdate()}
    return render(request, "children/case_list.html", context)


def _split_duplicates(candidates, organisation):
    """Own organisation's matches with details; others reduced to the organisation's name."""
    own = [c for c in candidates if c.case.organisation_id == organisation.pk]
    elsewhere = sorted(
        {c.case.organisation.name for c in candidates if c.case.organisation_id != organisation.pk}
    )
    return own, elsewhere


@require_permission(Perm.CASE_EDIT)
def case_register(request):
    organisation = request.user.membership.organisation
    encounter = None
    if request.GET.get("encounter") or request.POST.get("encounter"):
        encounter = get_encounter_for_user(
            request.user, request.GET.get("encounter") or request.POST.get("encounter")
        )
    sibling_of = None
    if request.GET.get("sibling_of") or request.POST.get("sibling_of"):
        sibling_of = get_case_for_user(
            request.user,
            request.GET.get("sibling_of") or request.POST.get("sibling_of"),
            perm=Perm.CASE_EDIT,
        )
    initial = {}
    if encounter is not None:
        initial = {
            "province": encounter.province_id,
            "city": encounter.city,
            "district": encounter.district,
            "sex": request.GET.get("sex", ""),
        }
    if sibling_of is not None:
        initial = sibling_initial(sibling_of)
    form = RegistrationForm(
        request.POST or None, initial=initial, organisation=organisation, user=request.user
    )
    context = {"form": form, "encounter": encounter, "sibling_of": sibling_of}
    earlier = applied_before(request) if request.method == "POST" else None
    if earlier is not None:
        messages.info(request, ALREADY_SAVED)
        return redirect("children:case_detail", pk=earlier.object_id)
    if request.method == "POST" and form.is_valid():
        duplicates = likely_duplicates(form.case_data())
        if duplicates and not form.cleaned_data["confirm_not_duplicate"]:
            own, elsewhere = _split_duplicates(duplicates, organisation)
            form.data = form.data.copy()
            form.data["confirm_not_duplicate"] = "on"
            context.update(own_duplicates=own, duplicates_elsewhere=elsewhere)
            return render(request, "children/case_register.html", context)

        def write() -> Case:
            if sibling_of is not None:
                return services.sibling_register(
                    by=request.user,
                    case=sibling_of,
                    data=form.case_data(),
                    consent=form.consent_data(),
                    assigned_to=form.cleaned_data["assigned_to"],
                )
            return services.case_register(
                by=request.user,
                organisation=organisation,
                data=form.case_data(),
                consent=form.consent_data(),
                assigned_to=form.cleaned_data["assigned_to"],
                from_encounter=encounter,
            )

        # Once per phone-made id: a post whose answer was lost may arrive again (RE-08).
        case = page_post_once(request, SyncItem.Kind.REGISTRATION, write)
        if isinstance(case, SyncItem):
            messages.info(request, ALREADY_SAVED)
            return redirect("children:case_detail", pk=case.object_id)
        messages.success(
            request, _("The child is registered as case %(number)s.") % {"number": case.case_number}
        )
        return redirect("children:case_detail", pk=case.pk)
    return render(request, "children/case_register.html", context)


# The case page's lists, each compiled to SQL once a process (issue 21): `case.notes`,
# `case.consents`, `case.encounters` as the page reads them.
_NOTES = CompiledObjects(
    CaseNote,
    lambda _key, *, case: (
        CaseNote.objects.filter(case_id=case)
        .select_related("author")
        .only("case", "created_at", "body", *(f"author__{name}" for name in PERSON_COLUMNS))[:20]
    ),
)
_CONSENTS = CompiledObjects(Consent, lambda _key, *, case: Consent.objects.filter(case_id=case))
# The list shows the date and the hotspot of each encounter, not its whole row.
_ENCOUNTERS = CompiledObjects(
    Encounter,
    lambda _key, *, case: (
        Encounter.objects.filter(children__id=case)
        .only("occurred_at", "hotspot")
        .order_by("-occurred_at")[:20]
    ),
)


@object_access
def case_detail(request, pk):
    case = get_case_for_user(request.user, pk, perm=Perm.CASE_VIEW)
    can = permission_flags(request.user)
    contents = case_page_contents(case)
    # Each section's rows drawn in Python and its edit link reversed once (issue 21).
    edit_section = reverse("children:case_edit_section", args=[case.pk, "-section-"])
    sections = [
        (
            key,
            title,
            section_rows_html(section_rows(case, form_class)),
            edit_section.replace("/-section-/", f"/{key}/"),
        )
        for key, (title, form_class) in SECTIONS.items()
    ]
    has = contents.has
    known = {"case": case}
    links = (
        case_links(case)
        if has("link_requests_received") or has("link_requests_sent")
        else CaseLinks(received=[], to=[], back=[])
    )
    context = {
        "case": case,
        # The template tags of the case page skip the lists this says are empty.
        "case_contents": contents,
        "sections": sections,
        "timeline": case_timeline(case, stored=has("timeline"), viewer=request.user),
        "notes": _NOTES.objects(None, known=known, case=case.pk) if has("notes") else [],
        "consents": _CONSENTS.objects(None, known=known, case=case.pk) if has("consents") else [],
        "encounters": _ENCOUNTERS.objects(None, case=case.pk) if has("encounter_links") else [],
        "encounter_href": url_around("children:encounter_detail")
        if has("encounter_links")
        else ("", ""),
        # Blank forms are built only when their drawing is not kept yet (case_page_tags).
        "note_form": BlankForm(NoteForm),
        "consent_form": BlankForm(ConsentForm),
        "withdraw_form": BlankForm(WithdrawConsentForm),
        **workflow_context(case, can=can, user_id=request.user.pk, contents=contents),
        "goal_form": BlankForm(GoalForm),
        "closure_form": BlankForm(ClosureRequestForm),
        "decision_form": BlankForm(ClosureDecisionForm),
        "reopen_form": BlankForm(ReopenForm),
        "action_status_form": BlankForm(PlanActionStatusForm),
        # Only a manager sees the caseworker select: its colleagues are not read for the others.
        "reassign_form": ReassignForm(
            organisation=case.organisation, initial={"assigned_to": case.assigned_to_id}
        )
        if can["case_reassign"]
        else None,
        "links_received": links.received,
        "links": links.to,
        "family": case_family(case, request.user, accepted_links=links.accepted_pairs),
        "family_add_form": BlankForm(FamilyAddForm),
        "links_back": links.back,
    }
    return render(request, "children/case_detail.html", context)


@object_access
def case_edit_section(request, pk, section):
    if section not in SECTIONS:
        raise Http404
    case = get_case_for_user(request.user, pk, perm=Perm.CASE_EDIT)
    title = SECTIONS[section][0]
    if request.method != "POST":
        form = section_form(section, instance=case, initial={"version": case.version})
        return render(
            request, "children/case_section_form.html", {"case": case, "form": form, "title": title}
        )
    form = section_form(section, request.POST, instance=case)
    if not form.is_valid():
        return render(
            request, "children/case_section_form.html", {"case": case, "form": form, "title": title}
        )
    try:
        services.case_section_save(
            by=request.user,
            case=case,
            section=section,
            data=form.section_data(),
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as conflict:
        return _render_conflict(request, case, section, title, form, conflict.current)
    messages.success(request, _("Saved."))
    return redirect("children:case_detail", pk=case.pk)


def _render_conflict(request, case, section, title, form, current):
    """Show what the other person saved beside what this user typed; nothing is overwritten."""
    # A copy of the saved case carrying this user's values, so both columns read the same way.
    mine = copy.copy(current)
    for name in form._meta.fields:
        setattr(mine, name, form.cleaned_data.get(name))
    differences = [
        {
            "label": form[name].label,
            "saved": display_value(current, name),
            "yours": display_value(mine, name),
        }
        for name in form._meta.fields
        if getattr(current, name) != form.cleaned_data.get(name)
    ]
    fresh = section_form(section, instance=current, initial={"version": current.version})
    context = {
        "case": current,
        "form": fresh,
        "title": title,
        "conflict": differences,
        "yours": form,
    }
    return render(request, "children/case_section_form.html", context, status=409)


@require_POST
@object_access
def case_add_note(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    form = NoteForm(request.POST)
    if form.is_valid():
        # Once per phone-made id: a post whose answer was lost may arrive again (RE-08).
        note = page_post_once(
            request,
            SyncItem.Kind.NOTE,
            lambda: services.case_add_note(
                by=request.user, case=case, body=form.cleaned_data["body"]
            ),
        )
        if isinstance(note, SyncItem):
            messages.info(request, ALREADY_SAVED)
        else:
            messages.success(request, _("The note is saved."))
    else:
        messages.error(request, _("The note is empty or too long."))
    return redirect("children:case_detail", pk=case.pk)


@require_POST
@object_access
def consent_add(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.consent_record(by=request.user, case=case, data=form.cleaned_data)
        messages.success(request, _("The consent is recorded."))
        return redirect("children:case_detail", pk=case.pk)
    return render(request, "children/consent_form.html", {"case": case, "form": form}, status=400)


@require_POST
@object_access
def consent_withdraw(request, pk, consent_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    consent = get_object_or_404(case.consents, pk=consent_pk)
    form = WithdrawConsentForm(request.POST)
    if form.is_valid():
        services.consent_withdraw(
            by=request.user, consent=consent, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The consent is withdrawn."))
    else:
        messages.error(request, _("Give the reason for the withdrawal."))
    return redirect("children:case_detail", pk=case.pk)


@object_access
def case_duplicates(request, pk):
    case = get_case_for_user(request.user, pk, perm=Perm.CASE_VIEW)
    candidates = likely_duplicates_of_case(case)
    own = [c for c in candidates if c.case.organisation_id == case.organisation_id]
    others = [c for c in candidates if c.case.organisation_id != case.organisation_id]
    requested = set(case.link_requests_sent.values_list("target_case_id", flat=True))
    return render(
        request,
        "children/case_duplicates.html",
        {"case": case, "own": own, "others": others, "requested": requested},
    )


@require_POST
@object_access
def case_link_request(request, pk, target_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    target = Case.objects.select_related("organisation").filter(pk=target_pk).first()
    try:
        services.case_link_request(by=request.user, case=case, target_case=target)
    except ActionNotAllowed:
        # Not a current likely match: the same answer as a missing case, nothing learnt.
        raise Http404 from None
    messages.success(
        request,
        _("We asked %(organisation)s to confirm the match.")
        % {"organisation": target.organisation},
    )
    return redirect("children:case_duplicates", pk=case.pk)


@require_POST
@object_access
def case_link_answer(request, pk, link_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    link = get_object_or_404(case.link_requests_received, pk=link_pk)
    accept = request.POST.get("answer") == "accept"
    services.case_link_answer(by=request.user, link=link, accept=accept)
    messages.success(
        request, _("The cases are linked.") if accept else _("The link request is declined.")
    )
    return redirect("children:case_detail", pk=case.pk)


@require_permission(Perm.OUTREACH_LOG)
@rate_limit("picker")
def case_pick(request):
    """htmx: registered children matching a search, as checkboxes for the encounter form."""
    term = request.GET.get("q", "").strip()
    cases = search_cases(cases_visible_to(request.user), term)[:10] if len(term) >= 2 else []
    return render(request, "children/partials/case_pick.html", {"cases": cases})


@require_POST
@object_access
def case_reassign(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_REASSIGN)
    form = ReassignForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        services.case_reassign(by=request.user, case=case, to_user=form.cleaned_data["assigned_to"])
        messages.success(request, _("The caseworker is changed."))
    else:
        messages.error(request, _("Choose an active caseworker of your organisation."))
    return redirect("children:case_detail", pk=case.pk)
