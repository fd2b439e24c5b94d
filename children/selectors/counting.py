"""Exact counts beside capped lists, without a query when the list already holds every row.

"My work" shows each list capped (the first fifty) with its exact count. When the list came back
shorter than its cap it holds every matching row, so its counts are its length and a look at its
rows; only a full list needs the COUNT query. Most lists of most users are short.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, QuerySet

# A count: the SQL condition (None for every row) and the same condition on a row read.
Condition = tuple[Q | None, Callable[[Any], bool]]

EVERY_ROW: Condition = (None, lambda row: True)


def counts(
    rows: list[Any], limit: int, queryset: QuerySet[Any], **named: Condition
) -> dict[str, int]:
    """{name: how many rows of `queryset` meet the condition}, from `rows` (the first `limit`
    rows of `queryset`) when they are all of them, else from one aggregate query."""
    if len(rows) < limit:
        return {name: sum(1 for row in rows if test(row)) for name, (_q, test) in named.items()}
    return queryset.aggregate(
        **{name: Count("pk", filter=condition) for name, (condition, _test) in named.items()}
    )


def count(rows: list[Any], limit: int, queryset: QuerySet[Any]) -> int:
    """How many rows `queryset` has, `rows` being its first `limit`."""
    return len(rows) if len(rows) < limit else queryset.count()
