"""Transfer pages: transfer a case, the received and sent lists, one request and its answers,
and the closing summaries the sender keeps (docs/adr/0037).

Every request is loaded through `get_transfer_for_user`, so what each organisation sees is
decided afresh on every request; the services decide who may do what, and their refusals come
back to the page beside the field or as a message (ADR 0013).
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
from ngos.selectors import organisations_in_directory

from ..access import get_case_for_user, get_transfer_for_user, get_transfer_summary_for_user
from ..forms.transfers import (
    TransferAcceptForm,
    TransferDeclineForm,
    TransferProvinceForm,
    TransferRequestForm,
    TransferWithdrawForm,
)
from ..models import Referral, TransferState
from ..models.choices import REFERRAL_OPEN_STATES
from ..selectors.cases import case_holders
from ..selectors.transfers import (
    children_already_here,
    shared_fields,
    summaries_visible_to,
    transfers_received,
    transfers_sent,
    transfers_visible_to,
)
from ..services.transfers import (
    can_receive_transfers,
    transfer_accept,
    transfer_consent_for,
    transfer_decline,
    transfer_request,
    transfer_withdraw,
)

PAGE_SIZE = 25


def _receivers(user, case, province):
    """The directory picker: organisations that may take the case, verified first."""
    queryset = (
        organisations_in_directory(user=user)
        .accepting_referrals()
        .exclude(pk=case.organisation_id)
        .exclude(kind="ministry")
    )
    if province is not None:
        queryset = queryset.operating_in(province)
    return queryset.verified_first()


@object_access
def transfer_create(request, pk):
    """Choose where the family lives now (optional), then the organisation and the reason."""
    posting = request.method == "POST"
    case = get_case_for_user(
        request.user, pk, action=None if posting else audit.Action.VIEW, perm=Perm.CASE_TRANSFER
    )
    consent = transfer_consent_for(case)
    province_form = TransferProvinceForm(request.GET or None)
    province = province_form.cleaned_data["province"] if province_form.is_valid() else None
    organisations = _receivers(request.user, case, province)
    form = TransferRequestForm(request.POST if posting else None, organisations=organisations)
    open_referrals = Referral.objects.filter(case=case, state__in=REFERRAL_OPEN_STATES).count()
    context = {
        "case": case,
        "consent": consent,
        "province_form": province_form,
        "form": form,
        "open_referrals": open_referrals,
        "can_transfer": not case.is_closed and consent is not None,
    }
    if posting and context["can_transfer"] and form.is_valid():
        with refusal_on_form(form):
            receiver = form.cleaned_data["to_organisation"]
            transfer_request(
                by=request.user,
                case=case,
                to_organisation=receiver,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _(
                    "The transfer is asked of %(organisation)s. The case stays yours until they accept."
                )
                % {"organisation": receiver.name},
            )
            return redirect("children:case_detail", pk=case.pk)
    if posting:
        # The form again, with what is wrong; the page shows the child, so the read is audited.
        audit.record(audit.Action.VIEW, user=request.user, obj=case)
        return render(request, "children/transfers/transfer_form.html", context, status=400)
    return render(request, "children/transfers/transfer_form.html", context)


# --- Lists ------------------------------------------------------------------------------------


def _state_filter(request):
    state = request.GET.get("state", "")
    return state if state in TransferState.values else ""


@require_permission(Perm.CASE_TRANSFER)
def transfers_received_view(request):
    """Transfers asked of the user's organisation (پرونده‌های انتقالی دریافتی)."""
    state = _state_filter(request)
    page = Paginator(transfers_received(user=request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "children/transfers/transfer_list.html",
        {"page": page, "box": "received", "state": state, "states": TransferState.choices},
    )


@require_permission(Perm.CASE_TRANSFER)
def transfers_sent_view(request):
    """Transfers the user's organisation asked, with their answers."""
    state = _state_filter(request)
    page = Paginator(transfers_sent(user=request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "children/transfers/transfer_list.html",
        {"page": page, "box": "sent", "state": state, "states": TransferState.choices},
    )


@require_permission(Perm.CASE_VIEW)
def transfer_summaries_view(request):
    """Cases the organisation transferred away: their closing summaries, newest first."""
    summaries = summaries_visible_to(request.user).select_related("transfer__to_organisation")
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "children/transfers/summary_list.html", {"page": page})


@object_access
def transfer_summary_detail(request, pk):
    summary = get_transfer_summary_for_user(request.user, pk)
    return render(request, "children/transfers/summary_detail.html", {"summary": summary})


# --- One request -------------------------------------------------------------------------------


def _render_detail(request, transfer, *, status=200, **forms):
    organisation_id = request.user.membership.organisation_id
    case_is_ours = transfer.case.organisation_id == organisation_id
    is_sender = transfer.from_organisation_id == organisation_id and case_is_ours
    can_answer = (
        not case_is_ours and transfer.is_pending and can_receive_transfers(transfer.to_organisation)
    )
    already_here = children_already_here(transfer) if can_answer else []
    context = {
        "transfer": transfer,
        "is_sender": is_sender,
        "case_is_ours": case_is_ours,
        "can_answer": can_answer,
        "accept_form": forms.get("accept_form")
        or TransferAcceptForm(caseworkers=case_holders(organisation_id), already_here=already_here),
        "already_here": already_here,
        "decline_form": forms.get("decline_form") or TransferDeclineForm(),
        "withdraw_form": forms.get("withdraw_form") or TransferWithdrawForm(),
    }
    if case_is_ours:
        context["case"] = transfer.case
    else:
        # The receiver's template gets only what the request shares, never the case (AC-06).
        context["child"] = shared_fields(transfer)
    return render(request, "children/transfers/transfer_detail.html", context, status=status)


@object_access
def transfer_detail(request, pk):
    transfer = get_transfer_for_user(request.user, pk)
    return _render_detail(request, transfer)


def _load(request, pk):
    transfer = get_transfer_for_user(request.user, pk, action=None)
    if not has_permission(request.user, Perm.CASE_TRANSFER):
        raise PermissionDenied
    return transfer


def _invalid(request, transfer, **forms):
    audit.record(
        audit.Action.VIEW, user=request.user, obj=transfer.case, detail={"transfer": transfer.pk}
    )
    return _render_detail(request, transfer, status=400, **forms)


def _after_change(request, transfer):
    """Back to the request while the user may still see it, else to the list."""
    if transfers_visible_to(request.user).filter(pk=transfer.pk).exists():
        return redirect("children:transfer_detail", pk=transfer.pk)
    return redirect("children:transfers_received")


@require_POST
@object_access
def transfer_accept_view(request, pk):
    transfer = _load(request, pk)
    form = TransferAcceptForm(
        request.POST,
        caseworkers=case_holders(request.user.membership.organisation_id),
        already_here=children_already_here(transfer),
    )
    if not form.is_valid():
        return _invalid(request, transfer, accept_form=form)
    with refusal_on_form(form) as outcome:
        transfer = transfer_accept(
            by=request.user, transfer=transfer, assigned_to=form.cleaned_data["assigned_to"]
        )
    if outcome.refused:
        return _invalid(request, transfer, accept_form=form)
    messages.success(
        request,
        _("The case is now your organisation's, numbered %(number)s.")
        % {"number": transfer.new_case_number},
    )
    return redirect("children:case_detail", pk=transfer.case_id)


@require_POST
@object_access
def transfer_decline_view(request, pk):
    transfer = _load(request, pk)
    form = TransferDeclineForm(request.POST)
    if not form.is_valid():
        return _invalid(request, transfer, decline_form=form)
    with refusal_as_message(request, not_allowed_too=True):
        transfer_decline(by=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("You declined the transfer. The organisation that asked sees your reason.")
        )
    return _after_change(request, transfer)


@require_POST
@object_access
def transfer_withdraw_view(request, pk):
    transfer = _load(request, pk)
    form = TransferWithdrawForm(request.POST)
    if not form.is_valid():
        return _invalid(request, transfer, withdraw_form=form)
    with refusal_as_message(request, not_allowed_too=True):
        transfer_withdraw(by=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
        messages.success(request, _("The transfer is withdrawn. The case stays yours."))
    return _after_change(request, transfer)
