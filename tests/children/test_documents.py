"""A child's documents: add, change and remove on the case page with a scan served only through an
access-checked, audited view; expiry on "My work", in the digest and on the organisation's page;
document policy changes seen by managers (their cases) and the ministry (suppressed counts by
province, never a child). Route-level outsider checks (AC-01) live in test_case_access.py."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import CaseDocument, DocumentPolicyChange, TimelineEntry
from children.models.choices import Documentation
from children.selectors.retention import Rule
from children.services import documents as document_services
from children.services.retention import case_anonymise
from core.models import AuditEvent
from core.permissions import Role
from tests.factories import member, province

from .conftest import by_testid, field_errors, jalali

PDF = b"%PDF-1.4 a scanned card"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def pdf(name="card.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def add(user, case, *, scan=None, **data):
    values = {"type": "amayesh", "number": "AM-1234", "expires_on": in_days(30), **data}
    return document_services.document_add(by=user, case=case, data=values, scan=scan)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def document_post(**overrides):
    data = {
        "type": "amayesh",
        "number": "۱۲۳۴۵۶",
        "issued_on": jalali(in_days(-300)),
        "expires_on": jalali(in_days(20)),
        "note": "",
    }
    data.update(overrides)
    return data


# --- Adding, changing, removing on the case page ----------------------------------------------


def test_caseworker_adds_a_document_with_a_scan_in_persian(client_as, cw_a, case_a):
    client = client_as(cw_a)

    response = client.post(
        reverse("children:document_add", args=[case_a.pk]),
        {**document_post(), "scan_file": pdf()},
    )

    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case_a)
    assert document.number == "123456"  # Persian digits read
    assert document.expires_on == in_days(20)
    assert document.scan.name.startswith("case-documents/")
    assert "card" not in document.scan.name  # a generated name (FU-01)
    assert document.scan_name == "card.pdf"
    page = client.get(reverse("children:case_detail", args=[case_a.pk]))
    [shown] = by_testid(page, "case-document")
    assert "کارت آمایش" in shown and "123456" in shown
    assert by_testid(page, "document-expiring")
    entry = TimelineEntry.objects.get(case=case_a, kind=TimelineEntry.Kind.DOCUMENT)
    assert entry.detail["event"] == "added"
    event = AuditEvent.objects.get(action="update", object_id=str(case_a.pk))
    assert event.object_type == "children.case"
    assert event.detail == {"document": document.pk, "event": "document_added", "scan": True}


def test_the_case_page_in_english_names_the_document_and_its_state(client_as, cw_a, case_a):
    add(cw_a, case_a, type="census_slip", expires_on=in_days(-2))

    page = english(client_as(cw_a)).get(reverse("children:case_detail", args=[case_a.pk]))

    [shown] = by_testid(page, "case-document")
    assert "Census slip" in shown and "Expired" in shown
    assert "Document added: Census slip" in by_testid(page, "timeline")[0]


def test_the_first_document_is_offered_from_the_identity_section(client_as, cw_a, register):
    case = register(cw_a, documentation=Documentation.NATIONAL_ID, id_number="0499370899")

    response = client_as(cw_a).get(reverse("children:document_add", args=[case.pk]))

    form = response.context["form"]
    assert form.initial == {"type": "national_card", "number": "0499370899"}


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        pytest.param("card.pdf", b"MZ\x90\x00 a program", "scan_file", id="renamed-binary"),
        pytest.param("card.docx", b"PK\x03\x04", "scan_file", id="word-file"),
        pytest.param("card.pdf", b"", "scan_file", id="empty"),
    ],
)
def test_a_bad_scan_is_refused_beside_the_field_and_nothing_is_saved(
    client_as, cw_a, case_a, name, content, field
):
    response = client_as(cw_a).post(
        reverse("children:document_add", args=[case_a.pk]),
        {**document_post(), "scan_file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 400
    assert field_errors(response, field)
    assert not CaseDocument.objects.exists()


def test_a_national_card_with_a_wrong_check_digit_is_refused(client_as, cw_a, case_a):
    response = english(client_as(cw_a)).post(
        reverse("children:document_add", args=[case_a.pk]),
        document_post(type="national_card", number="0499370898"),
    )

    assert response.status_code == 400
    assert field_errors(response, "number") == [
        "This national ID's check digit does not match: look again."
    ]
    assert not CaseDocument.objects.exists()


def test_an_expiry_before_the_issue_date_is_refused(client_as, cw_a, case_a):
    response = english(client_as(cw_a)).post(
        reverse("children:document_add", args=[case_a.pk]),
        document_post(issued_on=in_days(10).isoformat(), expires_on=in_days(1).isoformat()),
    )

    assert response.status_code == 400
    assert field_errors(response, "expires_on") == ["The expiry date is before the issue date."]


def test_a_new_scan_replaces_the_old_one_which_leaves_the_storage(
    client_as, cw_a, case_a, django_capture_on_commit_callbacks
):
    document = add(cw_a, case_a, scan=pdf())
    old = document.scan.name
    storage = document.scan.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(cw_a).post(
            reverse("children:document_edit", args=[case_a.pk, document.pk]),
            {**document_post(number="AM-9"), "scan_file": SimpleUploadedFile("new.png", PNG)},
        )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.number == "AM-9"
    assert document.scan_content_type == "image/png"
    assert not storage.exists(old)
    assert storage.exists(document.scan.name)


def test_removing_a_document_removes_its_scan_and_keeps_its_history(
    client_as, cw_a, case_a, django_capture_on_commit_callbacks
):
    document = add(cw_a, case_a, scan=pdf())
    name, storage = document.scan.name, document.scan.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(cw_a).post(
            reverse("children:document_remove", args=[case_a.pk, document.pk])
        )

    assert response.status_code == 302
    assert not CaseDocument.objects.exists()
    assert not storage.exists(name)
    history = CaseDocument.pgh_event_model.objects.filter(pgh_obj_id=document.pk)
    assert {event.pgh_label for event in history} == {"insert", "delete"}
    assert AuditEvent.objects.filter(detail__event="document_removed").count() == 1


# --- The scan -----------------------------------------------------------------------------------


def test_the_scan_is_served_to_the_organisation_and_the_read_is_audited(
    client_as, cw_a2, cw_a, case_a
):
    document = add(cw_a, case_a, scan=pdf(name="../../etc/کارت.pdf"))

    response = client_as(cw_a2).get(
        reverse("children:document_scan", args=[case_a.pk, document.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "etc" not in response["Content-Disposition"]
    event = AuditEvent.objects.get(detail__event="scan_downloaded")
    assert (event.actor, event.object_id) == (cw_a2, str(case_a.pk))


def test_a_document_of_b_through_a_own_case_is_404(client_as, cw_a, cw_b, case_a, case_b):
    b_document = add(cw_b, case_b, scan=pdf())

    response = client_as(cw_a).get(
        reverse("children:document_scan", args=[case_a.pk, b_document.pk])
    )

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access_denied").count() == 1


# --- Expiry: My work, the digest, the organisation page ---------------------------------------


@pytest.fixture
def expiring(cw_a, cw_a2, cw_b, case_a, case_b, register):
    colleague_case = register(cw_a2, given_name="مریم", family_name="کریمی", sex="female")
    return {
        "own": add(cw_a, case_a, expires_on=in_days(10)),
        "own_later": add(cw_a, case_a, type="passport_visa", expires_on=in_days(200)),
        "own_expired": add(cw_a, case_a, type="census_slip", expires_on=in_days(-3)),
        "colleague": add(cw_a2, colleague_case, expires_on=in_days(5)),
        "b": add(cw_b, case_b, expires_on=in_days(5)),
    }


def test_my_work_shows_the_caseworkers_own_expiring_documents(client_as, cw_a, expiring):
    response = client_as(cw_a).get(reverse("children:my_work"))

    section = response.context["documents"]
    assert [d["pk"] for d in section["expiring"]] == [expiring["own"].pk]
    assert section["expired_count"] == 1
    [shown] = by_testid(response, "my-document")
    assert "علی رضایی" in shown and "کارت آمایش" in shown


def test_my_work_of_a_manager_shows_the_whole_organisation_and_not_b(
    client_as, mgr_a, cw_a2, expiring
):
    response = english(client_as(mgr_a)).get(reverse("children:my_work"))

    section = response.context["documents"]
    assert {d["pk"] for d in section["expiring"]} == {expiring["own"].pk, expiring["colleague"].pk}
    assert "Documents to renew" in response.content.decode()
    # Each document with the caseworker of its case, for a manager.
    assert any(
        str(cw_a2) in shown and "مریم کریمی" in shown
        for shown in by_testid(response, "my-document")
    )


def test_expiry_follows_the_setting(client_as, cw_a, expiring, settings):
    settings.DOCUMENT_EXPIRY_DAYS = 365

    response = client_as(cw_a).get(reverse("children:my_work"))

    assert response.context["documents"]["expiring_count"] == 2


def test_a_closed_case_has_nothing_to_renew(client_as, cw_a, case_a, expiring):
    case_a.status, case_a.closed_at = "closed", timezone.now()
    case_a.save()

    response = client_as(cw_a).get(reverse("children:my_work"))

    assert response.context["documents"]["expiring_count"] == 0


def test_the_digest_counts_expiring_documents_and_names_no_child(
    django_capture_on_commit_callbacks, cw_a, case_a, expiring
):
    cw_a.language = "en"
    cw_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_send()

    [message] = [m for m in mail.outbox if m.to == [cw_a.email]]
    assert "Documents of your cases expiring soon: 1\n" in message.body
    assert "Documents of your cases expired: 1\n" in message.body
    assert case_a.given_name not in message.body and "AM-1234" not in message.body


def test_the_organisation_page_lists_its_expiring_and_expired_documents(
    client_as, cw_a, case_b, expiring
):
    response = client_as(cw_a).get(reverse("children:document_list"))

    assert response.status_code == 200
    assert {d.pk for d in response.context["expiring"]} == {
        expiring["own"].pk,
        expiring["colleague"].pk,
    }
    assert [d.pk for d in response.context["expired"]] == [expiring["own_expired"].pk]
    assert case_b.case_number not in response.content.decode()
    mine = client_as(cw_a).get(reverse("children:document_list"), {"mine": "1"})
    assert [d.pk for d in mine.context["expiring"]] == [expiring["own"].pk]


@pytest.mark.parametrize("who", ["min_officer", "adm"])
def test_the_organisation_page_is_refused_outside_ngos(request, client_as, who, expiring):
    response = client_as(request.getfixturevalue(who)).get(reverse("children:document_list"))

    assert response.status_code == 403


# --- Policy changes -----------------------------------------------------------------------------


def test_a_ministry_officer_records_a_policy_change(client_as, min_officer):
    response = client_as(min_officer).post(
        reverse("children:document_policy_list"),
        {"type": "census_slip", "invalid_from": "۱۴۰۵/۱۰/۰۱", "note": "بخشنامه وزارت کشور"},
    )

    assert response.status_code == 302
    change = DocumentPolicyChange.objects.get()
    assert (change.type, change.recorded_by) == ("census_slip", min_officer)
    assert AuditEvent.objects.filter(action="create", object_type="children.documentpolicychange")


def test_a_policy_change_without_a_note_is_refused_beside_the_field(client_as, adm):
    response = client_as(adm).post(
        reverse("children:document_policy_list"),
        {"type": "census_slip", "invalid_from": "۱۴۰۵/۱۰/۰۱", "note": " "},
    )

    assert response.status_code == 400
    assert field_errors(response, "note")
    assert not DocumentPolicyChange.objects.exists()


@pytest.mark.parametrize("who", ["cw_a", "mgr_a"])
def test_organisations_cannot_record_a_policy_change(request, client_as, who):
    response = client_as(request.getfixturevalue(who)).post(
        reverse("children:document_policy_list"),
        {"type": "census_slip", "invalid_from": "۱۴۰۵/۱۰/۰۱", "note": "x"},
    )

    assert response.status_code in (403, 404)
    assert not DocumentPolicyChange.objects.exists()


@pytest.fixture
def census_change(min_officer, cw_a, cw_b, case_a, case_b, register):
    add(cw_a, case_a, type="census_slip", expires_on=None)
    old = register(cw_a, given_name="رضا", family_name="احمدی")
    add(cw_a, old, type="census_slip", expires_on=in_days(-400))  # expired before the change
    add(cw_b, case_b, type="census_slip", expires_on=in_days(400))
    return document_services.document_policy_record(
        by=min_officer, type="census_slip", invalid_from=in_days(-30), note="بخشنامه"
    )


def test_a_manager_sees_own_affected_open_cases_only(
    client_as, mgr_a, case_a, case_b, census_change
):
    client = client_as(mgr_a)

    listing = client.get(reverse("children:document_policy_list"))
    affected = client.get(reverse("children:document_policy_affected", args=[census_change.pk]))
    work = client.get(reverse("children:my_work"))

    assert [row["affected"] for row in listing.context["changes"]] == [1]
    assert [case.pk for case in affected.context["page"]] == [case_a.pk]
    assert case_b.case_number not in affected.content.decode()
    assert work.context["documents"]["policy_affected"] == 1
    assert by_testid(work, "my-documents-policy")


@pytest.mark.parametrize("who", ["cw_a", "min_officer", "adm"])
def test_only_managers_list_affected_cases(request, client_as, who, case_a, census_change):
    response = client_as(request.getfixturevalue(who)).get(
        reverse("children:document_policy_affected", args=[census_change.pk])
    )

    assert response.status_code == 404
    assert case_a.case_number not in response.content.decode()


def test_the_ministry_sees_suppressed_counts_by_province_and_no_child(
    client_as, min_officer, cw_a, register, case_a, census_change
):
    for n in range(5):
        case = register(cw_a, given_name=f"کودک{n}", province=province("sistan-baluchestan"))
        add(cw_a, case, type="census_slip", expires_on=None)

    response = client_as(min_officer).get(reverse("reports:document_policy_figures"))

    assert response.status_code == 200
    [table] = response.context["tables"]
    rows = dict(table["rows"])
    # A's and B's census slips are both in Tehran (2): hidden, and Sistan and Baluchestan's 5
    # with it, or the national total of 7 would give Tehran's away (docs/adr/0008).
    assert rows["تهران"] == "<5"
    assert rows["سیستان و بلوچستان"] == "*"
    assert table["total"] == ["جمع", 7]
    body = response.content.decode()
    assert case_a.case_number not in body and case_a.given_name not in body


def test_a_provincial_officer_sees_only_his_province(client_as, ministry, census_change):
    officer = member("min_sb", ministry, Role.MINISTRY_OFFICER, province=province("tehran"))

    response = client_as(officer).get(reverse("reports:document_policy_figures"))

    [table] = response.context["tables"]
    assert [row[0] for row in table["rows"]] == ["تهران"]
    assert table["total"] is None


@pytest.mark.parametrize("who", ["cw_a", "mgr_a", "adm"])
def test_the_ministry_figures_are_refused_to_others(request, client_as, who):
    response = client_as(request.getfixturevalue(who)).get(
        reverse("reports:document_policy_figures")
    )

    assert response.status_code == 403


# --- Retention ----------------------------------------------------------------------------------


def test_anonymising_a_case_clears_its_document_numbers_and_scans(
    cw_a, case_a, django_capture_on_commit_callbacks
):
    document = add(cw_a, case_a, scan=pdf(), note="یادداشت")
    name, storage = document.scan.name, document.scan.storage
    case_a.status, case_a.closed_at = "closed", timezone.now() - datetime.timedelta(days=3650)
    case_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert case_anonymise(case_id=case_a.pk, today=timezone.localdate(), rule=Rule(1, -18))

    document.refresh_from_db()
    assert (document.number, document.note, document.scan.name) == ("", "", "")
    assert document.type == "amayesh"
    assert not storage.exists(name)
    history = CaseDocument.pgh_event_model.objects.filter(pgh_obj_id=document.pk)
    assert all(event.number == "" for event in history)


# --- AC-07: one table of roles against the documents' organisation-level pages ------------------

MATRIX = [
    ("children:document_list", {"cw_a": 200, "mgr_a": 200, "min_officer": 403, "adm": 403}),
    ("children:document_policy_list", {"cw_a": 403, "mgr_a": 200, "min_officer": 200, "adm": 200}),
    (
        "reports:document_policy_figures",
        {"cw_a": 403, "mgr_a": 403, "min_officer": 200, "adm": 403},
    ),
]


@pytest.mark.parametrize(
    ("name", "who", "status"),
    [(name, who, status) for name, table in MATRIX for who, status in table.items()],
)
def test_role_by_documents_endpoint(request, client_as, name, who, status):
    response = client_as(request.getfixturevalue(who)).get(reverse(name))

    assert response.status_code == status
