"""The ministry's figures on child labour and the law and on children back in school (issue 20,
docs/adr/0035): counted by hand, protected with the cube (AC-08) and shown on the dashboard."""

import datetime

import pytest
from django.urls import reverse

from children.models import SchoolStatusChange
from reports.models import SummaryFact
from reports.protection_tables import protection_summary
from reports.selectors.national import ALL, period_cube
from reports.selectors.protection import school_year_months
from reports.summary import refresh_summaries
from reports.suppression import HIDDEN, SUPPRESSED, is_hidden
from tests.factories import province

from .data import MEHR, Q2, Q3, SHAHRIVAR, make_case

AZAR = datetime.date(2026, 12, 1)  # 10 Azar 1405
DEY = datetime.date(2027, 1, 5)  # 15 Dey 1405


def back_to_school(case, on, from_status="dropped_out"):
    SchoolStatusChange.objects.create(
        case=case, from_status=from_status, to_status="enrolled", changed_on=on
    )


@pytest.fixture
def labour_data(org_a, cw_a):
    """Tehran: 6 children under 15 at work in Shahrivar, 2 of them also in harmful work; Razavi
    Khorasan: 2 under 15; Sistan and Baluchestan: 5 under 15. Back in school: 7 in Tehran in
    Mehr (one of them again in Azar), 2 in Dey; 1 in Razavi Khorasan and 5 in Sistan and
    Baluchestan in Mehr."""
    tehran = [
        make_case(org_a, cw_a, registered_on=SHAHRIVAR, labour_flags=["under_15"])
        for _i in range(4)
    ]
    tehran += [
        make_case(org_a, cw_a, registered_on=SHAHRIVAR, labour_flags=["under_15", "hazardous"])
        for _i in range(2)
    ]
    razavi = [
        make_case(
            org_a, cw_a, registered_on=SHAHRIVAR, where="razavi-khorasan", labour_flags=["under_15"]
        )
        for _i in range(2)
    ]
    sistan = [
        make_case(
            org_a,
            cw_a,
            registered_on=SHAHRIVAR,
            where="sistan-baluchestan",
            labour_flags=["under_15"],
        )
        for _i in range(5)
    ]
    extra = [make_case(org_a, cw_a, registered_on=SHAHRIVAR) for _i in range(3)]
    for case in [*tehran, extra[0]]:
        back_to_school(case, MEHR)
    back_to_school(tehran[0], AZAR)  # the same child again in the same school year: once
    back_to_school(extra[1], DEY, from_status="never_enrolled")
    back_to_school(extra[2], DEY)
    back_to_school(razavi[0], MEHR)
    for case in sistan:
        back_to_school(case, MEHR)
    # Not a return to school: a first recording.
    SchoolStatusChange.objects.create(
        case=razavi[1], from_status="", to_status="enrolled", changed_on=MEHR
    )
    refresh_summaries()
    return {
        "tehran": province("tehran").pk,
        "razavi": province("razavi-khorasan").pk,
        "sistan": province("sistan-baluchestan").pk,
    }


def test_school_year_starts_on_1_mehr():
    assert school_year_months(Q3) == [140507, 140508, 140509]
    assert school_year_months(Q3.next()) == [140507, 140508, 140509, 140510, 140511, 140512]
    assert school_year_months(Q2) == [140407 + i for i in range(6)] + [140501 + i for i in range(6)]


def test_summary_facts_count_flags_and_returns_once_per_school_year(labour_data):
    facts = {
        (f.jalali_month, f.province_id, f.measure, f.category): f.count
        for f in SummaryFact.objects.filter(measure__in=["labour", "reenrolled"])
    }
    tehran, razavi = labour_data["tehran"], labour_data["razavi"]
    assert facts[(140506, tehran, "labour", "under_15")] == 6
    assert facts[(140506, tehran, "labour", "hazardous")] == 2
    assert facts[(140506, razavi, "labour", "under_15")] == 2
    assert facts[(140507, tehran, "reenrolled", "")] == 7
    assert (140509, tehran, "reenrolled", "") not in facts  # tehran[0] again in Azar: once
    assert facts[(140510, tehran, "reenrolled", "")] == 2
    assert facts[(140507, razavi, "reenrolled", "")] == 1


