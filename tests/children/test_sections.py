"""Filling the case one section at a time, and refusing lost updates (RE-02)."""

import pytest
from django.urls import reverse

from children.models import Case, TimelineEntry
from core.models import AuditEvent

from .conftest import by_testid, field_errors, section_post

# A section, what is typed into it, and what the case holds afterwards.
EDITS = {
    "identity": (
        {"given_name": "محمد‌رضا", "district": "۱۴", "languages": ["dari", "persian"]},
        {"given_name": "محمد‌رضا", "district": "۱۴", "languages": ["dari", "persian"]},
    ),
    "household": (
        {"living_situation": "street", "guardian_name": "مريم", "household_size": "۶"},
        {"living_situation": "street", "guardian_name": "مریم", "household_size": 6},
    ),
    "work": (
        {
            "work_type": "street_vending",
            "hazards": ["traffic", "night_work"],
            "earnings_per_day": "۱۵۰٬۰۰۰",
        },
        {
            "work_type": "street_vending",
            "hazards": ["traffic", "night_work"],
            "earnings_per_day": 150000,
        },
    ),
    "schooling": (
        {"school_status": "dropped_out", "school_grade": "۳"},
        {"school_status": "dropped_out", "school_grade": 3},
    ),
    "health": (
        {"risk_level": "high", "protection_concerns": ["neglect"], "health_concerns": "سرفه"},
        {"risk_level": "high", "protection_concerns": ["neglect"], "health_concerns": "سرفه"},
    ),
}


def _edit_url(case, section):
    return reverse("children:case_edit_section", args=[case.pk, section])


@pytest.mark.parametrize("section", list(EDITS))
def test_saving_a_section_changes_the_case_and_increments_its_version(
    client_as, cw_a, case_a, section
):
    typed, expected = EDITS[section]

    response = client_as(cw_a).post(
        _edit_url(case_a, section), section_post(case_a, section, **typed)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("children:case_detail", args=[case_a.pk])
    saved = Case.objects.get(pk=case_a.pk)
    assert {name: getattr(saved, name) for name in expected} == expected
    assert saved.version == case_a.version + 1


@pytest.mark.parametrize("section", list(EDITS))
def test_saving_a_section_adds_a_timeline_entry_naming_section_and_fields(
    client_as, cw_a, case_a, section
):
    typed, expected = EDITS[section]

    client_as(cw_a).post(_edit_url(case_a, section), section_post(case_a, section, **typed))

    entry = case_a.timeline.get(kind=TimelineEntry.Kind.UPDATED)
    assert entry.actor == cw_a
    assert entry.detail == {"section": section, "fields": sorted(expected)}


@pytest.mark.parametrize("section", list(EDITS))
def test_saving_a_section_writes_an_update_audit_row(client_as, cw_a, org_a, case_a, section):
    typed, expected = EDITS[section]

    client_as(cw_a).post(_edit_url(case_a, section), section_post(case_a, section, **typed))

    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(case_a.pk))
    assert event.object_type == "children.case"
    assert event.actor == cw_a
    assert event.organisation == org_a
    assert event.detail == {"section": section, "fields": sorted(expected)}
    assert event.request_id is not None


def test_the_case_page_shows_the_saved_section_and_its_timeline_line(client_as, cw_a, case_a):
    client = client_as(cw_a)
    client.post(
        _edit_url(case_a, "household"),
        section_post(case_a, "household", guardian_name="مریم", guardian_relation="خاله"),
    )

    response = client.get(reverse("children:case_detail", args=[case_a.pk]))

    household = by_testid(response, "section-household")[0]
    assert "مریم" in household
    assert "خاله" in household
    assert str(response.context["timeline"][0].section_title) in by_testid(response, "timeline")[0]


