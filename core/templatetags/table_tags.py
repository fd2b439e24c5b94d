"""Template helpers for tables that become cards on a phone (static/css/lists.css).

A stacked row shows each value under its column's name, so a row of figures must carry the names
of its columns: `{% for label, count in row.counts|labelled:columns %}`.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

register = template.Library()


def column_label(column: Any) -> str:
    """A column's name, whether the column is a name, a (key, name) pair or has a "label"."""
    if isinstance(column, Mapping):
        return str(column.get("label", ""))
    if isinstance(column, tuple | list):
        return str(column[-1])
    return str(getattr(column, "label", column))


@register.filter
def labelled(cells: Iterable[Any], columns: Iterable[Any]) -> list[tuple[str, Any]]:
    """Each cell of a row with the name of its column: [(name, cell), ...]."""
    return [(column_label(column), cell) for column, cell in zip(columns, cells, strict=False)]


@register.filter
def in_use_after(form: Any, shown: int) -> bool:
    """Whether a field of `form` after the first `shown` holds a value: the list's filters then
    open with their "more" part showing (templates/includes/filter_form.html)."""
    fields = list(form.visible_fields())[int(shown) :]
    return any(_has_value(field.value()) for field in fields)


def _has_value(value: Any) -> bool:
    if isinstance(value, list | tuple):  # a range field's parts
        return any(_has_value(part) for part in value)
    return value not in (None, "")
