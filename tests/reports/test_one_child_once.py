"""One child counted once (issue 15, docs/adr/0017): cases two organisations agreed are the same
child count once in the national figures, as the case registered first; the quarterly report and
the dashboard say how many linked cases were merged; a provincial officer sees his province only.
"""

import datetime
import io

import pytest
import python_calamine
import time_machine
from django.urls import reverse
from django.utils import translation

from children.models import CaseLink
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from children.services import case_link_answer, case_link_request, case_register
from core.permissions import Role
from reports import periods
from reports.models import Report, SummaryFact
from reports.national_tables import summary
from reports.selectors.national import ALL, period_cube
from reports.services import report_build, report_request
from reports.summary import refresh_summaries
from reports.suppression import SUPPRESSED, is_hidden
from tests.factories import OrganisationFactory, member, province

from .data import UTC, make_case, tehran

Q3 = periods.quarter(1405, 3)  # Mehr to Azar 1405; "today" below is 7 Azar
ABAN = datetime.date(2026, 11, 1)  # 10 Aban 1405
AZAR = datetime.date(2026, 11, 25)  # 4 Azar 1405

CONSENT = {
    "given_by": ConsentGiver.GUARDIAN,
    "given_by_name": "مادر",
    "given_on": datetime.date(2026, 11, 20),
    "scope": [ConsentScope.RECORD],
}


@pytest.fixture(autouse=True)
def today():
    # The clock ticks: each summary refresh must be later than the one before to be the latest.
    with time_machine.travel(tehran(2026, 11, 28, 10), tick=True):
        yield


def the_child(**overrides):
    """One girl as a caseworker would register her: the same at both organisations."""
    data = {
        "given_name": "نرگس",
        "family_name": "افشاری",
        "father_name": "غلامحسین",
        "sex": Sex.FEMALE,
        "birth_date": datetime.date(2013, 3, 21),
        "nationality": Nationality.AFGHAN,
        "documentation": Documentation.AMAYESH,
        "id_number": "40617283",
        "province": province("tehran"),
        "city": "تهران",
    }
    data.update(overrides)
    return data


def register(user, **overrides):
    return case_register(
        by=user,
        organisation=user.membership.organisation,
        data=the_child(**overrides),
        consent=dict(CONSENT),
    )


@pytest.fixture
def others(org_a, cw_a):
    """Six other children registered in Tehran this quarter, so the figures are not suppressed."""
    return [make_case(org_a, cw_a, registered_on=ABAN) for _i in range(6)]


def registered_tile(client):
    response = client.get(reverse("reports:national_dashboard"))
    assert response.status_code == 200
    return {t["measure"]: t["value"] for t in response.context["figures"]["tiles"]}["registered"]


def link(by_a, case_a, by_b, case_b, accept=True):
    request = case_link_request(by=by_a, case=case_a, target_case=case_b)
    if accept is None:
        return request
    return case_link_answer(by=by_b, link=request, accept=accept)


def test_a_child_registered_at_two_ngos_and_linked_counts_once(
    others, cw_a, cw_b, client_as, min_officer
):
    client = client_as(min_officer)
    at_a = register(cw_a)
    refresh_summaries()
    once = registered_tile(client)
    assert once == 7
    at_b = register(cw_b)
    refresh_summaries()
    assert registered_tile(client) == once + 1  # before the link: two cases, two children

    link(cw_a, at_a, cw_b, at_b)
    refresh_summaries()

    assert registered_tile(client) == once
    figures = client.get(reverse("reports:national_dashboard")).context["figures"]
    assert figures["merged"]["value"] == SUPPRESSED  # 1 merged: a count of children like any


@pytest.mark.parametrize("accept", [False, None], ids=["declined", "pending"])
def test_a_declined_or_pending_link_still_counts_two(
    others, cw_a, cw_b, client_as, min_officer, accept
):
    at_a, at_b = register(cw_a), register(cw_b)
    link(cw_a, at_a, cw_b, at_b, accept=accept)
    refresh_summaries()

    assert registered_tile(client_as(min_officer)) == 8
    assert not SummaryFact.objects.filter(measure="merged").exists()


def facts(measure, dimension=""):
    return {
        (f.jalali_month, f.province_id, f.category): f.count
        for f in SummaryFact.objects.filter(measure=measure, dimension=dimension)
    }


def accepted(first, *others_):
    """Accepted links from `first` to each of `others_` (rows, as the services would leave them)."""
    for other in others_:
        CaseLink.objects.create(
            requesting_case=first,
            target_case=other,
            requested_by=first.assigned_to,
            state=CaseLink.State.ACCEPTED,
        )


def test_breakdowns_come_from_the_case_registered_first(org_a, org_b, cw_a, cw_b):
    first = make_case(
        org_b, cw_b, registered_on=ABAN, sex="female", estimated_age=13, nationality="afghan"
    )
    # A's record says otherwise (a guess at the age, nationality unknown) and came later.
    later = make_case(
        org_a, cw_a, registered_on=AZAR, sex="female", estimated_age=9, nationality="unknown"
    )
    accepted(later, first)  # who asked does not matter: the earlier registration does
    refresh_summaries()

    t = province("tehran").pk
    assert facts("registered") == {(140508, t, ""): 1}
    assert facts("registered", "sex_age") == {(140508, t, "female:12_14"): 1}
    assert facts("registered", "nationality") == {(140508, t, "afghan"): 1}
    assert facts("merged") == {(140509, t, ""): 1}  # in the later case's own month