def test_saving_a_section_unchanged_records_nothing(client_as, cw_a, case_a):
    client_as(cw_a).post(_edit_url(case_a, "work"), section_post(case_a, "work"))

    assert Case.objects.get(pk=case_a.pk).version == case_a.version
    assert not case_a.timeline.filter(kind=TimelineEntry.Kind.UPDATED).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("household", "income_share_percent", "۱۵۰"),
        ("schooling", "school_grade", "۱۳"),
        ("identity", "birth_date", "۱۴۰۵/۱۲/۳۰"),
        ("identity", "given_name", ""),
    ],
)
def test_an_invalid_value_is_shown_beside_its_field_and_nothing_is_saved(
    client_as, cw_a, case_a, section, field, value
):
    before = Case.objects.filter(pk=case_a.pk).values().get()

    response = client_as(cw_a).post(
        _edit_url(case_a, section), section_post(case_a, section, **{field: value})
    )

    assert response.status_code == 200
    assert field_errors(response, field)
    assert Case.objects.filter(pk=case_a.pk).values().get() == before


def test_editing_the_name_updates_what_search_finds(client_as, cw_a, case_a):
    client = client_as(cw_a)
    client.post(_edit_url(case_a, "identity"), section_post(case_a, "identity", given_name="کاوه"))

    response = client.get(reverse("children:case_list"), {"q": "کاوه"})

    assert [case.pk for case in response.context["page"].object_list] == [case_a.pk]


def test_an_unknown_section_is_not_found(client_as, cw_a, case_a):
    response = client_as(cw_a).get(_edit_url(case_a, "finances"))

    assert response.status_code == 404


# --- RE-02: two people edit the same case ---------------------------------------------------


@pytest.fixture
def both_open_the_form(client_as, cw_a, mgr_a, case_a):
    """CW-A and MGR-A both open the identity form of the same case at the same version."""
    first, second = client_as(cw_a), client_as(mgr_a)
    url = _edit_url(case_a, "identity")
    versions = [c.get(url).context["form"]["version"].value() for c in (first, second)]
    assert versions == [case_a.version, case_a.version]
    stale = section_post(case_a, "identity")
    return first, second, url, stale


def test_a_save_from_a_stale_form_gets_409_with_both_values(both_open_the_form, case_a):
    first, second, url, stale = both_open_the_form
    first.post(url, {**stale, "given_name": "علیرضا"})

    response = second.post(url, {**stale, "given_name": "علی‌اکبر"})

    assert response.status_code == 409
    assert by_testid(response, "conflict")
    assert by_testid(response, "conflict-saved") == ["علیرضا"]
    assert by_testid(response, "conflict-yours") == ["علی‌اکبر"]


def test_a_stale_save_keeps_the_first_change_and_increments_the_version_once(
    both_open_the_form, case_a
):
    first, second, url, stale = both_open_the_form
    first.post(url, {**stale, "given_name": "علیرضا"})

    second.post(url, {**stale, "family_name": "کریمی"})

    saved = Case.objects.get(pk=case_a.pk)
    assert saved.given_name == "علیرضا"
    assert saved.family_name == "رضایی"
    assert saved.version == case_a.version + 1
    assert case_a.timeline.filter(kind=TimelineEntry.Kind.UPDATED).count() == 1


def test_the_conflict_page_lets_the_second_person_save_on_top(both_open_the_form, case_a):
    first, second, url, stale = both_open_the_form
    first.post(url, {**stale, "given_name": "علیرضا"})
    conflict = second.post(url, {**stale, "family_name": "کریمی"})
    fresh_version = conflict.context["form"]["version"].value()

    response = second.post(
        url, {**stale, "given_name": "علیرضا", "family_name": "کریمی", "version": fresh_version}
    )

    assert response.status_code == 302
    saved = Case.objects.get(pk=case_a.pk)
    assert (saved.given_name, saved.family_name) == ("علیرضا", "کریمی")
    assert saved.version == case_a.version + 2


def test_the_conflict_table_shows_readable_values(both_open_the_form, case_a):
    first, second, url, stale = both_open_the_form
    first.post(url, {**stale, "sex": "female"})

    response = second.post(url, {**stale, "sex": "male", "given_name": "علی"})

    assert response.status_code == 409
    saved, yours = by_testid(response, "conflict-saved"), by_testid(response, "conflict-yours")
    assert "female" not in saved
    assert "male" not in yours
