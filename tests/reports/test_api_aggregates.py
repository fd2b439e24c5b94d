"""The API's aggregate figures (AC-08, AC-11, AC-12): the dashboard's protected cube, suppressed
exactly as the dashboard; a provincial scope stays in its province; a ministry token reads them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.scopes import Scope
from api.services import token_create
from core.permissions import Role
from reports.selectors.national import period_cube
from reports.suppression import SUPPRESSED
from tests.factories import member, province
from tests.second_factor import verify_session

from .data import Q2


@pytest.fixture
def provincial_officer(ministry):
    return member("min_rk", ministry, Role.MINISTRY_OFFICER, province=province("razavi-khorasan"))


def figures(response, **match):
    return {
        (f["measure"], f["province"], f["dimension"], f["category"]): f["value"]
        for f in response.json()["figures"]
        if all(f[key] == value for key, value in match.items())
    }


def test_api_figures_are_the_dashboards_protected_cells(client_as, min_officer, dataset):
    client = APIClient()
    client.force_login(min_officer)
    verify_session(client, min_officer)
    response = client.get("/api/v1/aggregates/", {"quarter": Q2.key})
    assert response.status_code == 200
    cells = figures(response)
    cube = period_cube(Q2)
    for (measure, place, dimension, category), value in cells.items():
        assert (
            cube.get(measure, place if place == "all" else int(place), dimension, category) == value
        )
    assert cells[("registered", "all", "", "")] == 19
    razavi = str(dataset["razavi"])
    assert cells[("registered", razavi, "", "")] == SUPPRESSED  # 3 children
    # The same tile on the dashboard page.
    page = client_as(min_officer).get(
        reverse("reports:national_dashboard"), {"quarter": Q2.key, "province": dataset["razavi"]}
    )
    tiles = {t["measure"]: t["value"] for t in page.context["figures"]["tiles"]}
    assert tiles["registered"] == cells[("registered", razavi, "", "")]


def test_no_api_figure_is_a_count_from_one_to_four(min_officer, dataset):
    client = APIClient()
    client.force_login(min_officer)
    verify_session(client, min_officer)
    values = [
        f["value"] for f in client.get("/api/v1/aggregates/", {"quarter": Q2.key}).json()["figures"]
    ]
    assert not [v for v in values if isinstance(v, int) and 0 < v < 5]


def test_a_provincial_aggregates_token_reaches_only_its_province(adm, ministry, dataset):
    _token, secret = token_create(
        by=adm,
        name="استانی",
        kind=ApiToken.Kind.AGGREGATES,
        organisation=ministry,
        scopes=[Scope.AGGREGATES_READ],
        expires_at=timezone.now() + datetime.timedelta(days=30),
        province=province("razavi-khorasan"),
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.get("/api/v1/aggregates/", {"quarter": Q2.key, "province": dataset["tehran"]})
    assert response.status_code == 200
    assert {f["province"] for f in response.json()["figures"]} == {str(dataset["razavi"])}


def test_a_provincial_officer_session_reaches_only_its_province(provincial_officer, dataset):
    client = APIClient()
    client.force_login(provincial_officer)
    verify_session(client, provincial_officer)
    response = client.get("/api/v1/aggregates/", {"quarter": Q2.key})
    assert {f["province"] for f in response.json()["figures"]} == {str(dataset["razavi"])}
