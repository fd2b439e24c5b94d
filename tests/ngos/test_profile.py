"""The organisation manager edits the profile; changes are audited; the ministry reads the history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from ngos.models import Organisation
from ngos.services import organisation_update_profile, organisation_verify
from tests.factories import province

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def profile_post(organisation, **overrides):
    """A complete profile form as the page posts it, with `overrides`."""
    data = {
        "name_fa": organisation.name_fa,
        "name_en": organisation.name_en,
        "registration_number": organisation.registration_number,
        "registering_authority": organisation.registering_authority,
        "founded_year": "",
        "description": "",
        "home_province": organisation.home_province_id,
        "cities": "",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "contact_person": "",
    }
    data.update(overrides)
    return data


def test_manager_edits_the_profile_and_the_change_is_audited_with_old_and_new(
    client_as, mgr_a, org_a
):
    sb = province("sistan-baluchestan")
    response = client_as(mgr_a).post(
        reverse("ngos:profile_edit", args=[org_a.pk]),
        profile_post(
            org_a,
            name_fa="انجمن ياري الف",  # Arabic yeh, stored as Persian
            founded_year="۱۳۹۰",
            cities="زاهدان، چابهار",
            provinces=[sb.pk],
            focus=["migrants", "girls"],
            languages=["persian", "balochi"],
            **{
                "service-education-offered": "on",
                "service-education-capacity_per_month": "۴۰",
                "service-education-age_min": "6",
                "service-education-age_max": "14",
                "service-education-nationalities": ["afghan"],
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    org_a.refresh_from_db()
    assert org_a.name_fa == "انجمن یاری الف"
    assert org_a.founded_year == 1390
    assert org_a.cities == ["زاهدان", "چابهار"]
    assert list(org_a.provinces.all()) == [sb]
    offering = org_a.service_offerings.get()
    assert (offering.service.code, offering.capacity_per_month) == ("education", 40)
    assert offering.nationalities == ["afghan"]
    event = AuditEvent.objects.get(detail__event="profile_updated")
    assert event.actor == mgr_a
    changed = event.detail["changed"]
    assert changed["name_fa"] == {"from": "انجمن الف", "to": "انجمن یاری الف"}
    assert changed["provinces"] == {"from": [], "to": ["sistan-baluchestan"]}
    assert changed["service.education"]["from"] is None
    assert changed["service.education"]["to"]["capacity_per_month"] == 40


def test_saving_without_changes_writes_no_audit_row(mgr_a, org_a):
    organisation_update_profile(by=mgr_a, organisation=org_a, data={"name_fa": org_a.name_fa})
    assert not AuditEvent.objects.filter(detail__event="profile_updated").exists()


def test_a_bad_value_is_shown_beside_the_field_and_nothing_is_saved(client_as, mgr_a, org_a):
    response = client_as(mgr_a).post(
        reverse("ngos:profile_edit", args=[org_a.pk]),
        profile_post(
            org_a,
            name_fa="",
            **{
                "service-health-offered": "on",
                "service-health-age_min": "12",
                "service-health-age_max": "6",
            },
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("invalid-feedback") >= 2
    org_a.refresh_from_db()
    assert org_a.name_fa == "انجمن الف" and not org_a.service_offerings.exists()


def test_changing_a_verified_registration_withdraws_the_verification(mgr_a, min_officer, org_a):
    organisation_verify(by=min_officer, organisation=org_a)
    organisation_update_profile(
        by=mgr_a, organisation=org_a, data={"registration_number": "1400-1"}
    )
    org_a.refresh_from_db()
    assert not org_a.is_verified
    event = AuditEvent.objects.get(detail__event="profile_updated")
    assert event.detail["verification_withdrawn"] is True


def test_a_registration_number_held_by_another_organisation_is_refused(
    client_as, mgr_a, org_a, org_b
):
    Organisation.objects.filter(pk=org_b.pk).update(registration_number="1394-2207")
    response = client_as(mgr_a).post(
        reverse("ngos:profile_edit", args=[org_a.pk]),
        profile_post(org_a, registration_number="۱۳۹۴-۲۲۰۷"),
    )
    assert response.status_code == 200
    org_a.refresh_from_db()
    assert org_a.registration_number == ""


def test_posting_kind_code_or_verification_as_a_manager_changes_nothing(client_as, mgr_a, org_a):
    """AC-06: fields the manager may not set are ignored."""
    client_as(mgr_a).post(
        reverse("ngos:profile_edit", args=[org_a.pk]),
        profile_post(
            org_a, kind="ministry", code="HACK", status="active", verified_at="2026-01-01"
        ),
    )
    org_a.refresh_from_db()
    assert (org_a.kind, org_a.code, org_a.verified_at) == ("ngo", "NGOA", None)


def test_administrator_edits_any_profile_including_kind(client_as, adm, org_b):
    response = client_as(adm).post(
        reverse("ngos:profile_edit", args=[org_b.pk]),
        profile_post(org_b, kind="municipality", code="NGOB"),
    )
    assert response.status_code == 302
    org_b.refresh_from_db()
    assert org_b.kind == "municipality"


def test_manager_of_another_organisation_gets_404_and_caseworker_403(client_as, mgr_b, cw_a, org_a):
    url = reverse("ngos:profile_edit", args=[org_a.pk])
    assert client_as(mgr_b).get(url).status_code == 404
    assert client_as(mgr_b).post(url, profile_post(org_a, name_fa="x")).status_code == 404
    assert client_as(cw_a).get(url).status_code == 403
    org_a.refresh_from_db()
    assert org_a.name_fa == "انجمن الف"


def test_ministry_reads_the_history_of_any_profile(client_as, mgr_a, min_officer, org_a):
    organisation_update_profile(by=mgr_a, organisation=org_a, data={"phone": "021-5555"})
    html = client_as(min_officer).get(reverse("ngos:history", args=[org_a.pk])).content.decode()
    assert "021-5555" in html or "۰۲۱-۵۵۵۵" in html
    assert "mgr_a" in html


def test_history_is_own_organisation_only_for_managers_and_closed_to_caseworkers(
    client_as, mgr_a, mgr_b, cw_a, org_a
):
    assert client_as(mgr_a).get(reverse("ngos:history", args=[org_a.pk])).status_code == 200
    assert client_as(mgr_b).get(reverse("ngos:history", args=[org_a.pk])).status_code == 404
    assert client_as(cw_a).get(reverse("ngos:history", args=[org_a.pk])).status_code == 403


def test_a_logo_is_stored_under_a_generated_name_and_served_to_signed_in_users(
    client_as, mgr_a, cw_b, org_a, client
):
    logo = SimpleUploadedFile("my logo.PNG", PNG, content_type="image/png")
    response = client_as(mgr_a).post(
        reverse("ngos:profile_edit", args=[org_a.pk]), {**profile_post(org_a), "logo": logo}
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.logo.name.startswith("organisation-logos/") and "my logo" not in org_a.logo.name
    served = client_as(cw_b).get(reverse("ngos:logo", args=[org_a.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    assert client.get(reverse("ngos:logo", args=[org_a.pk])).status_code == 302  # sign in first


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("logo.png", b"MZ\x90\x00 this is a renamed program"),
        ("logo.exe", PNG),
    ],
)
def test_a_logo_that_is_not_a_png_jpeg_or_webp_image_is_refused(
    name, content, client_as, mgr_a, org_a
):
    upload = SimpleUploadedFile(name, content)
    response = client_as(mgr_a).post(
        reverse("ngos:profile_edit", args=[org_a.pk]), {**profile_post(org_a), "logo": upload}
    )
    assert response.status_code == 200
    org_a.refresh_from_db()
    assert not org_a.logo
