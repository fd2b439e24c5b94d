"""A paginator that counts in the page's own query, for lists whose filter reads every match."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window

TOTAL = "paginator_total"


class CountInPagePaginator(Paginator):
    """Fetch the page and the number of matches in one query (`COUNT(*) OVER ()`).

    Django's paginator counts the matches with one query and reads the page with another. For a
    search ranked by similarity both queries must look at every candidate row (the filter cannot
    use an index to stop early), so the count doubles the cost of the page. Here the page's query
    carries the total on each row. Only a page past the end (an edited URL, or matches that went
    away) falls back to a separate count and reads the last page.

    `object_list` must be a QuerySet; orphans are not supported.
    """

    def __init__(self, object_list, per_page, **kwargs):
        if kwargs.get("orphans"):
            raise ValueError("CountInPagePaginator does not support orphans.")
        super().__init__(object_list, per_page, **kwargs)

    def get_page(self, number):
        try:
            number = self._page_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            return super().get_page(number)  # below 1: the last page, as Django does
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{TOTAL: Window(Count("pk"))})[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.count = getattr(rows[0], TOTAL)
        elif number == 1:
            self.count = 0
        else:
            return super().get_page(number)
        return self._get_page(rows, number, self)

    def _page_number(self, number):
        """Django's page-number check, without the upper bound (that needs the count)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
