"""Issue 8: the resolution tracker exports with its filters and scope, formula-safe, in the
reader's language."""

import pytest
from django.urls import reverse

from meetings import services
from tests.factories import ResolutionFactory
from tests.spreadsheets import csv_rows, rows_of

FORMATS = ["csv", "xlsx"]


def _export(client, fmt, params=None):
    return client.get(reverse(f"meetings:tracker_export_{fmt}"), params or {})


def _listed(client, params):
    response = client.get(reverse("meetings:tracker"), params)
    return [resolution.text for resolution in response.context["resolutions"]]


@pytest.fixture
def resolutions(resolution, meeting, ministry, org_a):
    done = ResolutionFactory(
        meeting=meeting,
        text="گزارش آمار کودکان کار",
        kind="data_request",
        due_date=meeting.held_on,
        lead=ministry,
        supporting=[org_a],
    )
    return {"bylaw": resolution, "data": done}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [{}, {"status": "overdue"}, {"organisation": "ministry"}, {"due_from": "bad date"}],
    ids=["all", "status", "organisation", "refused-filter"],
)
def test_tracker_export_holds_the_trackers_rows(
    client_as, mgr_a, ministry, resolutions, params, fmt
):
    if params.get("organisation"):
        params = {"organisation": ministry.pk}
    client = client_as(mgr_a)
    rows = rows_of(_export(client, fmt, params), fmt)
    assert [row[4] for row in rows[1:]] == _listed(client, params)


@pytest.mark.parametrize("fmt", FORMATS)
def test_tracker_export_holds_nothing_of_groups_the_user_is_not_in(
    client_as, mgr_b, resolutions, fmt
):
    """AC-02: B is not a member of the working group."""
    assert rows_of(_export(client_as(mgr_b), fmt), fmt)[1:] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_ministry_officer_exports_every_resolution(client_as, min_officer, resolutions, fmt):
    rows = rows_of(_export(client_as(min_officer), fmt), fmt)
    assert {row[4] for row in rows[1:]} == {"تهیه پیش‌نویس آیین‌نامه", "گزارش آمار کودکان کار"}


def test_tracker_export_in_persian(client_as, mgr_a, resolutions):
    rows = csv_rows(_export(client_as(mgr_a), "csv"))
    assert rows[0][0] == "کارگروه"
    bylaw = next(row for row in rows if row[4] == "تهیه پیش‌نویس آیین‌نامه")
    assert bylaw[1] == "1"
    assert bylaw[2] == "۱۳۹۶/۱۰/۰۷"
    assert bylaw[6] == "انجمن الف"
    assert bylaw[7] == "وزارت کشور"
    assert bylaw[8] == "۱۳۹۷/۰۱/۰۸"


def test_tracker_export_in_english(client_as, mgr_a, resolutions):
    client = client_as(mgr_a)
    client.cookies["django_language"] = "en"
    rows = csv_rows(_export(client, "csv"))
    assert rows[0][:3] == ["Working group", "Meeting number", "Meeting date"]
    bylaw = next(row for row in rows if row[4] == "تهیه پیش‌نویس آیین‌نامه")
    assert bylaw[0] == "Working group on NGO participation"
    assert bylaw[2] == "2017-12-28"
    assert bylaw[6] == "NGO A"
    assert bylaw[9] == "Overdue"


@pytest.mark.parametrize("fmt", FORMATS)
def test_tracker_export_is_formula_safe(client_as, mgr_a, meeting, min_officer, org_a, fmt):
    """FU-04."""
    services.resolution_add(
        by=min_officer,
        meeting=meeting,
        text='=HYPERLINK("http://x","click")',
        kind="policy",
        due_date=meeting.held_on,
        lead=org_a,
    )
    rows = rows_of(_export(client_as(mgr_a), fmt), fmt)
    assert rows[1][4] == '\'=HYPERLINK("http://x","click")'


def test_tracker_links_to_its_export_with_the_filters(client_as, mgr_a, resolutions):
    html = client_as(mgr_a).get(reverse("meetings:tracker"), {"status": "overdue"}).content
    assert (reverse("meetings:tracker_export_csv") + "?status=overdue").encode() in html
