"""Issue 8: the organisation directory exports with its filters, public fields only, formula-safe."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from ngos.services import organisation_suspend
from tests.factories import province, service
from tests.spreadsheets import content, csv_rows, rows_of

FORMATS = ["csv", "xlsx"]


def _export(client, fmt, params=None):
    return client.get(reverse(f"ngos:directory_export_{fmt}"), params or {})


def _page_codes(client, params):
    response = client.get(reverse("ngos:directory"), params)
    return [organisation.code for organisation in response.context["page"].object_list]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"service": "education"},
        {"province": "sistan-baluchestan", "service": "education"},
        {"q": "زاهدان"},
        {"verification": "unverified"},
        {"province": "not a province"},
    ],
    ids=["all", "service", "province+service", "name", "verification", "refused-filter"],
)
def test_directory_export_holds_the_directorys_rows_in_its_order(
    client_as, cw_a, sb_ngos, params, fmt
):
    if params.get("province") == "sistan-baluchestan":
        params = {**params, "province": province("sistan-baluchestan").pk}
    client = client_as(cw_a)
    rows = rows_of(_export(client, fmt, params), fmt)
    assert [row[2] for row in rows[1:]] == _page_codes(client, params)


@pytest.mark.parametrize("fmt", FORMATS)
def test_directory_export_has_public_fields_only(client_as, cw_a, min_officer, sb_ngos, fmt):
    chabahar = sb_ngos["chabahar"]
    chabahar.verification_note = "یادداشت داخلی بازرس"
    chabahar.save()
    organisation_suspend(by=min_officer, organisation=sb_ngos["zabol"], reason="دلیل محرمانه")
    data = content(_export(client_as(cw_a), fmt))
    assert "یادداشت داخلی بازرس".encode() not in data
    assert "دلیل محرمانه".encode() not in data
    rows = rows_of(_export(client_as(cw_a), fmt), fmt)
    by_code = {row[2]: row for row in rows[1:]}
    assert by_code["ZAB"][4] == "تعلیق‌شده"
    assert by_code["ZAH"][0] == "انجمن کودکان زاهدان"
    assert by_code["ZAH"][9] == "سیستان و بلوچستان"
    assert by_code["ZAH"][11] == "زاهدان"
    assert by_code["ZAH"][12] == service("education").name_fa


@pytest.mark.parametrize("fmt", FORMATS)
def test_directory_export_is_formula_safe(client_as, cw_a, org_a, fmt):
    """FU-04."""
    org_a.contact_person = '=HYPERLINK("http://x")'
    org_a.phone = "+98 21 1234"
    org_a.address = "@evil"
    org_a.save()
    rows = rows_of(_export(client_as(cw_a), fmt, {"q": org_a.code}), fmt)
    row = rows[1]
    assert row[15:20] == ["'@evil", "'+98 21 1234", org_a.email, "", '\'=HYPERLINK("http://x")']


def test_directory_export_in_english(client_as, cw_a, sb_ngos):
    client = client_as(cw_a)
    client.cookies["django_language"] = "en"
    rows = csv_rows(_export(client, "csv", {"q": "ZAH"}))
    assert rows[0][:5] == ["Persian name", "English name", "Code", "Kind", "Verification"]
    assert rows[1][3] == "NGO"
    assert rows[1][4] == "Verified"
    assert rows[1][5].count("-") == 2  # ISO date
    assert rows[1][9] == "Sistan and Baluchestan"


def test_directory_export_in_persian_has_persian_headers(client_as, cw_a, sb_ngos):
    rows = csv_rows(_export(client_as(cw_a), "csv", {"q": "ZAH"}))
    assert rows[0][:2] == ["نام فارسی", "نام انگلیسی"]
    assert rows[1][5].startswith("۱۴")  # a Jalali date in Persian digits


@pytest.mark.parametrize("fmt", FORMATS)
def test_ministry_officer_may_export_the_directory(client_as, min_officer, sb_ngos, fmt):
    """Organisations are not people: the ministry exports the directory as it reads it."""
    response = _export(client_as(min_officer), fmt)
    assert response.status_code == 200
    assert len(rows_of(response, fmt)) > 5
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_directory_links_to_its_export_with_the_filters(client_as, cw_a, sb_ngos):
    html = client_as(cw_a).get(reverse("ngos:directory"), {"service": "education"}).content
    assert (reverse("ngos:directory_export_xlsx") + "?service=education").encode() in html


def test_unfiltered_directory_lists_every_organisation(client_as, cw_a, sb_ngos):
    """The directory without a filter is the whole directory, on the page and in the export."""
    client = client_as(cw_a)
    listed = _page_codes(client, {})
    assert {"ZAH", "CHB", "ZAB", "IRS", "TEH", "NGOA"} <= set(listed)
    assert [row[2] for row in csv_rows(_export(client, "csv"))[1:]] == listed
