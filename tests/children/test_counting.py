"""Counts beside capped lists: from the rows when they are all of them, else from the database,
the same either way (children/selectors/counting.py)."""

from django.db.models import Q

from children.selectors.counting import EVERY_ROW, count, counts
from core.models import Province


def _counts(limit):
    provinces = Province.objects.order_by("code")
    rows = list(provinces[:limit])
    return rows, counts(
        rows,
        limit,
        provinces,
        total=EVERY_ROW,
        with_t=(Q(code__startswith="t"), lambda row: row.code.startswith("t")),
    )


def test_a_short_list_and_a_cut_list_count_the_same(db, django_assert_num_queries):
    with django_assert_num_queries(1):  # the list only
        rows, from_rows = _counts(limit=1000)
    assert len(rows) == from_rows["total"] > 5
    with django_assert_num_queries(2):  # the list and the aggregate
        rows, from_database = _counts(limit=5)
    assert len(rows) == 5
    assert from_database == from_rows
    assert from_rows["with_t"] == Province.objects.filter(code__startswith="t").count() > 0


def test_count_asks_only_for_a_full_list(db, django_assert_num_queries):
    provinces = Province.objects.order_by("code")
    total, every = provinces.count(), list(provinces.all())
    with django_assert_num_queries(0):
        assert count(every[:3], 4, provinces) == 3
    with django_assert_num_queries(1):
        assert count(every[:4], 4, provinces) == total
