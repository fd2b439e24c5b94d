"""Coverage for the ministry: which provinces lack which services."""

import json

import pytest
from django.urls import reverse

from ngos.selectors import coverage
from ngos.services import organisation_suspend
from tests.factories import province


def cell(table, province_code, service_code):
    index = [s.code for s in table["services"]].index(service_code)
    (row,) = [r for r in table["rows"] if r["province"].code == province_code]
    return row["counts"][index]


def test_counts_verified_organisations_offering_each_service_per_province(min_officer, sb_ngos):
    table = coverage(user=min_officer)
    assert cell(table, "sistan-baluchestan", "education") == 2  # Zabol is not verified
    assert cell(table, "sistan-baluchestan", "health") == 1
    assert cell(table, "tehran", "education") == 1
    assert cell(table, "tehran", "shelter") == 0
    assert len(table["rows"]) == 31


def test_unverified_organisations_count_only_when_asked(min_officer, sb_ngos):
    table = coverage(user=min_officer, verified_only=False)
    assert cell(table, "sistan-baluchestan", "education") == 3


def test_a_suspended_organisation_never_counts(min_officer, sb_ngos):
    organisation_suspend(by=min_officer, organisation=sb_ngos["clinic"], reason="بازرسی")
    table = coverage(user=min_officer, verified_only=False)
    assert cell(table, "sistan-baluchestan", "health") == 0


def test_provinces_of_operation_count(min_officer, sb_ngos):
    sb_ngos["tehran"].provinces.set([province("razavi-khorasan")])
    assert cell(coverage(user=min_officer), "razavi-khorasan", "education") == 1


def test_the_summary_says_how_many_provinces_lack_each_service(min_officer, sb_ngos):
    table = coverage(user=min_officer)
    education = next(s for s in table["summary"] if s["service"].code == "education")
    total = len(table["rows"])
    assert education["provinces_covered"] == 2  # Tehran and Sistan and Baluchestan
    assert education["provinces_lacking"] == total - 2


def test_the_page_shows_the_table_and_the_same_numbers_for_the_chart(
    client_as, min_officer, sb_ngos
):
    response = client_as(min_officer).get(reverse("ngos:coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="coverage-table"' in html
    chart = json.loads(
        html.split('<script id="coverage-data" type="application/json">')[1].split("</script>")[0]
    )
    table = response.context["table"]
    assert chart["lacking"] == [s["provinces_lacking"] for s in table["summary"]]
    assert "<script>" not in html  # no inline script (CSP)


@pytest.mark.parametrize("who", ["cw_a", "mgr_a"])
def test_coverage_is_for_the_ministry_and_administrators(who, request, client_as, adm):
    assert client_as(request.getfixturevalue(who)).get(reverse("ngos:coverage")).status_code == 403
    assert client_as(adm).get(reverse("ngos:coverage")).status_code == 200


def test_coverage_without_the_permission_is_none(cw_a):
    assert coverage(user=cw_a) is None
