"""A paginator for ranked searches: the matches are looked at once, for the page and its count;
where they need not be ranked, they are counted only up to a cap."""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Func, IntegerField, Model, QuerySet, Window

TOTAL = "paginator_total"

# Django's Paginator takes no type argument at run time; only the checker sees it.
if TYPE_CHECKING:
    PaginatorBase = Paginator[Model]
else:
    PaginatorBase = Paginator


class CountInPagePaginator(PaginatorBase):
    """Read the page's keys and the number of matches in one query, then the page's rows.

    Django's paginator counts the matches with one query and reads the page with another. For a
    search ranked by similarity both queries must look at every candidate row (the filter cannot
    use an index to stop early), so the count doubles the cost of the page. Here the first query
    returns only the page's primary keys, each with the total (`COUNT(*) OVER ()`), so it reads
    and sorts narrow rows (an index-only scan where a covering index exists); the second reads
    the page's full rows by key. Only a page past the end (an edited URL, or matches that went
    away) falls back to a separate count and reads the last page.

    `count_cap`: past this many matches the page says "more than `count_cap`" (`more_than`)
    rather than a number, and a subclass may stop counting there (FirstRankPaginator).

    `rows_from`: the QuerySet the page's rows are read from by key (by default `object_list`).
    It must hold every row of `object_list` (the same access rule, without the search): the
    keys already passed the search, and its conditions, a few hundred SQL nodes for a name,
    need not be built and compiled again to read 25 rows (issue 21).

    `read_rows`: how the page's rows are read from that QuerySet (by default as model
    instances); each row must have the `pk` of its key, e.g. a named tuple read with
    `values_list` (children/selectors/case_rows.py).

    `object_list` must be a QuerySet; orphans are not supported.
    """

    object_list: QuerySet[Model]

    def __init__(
        self,
        object_list: QuerySet[Model],
        per_page: int,
        *,
        count_cap: int | None = None,
        rows_from: QuerySet[Model] | None = None,
        read_rows: Callable[[QuerySet[Model]], Iterable[Any]] = list,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("orphans"):
            raise ValueError("CountInPagePaginator does not support orphans.")
        super().__init__(object_list, per_page, **kwargs)
        self.count_cap = count_cap
        self.rows_from = object_list if rows_from is None else rows_from
        self.read_rows = read_rows

    @property
    def more_than(self) -> int | None:
        """`count_cap` when more matches than it were found, else None: `count` is then only a
        lower bound (enough for the next page's link), not a number to show."""
        if self.count_cap is not None and self.count > self.count_cap:
            return self.count_cap
        return None

    def get_page(self, number: int | float | str | None) -> Page[Model]:
        try:
            number = self._page_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            return super().get_page(number)  # below 1: the last page, as Django does
        bottom = (number - 1) * self.per_page
        keys = list(
            self.object_list.annotate(**{TOTAL: Window(Count("pk"))}).values_list("pk", TOTAL)[
                bottom : bottom + self.per_page
            ]
        )
        if keys:
            self.count = keys[0][1]
            return self._get_page(self._rows([pk for pk, _ in keys]), number, self)  # type: ignore[attr-defined, no-any-return]
        if number == 1:
            self.count = 0
            return self._get_page([], number, self)  # type: ignore[attr-defined, no-any-return]
        return super().get_page(number)

    def _rows(self, pks: list[Any]) -> list[Any]:
        """The page's rows in the order of `pks` (those deleted meanwhile are left out)."""
        rows = {row.pk: row for row in self.read_rows(self.rows_from.filter(pk__in=pks).order_by())}
        return [rows[pk] for pk in pks if pk in rows]

    def _page_number(self, number: Any) -> int:
        """Django's page-number check, without the upper bound (that needs the count)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return cast(int, number)


class FirstRankPaginator(CountInPagePaginator):
    """A CountInPagePaginator for a ranked search that can name its first-rank matches.

    `first_rank` is a QuerySet of the matches that all share the highest rank, in the order the
    ranking gives them (or None). While they fill the requested page, the page is theirs: its
    keys are read from `first_rank` (which can stop after a page, where the ranking must look at
    every match), and the matches are counted without being ranked. Otherwise the page is read
    as CountInPagePaginator reads it.

    With `count_cap`, that count stops one match past the cap, or past the page's end when the
    page lies beyond the cap: a common name matches thousands of cases and counting them all
    compares every case of the organisation by similarity (issue 21), where one more than the
    cap is enough to say "more than" and one past the page to know a next page exists.
    """

    def __init__(
        self,
        object_list: QuerySet[Model],
        per_page: int,
        *,
        first_rank: QuerySet[Model] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.first_rank = first_rank

    def get_page(self, number: int | float | str | None) -> Page[Model]:
        if self.first_rank is None:
            return super().get_page(number)
        try:
            number = self._page_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        pks = list(self.first_rank.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        if len(pks) < self.per_page:
            return super().get_page(number)
        self.count = self._count_to(bottom + self.per_page)
        return self._get_page(self._rows(pks), number, self)  # type: ignore[attr-defined, no-any-return]

    def _count_to(self, top: int) -> int:
        """The number of matches, counting no further than one past `count_cap` or `top`."""
        if self.count_cap is None:
            return self.object_list.count()
        # Unordered, so the scan stops at the limit rather than ranking every match first.
        limit = max(self.count_cap, top) + 1
        return self.object_list.order_by().values("pk")[:limit].count()


def count_of(queryset: QuerySet[Model]) -> QuerySet[Model]:
    """One row: how many rows `queryset` has, as `count()` asks it (`COUNT(*)`), as a
    `values_list` for a CompiledRows (core/compiled.py). Not `counts_of`'s COUNT of the key:
    PostgreSQL then reads every row's key from the table where `COUNT(*)` reads only an index
    (an organisation's 60,000 encounters: 500 ms against 20)."""
    # A plain function, not an aggregate: an aggregate would make Django group the rows.
    counted = Func(template="COUNT(*)", output_field=IntegerField())
    return queryset.order_by().values_list(counted)