def test_cube_protects_small_counts_and_their_complements(labour_data):
    tehran, razavi, sistan = labour_data["tehran"], labour_data["razavi"], labour_data["sistan"]
    q2 = period_cube(Q2)
    assert q2.get("labour", tehran, "flag", "under_15") == 6
    assert q2.get("labour", razavi, "flag", "under_15") == SUPPRESSED
    # The nation minus the shown provinces would give Razavi Khorasan away: the smallest
    # other province is hidden too.
    assert q2.get("labour", sistan, "flag", "under_15") == HIDDEN
    assert q2.get("labour", ALL, "flag", "under_15") == 13
    assert q2.get("labour", tehran, "flag", "hazardous") == SUPPRESSED
    assert q2.get("labour", ALL, "flag", "hazardous") == SUPPRESSED
    q3 = period_cube(Q3)
    assert q3.get("reenrolled", razavi) == SUPPRESSED
    assert q3.get("reenrolled", sistan) == HIDDEN
    # 13 - 7 would leave 6 for Razavi Khorasan's "<5" (1 to 4) and Sistan's "*" (5 or more):
    # Razavi Khorasan 1, Sistan 5 exactly. Tehran is hidden as well, so the two can move.
    assert q3.get("reenrolled", tehran) == HIDDEN
    assert q3.get("reenrolled", ALL) == 13
    # The school year starts with Mehr: its figure is the quarter's, protected alike.
    assert q3.get("reenrolled_year", razavi) == SUPPRESSED
    assert q3.get("reenrolled_year", tehran) == HIDDEN
    q4 = period_cube(Q3.next())
    # Dey: 2 more in Tehran, a small count. The school year so far (9) can stay shown: Mehr's
    # 7 it would be subtracted from was hidden in the cube before, so 9 = "<5" + "*" leaves
    # the 2 anywhere from 1 to 4.
    assert q4.get("reenrolled", tehran) == SUPPRESSED
    assert q4.get("reenrolled_year", tehran) == 9


def test_dashboard_block_shows_only_protected_figures(client_as, min_officer, labour_data):
    client = client_as(min_officer)
    response = client.get(reverse("reports:national_dashboard"), {"quarter": Q2.key})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="protection-block"' in body
    tables = {t["id"]: t for t in response.context["protection"]["tables"]}
    assert set(tables) == {"labour-law", "labour-law-trend", "back-to-school"}
    cells = [cell for row in tables["labour-law"]["rows"] for cell in row[1:]]
    assert all(is_hidden(cell) or cell == 0 or cell >= 5 for cell in cells if cell is not None)


def test_provincial_view_is_a_slice_of_the_same_cube(labour_data):
    tehran = labour_data["tehran"]
    (labour, _trend, school) = protection_summary(Q3, tehran, trend_periods=[Q3])["tables"]
    assert len(labour["rows"]) == 1 and labour["total"] is None
    q3 = period_cube(Q3)
    assert school["rows"][0][1:] == [
        q3.get("reenrolled", tehran),
        q3.get("reenrolled_year", tehran),
    ]
    assert school["rows"][0][1:] == [HIDDEN, HIDDEN]  # see the test above


def test_export_carries_the_block(client_as, min_officer, labour_data):
    client = client_as(min_officer)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:national_export", args=["csv"]), {"quarter": Q3.key})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Children back in school, by province" in text
    assert "Labour Law flags quarter by quarter" not in text  # the export has no trend


def test_caseworker_cannot_reach_the_ministry_dashboard(client, cw_a, labour_data):
    client.force_login(cw_a)
    assert client.get(reverse("reports:national_dashboard")).status_code in (403, 404)
