"""Families (issue 15): brothers and sisters in one household, registering a sibling from a case,
the household's situation kept once, and a sibling at another organisation shown only by that
organisation's name (AC-01)."""

import pytest
from django.urls import reverse

from children import services
from children.models import Case, CaseLink, Household, TimelineEntry
from children.models.choices import Sex
from core.exceptions import ActionNotAllowed, InvalidState
from core.models import AuditEvent

from .conftest import by_testid, registration_post, row_counts, section_post


@pytest.fixture
def with_guardian(case_a, cw_a):
    """Organisation A's boy, with his mother as guardian."""
    return services.case_update(
        by=cw_a,
        case=case_a,
        data={
            "guardian_name": "مریم",
            "guardian_relation": "مادر",
            "guardian_phone": "09121112233",
            "household_size": 6,
            "household_earners": 2,
            "living_situation": "family",
        },
        expected_version=case_a.version,
        section="household",
    )


@pytest.fixture
def sister(with_guardian, cw_a, register):
    """His sister, registered through the sibling service: both in one household."""
    from .conftest import CONSENT, identity

    return services.sibling_register(
        by=cw_a,
        case=with_guardian,
        data=identity(given_name="فاطمه", sex=Sex.FEMALE),
        consent=dict(CONSENT),
    )


def _register_url(case):
    return f"{reverse('children:case_register')}?sibling_of={case.pk}"


# --- Registering a sibling ----------------------------------------------------------------------


def test_register_a_sibling_opens_the_form_prefilled_from_the_case(client_as, cw_a, with_guardian):
    response = client_as(cw_a).get(_register_url(with_guardian))

    form = response.context["form"]
    assert response.status_code == 200
    assert form["family_name"].value() == "رضایی"
    assert form["father_name"].value() == "حسن"
    assert form["province"].value() == with_guardian.province_id
    # The guardian who consents for one child usually does for the other.
    assert form["consent_given_by"].value() == "guardian"
    assert form["consent_given_by_name"].value() == "مریم"
    assert by_testid(response, "sibling-guardian") == ["مریم"]


def test_registering_a_sibling_puts_both_in_one_household_with_the_guardian(
    client_as, cw_a, with_guardian
):
    response = client_as(cw_a).post(
        reverse("children:case_register"),
        registration_post(cw_a, given_name="فاطمه", sex=Sex.FEMALE, sibling_of=with_guardian.pk),
    )

    sister = Case.objects.exclude(pk=with_guardian.pk).get()
    with_guardian.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("children:case_detail", args=[sister.pk])
    assert sister.household_id == with_guardian.household_id is not None
    assert (sister.guardian_name, sister.guardian_phone, sister.household_size) == (
        "مریم",
        "09121112233",
        6,
    )
    # The child's own answers are not the family's.
    assert sister.living_situation == ""
    household = Household.objects.get()
    assert (household.organisation_id, household.guardian_relation) == (
        with_guardian.organisation_id,
        "مادر",
    )


def test_registering_a_sibling_is_audited(cw_a, sister, with_guardian):
    rows = AuditEvent.objects.filter(actor=cw_a)
    assert rows.filter(action="create", object_type="children.case", object_id=str(sister.pk))
    assert rows.filter(action="create", object_type="children.household")
    joined = rows.filter(action="update", object_type="children.case", detail__family="joined")
    assert {row.object_id for row in joined} == {str(sister.pk), str(with_guardian.pk)}
    assert TimelineEntry.objects.filter(case=sister, kind=TimelineEntry.Kind.FAMILY).exists()


# --- The family on the case page ----------------------------------------------------------------


def test_case_page_lists_the_siblings(client_as, cw_a, with_guardian, sister):
    response = client_as(cw_a).get(reverse("children:case_detail", args=[with_guardian.pk]))

    (line,) = by_testid(response, "sibling")
    assert "فاطمه رضایی" in line
    assert sister.case_number in line
    assert by_testid(response, "household-shared")


def test_a_case_without_family_says_so(client_as, cw_a, case_a):
    response = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))

    assert by_testid(response, "no-siblings")
    assert by_testid(response, "register-sibling")


