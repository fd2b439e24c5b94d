"""Referral pages: refer a case, the inbox and the sent list, one referral, and its answers.

Every referral is loaded through `get_referral_for_user`, so the receiving organisation's access
is decided afresh on each request (AC-04); the services decide who may do what, and their
refusals come back to the page as a message, a permission refusal included: the sender sees
the answer buttons of its own referral (ADR 0013).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.access import object_access, require_permission
from core.permissions import Perm, has_permission
from core.refusals import refusal_as_message, refusal_on_form
from ngos.selectors import organisations_for_referral

from ..access import get_case_for_user, get_referral_for_user
from ..filters import unfiltered
from ..forms.referrals import (
    CompleteForm,
    DeclineForm,
    ReferralForm,
    ReferralServiceForm,
    WithdrawReferralForm,
)
from ..selectors.list_rows import (
    RECEIVED_REFERRAL_PAGE,
    RECEIVED_REFERRALS,
    CompiledPages,
    ReferralRow,
    referral_columns,
)
from ..selectors.referral_ranking import rank_organisations
from ..selectors.referrals import (
    referral_inbox,
    referral_outbox,
    referrals_visible_to,
    shared_fields,
)
from ..services.referrals import (
    referral_accept,
    referral_complete,
    referral_consent_for,
    referral_decline,
    referral_send,
    referral_withdraw,
)

PAGE_SIZE = 25


# --- Referring a case --------------------------------------------------------------------------


@object_access
def referral_create(request, pk):
    """Two steps on one address: choose the service, then the organisation and what to share."""
    posting = request.method == "POST"
    case = get_case_for_user(
        request.user,
        pk,
        action=None if posting else audit.Action.VIEW,
        perm=Perm.REFERRAL_SEND,
    )
    consent = referral_consent_for(case)
    allow_override = consent is None and has_permission(request.user, Perm.CONSENT_OVERRIDE)
    context = {
        "case": case,
        "consent": consent,
        "allow_override": allow_override,
        "can_refer": not case.is_closed and (consent is not None or allow_override),
    }
    service_form = ReferralServiceForm(request.POST if posting else request.GET or None)
    context["service_form"] = service_form
    if not service_form.is_bound or not service_form.is_valid():
        if not posting:
            return render(request, "children/referrals/referral_form.html", context)
        messages.error(request, _("Choose a service."))
        return _render_refused(request, case, context)

    service = service_form.cleaned_data["service"]
    organisations = organisations_for_referral(
        user=request.user, service=service, province=case.province_id
    )
    form = ReferralForm(
        request.POST if posting else None,
        initial={"service": service.code},
        organisations=organisations,
        allow_override=allow_override,
    )
    ranking = rank_organisations(case=case, service=service, organisations=organisations)
    context.update(service=service, form=form, organisations=organisations, ranking=ranking)
    if posting and context["can_refer"] and form.is_valid():
        with refusal_on_form(form):
            referral_send(
                by=request.user,
                case=case,
                to_organisation=form.cleaned_data["to_organisation"],
                service=service,
                data=form.referral_data(),
                consent_override_reason=form.cleaned_data.get("consent_override_reason", ""),
            )
            messages.success(
                request,
                _("The referral is sent to %(organisation)s.")
                % {"organisation": form.cleaned_data["to_organisation"].name},
            )
            return redirect("children:case_detail", pk=case.pk)
    if posting:
        return _render_refused(request, case, context)
    return render(request, "children/referrals/referral_form.html", context)


def _render_refused(request, case, context):
    """The form again, with what is wrong; the page shows the child, so the read is audited."""
    audit.record(audit.Action.VIEW, user=request.user, obj=case)
    return render(request, "children/referrals/referral_form.html", context, status=400)


# --- Lists ------------------------------------------------------------------------------------


def _row_page(referral_filter, request, other_side, unfiltered_rows=None):
    """The page of the list, its rows read as values (children/selectors/list_rows.py):
    from `unfiltered_rows` when given (the list without filters, compiled once), else from
    the FilterSet's queryset."""
    if unfiltered_rows is not None:
        rows = unfiltered_rows
    else:
        # `shared` is annotated by the selector (children/selectors/referrals.py).
        rows = referral_filter.qs.values_list(*referral_columns(other_side))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if unfiltered_rows is None:
        page.object_list = [ReferralRow._make(row) for row in page.object_list]
    return page