def test_three_organisations_linked_in_a_chain_count_one_child(org_a, org_b, cw_a, cw_b):
    org_c_worker = member("cw_c", OrganisationFactory(code="NGOC"), Role.CASEWORKER)
    first = make_case(org_a, cw_a, registered_on=ABAN)
    second = make_case(org_b, cw_b, registered_on=ABAN, where="razavi-khorasan")
    third = make_case(org_c_worker.membership.organisation, org_c_worker, registered_on=AZAR)
    accepted(second, first)
    accepted(third, second)  # linked to the second, not to the first: still one child
    refresh_summaries()

    t, r = province("tehran").pk, province("razavi-khorasan").pk
    assert facts("registered") == {(140508, t, ""): 1}
    assert facts("merged") == {(140508, r, ""): 1, (140509, t, ""): 1}


def test_a_linked_child_is_closed_when_the_last_of_its_cases_closes(org_a, org_b, cw_a, cw_b):
    first = make_case(
        org_a,
        cw_a,
        registered_on=ABAN,
        closed_at=datetime.datetime(2026, 11, 10, 8, tzinfo=UTC),
        closure_reason="moved_away",
    )
    second = make_case(org_b, cw_b, registered_on=ABAN, where="razavi-khorasan")
    accepted(first, second)
    refresh_summaries()
    assert facts("closed") == {}  # B still works with the child: open, nationally

    second.status, second.closure_reason = "closed", "reunified"
    second.closed_at = datetime.datetime(2026, 11, 24, 8, tzinfo=UTC)  # 3 Azar
    second.save()
    refresh_summaries()
    t = province("tehran").pk  # the first case's province, where the child was registered
    assert facts("closed") == {(140509, t, ""): 1}
    assert facts("closed", "closure_reason") == {(140509, t, "reunified"): 1}
    assert period_cube(Q3).get("active") == 0  # one child, registered and closed: none open


# --- The quarterly report and the provincial officer ------------------------------------------


@pytest.fixture
def linked_pairs(org_a, org_b, cw_a, cw_b, others):
    """Five children registered first by A in Tehran and again by B in Razavi Khorasan, and five
    registered twice in Tehran, each pair linked: ten linked cases merged."""
    for where in ["razavi-khorasan"] * 5 + ["tehran"] * 5:
        first = make_case(org_a, cw_a, registered_on=ABAN)
        accepted(first, make_case(org_b, cw_b, registered_on=AZAR, where=where))
    refresh_summaries()


def test_the_quarterly_report_states_how_many_linked_cases_it_merged(linked_pairs):
    with time_machine.travel(tehran(2026, 12, 28, 10)):  # 7 Dey: the quarter has ended
        report = report_request(kind=Report.Kind.QUARTERLY_SUMMARY, period=Q3)
        assert report_build(report_id=report.pk, run_id=str(report.run_id)) == "built"
    report.refresh_from_db()

    assert report.data["summary"]["registered"] == 6 + 10
    assert report.data["summary"]["merged"] == 10
    with translation.override("fa"):
        label = str(translation.gettext("Linked cases merged"))
    assert label != "Linked cases merged"  # the report is in Persian
    (headline,) = [t for t in report.data["tables"] if t["id"] == "headline"]
    assert [label, 10, 0, 10] in headline["rows"]
    assert headline["note"]
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(report.xlsx.read()))
    rows = book.get_sheet_by_name(book.sheets_metadata[0].name).to_python()
    assert [label, 10, 0, 10] in [row[:4] for row in rows]


def test_a_small_merged_count_is_suppressed(others, org_a, org_b, cw_a, cw_b):
    accepted(make_case(org_a, cw_a, registered_on=ABAN), make_case(org_b, cw_b, registered_on=AZAR))
    refresh_summaries()

    figures = summary(Q3)
    assert figures["merged"]["value"] == SUPPRESSED
    assert is_hidden(figures["merged"]["change"])


def test_a_provincial_officer_sees_only_his_provinces_merged_cases(
    linked_pairs, ministry, client_as, min_officer
):
    officer = member(
        "min_rk", ministry, Role.MINISTRY_OFFICER, province=province("razavi-khorasan")
    )
    client = client_as(officer)
    response = client.get(reverse("reports:national_dashboard"))
    assert response.context["figures"]["merged"]["value"] == 5  # not the nation's 10
    assert 'data-testid="merged"' in response.content.decode()
    asks_for_tehran = client.get(
        reverse("reports:national_dashboard"), {"province": province("tehran").pk}
    )
    assert asks_for_tehran.context["figures"]["merged"]["value"] == 5
    national = client_as(min_officer).get(reverse("reports:national_dashboard"))
    assert national.context["figures"]["merged"]["value"] == 10
    assert period_cube(Q3).get("merged", ALL) == 10
