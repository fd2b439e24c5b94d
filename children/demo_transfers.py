"""Demo case transfers (docs/adr/0037): one waiting for NGO01's managers (a family that moved from
Mashhad to Tehran), one NGO01 completed to NGO03 (a family that moved to Mashhad), so
`manager.a` sees both the request on "My work" and a closing summary, and `manager.b` the case
that arrived."""

import datetime

from django.utils import timezone

from core.permissions import Role

from . import services
from .models import CaseTransfer, ClosureRequest
from .models.choices import OPEN_STATUSES, ConsentGiver, ConsentScope
from .services.transfers import transfer_accept, transfer_request


def _manager(organisation):
    membership = organisation.memberships.filter(role=Role.ORG_MANAGER).select_related("user")
    first = membership.order_by("pk").first()
    return first.user if first else None


def _movable(cases):
    """An open case with no closure waiting and no family record, newest registration last."""
    for case in cases:
        case.refresh_from_db()
        if (
            case.status in OPEN_STATUSES
            and case.household_id is None
            and not ClosureRequest.objects.filter(case=case, state="pending").exists()
        ):
            return case
    return None


def _consent_to_transfer(case, by):
    services.consent_record(
        by=by,
        case=case,
        data={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": timezone.localdate() - datetime.timedelta(days=2),
            "scope": [ConsentScope.RECORD, ConsentScope.TRANSFER],
        },
    )


def seed_transfers(registered):
    """Called once by `seed_children` with its {code: (organisation, staff, cases)}."""
    if CaseTransfer.objects.exists() or "NGO01" not in registered or "NGO03" not in registered:
        return
    tehran, tehran_staff, tehran_cases = registered["NGO01"]
    mashhad, mashhad_staff, mashhad_cases = registered["NGO03"]
    tehran_manager, mashhad_manager = _manager(tehran), _manager(mashhad)
    if tehran_manager is None or mashhad_manager is None:
        return

    # Completed: NGO01's child now at NGO03, with its caseworker there.
    moved = _movable(tehran_cases[5:])
    if moved is not None:
        _consent_to_transfer(moved, tehran_manager)
        transfer = transfer_request(
            by=tehran_manager,
            case=moved,
            to_organisation=mashhad,
            reason="خانواده برای کار پدر به مشهد، محله طلاب، کوچ کرد.",
        )
        worker = next((u for u in mashhad_staff if u.membership.role == Role.CASEWORKER), None)
        transfer_accept(
            by=mashhad_manager, transfer=transfer, assigned_to=worker or mashhad_manager
        )

    # Waiting: NGO03 asks NGO01 to take a child whose family moved to Tehran.
    waiting = _movable(mashhad_cases[5:])
    if waiting is not None:
        _consent_to_transfer(waiting, mashhad_manager)
        transfer_request(
            by=mashhad_manager,
            case=waiting,
            to_organisation=tehran,
            reason="خانواده به تهران، منطقه ۱۵، رفته است و کودک نزدیک ترمینال جنوب کار می‌کند.",
        )