def test_a_sibling_at_another_organisation_shows_only_its_name(
    client_as, cw_a, cw_b, with_guardian, register
):
    # B holds the same boy (linked, both agreed) and his brother, whom A has never registered.
    same_boy = register(cw_b)
    brother = register(cw_b, given_name="یوسف", family_name="رضایی", id_number="")
    services.household_add_case(by=cw_b, case=same_boy, sibling=brother)
    CaseLink.objects.create(
        requesting_case=with_guardian,
        target_case=same_boy,
        state=CaseLink.State.ACCEPTED,
        requested_by=cw_a,
    )

    response = client_as(cw_a).get(reverse("children:case_detail", args=[with_guardian.pk]))

    assert by_testid(response, "sibling") == []
    (elsewhere,) = by_testid(response, "family-elsewhere")
    assert "NGO B" in elsewhere or "انجمن ب" in elsewhere
    page = response.content.decode()
    assert "یوسف" not in page
    assert brother.case_number not in page
    assert f"/cases/{brother.pk}/" not in page


def test_the_same_child_linked_is_not_a_sibling_elsewhere(
    client_as, cw_a, cw_b, with_guardian, sister, register
):
    # B holds the sister too, linked to A's sister: she is already shown, not "elsewhere".
    sister_at_b = register(cw_b, given_name="فاطمه", sex=Sex.FEMALE)
    boy_at_b = register(cw_b)
    services.household_add_case(by=cw_b, case=boy_at_b, sibling=sister_at_b)
    for a_case, b_case in ((with_guardian, boy_at_b), (sister, sister_at_b)):
        CaseLink.objects.create(
            requesting_case=a_case,
            target_case=b_case,
            state=CaseLink.State.ACCEPTED,
            requested_by=cw_a,
        )

    response = client_as(cw_a).get(reverse("children:case_detail", args=[with_guardian.pk]))

    assert len(by_testid(response, "sibling")) == 1
    assert by_testid(response, "family-elsewhere") == []


# --- The household kept once --------------------------------------------------------------------


def test_a_household_edit_on_one_case_is_seen_on_every_member(
    client_as, cw_a, with_guardian, sister
):
    client = client_as(cw_a)
    before = Case.objects.get(pk=sister.pk).version

    response = client.post(
        reverse("children:case_edit_section", args=[with_guardian.pk, "household"]),
        section_post(
            with_guardian,
            "household",
            guardian_name="زهرا",
            guardian_phone="09350001122",
            income_share_percent="30",
        ),
    )

    assert response.status_code == 302
    sister.refresh_from_db()
    assert (sister.guardian_name, sister.guardian_phone) == ("زهرا", "09350001122")
    assert sister.version == before + 1
    # The child's share of the family's income is the child's own.
    assert sister.income_share_percent is None
    assert Household.objects.get().guardian_name == "زهرا"
    # The sister is found by her new guardian's phone (the search keys were kept).
    found = client.get(reverse("children:case_list"), {"q": "09350001122"})
    assert sister.case_number in found.content.decode()
    page = client.get(reverse("children:case_detail", args=[sister.pk]))
    assert "زهرا" in " ".join(by_testid(page, "section-household"))


def test_the_household_page_saves_once_for_every_child(client_as, cw_a, with_guardian, sister):
    household = Household.objects.get()
    url = reverse("children:household_edit", args=[household.pk])
    client = client_as(cw_a)
    assert client.get(url).status_code == 200

    response = client.post(
        f"{url}?case={sister.pk}",
        {
            "guardian_name": "مریم",
            "guardian_relation": "مادر",
            "guardian_phone": "09121112233",
            "household_size": "۷",
            "household_earners": "2",
            "housing": "rented",
            "version": household.version,
        },
    )

    assert response["Location"] == reverse("children:case_detail", args=[sister.pk])
    assert set(Case.objects.values_list("household_size", flat=True)) == {7}
    household.refresh_from_db()
    assert household.housing == "rented"
    rows = AuditEvent.objects.filter(action="update", detail__section="household")
    assert {row.object_id for row in rows} >= {str(with_guardian.pk), str(sister.pk)}


