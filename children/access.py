"""Access helpers for cases and encounters: outsiders get the same 404 as a missing id, audited."""

from django.core.exceptions import PermissionDenied

from core import audit
from core.access import get_for_user_or_404, not_found
from core.compiled import CompiledObjects
from core.permissions import Perm, has_permission

from .models import Case, CaseDocument, DocumentPolicyChange, Encounter
from .selectors.cases import cases_visible_to, organisation_cases
from .selectors.families import households_visible_to
from .selectors.referrals import referrals_visible_to
from .selectors.transfers import summaries_visible_to, transfers_visible_to

# What a case is read with wherever it is opened by its id.
_CASE_RELATED = ("organisation", "assigned_to", "province")
# `cases_visible_to` of a user who may read cases, and the case `pk`.
_VISIBLE_CASE = CompiledObjects(
    Case,
    lambda _key, *, organisation, case: (
        organisation_cases(organisation).select_related(*_CASE_RELATED).filter(pk=case).order_by()
    ),  # as `get` reads it
)


def get_case_for_user(user, pk, *, action=audit.Action.VIEW, perm=Perm.CASE_VIEW):
    """The case `pk` if `user` may see it, else an audited 404; 403 if they may see but not `perm`.

    The read itself is audited (LG-01) unless `action` is None (the caller audits its own write).
    """
    if type(pk) is int and 0 < pk < 2**31 and has_permission(user, Perm.CASE_VIEW):
        # The same query as below, compiled once a process (issue 21).
        found = _VISIBLE_CASE.objects(None, organisation=user.membership.organisation_id, case=pk)
        if not found:
            raise not_found(user, Case, pk)
        case = found[0]
    else:
        queryset = cases_visible_to(user).select_related(*_CASE_RELATED)
        case = get_for_user_or_404(user, queryset, pk=pk)
    if not has_permission(user, perm, organisation=case.organisation_id):
        raise PermissionDenied
    if action is not None:
        audit.record(action, user=user, obj=case)
    return case


def get_household_for_user(user, pk, *, perm=Perm.CASE_EDIT):
    """The household `pk` if it is the user's organisation's, else an audited 404; 403 if the
    user may see it but not `perm`. Only writes address a household: its page is its cases'."""
    household = get_for_user_or_404(user, households_visible_to(user), pk=pk)
    if not has_permission(user, perm, organisation=household.organisation_id):
        raise PermissionDenied
    return household


def encounters_visible_to(user):
    if not has_permission(user, Perm.OUTREACH_LOG):
        return Encounter.objects.none()
    return Encounter.objects.filter(organisation_id=user.membership.organisation_id)


def get_encounter_for_user(user, pk):
    queryset = encounters_visible_to(user).select_related("province", "caseworker")
    return get_for_user_or_404(user, queryset, pk=pk)


def get_referral_for_user(user, pk, *, action=audit.Action.VIEW):
    """The referral `pk` if `user` may see it now (404 otherwise, audited as access denied).

    The sender's members who read cases always may; the receiver's members who answer referrals
    only while it is sent or accepted and its consent stands (AC-04), checked on every request,
    so nothing is granted from an earlier visit. A read writes a `view` row about the case, with
    the referral in its detail (LG-01).
    """
    queryset = referrals_visible_to(user).select_related(
        "case", "from_organisation", "to_organisation", "service", "sent_by"
    )
    referral = get_for_user_or_404(user, queryset, pk=pk)
    if action is not None:
        audit.record(action, user=user, obj=referral.case, detail={"referral": referral.pk})
    return referral


def get_transfer_for_user(user, pk, *, action=audit.Action.VIEW):
    """The transfer request `pk` if `user` may see it now (404 otherwise, audited).

    Decided afresh on each request (docs/adr/0037): the receiver sees it only while it waits and
    its consent stands, or once the case is theirs; the sender only while the case is still
    theirs. A read writes a `view` row about the case, with the transfer in its detail (LG-01).
    """
    queryset = transfers_visible_to(user).select_related(
        "case", "from_organisation", "to_organisation", "requested_by", "consent"
    )
    transfer = get_for_user_or_404(user, queryset, pk=pk)
    if action is not None:
        audit.record(action, user=user, obj=transfer.case, detail={"transfer": transfer.pk})
    return transfer


def get_transfer_summary_for_user(user, pk):
    """A closing summary of the user's organisation (404 otherwise, audited)."""
    summary = get_for_user_or_404(
        user, summaries_visible_to(user).select_related("transfer__to_organisation"), pk=pk
    )
    audit.record(audit.Action.VIEW, user=user, obj=summary)
    return summary


def get_case_document_for_user(user, pk, document_pk, *, perm=Perm.CASE_VIEW, action=None):
    """(case, document) when `user` may see case `pk` and it holds document `document_pk`; an
    audited 404 otherwise, the same for another organisation's case as for a missing one.

    With an `action`, the read is audited on the case (LG-01); writes audit their own."""
    case = get_case_for_user(user, pk, action=None, perm=perm)
    document = get_for_user_or_404(
        user, CaseDocument.objects.filter(case=case).select_related("case"), pk=document_pk
    )
    if action is not None:
        audit.record(action, user=user, obj=case, detail={"document": document.pk})
    return case, document


def get_policy_change_for_user(user, pk, *, perm):
    """A document policy change (no case data in it) for holders of `perm`; 404 otherwise."""
    if not has_permission(user, perm):
        queryset = DocumentPolicyChange.objects.none()
    else:
        queryset = DocumentPolicyChange.objects.all()
    return get_for_user_or_404(user, queryset, pk=pk)
