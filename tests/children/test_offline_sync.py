"""The offline app's endpoints (RE-08): each item once, conflicts never silent, nothing of another
organisation's case, and the bundle holds the least a street day needs."""

import json
import uuid

from django.urls import reverse

from children.models import Case, CaseNote, Encounter, FollowUp, SyncItem
from children.models.choices import Sex
from core.models import AuditEvent
from tests.children.conftest import encounter_post, registration_post
from tests.factories import FollowUpFactory

SYNC = "/api/v1/sync/"
BUNDLE = "/api/v1/offline/bundle/"


def item(kind, data, *, case=None, base_version=None, client_id=None):
    return {
        "client_id": client_id or str(uuid.uuid4()),
        "kind": kind,
        "case": case,
        "base_version": base_version,
        "data": data,
    }


def send(client, *items):
    response = client.post(
        SYNC, json.dumps({"items": list(items)}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_paths_are_where_the_app_calls_them():
    assert reverse("offline:sync") == SYNC
    assert reverse("offline:bundle") == BUNDLE


def test_an_item_is_created_once_and_a_retry_creates_nothing(cw_a, client_as):
    client = client_as(cw_a)
    encounter = item("encounter", encounter_post())
    first = send(client, encounter)
    again = send(client, encounter)
    assert first[0]["status"] == "created"
    assert again[0]["status"] == "already_received"
    assert again[0]["object"] == first[0]["object"]
    assert Encounter.objects.count() == 1
    assert SyncItem.objects.filter(user=cw_a).count() == 1


def test_the_same_item_twice_in_one_request_is_created_once(cw_a, client_as):
    encounter = item("encounter", encounter_post())
    results = send(client_as(cw_a), encounter, encounter)
    assert [r["status"] for r in results] == ["created", "already_received"]
    assert Encounter.objects.count() == 1


def test_the_id_is_a_key_per_user_so_two_caseworkers_ids_never_collide(cw_a, cw_a2, client_as):
    client_id = str(uuid.uuid4())
    send(client_as(cw_a), item("encounter", encounter_post(), client_id=client_id))
    result = send(client_as(cw_a2), item("encounter", encounter_post(), client_id=client_id))
    assert result[0]["status"] == "created"
    assert Encounter.objects.count() == 2


def test_an_encounter_writes_the_audit_row_of_the_page(cw_a, client_as):
    send(client_as(cw_a), item("encounter", encounter_post()))
    encounter = Encounter.objects.get()
    assert encounter.caseworker == cw_a
    assert AuditEvent.objects.filter(
        action="create", object_type="children.encounter", object_id=str(encounter.pk)
    ).exists()


def test_a_note_on_another_organisations_case_is_refused_like_a_missing_case(
    cw_a, case_b, client_as
):
    client = client_as(cw_a)
    theirs = send(client, item("note", {"body": "دیدمش"}, case=case_b.pk))[0]
    missing = send(client, item("note", {"body": "دیدمش"}, case=999999))[0]
    assert theirs["status"] == missing["status"] == "refused"
    assert theirs["errors"] == missing["errors"]
    assert not CaseNote.objects.exists()
    assert AuditEvent.objects.filter(action="access_denied", object_id=str(case_b.pk)).exists()


def test_another_organisations_case_cannot_be_changed_or_linked(cw_a, case_b, client_as):
    client = client_as(cw_a)
    results = send(
        client,
        item(
            "section_update",
            {"section": "identity", "given_name": "x"},
            case=case_b.pk,
            base_version=case_b.version,
        ),
        item("encounter", encounter_post(), case=case_b.pk),
    )
    assert [r["status"] for r in results] == ["refused", "refused"]
    case_b.refresh_from_db()
    assert case_b.given_name == "زهرا"
    assert not Encounter.objects.exists()


def test_a_note_is_added_through_the_service(cw_a, case_a, client_as):
    result = send(client_as(cw_a), item("note", {"body": "در بازار دیدمش"}, case=case_a.pk))[0]
    assert result["status"] == "created"
    note = CaseNote.objects.get()
    assert (note.case, note.author, note.body) == (case_a, cw_a, "در بازار دیدمش")


def test_a_refused_item_comes_back_with_errors_by_field_and_creates_nothing(cw_a, client_as):
    data = registration_post(cw_a, given_name="", consent_scope=[])
    result = send(client_as(cw_a), item("registration", data))[0]
    assert result["status"] == "refused"
    assert {"given_name", "consent_scope"} <= set(result["errors"])
    assert all(isinstance(m, str) for m in result["errors"]["given_name"])
    assert not SyncItem.objects.exists()


def test_a_refused_item_can_be_corrected_and_sent_again_with_its_id(cw_a, client_as):
    client = client_as(cw_a)
    client_id = str(uuid.uuid4())
    send(client, item("registration", registration_post(cw_a, given_name=""), client_id=client_id))
    fixed = send(client, item("registration", registration_post(cw_a), client_id=client_id))[0]
    assert fixed["status"] == "created"
    assert Case.objects.count() == 1


def test_a_malformed_item_is_refused_and_the_others_still_arrive(cw_a, client_as):
    results = send(
        client_as(cw_a),
        {"client_id": "not-a-uuid", "kind": "note", "data": {}},
        {"client_id": str(uuid.uuid4()), "kind": "delete_everything", "data": {}},
        item("encounter", encounter_post()),
    )
    assert [r["status"] for r in results] == ["refused", "refused", "created"]
    assert set(results[0]["errors"]) == {"client_id"}
    assert set(results[1]["errors"]) == {"kind"}


def test_an_item_from_a_stale_case_version_is_a_conflict_with_both_values(
    cw_a, cw_a2, case_a, client_as
):
    stale = case_a.version
    # Someone else corrects the name on the page while the phone is offline.
    from children import services

    services.case_update(
        by=cw_a2,
        case=case_a,
        data={"given_name": "علیرضا"},
        expected_version=stale,
        section="identity",
    )
    result = send(
        client_as(cw_a),
        item(
            "section_update",
            {"section": "identity", "given_name": "علی‌اکبر"},
            case=case_a.pk,
            base_version=stale,
        ),
    )[0]
    assert result["status"] == "conflict"
    assert result["conflict"] == [
        {
            "field": "given_name",
            "label": result["conflict"][0]["label"],
            "saved": "علیرضا",
            "yours": "علی‌اکبر",
        }
    ]
    assert result["current_version"] == stale + 1
    case_a.refresh_from_db()
    assert case_a.given_name == "علیرضا"
    assert not SyncItem.objects.exists()


def test_a_section_update_from_the_current_version_is_saved(cw_a, case_a, client_as):
    result = send(
        client_as(cw_a),
        item(
            "section_update",
            {"section": "identity", "father_name": "حسین"},
            case=case_a.pk,
            base_version=case_a.version,
        ),
    )[0]
    assert result["status"] == "created"
    case_a.refresh_from_db()
    assert (case_a.father_name, case_a.given_name) == ("حسین", "علی")


def test_a_section_update_may_change_only_what_the_phone_keeps(cw_a, case_a, client_as):
    result = send(
        client_as(cw_a),
        item(
            "section_update",
            {"section": "identity", "id_number": "1234567890"},
            case=case_a.pk,
            base_version=case_a.version,
        ),
    )[0]
    assert result["status"] == "refused"
    assert set(result["errors"]) == {"id_number"}


def test_a_followup_outcome_recorded_twice_is_a_conflict_and_the_first_stays(
    cw_a, case_a, client_as
):
    followup = FollowUpFactory(case=case_a, responsible=cw_a, created_by=cw_a)
    client = client_as(cw_a)
    first = item(
        "followup_outcome",
        {"followup": followup.pk, "result": "done", "outcome": "به مدرسه رفت"},
        case=case_a.pk,
    )
    second = item(
        "followup_outcome",
        {"followup": followup.pk, "result": "missed", "outcome": "پیدا نشد"},
        case=case_a.pk,
    )
    assert send(client, first)[0]["status"] == "created"
    result = send(client, second)[0]
    assert result["status"] == "conflict"
    assert result["conflict"][0]["saved"] == "به مدرسه رفت"
    assert result["conflict"][0]["yours"] == "پیدا نشد"
    followup.refresh_from_db()
    assert (followup.status, followup.outcome) == ("done", "به مدرسه رفت")


def test_a_child_registered_offline_with_a_likely_duplicate_waits_for_a_decision(
    cw_a, case_a, case_b, client_as
):
    client = client_as(cw_a)
    # The same boy as case_a, and a girl like case_b at organisation B.
    boy = item("registration", registration_post(cw_a))
    girl = item(
        "registration",
        registration_post(
            cw_a, given_name="زهرا", family_name="محمدی", father_name="رضا", sex=Sex.FEMALE
        ),
    )
    results = send(client, boy, girl)
    assert [r["status"] for r in results] == ["needs_decision", "needs_decision"]
    assert results[0]["duplicates"]["own"][0]["case_number"] == case_a.case_number
    # Another organisation's match is named by the organisation only: no child's detail.
    assert results[1]["duplicates"]["own"] == []
    assert results[1]["duplicates"]["elsewhere"] == [str(case_b.organisation)]
    assert "زهرا" not in json.dumps(results[1]["duplicates"], ensure_ascii=False)
    assert Case.objects.count() == 2


def test_a_decision_that_the_child_is_different_registers_it(cw_a, case_a, client_as):
    client = client_as(cw_a)
    boy = item("registration", registration_post(cw_a))
    send(client, boy)
    boy["data"]["confirm_not_duplicate"] = "on"
    result = send(client, boy)[0]
    assert result["status"] == "created"
    assert Case.objects.count() == 2


def test_outsiders_to_the_street_cannot_sync(min_officer, client_as):
    response = client_as(min_officer).post(
        SYNC, json.dumps({"items": []}), content_type="application/json"
    )
    assert response.status_code == 403


def test_a_signed_out_phone_reaches_neither_endpoint(client):
    assert client.get(BUNDLE).status_code == 302
    assert client.post(SYNC, "{}", content_type="application/json").status_code == 302


def test_a_deactivated_account_reaches_neither_endpoint(cw_a, client_as):
    client = client_as(cw_a)
    cw_a.is_active = False
    cw_a.save()
    assert client.get(BUNDLE).status_code == 302


def test_sync_needs_the_csrf_token_like_a_form(cw_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cw_a)
    response = client.post(
        SYNC,
        json.dumps({"items": [item("encounter", encounter_post())]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Encounter.objects.exists()


def test_the_bundle_holds_only_the_caseworkers_own_open_cases_and_the_least_fields(
    cw_a, cw_a2, case_a, case_b, register, client_as
):
    theirs = register(cw_a2, given_name="رضا", family_name="کریمی")
    FollowUpFactory(case=case_a, responsible=cw_a, created_by=cw_a)
    response = client_as(cw_a).get(BUNDLE)
    assert response.status_code == 200
    bundle = response.json()
    assert [c["id"] for c in bundle["cases"]] == [case_a.pk]
    assert set(bundle["cases"][0]) == {
        "id",
        "case_number",
        "given_name",
        "family_name",
        "father_name",
        "age",
        "sex",
        "hotspot",
        "version",
        "next_followup",
    }
    assert bundle["cases"][0]["next_followup"]["id"] == FollowUp.objects.get().pk
    assert theirs.pk not in [c["id"] for c in bundle["cases"]]
    assert bundle["wipe_after"]
    assert {p["value"] for p in bundle["reference"]["provinces"]}


def test_reading_the_bundle_is_audited(cw_a, case_a, client_as):
    client_as(cw_a).get(BUNDLE)
    event = AuditEvent.objects.get(object_id="offline-bundle")
    assert (event.action, event.actor, event.detail) == ("view", cw_a, {"offline_bundle": 1})


def test_the_service_worker_is_served_from_the_root_with_a_versioned_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert 'const CACHE = "koodak-static-' in body
    assert "/static/js/offline-store.js" in body


def test_the_offline_shell_holds_no_childs_data(cw_a, case_a, client_as):
    response = client_as(cw_a).get(reverse("children:offline_app"))
    assert response.status_code == 200
    page = response.content.decode()
    assert case_a.given_name not in page
    assert case_a.case_number not in page


def test_a_list_field_sent_as_one_value_is_read_as_a_list_of_one(cw_a, client_as):
    data = registration_post(cw_a, consent_scope="record", languages="dari")
    result = send(client_as(cw_a), item("registration", data))[0]
    assert result["status"] == "created"
    assert Case.objects.get().languages == ["dari"]