def test_a_form_opened_on_a_sibling_before_a_household_change_conflicts(
    client_as, cw_a, with_guardian, sister
):
    client = client_as(cw_a)
    stale = section_post(sister, "household", guardian_name="خدیجه")
    client.post(
        reverse("children:case_edit_section", args=[with_guardian.pk, "household"]),
        section_post(with_guardian, "household", guardian_name="زهرا"),
    )

    response = client.post(
        reverse("children:case_edit_section", args=[sister.pk, "household"]), stale
    )

    assert response.status_code == 409
    assert Household.objects.get().guardian_name == "زهرا"


def test_a_case_outside_a_family_saves_its_household_section_as_before(client_as, cw_a, case_a):
    response = client_as(cw_a).post(
        reverse("children:case_edit_section", args=[case_a.pk, "household"]),
        section_post(case_a, "household", guardian_name="مریم"),
    )

    assert response.status_code == 302
    assert Case.objects.get().guardian_name == "مریم"
    assert not Household.objects.exists()


# --- Adding and removing ------------------------------------------------------------------------


def test_adding_a_registered_child_by_case_number(client_as, cw_a, with_guardian, register):
    other = register(cw_a, given_name="حسین")

    client_as(cw_a).post(
        reverse("children:family_add", args=[with_guardian.pk]),
        {"case_number": other.case_number.lower()},
    )

    other.refresh_from_db()
    assert other.household_id is not None
    assert other.guardian_name == "مریم"


def test_another_organisations_case_number_is_not_found(client_as, cw_a, with_guardian, case_b):
    response = client_as(cw_a).post(
        reverse("children:family_add", args=[with_guardian.pk]),
        {"case_number": case_b.case_number},
        follow=True,
    )

    assert not Household.objects.exists()
    assert Case.objects.get(pk=case_b.pk).household_id is None
    assert "هیچ پرونده‌ای از سازمان شما این شماره یا نام را ندارد." in response.content.decode()


def test_adding_a_registered_child_by_a_name_typed_by_ear(client_as, cw_a, with_guardian, register):
    other = register(cw_a, given_name="حسین", family_name="طاهری")

    client_as(cw_a).post(
        reverse("children:family_add", args=[with_guardian.pk]), {"case_number": "هسین تاهری"}
    )

    other.refresh_from_db()
    assert other.household_id == Case.objects.get(pk=with_guardian.pk).household_id
    assert other.household_id is not None


def test_a_name_matching_several_children_offers_them_to_choose(
    client_as, cw_a, with_guardian, register, case_b
):
    first = register(cw_a, given_name="زهرا", family_name="محمدی")
    second = register(cw_a, given_name="زهرا", family_name="احمدی", father_name="رضا")
    client = client_as(cw_a)
    url = reverse("children:family_add", args=[with_guardian.pk])

    response = client.post(url, {"case_number": "زهرا"})

    page = response.content.decode()
    assert response.status_code == 200
    assert len(by_testid(response, "family-choice")) == 2
    assert first.case_number in page and second.case_number in page
    assert case_b.case_number not in page  # B's Zahra Mohammadi is not offered
    assert not Household.objects.exists()

    client.post(url, {"case_number": second.case_number})

    second.refresh_from_db()
    first.refresh_from_db()
    assert second.household_id is not None and first.household_id is None


def test_another_organisations_child_is_not_found_by_name(client_as, cw_a, with_guardian, case_b):
    response = client_as(cw_a).post(
        reverse("children:family_add", args=[with_guardian.pk]),
        {"case_number": "زهرا محمدی"},
        follow=True,
    )

    assert not Household.objects.exists()
    assert Case.objects.get(pk=case_b.pk).household_id is None
    assert "هیچ پرونده‌ای از سازمان شما این شماره یا نام را ندارد." in response.content.decode()


def test_removing_a_child_keeps_the_answers_and_deletes_an_empty_household(
    client_as, cw_a, with_guardian, sister
):
    client = client_as(cw_a)
    client.post(reverse("children:family_remove", args=[with_guardian.pk, sister.pk]))

    sister.refresh_from_db()
    assert sister.household_id is None
    assert sister.guardian_name == "مریم"
    assert Household.objects.exists()

    services.household_remove_case(by=cw_a, case=with_guardian)
    assert not Household.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_type="children.household").exists()


