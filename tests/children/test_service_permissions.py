"""Children's services check the acting user's permission themselves (ADR 0013), so a command,
a task or a later API that calls them is held to the rule the pages apply."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import Case, CaseNote, ClosureRequest, Encounter, FollowUp
from core.exceptions import ActionNotAllowed

from .conftest import CONSENT, identity


def test_a_caseworker_of_another_organisation_cannot_write_a_note(cw_b, case_a):
    with pytest.raises(ActionNotAllowed):
        services.case_add_note(by=cw_b, case=case_a, body="یادداشت")
    assert not CaseNote.objects.exists()


def test_a_ministry_officer_cannot_register_a_child(min_officer, org_a):
    with pytest.raises(ActionNotAllowed):
        services.case_register(
            by=min_officer, organisation=org_a, data=identity(), consent=dict(CONSENT)
        )
    assert not Case.objects.exists()


def test_a_caseworker_cannot_approve_a_closure(cw_a, case_a):
    request = services.closure_request(by=cw_a, case=case_a, reason="aged_out")
    with pytest.raises(ActionNotAllowed):
        services.closure_approve(by=cw_a, request=request)
    request.refresh_from_db()
    assert request.state == ClosureRequest.State.PENDING


def test_a_caseworker_cannot_reassign_a_case(cw_a, cw_a2, case_a):
    with pytest.raises(ActionNotAllowed):
        services.case_reassign(by=cw_a, case=case_a, to_user=cw_a2)
    with pytest.raises(ActionNotAllowed):
        services.case_reassign_open(by=cw_a, from_user=cw_a, to_user=cw_a2)
    case_a.refresh_from_db()
    assert case_a.assigned_to == cw_a


def test_an_outsider_cannot_schedule_a_follow_up_or_log_an_encounter(cw_b, min_officer, case_a):
    with pytest.raises(ActionNotAllowed):
        services.followup_schedule(
            by=cw_b,
            case=case_a,
            due_on=timezone.localdate() + datetime.timedelta(days=3),
            kind="home_visit",
            responsible=cw_b,
        )
    with pytest.raises(ActionNotAllowed):
        services.encounter_log(by=min_officer, organisation=case_a.organisation, data={})
    assert not FollowUp.objects.exists() and not Encounter.objects.exists()


def test_a_permission_refusal_is_still_a_permission_denied(cw_b, case_a):
    """So a view that does not catch it answers 403, as Django does for PermissionDenied."""
    with pytest.raises(PermissionDenied):
        services.case_add_note(by=cw_b, case=case_a, body="یادداشت")


def test_the_pages_answer_as_before(client_as, cw_a, mgr_a, cw_b, case_a):
    """The view still refuses first: 403 for a member without the permission, 404 outside."""
    request = services.closure_request(by=cw_a, case=case_a, reason="aged_out")
    decide = reverse("children:closure_decide", args=[case_a.pk, request.pk])
    assert client_as(cw_a).post(decide, {"decision": "approve"}).status_code == 403
    assert client_as(cw_b).post(decide, {"decision": "approve"}).status_code == 404
    response = client_as(mgr_a).post(decide, {"decision": "approve"})
    assert response.status_code == 302
