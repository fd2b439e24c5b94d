"""The paginator that counts in the page's own query gives the pages Django's paginator gives."""

import pytest
from django.core.paginator import Paginator

from core.models import Province
from core.pagination import CountInPagePaginator, FirstRankPaginator

PER_PAGE = 7


@pytest.fixture
def provinces(db):
    """31 rows of the test's own (5 pages of 7, the last of 3): the migration's provinces are gone
    after a transactional test has flushed the database."""
    Province.objects.bulk_create(
        Province(code=f"paged-{n:02d}", name_fa=f"استان {n}", name_en=f"Province {n}")
        for n in range(1, 32)
    )
    queryset = Province.objects.filter(code__startswith="paged-").order_by("code")
    assert queryset.count() == 31
    return queryset


def _same(page, expected):
    assert list(page.object_list) == list(expected.object_list)
    assert page.number == expected.number
    assert page.paginator.count == expected.paginator.count
    assert page.paginator.num_pages == expected.paginator.num_pages
    assert (page.has_previous(), page.has_next()) == (expected.has_previous(), expected.has_next())
    assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


@pytest.mark.parametrize("number", [1, 2, 5, "3", 3.0])
def test_a_page_in_range_is_the_same_as_djangos(provinces, number):
    page = CountInPagePaginator(provinces, PER_PAGE).get_page(number)

    _same(page, Paginator(provinces, PER_PAGE).get_page(number))


def test_a_page_and_its_count_take_two_queries(provinces, django_assert_num_queries):
    with django_assert_num_queries(2):  # the keys with the total, then the rows
        page = CountInPagePaginator(provinces, PER_PAGE).get_page(5)
        assert page.paginator.count == 31
        assert page.paginator.num_pages == 5
        assert len(page) == 3


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("abc", id="not-a-number"),
        pytest.param(2.5, id="fraction"),
        pytest.param(0, id="zero"),
        pytest.param(-1, id="negative"),
        pytest.param(6, id="past-the-end"),
        pytest.param("999", id="far-past-the-end"),
    ],
)
def test_a_page_out_of_range_falls_back_as_djangos_does(provinces, number):
    page = CountInPagePaginator(provinces, PER_PAGE).get_page(number)

    _same(page, Paginator(provinces, PER_PAGE).get_page(number))


def test_no_matches_give_one_empty_page_in_one_query(provinces, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountInPagePaginator(provinces.filter(pk=-1), PER_PAGE).get_page(1)
        assert list(page) == []
        assert page.paginator.count == 0
        assert page.paginator.num_pages == 1


def test_orphans_are_refused(provinces):
    with pytest.raises(ValueError):
        CountInPagePaginator(provinces, PER_PAGE, orphans=2)


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6, 0, "x"])
def test_a_capped_count_gives_djangos_pages_and_their_next_links(provinces, number):
    """31 rows, a cap of 10: the first page counts 11 and says "more than 10"; a page past the
    cap counts one past its end, so its next link is there while rows go on."""
    paginator = FirstRankPaginator(provinces, PER_PAGE, first_rank=provinces, count_cap=10)
    page = paginator.get_page(number)
    expected = Paginator(provinces, PER_PAGE).get_page(number)

    assert list(page.object_list) == list(expected.object_list)
    assert page.number == expected.number
    assert (page.has_previous(), page.has_next()) == (expected.has_previous(), expected.has_next())
    assert paginator.more_than == 10
    if number == 1:
        assert paginator.count == 11
    if number == 4:
        assert paginator.count == 4 * PER_PAGE + 1


def test_up_to_the_cap_the_count_is_exact(provinces):
    paginator = FirstRankPaginator(provinces, PER_PAGE, first_rank=provinces, count_cap=31)
    page = paginator.get_page(1)

    assert (paginator.count, paginator.num_pages, paginator.more_than) == (31, 5, None)
    _same(page, Paginator(provinces, PER_PAGE).get_page(1))


@pytest.mark.parametrize("first_rank", [True, False])
@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_pages_rows_are_read_by_key_from_rows_from(provinces, first_rank, number):
    """`rows_from` gives the rows (its columns, its joins), the search gives their keys."""
    searched = provinces.filter(name_en__endswith="1") | provinces.filter(name_en__endswith="2")
    searched = searched.order_by("-code")  # 7 rows: 31, 22, 21, 12, 11, 2 and 1
    rows_from = Province.objects.filter(code__startswith="paged-").only("code")
    paginator = FirstRankPaginator(
        searched, 3, first_rank=searched if first_rank else None, rows_from=rows_from
    )
    page = paginator.get_page(number)
    expected = Paginator(searched, 3).get_page(number)

    assert [row.pk for row in page.object_list] == [row.pk for row in expected.object_list]
    assert all("name_en" in row.get_deferred_fields() for row in page.object_list)
    assert paginator.count == expected.paginator.count


def test_rows_from_leaves_out_the_keys_it_does_not_hold(provinces):
    """A key `rows_from` does not hold is not shown (its access rule decides)."""
    hidden = provinces.order_by("code").first()
    rows_from = provinces.exclude(pk=hidden.pk)
    page = CountInPagePaginator(provinces, PER_PAGE, rows_from=rows_from).get_page(1)

    assert hidden not in page.object_list
    assert len(page.object_list) == PER_PAGE - 1