def test_a_child_in_another_family_must_leave_it_first(cw_a, with_guardian, sister, register):
    other = register(cw_a, given_name="حسین")
    cousin = register(cw_a, given_name="رضا")
    services.household_add_case(by=cw_a, case=other, sibling=cousin)

    with pytest.raises(InvalidState):
        services.household_add_case(by=cw_a, case=with_guardian, sibling=cousin)


def test_a_household_takes_the_siblings_answers_where_it_has_none(cw_a, case_a, register):
    sibling = register(cw_a, given_name="حسین")
    Case.objects.filter(pk=sibling.pk).update(guardian_name="عمو", household_earners=1)
    sibling.refresh_from_db()

    services.household_add_case(by=cw_a, case=case_a, sibling=sibling)

    assert set(Case.objects.values_list("guardian_name", "household_earners")) == {("عمو", 1)}


# --- Access -------------------------------------------------------------------------------------


def test_outsiders_get_404_on_a_households_urls(
    client_as, cw_b, mgr_b, min_officer, with_guardian, sister
):
    household = Household.objects.get()
    for user in (cw_b, mgr_b, min_officer):
        client = client_as(user)
        before = row_counts()
        assert client.get(_register_url(with_guardian)).status_code in (403, 404)
        assert client.get(reverse("children:household_edit", args=[household.pk])).status_code in (
            404,
        )
        posts = [
            reverse("children:household_edit", args=[household.pk]),
            reverse("children:family_add", args=[with_guardian.pk]),
            reverse("children:family_remove", args=[with_guardian.pk, sister.pk]),
        ]
        for url in posts:
            assert client.post(url, {"case_number": sister.case_number}).status_code == 404
        assert row_counts() == before
    assert AuditEvent.objects.filter(
        action="access_denied", object_type="children.household", actor=cw_b
    ).exists()


def test_caseworker_b_gets_404_registering_a_sibling_of_as_case(client_as, cw_b, with_guardian):
    client = client_as(cw_b)

    assert client.get(_register_url(with_guardian)).status_code == 404
    response = client.post(
        reverse("children:case_register"), registration_post(cw_b, sibling_of=with_guardian.pk)
    )
    assert response.status_code == 404
    assert Case.objects.count() == 1


def test_services_refuse_another_organisations_user_and_mixed_organisations(
    cw_a, cw_b, with_guardian, case_b
):
    with pytest.raises(ActionNotAllowed):
        services.household_add_case(by=cw_b, case=with_guardian, sibling=case_b)
    with pytest.raises(ActionNotAllowed):
        services.household_add_case(by=cw_a, case=with_guardian, sibling=case_b)
    with pytest.raises(ActionNotAllowed):
        services.household_remove_case(by=cw_b, case=with_guardian)
    assert not Household.objects.exists()


# --- An import that updates a child in a family -------------------------------------------------


def test_an_import_changing_the_guardians_phone_on_one_child_changes_the_whole_family(
    adm, mgr_a, with_guardian, sister
):
    """The household's answers are kept once (ADR 0016): a file row changing the guardian's phone
    on the boy's case changes the household and his sister's copy, and she is found by the new
    phone."""
    from children.imports.columns import case_row, header_row
    from children.selectors.cases import cases_visible_to
    from imports.services import import_job_create, import_job_preview, import_job_run

    from .test_imports import csv_bytes

    boy = Case.objects.get(pk=with_guardian.pk)
    versions = (sister.version, Household.objects.get(pk=sister.household_id).version)
    row = case_row(boy, "en")
    row[header_row("en").index("Guardian's phone")] = "09350001122"
    job = import_job_create(
        by=adm,
        organisation=boy.organisation,
        name="update.csv",
        data=csv_bytes(header_row("en"), [row]),
        language="en",
    )
    job = import_job_run(job_id=import_job_preview(job_id=job.pk).pk)

    assert job.updated_count == 1, job.errors
    sister.refresh_from_db()
    household = Household.objects.get(pk=sister.household_id)
    assert household.guardian_phone == sister.guardian_phone == "09350001122"
    assert (sister.version, household.version) == (versions[0] + 1, versions[1] + 1)
    assert TimelineEntry.objects.filter(case=sister, detail__household=household.pk).exists()
    found = cases_visible_to(mgr_a).filter(search_digits__contains="09350001122")
    assert set(found.values_list("pk", flat=True)) == {boy.pk, sister.pk}
