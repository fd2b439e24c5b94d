"""A child's family: the household's answers, adding a brother or sister, taking one out.
Registering a sibling is the registration page, opened from the case (views.cases)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import object_access
from core.exceptions import Conflict
from core.permissions import Perm
from core.ratelimits import rate_limit

from .. import services
from ..access import get_case_for_user, get_household_for_user
from ..forms import FamilyAddForm, HouseholdForm
from ..models.choices import ConsentGiver
from ..selectors.cases import cases_visible_to, search_cases

# A name that matches more children than this is too vague to choose from: type more of it.
CHOICES_SHOWN = 10


def sibling_initial(case):
    """What a brother or sister shares with `case`, to start their registration form with. The
    guardian and household answers come with the household itself when the sibling is saved."""
    initial = {
        name: getattr(case, name)
        for name in ("family_name", "father_name", "nationality", "languages", "city", "district")
    }
    initial["province"] = case.province_id
    if case.guardian_name:
        initial["consent_given_by"] = ConsentGiver.GUARDIAN
        initial["consent_given_by_name"] = case.guardian_name
    return initial


def _back_to(household, request):
    """The member case the user came from, else the household's first case."""
    members = household.cases.order_by("pk")
    came_from = request.GET.get("case") or request.POST.get("case")
    case = members.filter(pk=came_from).first() if str(came_from or "").isdigit() else None
    return case or members.first()


@object_access
def household_edit(request, pk):
    household = get_household_for_user(request.user, pk, perm=Perm.CASE_EDIT)
    case = _back_to(household, request)
    if request.method != "POST":
        form = HouseholdForm(instance=household, initial={"version": household.version})
        return render(request, "children/household_form.html", {"form": form, "case": case})
    form = HouseholdForm(request.POST, instance=household)
    if form.is_valid():
        try:
            services.household_update(
                by=request.user,
                household=household,
                data=form.household_data(),
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as conflict:
            fresh = HouseholdForm(
                instance=conflict.current, initial={"version": conflict.current.version}
            )
            context = {"form": fresh, "case": case, "conflict": True}
            return render(request, "children/household_form.html", context, status=409)
        messages.success(request, _("Saved for every child of the family."))
        return redirect("children:case_detail", pk=case.pk)
    return render(request, "children/household_form.html", {"form": form, "case": case})


@require_POST
@object_access
@rate_limit("picker")
def family_add(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    form = FamilyAddForm(request.POST)
    sibling = None
    if form.is_valid():
        # Only the user's own organisation's cases can be named: another's is "not found".
        term = form.cleaned_data["case_number"]
        others = cases_visible_to(request.user).exclude(pk=case.pk)
        if case.household_id is not None:
            others = others.exclude(household_id=case.household_id)
        sibling = others.filter(case_number__iexact=term).first()
        if sibling is None:
            matches = list(search_cases(others, term)[: CHOICES_SHOWN + 1])
            if len(matches) == 1:
                sibling = matches[0]
            elif matches:
                return render(
                    request,
                    "children/family_choose.html",
                    {
                        "case": case,
                        "term": term,
                        "matches": matches[:CHOICES_SHOWN],
                        "more": len(matches) > CHOICES_SHOWN,
                    },
                )
    if sibling is None:
        messages.error(request, _("No case of your organisation has this number or name."))
        return redirect("children:case_detail", pk=case.pk)
    try:
        services.household_add_case(by=request.user, case=case, sibling=sibling)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is added to the family.") % {"name": sibling.full_name},
        )
    return redirect("children:case_detail", pk=case.pk)


@require_POST
@object_access
def family_remove(request, pk, member_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    if case.household_id is None:
        return redirect("children:case_detail", pk=case.pk)
    member = get_object_or_404(case.household.cases, pk=member_pk)
    services.household_remove_case(by=request.user, case=member)
    messages.success(
        request, _("%(name)s is no longer in this family.") % {"name": member.full_name}
    )
    return redirect("children:case_detail", pk=case.pk)
