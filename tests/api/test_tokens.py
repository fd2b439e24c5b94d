"""API tokens (AC-11): hashed, shown once, scoped, expiring, revocable, every use audited."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.scopes import Scope
from api.services import hash_key
from core.models import AuditEvent

CASES = "/api/v1/cases/"


def test_only_a_hash_of_the_token_is_stored(make_token, org_a):
    token, secret = make_token(org_a)
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.key_hash, stored.prefix}
    assert stored.key_hash == hash_key(secret)
    assert not ApiToken.objects.filter(key_hash=secret).exists()


def test_a_token_signs_in_as_its_organisation(make_token, token_client, org_a, case_a):
    _token, secret = make_token(org_a)
    response = token_client(secret).get(CASES)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [case_a.pk]


def test_an_unknown_token_gets_401(token_client, db):
    response = token_client("kdk_00000000_notatoken").get(CASES)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_request_without_credentials_gets_401(client, db):
    assert client.get(CASES).status_code == 401


def test_an_expired_token_is_refused(make_token, token_client, org_a):
    _token, secret = make_token(org_a, days=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert token_client(secret).get(CASES).status_code == 401


def test_a_revoked_token_is_refused_on_its_next_request(
    make_token, token_client, org_a, adm, client_as
):
    token, secret = make_token(org_a)
    client = token_client(secret)
    assert client.get(CASES).status_code == 200
    response = client_as(adm).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert client.get(CASES).status_code == 401
    token.refresh_from_db()
    assert token.revoked_by == adm
    assert not token.user.is_active


def test_revocation_is_audited(make_token, org_a, adm, client_as):
    token, _secret = make_token(org_a)
    client_as(adm).post(reverse("api:token_revoke", args=[token.pk]))
    event = AuditEvent.objects.get(
        object_type="api.apitoken", object_id=str(token.pk), action=AuditEvent.Action.UPDATE
    )
    assert event.actor == adm
    assert event.detail == {"revoked": True}


def test_each_use_of_a_token_is_audited_with_its_last_use(make_token, token_client, org_a):
    token, secret = make_token(org_a)
    client = token_client(secret)
    client.get(CASES)
    client.get("/api/v1/services/")
    events = AuditEvent.objects.filter(action=AuditEvent.Action.API_CALL, object_id=str(token.pk))
    assert events.count() == 2
    assert {e.path for e in events} == {CASES, "/api/v1/services/"}
    assert all(e.actor == token.user and e.organisation_id == org_a.pk for e in events)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_refused_use_of_a_revoked_token_is_audited_too(make_token, token_client, org_a, adm):
    from api.services import token_revoke

    token, secret = make_token(org_a)
    token_revoke(by=adm, token=token)
    token_client(secret).get(CASES)
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_CALL, object_id=str(token.pk))
    assert event.detail["refused"] == "revoked"


def test_a_token_without_the_scope_gets_403(make_token, token_client, org_a, case_a):
    _token, secret = make_token(org_a, scopes=[Scope.DIRECTORY_READ])
    client = token_client(secret)
    assert client.get(CASES).status_code == 403
    assert client.get(f"{CASES}{case_a.pk}/").status_code == 403
    assert client.get("/api/v1/organisations/").status_code == 200


def test_a_read_scope_does_not_allow_writes(make_token, token_client, org_a, case_a):
    _token, secret = make_token(org_a, scopes=[Scope.CASES_READ])
    response = token_client(secret).post(
        f"{CASES}{case_a.pk}/notes/", {"body": "یادداشت"}, format="json"
    )
    assert response.status_code == 403
    assert case_a.notes.count() == 0


def test_an_aggregates_token_cannot_reach_any_case(make_token, token_client, ministry, case_a):
    _token, secret = make_token(ministry, kind=ApiToken.Kind.AGGREGATES)
    client = token_client(secret)
    assert client.get(CASES).status_code == 403
    assert client.get(f"{CASES}{case_a.pk}/").status_code in (403, 404)
    assert client.get("/api/v1/aggregates/").status_code == 200


def test_an_organisation_token_cannot_read_aggregates(make_token, token_client, org_a):
    _token, secret = make_token(org_a)
    assert token_client(secret).get("/api/v1/aggregates/").status_code == 403


def test_an_aggregates_token_cannot_be_given_case_scopes(make_token, ministry):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token(ministry, kind=ApiToken.Kind.AGGREGATES, scopes=[Scope.CASES_READ])


def test_a_token_cannot_sign_in_to_the_pages(make_token, org_a, client):
    token, secret = make_token(org_a)
    assert not token.user.has_usable_password()
    response = client.get(reverse("children:case_list"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 302  # the pages know sessions only


def test_a_tokens_account_is_not_on_the_staff_screens(make_token, org_a, mgr_a, client_as):
    """Only the token screens change a token: its manager cannot change its role (AC-11)."""
    token, _secret = make_token(org_a)
    client = client_as(mgr_a)
    staff = client.get(reverse("ngos:staff_list", args=[org_a.pk])).content.decode()
    assert token.user.username not in staff
    response = client.get(reverse("ngos:staff_edit", args=[org_a.pk, token.user.membership.pk]))
    assert response.status_code == 404


def test_a_tokens_account_cannot_be_given_cases(make_token, org_a):
    from children.selectors.cases import case_holders

    token, _secret = make_token(org_a)
    assert token.user not in case_holders(org_a)


def test_a_tokens_account_is_not_offered_as_a_caseworker_on_the_pages(
    make_token, org_a, cw_a, client_as
):
    token, _secret = make_token(org_a)
    register = client_as(cw_a).get(reverse("children:case_register"))
    choices = {c[0].value for c in register.context["form"].fields["assigned_to"].choices if c[0]}
    assert cw_a.pk in choices and token.user.pk not in choices
    listing = client_as(cw_a).get(reverse("children:case_list"))
    colleagues = listing.context["filter"].form.fields["assigned_to"].queryset
    assert token.user not in colleagues


def test_answers_to_a_token_are_not_kept_by_caches(make_token, token_client, org_a, case_a):
    """The JSON holds children's details: no browser or proxy may keep it (CF-01)."""
    _token, secret = make_token(org_a)
    response = token_client(secret).get(f"/api/v1/cases/{case_a.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_row_history_names_the_tokens_account(make_token, token_client, org_a, case_a):
    """A change made with a token is attributed in the case's row history too (LG-01)."""
    from django.apps import apps

    token, secret = make_token(org_a)
    response = token_client(secret).patch(
        f"/api/v1/cases/{case_a.pk}/sections/work/",
        {"version": case_a.version, "values": {"workplace": "کارگاه"}},
        format="json",
    )
    assert response.status_code == 200
    event = (
        apps.get_model("children", "CaseEvent")
        .objects.filter(pgh_obj_id=case_a.pk, pgh_label="update")
        .latest("pgh_id")
    )
    assert event.pgh_context.metadata["user"] == token.user.pk


def test_an_aggregates_token_is_for_a_government_body_only(make_token, org_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token(org_a, kind=ApiToken.Kind.AGGREGATES)
    assert not ApiToken.objects.exists()
