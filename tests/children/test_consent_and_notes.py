"""Case notes, consent and its withdrawal, and handing a caseworker's open cases to another."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from children import services
from children.models import Case, CaseNote, Consent, TimelineEntry
from children.models.choices import CaseStatus, ConsentScope
from core.models import AuditEvent
from core.permissions import Role
from tests.factories import member

from .conftest import by_testid, parse

# --- Notes --------------------------------------------------------------------------------------


def _add_note(client, case, body):
    return client.post(reverse("children:case_add_note", args=[case.pk]), {"body": body})


def test_a_note_is_saved_with_its_author_a_timeline_line_and_an_audit_row(client_as, cw_a, case_a):
    response = _add_note(client_as(cw_a), case_a, "مادر گفت  که\r\nفردا می‌آید")

    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.case, note.author) == (case_a, cw_a)
    assert note.body == "مادر گفت که\nفردا می‌آید"
    entry = case_a.timeline.get(kind=TimelineEntry.Kind.NOTE)
    assert entry.detail == {"note": note.pk}
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_id=str(case_a.pk), detail__note=note.pk
    ).exists()


def test_notes_and_timeline_show_newest_first(client_as, cw_a, case_a):
    client = client_as(cw_a)
    for body in ("یادداشت اول", "یادداشت دوم", "یادداشت سوم"):
        _add_note(client, case_a, body)

    response = client.get(reverse("children:case_detail", args=[case_a.pk]))

    assert by_testid(response, "note")[0].endswith("یادداشت سوم")
    assert [text.split(" ")[-2:] for text in by_testid(response, "note")] == [
        ["یادداشت", "سوم"],
        ["یادداشت", "دوم"],
        ["یادداشت", "اول"],
    ]
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds == [TimelineEntry.Kind.NOTE] * 3 + [TimelineEntry.Kind.REGISTERED]
    notes = [entry.detail["note"] for entry in response.context["timeline"][:3]]
    assert notes == sorted(notes, reverse=True)


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_overlong_note_is_refused(client_as, cw_a, case_a, body):
    response = _add_note(client_as(cw_a), case_a, body)

    assert response.status_code == 302
    assert CaseNote.objects.count() == 0
    assert not case_a.timeline.filter(kind=TimelineEntry.Kind.NOTE).exists()


def test_notes_are_post_only(client_as, cw_a, case_a):
    response = client_as(cw_a).get(reverse("children:case_add_note", args=[case_a.pk]))

    assert response.status_code == 405


# --- Consent ------------------------------------------------------------------------------------


def _withdraw(client, case, consent, reason):
    return client.post(
        reverse("children:consent_withdraw", args=[case.pk, consent.pk]), {"reason": reason}
    )


def test_withdrawing_consent_records_when_who_and_why(client_as, cw_a2, case_a):
    consent = case_a.consents.get()

    response = _withdraw(client_as(cw_a2), case_a, consent, "خانواده\r\nدیگر نمی‌خواهد")

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == cw_a2
    assert consent.withdrawal_reason == "خانواده\nدیگر نمی‌خواهد"
    assert not consent.is_active
    assert case_a.current_consent() is None


def test_withdrawing_consent_adds_a_timeline_line_and_an_audit_row(client_as, cw_a, case_a):
    consent = case_a.consents.get()

    _withdraw(client_as(cw_a), case_a, consent, "خانواده دیگر نمی‌خواهد")

    entry = case_a.timeline.get(kind=TimelineEntry.Kind.CONSENT_WITHDRAWN)
    assert entry.actor == cw_a
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(case_a.pk))
    assert event.detail == {"consent_withdrawn": consent.pk}
    assert event.actor == cw_a


@pytest.mark.parametrize("reason", ["", "  "])
def test_withdrawing_consent_without_a_reason_changes_nothing(client_as, cw_a, case_a, reason):
    consent = case_a.consents.get()

    _withdraw(client_as(cw_a), case_a, consent, reason)

    consent.refresh_from_db()
    assert consent.is_active
    assert consent.withdrawn_by is None
    assert not case_a.timeline.filter(kind=TimelineEntry.Kind.CONSENT_WITHDRAWN).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_withdrawing_twice_keeps_the_first_withdrawal(client_as, cw_a, cw_a2, case_a):
    consent = case_a.consents.get()
    _withdraw(client_as(cw_a), case_a, consent, "اول")
    consent.refresh_from_db()
    first = (consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason)

    _withdraw(client_as(cw_a2), case_a, consent, "دوم")

    consent.refresh_from_db()
    assert (consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason) == first
    assert case_a.timeline.filter(kind=TimelineEntry.Kind.CONSENT_WITHDRAWN).count() == 1


def test_the_case_page_shows_the_withdrawal_and_offers_no_second_one(client_as, cw_a, case_a):
    consent = case_a.consents.get()
    client = client_as(cw_a)
    _withdraw(client, case_a, consent, "خانواده دیگر نمی‌خواهد")

    response = client.get(reverse("children:case_detail", args=[case_a.pk]))

    (section,) = by_testid(response, "consent")
    assert "خانواده دیگر نمی‌خواهد" in section
    withdraw_url = reverse("children:consent_withdraw", args=[case_a.pk, consent.pk])
    assert f'action="{withdraw_url}"' not in response.content.decode()


def test_recording_a_new_consent_adds_it_with_a_timeline_line(client_as, cw_a, case_a):
    response = client_as(cw_a).post(
        reverse("children:consent_add", args=[case_a.pk]),
        {"given_by": "child", "given_on": "۱۴۰۵/۰۹/۰۱", "scope": ["record", "photo"]},
    )

    assert response.status_code == 302
    newest = case_a.consents.order_by("-id").first()
    assert newest.scope == [ConsentScope.RECORD, ConsentScope.PHOTO]
    assert newest.recorded_by == cw_a
    entry = case_a.timeline.get(kind=TimelineEntry.Kind.CONSENT_RECORDED)
    assert entry.detail == {"scope": ["record", "photo"]}


def test_a_consent_without_scope_is_refused_beside_the_field(client_as, cw_a, case_a):
    response = client_as(cw_a).post(
        reverse("children:consent_add", args=[case_a.pk]),
        {"given_by": "child", "given_on": "۱۴۰۵/۰۹/۰۱"},
    )

    assert response.status_code == 400
    assert "scope" in response.context["form"].errors
    assert Consent.objects.filter(case=case_a).count() == 1
    assert any("invalid-feedback" in node.classes() for node in parse(response).iter())


# --- Handing over a caseworker's open cases ---------------------------------------------------


@pytest.fixture
def caseload(register, cw_a, cw_a2, cw_b):
    """CW-A holds two open cases and one closed one; CW-A2 and CW-B hold one open case each."""
    first = register(cw_a)
    second = register(cw_a, given_name="زهرا", family_name="احمدی")
    closed = register(cw_a, given_name="سارا", family_name="کریمی")
    Case.objects.filter(pk=closed.pk).update(
        status=CaseStatus.CLOSED, closed_at=closed.created_at, closure_reason="moved_away"
    )
    colleagues = register(cw_a2, given_name="مریم", family_name="نادری")
    elsewhere = register(cw_b, given_name="کاوه", family_name="نادری")
    return {
        "open": [first, second],
        "closed": closed,
        "colleagues": colleagues,
        "elsewhere": elsewhere,
    }


def _assignees():
    return dict(Case.objects.values_list("pk", "assigned_to_id"))


def test_reassign_open_moves_only_the_open_cases_of_that_caseworker(
    mgr_a, cw_a, cw_a2, cw_b, caseload
):
    moved = services.case_reassign_open(by=mgr_a, from_user=cw_a, to_user=cw_a2)

    assert moved == 2
    assignees = _assignees()
    assert [assignees[case.pk] for case in caseload["open"]] == [cw_a2.pk, cw_a2.pk]
    assert assignees[caseload["closed"].pk] == cw_a.pk
    assert assignees[caseload["colleagues"].pk] == cw_a2.pk
    assert assignees[caseload["elsewhere"].pk] == cw_b.pk


def test_reassign_open_records_each_move_on_its_case(mgr_a, cw_a, cw_a2, caseload):
    services.case_reassign_open(by=mgr_a, from_user=cw_a, to_user=cw_a2)

    for case in caseload["open"]:
        entry = case.timeline.get(kind=TimelineEntry.Kind.REASSIGNED)
        assert (entry.actor, entry.detail) == (mgr_a, {"to": cw_a2.pk})
        event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(case.pk))
        assert event.detail == {"assigned_to": cw_a2.pk}
        assert event.role == Role.ORG_MANAGER
        assert Case.objects.get(pk=case.pk).version == case.version + 1
    assert not caseload["closed"].timeline.filter(kind=TimelineEntry.Kind.REASSIGNED).exists()


def test_reassign_open_refuses_a_caseworker_of_another_organisation(mgr_a, cw_a, cw_b, caseload):
    before = _assignees()

    with pytest.raises(ValidationError):
        services.case_reassign_open(by=mgr_a, from_user=cw_a, to_user=cw_b)

    assert _assignees() == before
    assert not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.REASSIGNED).exists()


def test_reassign_open_refuses_someone_with_no_organisation(mgr_a, cw_a, caseload):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    before = _assignees()

    with pytest.raises(ValidationError):
        services.case_reassign_open(by=mgr_a, from_user=cw_a, to_user=nobody)

    assert _assignees() == before


def test_reassign_open_with_nothing_open_moves_nothing(mgr_a, org_a, cw_a2):
    idle = member("idle", org_a, Role.CASEWORKER)

    assert services.case_reassign_open(by=mgr_a, from_user=idle, to_user=cw_a2) == 0
