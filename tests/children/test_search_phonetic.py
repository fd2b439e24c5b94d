"""Issue 15: a child is found by how the name sounds, everywhere a child is looked for.

The case list, the encounter's child picker, the duplicate check at registration (here and at
another organisation) and the import's "possibly registered already" all match the phonetic key
of the name (core.persian.phonetic_key, docs/adr/0015) besides its written form.
"""

import datetime

import pytest
from django.urls import reverse

from children.models import Case
from children.models.choices import Sex
from children.selectors.duplicates import likely_duplicates
from core.persian import phonetic_key
from tests.children.test_imports import FA, csv_bytes, good_rows, run

from .conftest import by_testid, identity, registration_post

# (stored, typed): one name pair per fold of the key.
FOLDS = [
    pytest.param(("زهرا", "کریمی"), ("ظهرا", "کریمی"), id="ز-ظ"),
    pytest.param(("رضا", "ذاکری"), ("رزا", "زاکری"), id="ز-ذ"),
    pytest.param(("مرتضی", "رضایی"), ("مرتظی", "رزایی"), id="ض-ظ-ز"),
    pytest.param(("حسین", "کریمی"), ("هسین", "کریمی"), id="ح-ه"),
    pytest.param(("طاهره", "کریمی"), ("تاهره", "کریمی"), id="ط-ت"),
    pytest.param(("قاسم", "کریمی"), ("غاسم", "کریمی"), id="ق-غ"),
    pytest.param(("صادق", "کریمی"), ("سادق", "کریمی"), id="ص-س"),
    pytest.param(("ثمین", "کریمی"), ("سمین", "کریمی"), id="ث-س"),
    pytest.param(("عباس", "کریمی"), ("اباس", "کریمی"), id="ع-ا"),
    pytest.param(("محمّد", "کریمی"), ("محمد", "کریمی"), id="tashdid"),
    pytest.param(("محمد", "کریمی"), ("محممد", "کریمی"), id="doubled"),
    pytest.param(("علی‌رضا", "کریمی"), ("علیرضا", "کریمی"), id="compound"),
    pytest.param(("اله‌یار", "کریمی"), ("الهیار", "کریمی"), id="compound-اله"),
    pytest.param(("رئوف", "مسئول‌زاده"), ("رئوف", "مسیول‌زاده"), id="hamza-seat"),
]


@pytest.fixture
def find(client_as):
    """`find(user, term)`: the pks on the first page of the case list the user gets."""

    def search(user, term):
        response = client_as(user).get(reverse("children:case_list"), {"q": term})
        assert response.status_code == 200
        return [case.pk for case in response.context["page"].object_list]

    return search


@pytest.fixture
def others(register, cw_a):
    """Children of A with other names, so that a search has something to leave out."""
    return [
        register(cw_a, given_name=given, family_name=family, father_name="")
        for given, family in [("نرگس", "افشاری"), ("کاوه", "نادری"), ("مریم", "احمدی")]
    ]


# --- The case list -------------------------------------------------------------------------


@pytest.mark.parametrize(("stored", "typed"), FOLDS)
def test_a_child_is_found_by_a_name_that_sounds_the_same(
    find, register, cw_a, others, stored, typed
):
    child = register(cw_a, given_name=stored[0], family_name=stored[1], father_name="")

    found = find(cw_a, " ".join(typed))

    assert found[0] == child.pk
    assert not {o.pk for o in others} & set(found)


@pytest.mark.parametrize(("stored", "typed"), FOLDS)
def test_the_given_name_alone_finds_the_child(find, register, cw_a, stored, typed):
    child = register(cw_a, given_name=stored[0], family_name=stored[1], father_name="")

    assert child.pk in find(cw_a, typed[0])


def test_a_given_name_and_surname_misspelled_once_each_find_the_child(find, register, cw_a, others):
    child = register(cw_a, given_name="حسین", family_name="رضایی", father_name="")

    assert find(cw_a, "هسین رزایی") == [child.pk]


def test_a_fathers_name_that_sounds_the_same_finds_the_child(find, register, cw_a, others):
    child = register(cw_a, given_name="نوید", family_name="کریمی", father_name="غلامحسین")

    assert find(cw_a, "قلامهسین") == [child.pk]


def test_an_exact_name_is_ranked_before_the_names_that_sound_like_it(find, register, cw_a):
    exact = register(cw_a, given_name="ظهرا", family_name="کریمی", sex=Sex.FEMALE)
    # Registered later, so they would come first if only the sound were compared.
    for family_name in ["کریمی", "کریمی", "کریمى"]:
        register(cw_a, given_name="زهرا", family_name=family_name, sex=Sex.FEMALE)

    found = find(cw_a, "ظهرا کریمی")

    assert found[0] == exact.pk
    assert len(found) == 4


def test_a_name_written_as_typed_comes_before_one_that_only_sounds_alike(find, register, cw_a):
    written = register(cw_a, given_name="حسین", family_name="کریمی")
    sounds = register(cw_a, given_name="هسین", family_name="نادری")

    assert find(cw_a, "حسین") == [written.pk, sounds.pk]


