"""The administrators' token screens (AC-11): create shows the secret once, audited; only
administrators reach them; Persian and English."""

import re

from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import hash_key
from core.jalali import format_date
from core.models import AuditEvent


def _form(org, **extra):
    return {
        "name": "سامانه شهرداری",
        "kind": "organisation",
        "organisation": org.pk,
        "scopes": ["cases:read", "referrals:read"],
        "expires_on": format_date(timezone.localdate() + timezone.timedelta(days=30)),
        **extra,
    }


def test_administrator_creates_a_token_and_sees_it_once(client_as, adm, org_a):
    client = client_as(adm)
    response = client.post(reverse("api:token_create"), _form(org_a))
    assert response.status_code == 200
    key = re.search(r"kdk_[0-9a-f]{8}_[\w-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(key)
    assert token.scopes == ["cases:read", "referrals:read"]
    assert token.user.membership.organisation == org_a
    listing = client.get(reverse("api:token_list")).content.decode()
    assert token.prefix in listing and key not in listing
    event = AuditEvent.objects.get(object_type="api.apitoken", action=AuditEvent.Action.CREATE)
    assert event.actor == adm and event.detail["scopes"] == ["cases:read", "referrals:read"]


def test_a_token_for_aggregates_refuses_case_scopes(client_as, adm, ministry):
    response = client_as(adm).post(reverse("api:token_create"), _form(ministry, kind="aggregates"))
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "scopes" in response.context["form"].errors


def test_a_token_must_expire_within_a_year(client_as, adm, org_a):
    far = format_date(timezone.localdate() + timezone.timedelta(days=800))
    client_as(adm).post(reverse("api:token_create"), _form(org_a, expires_on=far))
    assert not ApiToken.objects.exists()


def test_only_administrators_reach_the_token_screens(client_as, mgr_a, cw_a, min_officer):
    for user in (mgr_a, cw_a, min_officer):
        client = client_as(user)
        assert client.get(reverse("api:token_list")).status_code == 403
        assert client.post(reverse("api:token_create"), {}).status_code == 403


def test_token_screens_read_in_persian_and_english(client_as, adm, make_token, org_a):
    make_token(org_a)
    client = client_as(adm)
    page = client.get(reverse("api:token_list"))
    assert 'dir="rtl"' in page.content.decode()
    client.post(reverse("switch_language"), {"language": "en"})
    page = client.get(reverse("api:token_list")).content.decode()
    assert "API tokens" in page
