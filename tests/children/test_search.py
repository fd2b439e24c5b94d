"""Finding a child again: Persian spelling variants, digits in any form, misspellings, numbers."""

import pytest
from django.urls import reverse

from children.models.choices import Sex
from children.selectors.cases import cases_visible_to, search_cases


@pytest.fixture
def find(client_as, cw_a):
    """`find(term)`: the pks the case list shows CW-A for a search."""
    client = client_as(cw_a)

    def search(term):
        response = client.get(reverse("children:case_list"), {"q": term})
        assert response.status_code == 200
        return [case.pk for case in response.context["page"].object_list]

    return search


@pytest.mark.parametrize(
    "term",
    [
        pytest.param("علي", id="arabic-yeh"),
        pytest.param("على", id="alef-maksura"),
        pytest.param("علی", id="persian-yeh"),
        pytest.param(" علی ", id="spaces"),
    ],
)
def test_every_way_of_typing_yeh_finds_the_child(find, register, cw_a, term):
    ali = register(cw_a, given_name="علی", family_name="کریمی")
    register(cw_a, given_name="زهرا", family_name="احمدی", sex=Sex.FEMALE)

    assert find(term) == [ali.pk]


def test_a_name_stored_with_arabic_letters_is_found_with_persian_ones(find, register, cw_a):
    child = register(cw_a, given_name="علي", family_name="كريمي")

    assert child.given_name == "علی"
    assert find("علی کریمی") == [child.pk]


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param("محمدرضا", id="joined"),
        pytest.param("محمد رضا", id="space"),
        pytest.param("محمد\u200cرضا", id="zwnj"),
    ],
)
@pytest.mark.parametrize(
    "term",
    [
        pytest.param("محمدرضا", id="joined"),
        pytest.param("محمد رضا", id="space"),
        pytest.param("محمد\u200cرضا", id="zwnj"),
    ],
)
def test_compound_names_match_joined_spaced_or_with_zwnj(find, register, cw_a, stored, term):
    child = register(cw_a, given_name=stored, family_name="احمدی")
    register(cw_a, given_name="زهرا", family_name="کریمی", sex=Sex.FEMALE)

    assert find(term) == [child.pk]


@pytest.mark.parametrize("term", ["محمد رضا", "محمد\u200cرضا"])
def test_a_spaced_compound_name_ranks_the_compound_name_first(find, register, cw_a, term):
    reza = register(cw_a, given_name="رضا", family_name="کریمی", father_name="علی")
    mohammadreza = register(cw_a, given_name="محمدرضا", family_name="احمدی")

    assert find(term)[0] == mohammadreza.pk
    assert reza.pk in find(term)  # "رضا" alone is a word of the term: a weaker match


def test_family_name_and_full_name_find_the_child(find, register, cw_a):
    child = register(cw_a, given_name="فاطمه", family_name="حسینی", sex=Sex.FEMALE)
    register(cw_a, given_name="زهرا", family_name="احمدی", sex=Sex.FEMALE)

    assert find("حسینی") == [child.pk]
    assert find("فاطمه حسینی") == [child.pk]


def test_father_name_finds_the_child(find, register, cw_a):
    child = register(
        cw_a, given_name="زهرا", family_name="احمدی", father_name="غلامعلی", sex=Sex.FEMALE
    )
    register(cw_a, given_name="سارا", family_name="کریمی", father_name="محمود", sex=Sex.FEMALE)

    assert find("غلامعلی") == [child.pk]


@pytest.mark.parametrize("term", ["فاطمع", "فاطمه"])
def test_a_misspelled_name_still_finds_the_child(find, register, cw_a, term):
    child = register(cw_a, given_name="فاطمه", family_name="حسینی", sex=Sex.FEMALE)
    register(cw_a, given_name="زهرا", family_name="احمدی", sex=Sex.FEMALE)

    assert find(term) == [child.pk]


def test_a_name_with_an_extra_letter_still_finds_the_child(find, register, cw_a):
    child = register(cw_a, given_name="فاطمه", family_name="حسینی", sex=Sex.FEMALE)

    assert find("فاطیمه") == [child.pk]


def test_closer_match_comes_first(find, register, cw_a):
    close = register(cw_a, given_name="فاطمه", family_name="حسینی", sex=Sex.FEMALE)
    exact = register(cw_a, given_name="فاطمع", family_name="کریمی", sex=Sex.FEMALE)

    assert find("فاطمع") == [exact.pk, close.pk]


def test_an_unrelated_name_finds_nothing(find, register, cw_a):
    register(cw_a, given_name="فاطمه", family_name="حسینی", sex=Sex.FEMALE)

    assert find("کاوه") == []


# --- Digits: ID numbers and phones ------------------------------------------------------------


@pytest.fixture
def with_numbers(register, cw_a):
    child = register(cw_a, id_number="12345678", phone="۰۹۱۲۳۴۵۶۷۸۹")
    register(cw_a, given_name="زهرا", id_number="87654321", phone="09350001122", sex=Sex.FEMALE)
    return child


@pytest.mark.parametrize(
    "term",
    [
        pytest.param("12345678", id="id-latin"),
        pytest.param("۱۲۳۴۵۶۷۸", id="id-persian"),
        pytest.param("١٢٣٤٥٦٧٨", id="id-arabic-indic"),
        pytest.param("۵۶۷۸", id="id-part"),
        pytest.param("09123456789", id="phone-latin"),
        pytest.param("۰۹۱۲۳۴۵۶۷۸۹", id="phone-persian"),
        pytest.param("0912 345 6789", id="phone-typed-with-spaces"),
        pytest.param("۰۹۱۲-۳۴۵-۶۷۸۹", id="phone-typed-with-dashes"),
    ],
)
def test_id_numbers_and_phones_match_in_any_digits(find, with_numbers, term):
    assert find(term) == [with_numbers.pk]