@pytest.mark.parametrize("latin", ["Mohammad", "Mohammed", "Muhammad", "Mohamad"])
def test_a_latin_transliteration_finds_the_child(find, register, cw_a, others, latin):
    child = register(cw_a, given_name="محمد", family_name="کریمی")

    assert find(cw_a, latin) == [child.pk]
    assert find(cw_a, f"{latin} Karimi") == [child.pk]


def test_fatemeh_and_fatima_find_fatemeh(find, register, cw_a, others):
    child = register(cw_a, given_name="فاطمه", family_name="حسینی", sex=Sex.FEMALE)

    assert find(cw_a, "Fatemeh Hosseini") == [child.pk]
    assert child.pk in find(cw_a, "Fatima")


# AC-02: the new match widens what a search finds within the organisation, never across it.
def test_another_organisations_child_is_never_found_by_its_sound(find, register, cw_a, cw_b):
    register(cw_a, given_name="زهرا", family_name="کریمی", sex=Sex.FEMALE)

    assert find(cw_b, "ظهرا کریمی") == []
    assert find(cw_b, "Zahra") == []


def test_registration_stores_the_phonetic_keys(register, cw_a):
    child = register(cw_a, given_name="زهرا", family_name="کریمی", father_name="حسن")

    assert child.search_phonetic == phonetic_key("ظهرا کریمی")
    assert child.search_father_phonetic == phonetic_key("هسن")


# --- The encounter's child picker ------------------------------------------------------------


def _picked(client, term):
    response = client.get(reverse("children:case_pick"), {"q": term})
    assert response.status_code == 200
    return [case.pk for case in response.context["cases"]]


def test_the_child_picker_finds_a_name_that_sounds_the_same(client_as, register, cw_a, others):
    child = register(cw_a, given_name="حسین", family_name="رضایی")

    assert _picked(client_as(cw_a), "هسین رزایی") == [child.pk]


def test_the_child_picker_of_another_organisation_finds_nothing(client_as, register, cw_a, cw_b):
    register(cw_a, given_name="حسین", family_name="رضایی")

    assert _picked(client_as(cw_b), "هسین رزایی") == []


# --- Duplicates --------------------------------------------------------------------------------


@pytest.mark.parametrize(("stored", "typed"), FOLDS)
def test_a_sound_alike_child_is_a_likely_duplicate(register, cw_b, stored, typed):
    child = register(cw_b, given_name=stored[0], family_name=stored[1], father_name="")

    found = likely_duplicates(identity(given_name=typed[0], family_name=typed[1], father_name=""))

    assert [c.case.pk for c in found] == [child.pk]


def test_a_sound_alike_father_counts_like_the_same_father(register, cw_b):
    child = register(cw_b, given_name="صادق", family_name="حسینی", father_name="غلامرضا")

    found = likely_duplicates(
        identity(given_name="سادق", family_name="هسینی", father_name="قلامرزا")
    )

    assert [c.case.pk for c in found] == [child.pk]
    assert "father_name" in found[0].reasons


def test_a_sound_alike_of_the_other_sex_is_not_likely(register, cw_b):
    register(cw_b, given_name="زهرا", family_name="کریمی", sex=Sex.FEMALE)

    assert likely_duplicates(identity(given_name="ظهرا", family_name="کریمی")) == []


def test_registration_warns_of_a_sound_alike_child_here(client_as, cw_a, register):
    own = register(cw_a, given_name="طاهره", family_name="حسینی", sex=Sex.FEMALE)
    post = registration_post(cw_a, given_name="تاهره", family_name="هسینی", sex=Sex.FEMALE)

    response = client_as(cw_a).post(reverse("children:case_register"), post)

    assert response.status_code == 200
    assert own.case_number in by_testid(response, "duplicate-warning")[0]


# AC-06: a sound-alike at another organisation is named by its organisation only.
def test_registration_names_only_the_organisation_of_a_sound_alike_child_there(
    client_as, cw_a, register, cw_b
):
    theirs = register(
        cw_b,
        given_name="طاهره",
        family_name="حسینی",
        father_name="غلامرضا",
        sex=Sex.FEMALE,
        id_number="40617283",
        phone="09357771122",
    )
    post = registration_post(
        cw_a, given_name="تاهره", family_name="هسینی", father_name="قلامرزا", sex=Sex.FEMALE
    )

    response = client_as(cw_a).post(reverse("children:case_register"), post)

    assert by_testid(response, "duplicate-organisation") == ["انجمن ب"]
    body = response.content.decode()
    for value in [theirs.case_number, theirs.father_name, theirs.id_number, theirs.phone]:
        assert value not in body
    assert Case.objects.filter(organisation=cw_a.membership.organisation).count() == 0


def test_the_import_warns_of_a_child_registered_with_a_sound_alike_name(
    adm, org_a, cw_b, register, db
):
    register(
        cw_b,
        given_name="کودک1",
        family_name="اهمدی",  # the file has احمدی
        father_name="هسن",  # and حسن
        birth_date=datetime.date(2017, 12, 28),
    )

    job = run(adm, org_a, csv_bytes(FA, good_rows(2)), dry_run=True)

    assert job.summary["likely_duplicates"][0]["row"] == 3
    assert job.summary["likely_duplicates"][0]["elsewhere"] == ["NGO B"]
