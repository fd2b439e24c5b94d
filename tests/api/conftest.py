"""API test helpers: tokens made by the administrator, clients signed in by token or session."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.scopes import Scope
from api.services import token_create
from tests.factories import CaseFactory
from tests.second_factor import verify_session


@pytest.fixture
def make_token(adm):
    """`make_token(organisation, scopes=..., kind=..., days=...)` gives (token, secret)."""

    def make(organisation, scopes=None, kind=ApiToken.Kind.ORGANISATION, days=30, province=None):
        if scopes is None:
            scopes = (
                Scope.FOR_AGGREGATES if kind == ApiToken.Kind.AGGREGATES else Scope.FOR_ORGANISATION
            )
        return token_create(
            by=adm,
            name="سامانه بهزیستی",
            kind=kind,
            organisation=organisation,
            scopes=scopes,
            expires_at=timezone.now() + datetime.timedelta(days=days),
            province=province,
        )

    return make


@pytest.fixture
def token_client():
    """`token_client(secret)`: an API client that sends the token."""

    def make(secret):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


@pytest.fixture
def session_client():
    """`session_client(user)`: an API client signed in with the session, as the app is."""

    def make(user):
        client = APIClient()
        client.force_login(user)
        return verify_session(client, user)

    return make


@pytest.fixture
def case_a(org_a, cw_a):
    return CaseFactory(organisation=org_a, assigned_to=cw_a, given_name="مریم", family_name="احمدی")


@pytest.fixture
def case_b(org_b, cw_b):
    return CaseFactory(organisation=org_b, assigned_to=cw_b, given_name="زهرا", family_name="کریمی")
