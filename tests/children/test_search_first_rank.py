"""Issue 21: a search page read from the first-rank matches alone is the full ranking's page."""

from unittest import mock

import pytest
from django.urls import reverse

from children.models.choices import Sex
from children.selectors import cases as case_selectors
from children.selectors.cases import cases_visible_to, first_rank_matches, search_cases
from children.views import cases as case_views

FAMILIES = ["حسینی", "کریمی", "احمدی", "رضایی", "نادری"]


@pytest.fixture
def mohammads(register, cw_a, cw_b):
    """Children named محمد, with a father named محمد, sounding or looking alike, registered in
    turn (so the exact ones are not simply the newest), and one of another organisation."""
    made = []
    for family in FAMILIES:
        made.append(register(cw_a, given_name="محمد", family_name=family))
        made.append(register(cw_a, given_name="مهمد", family_name=family))  # sounds the same
        made.append(register(cw_a, given_name="رضا", family_name=family, father_name="محمد"))
        made.append(register(cw_a, given_name="محمود", family_name=family))  # looks alike
    made.append(register(cw_a, given_name="زهرا", family_name="کریمی", sex=Sex.FEMALE))
    register(cw_b, given_name="محمد", family_name="حسینی")
    return made


def _page(client, term, number, page_size):
    with mock.patch.object(case_views, "PAGE_SIZE", page_size):
        response = client.get(reverse("children:case_list"), {"q": term, "page": number})
    assert response.status_code == 200
    return response.context["page"]


@pytest.mark.parametrize("examined", [1500, 6, 1])
@pytest.mark.parametrize("page_size", [2, 3, 7])
@pytest.mark.parametrize("term", ["محمد", "مهمد", "رضا حسینی"])
def test_every_page_is_the_full_rankings_page(
    client_as, cw_a, mohammads, term, page_size, examined
):
    ranked = [case.pk for case in search_cases(cases_visible_to(cw_a), term)]
    pages = -(-len(ranked) // page_size)
    client = client_as(cw_a)

    with mock.patch.object(case_selectors, "EXAMINED", examined):
        for number in [*range(1, pages + 1), pages + 1, 99, "x"]:
            page = _page(client, term, number, page_size)
            shown = min(number, pages) if isinstance(number, int) else 1
            bottom = (shown - 1) * page_size
            assert [case.pk for case in page.object_list] == ranked[bottom : bottom + page_size]
            assert (page.number, page.paginator.count) == (shown, len(ranked))


def test_the_first_rank_holds_the_term_as_written_in_the_name_or_the_fathers(cw_a, mohammads):
    first = first_rank_matches(cases_visible_to(cw_a), "محمد")

    names = sorted({(case.given_name, case.father_name) for case in first})
    assert names == [("رضا", "محمد"), ("محمد", mohammads[0].father_name)]
    assert len(first) == 10  # five of each, none of the other organisation's


@pytest.mark.parametrize(
    "term", ["", " ", "1405", "۰۹۱۲۱۲۳", "TEH-", "P01234567", "رضا حسینی", "محمد رضا"]
)
def test_a_number_or_a_name_of_two_words_has_no_first_rank_read(cw_a, term):
    assert first_rank_matches(cases_visible_to(cw_a), term) is None
