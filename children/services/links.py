"""Linking two organisations' cases of the same child, when both agree. No data crosses."""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.exceptions import ActionNotAllowed
from core.models import User
from core.permissions import Perm, check_permission

from ..models import Case, CaseLink, TimelineEntry


@transaction.atomic
def case_link_request(*, by: User, case: Case, target_case: Case) -> CaseLink:
    """Ask the organisation holding `target_case` to confirm it is the same child as `case`.

    Only a case the duplicate check currently finds as a likely match may be named, so the request
    cannot be used to probe arbitrary records: any other case is refused as not allowed.
    """
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    from ..selectors.duplicates import likely_duplicates_of_case

    candidates = {candidate.case.pk for candidate in likely_duplicates_of_case(case)}
    if (
        target_case is None
        or target_case.pk not in candidates
        or target_case.organisation_id == case.organisation_id
    ):
        raise ActionNotAllowed
    link, _created = CaseLink.objects.get_or_create(
        requesting_case=case, target_case=target_case, defaults={"requested_by": by}
    )
    audit.record(audit.Action.UPDATE, user=by, obj=case, detail={"link_requested": link.pk})
    return link


@transaction.atomic
def case_link_answer(*, by: User, link: CaseLink, accept: bool) -> CaseLink:
    """The organisation holding the target case confirms or declines the match."""
    check_permission(by, Perm.CASE_EDIT, link.target_case.organisation_id)
    link = CaseLink.objects.select_for_update().get(pk=link.pk)
    if link.state != CaseLink.State.REQUESTED:
        return link
    link.state = CaseLink.State.ACCEPTED if accept else CaseLink.State.DECLINED
    link.answered_by = by
    link.answered_at = timezone.now()
    link.save(update_fields=["state", "answered_by", "answered_at"])
    if accept:
        for case in (link.requesting_case, link.target_case):
            TimelineEntry.objects.create(
                case=case, kind=TimelineEntry.Kind.LINKED, actor=by, detail={"link": link.pk}
            )
    audit.record(
        audit.Action.UPDATE,
        user=by,
        obj=link.target_case,
        detail={"link_answered": link.pk, "accept": accept},
    )
    return link
