"""Chart specs for static/js/dashboard-charts.js: the one shape every chart on a page takes.

    {"type": "bar" | "line", "labels": [...], "datasets": [{"label", "data", "colour"?}],
     "horizontal": bool, "stacked": bool, "max": number?}

The page always carries the same numbers as a table; the chart is a picture of it.
"""

from collections.abc import Iterable, Sequence
from typing import Any


def chart_spec(
    labels: Iterable[object],
    datasets: Iterable[Sequence[Any]],
    *,
    kind: str = "bar",
    horizontal: bool = False,
    stacked: bool = False,
    maximum: float | None = None,
) -> dict[str, Any]:
    """`datasets` = [(label, values)] or [(label, values, colour)]; values may hold None (a gap)."""
    spec: dict[str, Any] = {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": [
            {"label": str(label), "data": list(values), **({"colour": rest[0]} if rest else {})}
            for label, values, *rest in datasets
        ],
        "horizontal": horizontal,
        "stacked": stacked,
    }
    if maximum is not None:
        spec["max"] = maximum
    return spec