def test_guardian_phone_finds_the_child(find, with_numbers, client_as, cw_a):
    from .conftest import section_post

    client_as(cw_a).post(
        reverse("children:case_edit_section", args=[with_numbers.pk, "household"]),
        section_post(with_numbers, "household", guardian_phone="۰۹۱۹۸۸۸۷۷۶۶"),
    )

    assert find("09198887766") == [with_numbers.pk]


def test_a_phone_stored_with_dashes_is_found(find, register, cw_a):
    child = register(cw_a, phone="0912-345-6789")

    assert find("09123456789") == [child.pk]


def test_a_passport_number_with_letters_is_found(find, register, cw_a):
    child = register(cw_a, documentation="passport", id_number="P01234567")

    assert find("P01234567") == [child.pk]


def test_a_three_letter_latin_name_is_found(find, register, cw_a):
    child = register(cw_a, given_name="Ali", family_name="Karimi")

    assert find("Ali") == [child.pk]


# --- Case numbers ---------------------------------------------------------------------------


@pytest.fixture
def numbered(register, cw_a):
    return [
        register(cw_a),
        register(cw_a, given_name="زهرا", family_name="احمدی", sex=Sex.FEMALE),
        register(cw_a, given_name="سارا", family_name="کریمی", sex=Sex.FEMALE),
    ]


def test_full_case_number_finds_exactly_that_case(find, numbered):
    second = numbered[1]

    assert find(second.case_number) == [second.pk]
    assert find(second.case_number.lower()) == [second.pk]


def test_case_number_typed_with_persian_digits_finds_the_case(find, numbered):
    from core.persian import to_persian_digits

    third = numbered[2]

    assert find(to_persian_digits(third.case_number)) == [third.pk]


def test_the_sequence_part_of_a_case_number_finds_the_case(find, numbered):
    assert find("00002") == [numbered[1].pk]


def test_the_case_number_prefix_finds_every_case_of_the_organisation(find, numbered):
    assert sorted(find("TEH-NGOA")) == sorted(case.pk for case in numbered)


# --- Scope ----------------------------------------------------------------------------------


def test_search_results_are_scoped_to_the_organisation(find, register, cw_a, cw_b):
    own = register(cw_a, given_name="فاطمه", id_number="55554444", sex=Sex.FEMALE)
    other = register(cw_b, given_name="فاطمه", id_number="55554444", sex=Sex.FEMALE)

    assert find("فاطمه") == [own.pk]
    assert find("55554444") == [own.pk]
    assert find(other.case_number) == []


def test_search_selector_only_narrows_the_queryset_it_is_given(register, cw_a, cw_b):
    register(cw_b, given_name="فاطمه", sex=Sex.FEMALE)

    assert list(search_cases(cases_visible_to(cw_a), "فاطمه")) == []


def test_an_empty_search_lists_every_case(find, numbered):
    assert sorted(find("")) == sorted(case.pk for case in numbered)


# --- Paging through search results ----------------------------------------------------------


@pytest.fixture
def five_fatemehs(register, cw_a):
    """Five girls named فاطمه, registered one after another (newest first among equal matches)."""
    return [
        register(cw_a, given_name="فاطمه", family_name=family, sex=Sex.FEMALE)
        for family in ["حسینی", "کریمی", "احمدی", "رضایی", "نادری"]
    ]


def _search_page(client, page):
    from unittest import mock

    from children.views import cases as case_views

    with mock.patch.object(case_views, "PAGE_SIZE", 2):
        response = client.get(reverse("children:case_list"), {"q": "فاطمه", "page": page})
    assert response.status_code == 200
    return response.context["page"]


def test_search_results_page_through_every_match_once(client_as, cw_a, five_fatemehs):
    client = client_as(cw_a)

    pages = [_search_page(client, number) for number in (1, 2, 3)]

    assert [page.paginator.count for page in pages] == [5, 5, 5]
    assert [page.paginator.num_pages for page in pages] == [3, 3, 3]
    shown = [case.pk for page in pages for case in page.object_list]
    assert sorted(shown) == sorted(case.pk for case in five_fatemehs)
    assert [len(page.object_list) for page in pages] == [2, 2, 1]


def test_a_search_page_past_the_end_shows_the_last_page(client_as, cw_a, five_fatemehs):
    client = client_as(cw_a)

    page = _search_page(client, 9)

    assert page.number == 3
    assert [case.pk for case in page.object_list] == [
        case.pk for case in _search_page(client, 3).object_list
    ]


def test_the_search_count_is_shown_in_persian_digits(client_as, cw_a, five_fatemehs):
    response = client_as(cw_a).get(reverse("children:case_list"), {"q": "فاطمه"})

    assert "۵ پرونده" in response.content.decode()


def test_a_search_page_takes_as_many_queries_for_more_rows(client_as, cw_a, five_fatemehs):
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from children.views import cases as case_views

    client = client_as(cw_a)
    client.get(reverse("children:case_list"))  # the session's first-request writes

    def queries(page_size):
        with (
            mock.patch.object(case_views, "PAGE_SIZE", page_size),
            CaptureQueriesContext(connection) as captured,
        ):
            client.get(reverse("children:case_list"), {"q": "فاطمه"})
        return len(captured.captured_queries)

    assert queries(2) == queries(5)