@require_permission(Perm.REFERRAL_ANSWER)
def referral_inbox_view(request):
    """Referrals sent to the user's organisation (ارجاع‌های دریافتی)."""
    referral_filter = referral_inbox(user=request.user, filters=request.GET)
    rows = None
    membership = request.user.membership_or_none
    if membership is not None and unfiltered(referral_filter):
        # referral_inbox's rows, each page's query and the count compiled once (issue 21).
        rows = CompiledPages(
            RECEIVED_REFERRAL_PAGE,
            RECEIVED_REFERRALS,
            ReferralRow._make,
            organisation=membership.organisation_id,
        )
    page = _row_page(referral_filter, request, "from_organisation", rows)
    return render(
        request,
        "children/referrals/inbox.html",
        {"filter": referral_filter, "page": page, "box": "inbox"},
    )


@require_permission(Perm.CASE_VIEW)
def referral_sent_view(request):
    """Referrals the user's organisation sent, with their answers."""
    referral_filter = referral_outbox(user=request.user, filters=request.GET)
    page = _row_page(referral_filter, request, "to_organisation")
    return render(
        request,
        "children/referrals/inbox.html",
        {"filter": referral_filter, "page": page, "box": "sent"},
    )


# --- One referral ------------------------------------------------------------------------------


def _is_sender(user, referral):
    # The organisation holding the case (its sender, or where it was transferred: ADR 0037).
    return user.membership.organisation_id == referral.case.organisation_id


def _render_detail(request, referral, *, status=200, **forms):
    is_sender = _is_sender(request.user, referral)
    context = {
        "referral": referral,
        "is_sender": is_sender,
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawReferralForm(),
    }
    if is_sender:
        context["case"] = referral.case
    else:
        # The receiver's template gets only what the referral shares, never the case (AC-06).
        context["child"] = shared_fields(referral)
    return render(request, "children/referrals/referral_detail.html", context, status=status)


@object_access
def referral_detail(request, pk):
    referral = get_referral_for_user(request.user, pk)
    return _render_detail(request, referral)


def _load_for(request, pk, perm):
    """The referral for a change: 404 outside the user's sight, 403 without the permission."""
    referral = get_referral_for_user(request.user, pk, action=None)
    if not has_permission(request.user, perm):
        raise PermissionDenied
    return referral


def _after_change(request, referral):
    """Back to the referral while the user may still see it; the receiver to the inbox otherwise."""
    if referrals_visible_to(request.user).filter(pk=referral.pk).exists():
        return redirect("children:referral_detail", pk=referral.pk)
    return redirect("children:referral_inbox")


def _invalid(request, referral, **forms):
    """Show the page again with the form's errors beside its fields; the read is audited."""
    audit.record(
        audit.Action.VIEW, user=request.user, obj=referral.case, detail={"referral": referral.pk}
    )
    return _render_detail(request, referral, status=400, **forms)


@require_POST
@object_access
def referral_accept_view(request, pk):
    referral = _load_for(request, pk, Perm.REFERRAL_ANSWER)
    with refusal_as_message(request, not_allowed_too=True):
        referral_accept(by=request.user, referral=referral)
        messages.success(request, _("You accepted the referral."))
    return _after_change(request, referral)


@require_POST
@object_access
def referral_decline_view(request, pk):
    referral = _load_for(request, pk, Perm.REFERRAL_ANSWER)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _invalid(request, referral, decline_form=form)
    with refusal_as_message(request, not_allowed_too=True):
        referral_decline(by=request.user, referral=referral, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("You declined the referral. The referring organisation sees your reason.")
        )
    return _after_change(request, referral)


@require_POST
@object_access
def referral_complete_view(request, pk):
    referral = _load_for(request, pk, Perm.REFERRAL_ANSWER)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, referral, complete_form=form)
    with refusal_as_message(request, not_allowed_too=True):
        referral_complete(
            by=request.user,
            referral=referral,
            completed=form.cleaned_data["completed"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(
            request, _("The outcome is recorded and sent back to the referring organisation.")
        )
    return _after_change(request, referral)


@require_POST
@object_access
def referral_withdraw_view(request, pk):
    referral = _load_for(request, pk, Perm.REFERRAL_SEND)
    form = WithdrawReferralForm(request.POST)
    if not form.is_valid():
        return _invalid(request, referral, withdraw_form=form)
    with refusal_as_message(request, not_allowed_too=True):
        referral_withdraw(by=request.user, referral=referral, reason=form.cleaned_data["reason"])
        messages.success(request, _("The referral is withdrawn."))
    return _after_change(request, referral)
