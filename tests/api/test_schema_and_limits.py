"""The OpenAPI schema validates; the docs page is served from this server; the API is rate
limited per token and per user (RL-01)."""

import yaml
from django.test import override_settings
from openapi_spec_validator import validate

from core.models import AuditEvent


def test_the_openapi_schema_validates(session_client, cw_a):
    response = session_client(cw_a).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert "/api/v1/cases/{id}/sections/{section}/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_a_token_reads_the_schema_whatever_its_scopes(make_token, token_client, org_a):
    _token, secret = make_token(org_a, scopes=["directory:read"])
    assert token_client(secret).get("/api/schema/").status_code == 200


def test_the_docs_page_needs_a_session_and_loads_no_outside_script(client, client_as, cw_a):
    assert client.get("/api/docs/").status_code == 302
    response = client_as(cw_a).get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script: the CSP forbids it
    script = client_as(cw_a).get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


@override_settings(RATE_LIMITS={"api": "3/m", "search": "30/m"})
def test_a_token_over_the_api_rate_gets_429(make_token, token_client, org_a):
    _token, secret = make_token(org_a)
    client = token_client(secret)
    answers = [client.get("/api/v1/services/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get("/api/v1/services/")
    assert int(response["Retry-After"]) > 0
    # The refused request is still an audited use of the token.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_CALL).count() == 5


@override_settings(RATE_LIMITS={"api": "2/m", "search": "30/m"})
def test_the_api_rate_counts_each_token_and_user_apart(
    make_token, token_client, session_client, org_a, cw_a
):
    _first, one = make_token(org_a)
    _second, two = make_token(org_a)
    for _ in range(2):
        token_client(one).get("/api/v1/services/")
    assert token_client(one).get("/api/v1/services/").status_code == 429
    assert token_client(two).get("/api/v1/services/").status_code == 200
    assert session_client(cw_a).get("/api/v1/services/").status_code == 200


@override_settings(RATE_LIMITS={"api": "100/m", "search": "2/m"})
def test_api_searches_count_against_the_search_rate(session_client, cw_a):
    client = session_client(cw_a)
    answers = [client.get("/api/v1/cases/", {"q": "علی"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


@override_settings(RATE_LIMITS={"api": "2/m", "search": "30/m"})
def test_requests_a_token_may_not_make_still_count_against_its_rate(
    make_token, token_client, org_a
):
    _token, secret = make_token(org_a, scopes=["directory:read"])
    client = token_client(secret)
    assert [client.get("/api/v1/cases/").status_code for _ in range(3)] == [403, 403, 429]


def test_the_schema_builds_without_a_warning(tmp_path, db):
    """drf-spectacular's own check: every view, field and authenticator is described."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert (tmp_path / "s.yaml").read_text().startswith("openapi:")
