"""Issue 8: the encounter list and the referral lists export with their page's filters and scope
(AC-02), audited (LG-01), formula-safe (FU-04), in the reader's language; ministry officers get
nothing identifiable."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models.choices import Documentation
from core.models import AuditEvent
from ngos.reference import ensure_services
from tests.factories import OrganisationFactory, member, province
from tests.spreadsheets import content, csv_rows, rows_of

from .conftest import jalali
from .test_referrals import offer, verify

FORMATS = ["csv", "xlsx"]


def _days_ago(days, hour=12):
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def english(client):
    client.cookies["django_language"] = "en"
    return client


def exports_of(what):
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type=what)


# --- Street outreach ------------------------------------------------------------------------------


@pytest.fixture
def encounters(cw_a, cw_a2, cw_b, log_encounter):
    return {
        "enghelab": log_encounter(
            cw_a,
            occurred_at=_days_ago(10),
            hotspot="میدان انقلاب",
            district="۱۲",
            activity="regular_visit",
            anonymous={("male", "6_11"): 2, ("female", "12_14"): 1},
        ),
        "vanak": log_encounter(
            cw_a2, occurred_at=_days_ago(3), hotspot="میدان ونک", activity="first_contact"
        ),
        "haram": log_encounter(
            cw_a,
            occurred_at=_days_ago(1),
            hotspot="حرم",
            province=province("razavi-khorasan"),
            city="مشهد",
            district="",
            activity="emergency",
        ),
        "b": log_encounter(cw_b, hotspot="پارک ملت", province=province("razavi-khorasan")),
    }


def _page_hotspots(client, params):
    response = client.get(reverse("children:encounter_list"), params)
    return [encounter.hotspot for encounter in response.context["page"].object_list]


def _export_hotspots(client, params, fmt):
    rows = rows_of(client.get(reverse(f"children:encounter_export_{fmt}"), params), fmt)
    return [row[4] for row in rows[1:]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"activity": "emergency"},
        {"district": "12"},
        {"date_from": 5, "date_to": 2},
        {"province": "razavi-khorasan"},
        {"caseworker": "cw_a2"},
    ],
    ids=["all", "activity", "district", "dates", "province", "caseworker"],
)
def test_encounter_export_holds_the_lists_rows(client_as, cw_a, cw_a2, encounters, params, fmt):
    query = {}
    for key, value in params.items():
        if key.startswith("date"):
            value = jalali(timezone.localdate() - datetime.timedelta(days=value))
        elif key == "province":
            value = province(value).pk
        elif key == "caseworker":
            value = cw_a2.pk
        query[key] = value
    client = client_as(cw_a)
    listed = _page_hotspots(client, query)
    assert listed  # a filter that matched nothing would prove little
    assert _export_hotspots(client, query, fmt) == listed


@pytest.mark.parametrize("fmt", FORMATS)
def test_encounter_export_holds_only_own_organisations_encounters(client_as, cw_b, encounters, fmt):
    """AC-02: B's caseworker never gets A's encounters."""
    assert _export_hotspots(client_as(cw_b), {}, fmt) == ["پارک ملت"]


def test_encounter_export_rows_in_persian(client_as, cw_a, encounters):
    rows = csv_rows(client_as(cw_a).get(reverse("children:encounter_export_csv")))
    assert rows[0][:2] == ["زمان", "استان"]
    enghelab = rows[-1]
    assert enghelab[0].startswith(jalali(_days_ago(10).date()))
    assert enghelab[0].endswith("۱۲:۰۰")
    assert enghelab[1:5] == ["تهران", "تهران", "۱۲", "میدان انقلاب"]
    assert enghelab[7] == "3"  # children counted, not registered
    assert enghelab[8] == str(cw_a)


@pytest.mark.parametrize("fmt", FORMATS)
def test_encounter_export_in_english_has_english_headers_and_iso_dates(
    client_as, cw_a, encounters, fmt
):
    client = english(client_as(cw_a))
    rows = rows_of(client.get(reverse(f"children:encounter_export_{fmt}")), fmt)
    assert rows[0][:3] == ["When", "Province", "City"]
    assert rows[-1][0] == f"{_days_ago(10).date().isoformat()} 12:00"
    assert rows[-1][1] == "Tehran"
    assert rows[-1][5] == "Regular visit"


@pytest.mark.parametrize("fmt", FORMATS)
def test_encounter_export_is_formula_safe(client_as, cw_a, log_encounter, fmt):
    """FU-04."""
    log_encounter(cw_a, hotspot='=HYPERLINK("http://x","y")', city="@SUM(A1)", district="-1")
    response = client_as(cw_a).get(reverse(f"children:encounter_export_{fmt}"))
    data = content(response)
    if fmt == "xlsx":
        sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet
    response = client_as(cw_a).get(reverse(f"children:encounter_export_{fmt}"))
    row = rows_of(response, fmt)[1]
    assert row[2:5] == ["'@SUM(A1)", "'-1", '\'=HYPERLINK("http://x","y")']


def test_encounter_export_is_audited_with_filters_and_count(client_as, cw_a, encounters):
    response = client_as(cw_a).get(
        reverse("children:encounter_export_xlsx"), {"activity": "emergency"}
    )
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="encounters-')
    event = exports_of("children.encounter").get()
    assert event.actor == cw_a
    assert event.organisation_id == cw_a.membership.organisation_id
    assert event.detail == {"format": "xlsx", "filters": {"activity": "emergency"}, "rows": 1}


@pytest.mark.parametrize("fmt", FORMATS)
def test_ministry_officer_cannot_export_encounters(client_as, min_officer, encounters, fmt):
    response = client_as(min_officer).get(reverse(f"children:encounter_export_{fmt}"))
    assert response.status_code == 403
    assert not exports_of("children.encounter").exists()


def test_encounter_list_links_to_its_export_with_the_filters(client_as, cw_a, encounters):
    html = (
        client_as(cw_a)
        .get(reverse("children:encounter_list"), {"activity": "emergency", "page": 1})
        .content.decode()
    )
    assert reverse("children:encounter_export_xlsx") + "?activity=emergency" in html
    assert reverse("children:encounter_export_csv") + "?activity=emergency" in html


# --- Referrals ------------------------------------------------------------------------------------


@pytest.fixture
def org_c(db):
    return OrganisationFactory(code="NGOC", name_fa="انجمن ج", name_en="NGO C")


@pytest.fixture
def cw_c(org_c):
    from core.permissions import Role

    return member("cw_c", org_c, Role.CASEWORKER)


@pytest.fixture
def referred(cw_a, org_b, org_c, min_officer, register):
    """A's child, with details the receiver must never see, referred to B; another to C."""
    for organisation in (org_b, org_c):
        offer(organisation, "education", "tehran")
    verify(org_b, min_officer)
    child = register(
        cw_a,
        given_name="امیرحسین",
        family_name="کریمی",
        father_name="غلامعباس",
        documentation=Documentation.NATIONAL_ID,
        id_number="0012345679",
        phone="09121234567",
    )
    other = register(cw_a, given_name="سارا", family_name="احمدی", sex="female")
    education = ensure_services()["education"]
    data = {"need": "ثبت‌نام در کلاس سوادآموزی", "contact_arrangements": "", "sender_note": ""}

    def send(case, to):
        return services.referral_send(
            by=cw_a, case=case, to_organisation=to, service=education, data=data
        )

    return {"to_b": send(child, org_b), "to_c": send(other, org_c), "child": child}


