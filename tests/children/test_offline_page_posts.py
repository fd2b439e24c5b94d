"""A page's form sent with the phone-made id of the outbox is applied once (RE-08,
children/sync/once.py): a post whose answer was lost, sent again by the page or by the outbox,
creates nothing; without the id the pages work as before; the pages' access rules still hold."""

import json
import uuid

import pytest
from django.urls import reverse

from children.models import Case, CaseNote, Encounter, SyncItem
from tests.children.conftest import encounter_post, registration_post
from tests.factories import FollowUpFactory

SYNC = "/api/v1/sync/"


def sync(client, item):
    response = client.post(SYNC, json.dumps({"items": [item]}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["results"][0]


def test_an_encounter_posted_twice_with_one_id_is_saved_once(cw_a, client_as):
    client = client_as(cw_a)
    client.cookies["django_language"] = "en"
    url = reverse("children:encounter_create")
    data = encounter_post(client_id=str(uuid.uuid4()))
    first = client.post(url, data)
    again = client.post(url, data, follow=True)
    encounter = Encounter.objects.get()
    assert first.url == reverse("children:encounter_detail", args=[encounter.pk])
    assert again.redirect_chain[-1][0] == first.url
    assert "This had arrived already" in again.content.decode()
    row = SyncItem.objects.get()
    assert (row.user, row.kind, row.object_type, row.object_id) == (
        cw_a,
        SyncItem.Kind.ENCOUNTER,
        "children.encounter",
        str(encounter.pk),
    )


def test_the_outboxs_copy_of_a_post_that_arrived_creates_nothing(cw_a, client_as):
    client = client_as(cw_a)
    client_id = str(uuid.uuid4())
    client.post(reverse("children:encounter_create"), encounter_post(client_id=client_id))
    result = sync(client, {"client_id": client_id, "kind": "encounter", "data": encounter_post()})
    assert result["status"] == "already_received"
    assert result["object"]["id"] == str(Encounter.objects.get().pk)
    assert Encounter.objects.count() == 1


def test_a_page_post_after_the_outbox_sent_the_same_id_creates_nothing(cw_a, case_a, client_as):
    client = client_as(cw_a)
    client_id = str(uuid.uuid4())
    sync(
        client, {"client_id": client_id, "kind": "note", "case": case_a.pk, "data": {"body": "یک"}}
    )
    response = client.post(
        reverse("children:case_add_note", args=[case_a.pk]),
        {"body": "یک", "client_id": client_id},
    )
    assert response.status_code == 302
    assert CaseNote.objects.filter(case=case_a).count() == 1


def test_a_registration_posted_twice_with_one_id_is_one_case(cw_a, client_as):
    client = client_as(cw_a)
    before = Case.objects.count()
    data = registration_post(cw_a, client_id=str(uuid.uuid4()))
    first = client.post(reverse("children:case_register"), data)
    again = client.post(reverse("children:case_register"), data)
    assert Case.objects.count() == before + 1
    assert first.status_code == again.status_code == 302
    assert first.url == again.url
    assert SyncItem.objects.get().kind == SyncItem.Kind.REGISTRATION


def test_a_followup_outcome_posted_twice_with_one_id_is_recorded_once(cw_a, case_a, client_as):
    followup = FollowUpFactory(case=case_a, responsible=cw_a, created_by=cw_a)
    url = reverse("children:followup_outcome", args=[case_a.pk, followup.pk])
    data = {"result": "done", "outcome": "به مدرسه رفت", "client_id": str(uuid.uuid4())}
    client = client_as(cw_a)
    client.cookies["django_language"] = "en"
    client.post(url, data)
    again = client.post(url, data, follow=True)
    followup.refresh_from_db()
    assert (followup.status, followup.outcome) == ("done", "به مدرسه رفت")
    assert "This had arrived already" in again.content.decode()
    # The outbox's copy is answered as received, not as a conflict with itself.
    result = sync(
        client,
        {
            "client_id": data["client_id"],
            "kind": "followup_outcome",
            "case": case_a.pk,
            "data": {**data, "followup": followup.pk},
        },
    )
    assert result["status"] == "already_received"


@pytest.mark.parametrize("client_id", [None, "", "not-an-id"])
def test_without_a_valid_id_the_page_saves_as_before(cw_a, client_as, client_id):
    data = encounter_post()
    if client_id is not None:
        data["client_id"] = client_id
    client = client_as(cw_a)
    client.post(reverse("children:encounter_create"), data)
    client.post(reverse("children:encounter_create"), data)
    assert Encounter.objects.count() == 2
    assert not SyncItem.objects.exists()


def test_a_refused_form_remembers_no_id_so_the_corrected_one_is_saved(cw_a, client_as):
    client = client_as(cw_a)
    client_id = str(uuid.uuid4())
    refused = client.post(
        reverse("children:encounter_create"), encounter_post(city="", client_id=client_id)
    )
    assert refused.status_code == 200
    assert not SyncItem.objects.exists()
    client.post(reverse("children:encounter_create"), encounter_post(client_id=client_id))
    assert Encounter.objects.count() == 1


def test_the_id_is_per_user(cw_a, cw_a2, client_as):
    client_id = str(uuid.uuid4())
    client_as(cw_a).post(reverse("children:encounter_create"), encounter_post(client_id=client_id))
    client_as(cw_a2).post(reverse("children:encounter_create"), encounter_post(client_id=client_id))
    assert Encounter.objects.count() == 2


def test_an_outsider_and_the_ministry_get_404_and_no_id_is_kept(
    cw_b, min_officer, case_a, client_as
):
    url = reverse("children:case_add_note", args=[case_a.pk])
    for user in (cw_b, min_officer):
        response = client_as(user).post(url, {"body": "x", "client_id": str(uuid.uuid4())})
        assert response.status_code == 404
    assert not CaseNote.objects.filter(case=case_a).exists()
    assert not SyncItem.objects.exists()
