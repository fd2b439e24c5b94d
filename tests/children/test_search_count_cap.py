"""Issue 21: a search counts its matches only up to a cap; past it the page says "more than"."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import Case
from children.selectors.cases import cases_visible_to, search_cases
from children.views import cases as case_views

PAGE_SIZE = 2
CAP = 5  # past two pages and a half
FAMILIES = ["حسینی", "کریمی", "احمدی", "رضایی", "نادری", "موسوی", "جعفری", "صادقی", "کاظمی"]


@pytest.fixture
def small_pages():
    with (
        mock.patch.object(case_views, "PAGE_SIZE", PAGE_SIZE),
        mock.patch.object(case_views, "SEARCH_COUNT_CAP", CAP),
    ):
        yield


@pytest.fixture
def mohammads(register, cw_a, cw_b):
    """`mohammads(n)`: n children named محمد in organisation A; B always has more than the cap."""
    for family in FAMILIES:
        register(cw_b, given_name="محمد", family_name=family)

    def make(n):
        return [register(cw_a, given_name="محمد", family_name=f) for f in FAMILIES[:n]]

    return make


def _get(client, language="en", **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("children:case_list"), params)
    assert response.status_code == 200
    return response


def _html(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _ranked(user, term="محمد"):
    return [case.pk for case in search_cases(cases_visible_to(user), term)]


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("matches", [1, CAP - 1, CAP])
def test_up_to_the_cap_the_page_is_the_one_an_exact_count_gives(
    client_as, cw_a, mohammads, small_pages, matches, language
):
    mohammads(matches)
    client = client_as(cw_a)

    for number in range(1, -(-matches // PAGE_SIZE) + 2):
        capped = _get(client, language, q="محمد", page=number)
        with mock.patch.object(case_views, "SEARCH_COUNT_CAP", None):
            exact = _get(client, language, q="محمد", page=number)
        assert capped.context["page"].paginator.count == matches
        assert capped.context["page"].paginator.more_than is None
        assert _html(capped) == _html(exact)
    assert 'data-testid="case-count-more-than"' not in _html(capped)


def test_past_the_cap_the_page_says_more_than_and_asks_for_another_word(
    client_as, cw_a, mohammads, small_pages
):
    mohammads(CAP + 1)

    response = _get(client_as(cw_a), "en", q="محمد")

    text = _text(response)
    assert (
        "More than 5 cases match; add the father's name or another word to narrow the search."
        in text
    )
    assert "6 cases" not in text
    assert "Page 1 of" not in text
    assert "Page 1 Next" in text
    assert response.context["page"].paginator.more_than == CAP


def test_in_persian_the_cap_is_written_in_persian_digits(client_as, cw_a, mohammads, small_pages):
    mohammads(CAP + 1)

    with mock.patch.object(case_views, "SEARCH_COUNT_CAP", 3):
        html = _html(_get(client_as(cw_a), "fa", q="محمد"))
    line = re.search(r'data-testid="case-count-more-than">([^<]*)<', html).group(1)
    assert "۳" in line and "3" not in line
    assert re.search(r'class="page-link">[^<]*۱</span>', html)  # the page, with no total


def test_the_next_link_walks_every_page_of_the_ranking_past_the_cap(
    client_as, cw_a, mohammads, small_pages
):
    mohammads(len(FAMILIES))  # nine: five pages of two, three past the cap
    ranked = _ranked(cw_a)
    client = client_as(cw_a)

    seen, number = [], 1
    while True:
        page = _get(client, q="محمد", page=number).context["page"]
        assert page.number == number
        assert page.paginator.more_than == CAP
        seen += [case.pk for case in page.object_list]
        if not page.has_next():
            break
        number = page.next_page_number()
    assert seen == ranked
    assert number == 5


@pytest.mark.parametrize("number", [6, 99, 0, "x"])
def test_pages_past_the_end_are_as_without_a_cap(client_as, cw_a, mohammads, small_pages, number):
    mohammads(len(FAMILIES))
    client = client_as(cw_a)

    capped = _get(client, q="محمد", page=number)
    with mock.patch.object(case_views, "SEARCH_COUNT_CAP", None):
        exact = _get(client, q="محمد", page=number)
    assert [c.pk for c in capped.context["page"]] == [c.pk for c in exact.context["page"]]
    assert capped.context["page"].number == exact.context["page"].number


def test_another_organisations_matches_are_never_counted(client_as, cw_a, cw_b, mohammads):
    mohammads(3)  # B has nine

    with mock.patch.object(case_views, "SEARCH_COUNT_CAP", 4):
        page = _get(client_as(cw_a), q="محمد").context["page"]
    assert (page.paginator.count, page.paginator.more_than) == (3, None)
    with mock.patch.object(case_views, "SEARCH_COUNT_CAP", 4):
        page = _get(client_as(cw_b), q="محمد").context["page"]
    assert page.paginator.more_than == 4
    # The page's rows are values (children/selectors/case_rows.py): their cases' organisations.
    shown = Case.objects.filter(pk__in=[row.pk for row in page]).values_list("organisation_id")
    assert len(page) and set(shown) == {(cw_b.membership.organisation_id,)}


def test_the_count_stops_one_past_the_cap(client_as, cw_a, mohammads, small_pages):
    mohammads(CAP + 2)
    client = client_as(cw_a)

    with CaptureQueriesContext(connection) as queries:
        _get(client, q="محمد")
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert counts[0].endswith(f"LIMIT {CAP + 1}) subquery")
    with CaptureQueriesContext(connection) as queries:
        _get(client, q="محمد", page=3)  # the page ends past the cap: counted one past the page
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts[0].endswith(f"LIMIT {3 * PAGE_SIZE + 1}) subquery")


def test_the_list_without_a_search_keeps_its_exact_count(client_as, cw_a, mohammads, small_pages):
    mohammads(CAP + 2)

    response = _get(client_as(cw_a))

    assert response.context["page"].paginator.count == CAP + 2
    assert "7 cases" in _text(response)
    assert "Page 1 of 4" in _text(response)