def _export(client, box, fmt, params=None):
    return client.get(reverse(f"children:referral_{box}_export_{fmt}"), params or {})


@pytest.mark.parametrize("fmt", FORMATS)
def test_receiver_exports_only_the_shared_fields_of_its_inbox(client_as, cw_b, referred, fmt):
    """ADR 0006: the inbox export holds the page's columns; never the father's name, the ID or
    the phone; and only referrals sent to B (AC-02)."""
    response = _export(client_as(cw_b), "inbox", fmt)
    data = content(response)
    assert "غلامعباس".encode() not in data
    assert b"0012345679" not in data and b"09121234567" not in data
    rows = rows_of(_export(client_as(cw_b), "inbox", fmt), fmt)
    assert len(rows) == 2
    assert rows[0] == ["تاریخ ارسال", "از", "کودک", "خدمت", "وضعیت", "معوق", "مهلت پاسخ"]
    assert rows[1][1:3] == ["انجمن الف", "امیرحسین کریمی"]
    assert "سارا" not in str(rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_inbox_export_drops_the_name_once_the_referral_ends(client_as, cw_a, cw_b, referred, fmt):
    services.referral_withdraw(by=cw_a, referral=referred["to_b"], reason="دیگر لازم نیست")
    response = _export(client_as(cw_b), "inbox", fmt)
    assert "امیرحسین".encode() not in content(response)
    rows = rows_of(_export(client_as(cw_b), "inbox", fmt), fmt)
    assert rows[1][2] == "دیگر در میان گذاشته نمی‌شود"
    assert rows[1][6] == ""  # no answer is due from a withdrawn referral


@pytest.mark.parametrize("fmt", FORMATS)
def test_sender_exports_its_sent_list(client_as, cw_a, cw_b, referred, fmt):
    rows = rows_of(_export(client_as(cw_a), "sent", fmt), fmt)
    assert {row[2] for row in rows[1:]} == {"امیرحسین کریمی", "سارا احمدی"}
    assert {row[1] for row in rows[1:]} == {"انجمن ب", "انجمن ج"}
    # B sent nothing.
    assert rows_of(_export(client_as(cw_b), "sent", fmt), fmt)[1:] == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("box", ["inbox", "sent"])
def test_referral_export_follows_the_state_filter_like_the_page(
    client_as, cw_a, cw_b, referred, box, fmt
):
    services.referral_accept(by=cw_b, referral=referred["to_b"])
    user = cw_b if box == "inbox" else cw_a
    client = client_as(user)
    page = "children:referral_inbox" if box == "inbox" else "children:referral_sent"
    for state in ("accepted", "sent"):
        listed = client.get(reverse(page), {"state": state}).context["page"].object_list
        rows = rows_of(_export(client, box, fmt, {"state": state}), fmt)
        assert len(rows) - 1 == len(listed)
    assert len(rows_of(_export(client, box, fmt, {"state": "accepted"}), fmt)) == 2


def test_referral_export_is_audited_with_its_box_filters_and_count(client_as, cw_b, referred):
    _export(client_as(cw_b), "inbox", "csv", {"state": "sent", "service": "education"})
    event = exports_of("children.referral").get()
    assert event.actor == cw_b
    assert event.object_id == "inbox"
    assert event.detail == {
        "format": "csv",
        "filters": {"state": "sent", "service": str(ensure_services()["education"].pk)},
        "rows": 1,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_referral_export_is_formula_safe(client_as, cw_a, cw_b, org_b, min_officer, register, fmt):
    offer(org_b, "education", "tehran")
    verify(org_b, min_officer)
    case = register(cw_a, given_name="=cmd|' /C calc'!A0", family_name="+1")
    services.referral_send(
        by=cw_a,
        case=case,
        to_organisation=org_b,
        service=ensure_services()["education"],
        data={"need": "x", "contact_arrangements": "", "sender_note": ""},
    )
    rows = rows_of(_export(client_as(cw_b), "inbox", fmt), fmt)
    assert rows[1][2] == "'=cmd|' /C calc'!A0 +1"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("box", ["inbox", "sent"])
def test_ministry_officer_cannot_export_referrals(client_as, min_officer, referred, box, fmt):
    assert _export(client_as(min_officer), box, fmt).status_code == 403
    assert not exports_of("children.referral").exists()


def test_referral_export_in_english(client_as, cw_a, referred):
    rows = csv_rows(_export(english(client_as(cw_a)), "sent", "csv"))
    assert rows[0] == ["Sent on", "To", "Child", "Service", "State", "Overdue", "Answer due"]
    sent_on = timezone.localdate().isoformat()
    assert rows[1][0] == sent_on
    assert rows[1][4] == "Sent"


def test_referral_lists_link_to_their_export(client_as, cw_a, cw_b, referred):
    inbox = client_as(cw_b).get(reverse("children:referral_inbox"), {"state": "sent"})
    sent = client_as(cw_a).get(reverse("children:referral_sent"))
    assert reverse("children:referral_inbox_export_csv") + "?state=sent" in inbox.content.decode()
    assert reverse("children:referral_sent_export_xlsx") in sent.content.decode()
