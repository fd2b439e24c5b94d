"""Chart specs for static/js/dashboard-charts.js: the one shape every chart on a page takes.

    {"type": "bar" | "line", "labels": [...],
     "datasets": [{"label", "data", "colour"?, "marks"?}],
     "horizontal": bool, "stacked": bool, "max": number?, "notes"?: {mark: text}}

The page always carries the same numbers as a table; the chart is a picture of it.

A value may be a number, None (a gap: nothing to show) or a mark, a string standing for a figure
that is withheld (a suppressed count, "<5"). A mark is never drawn as an empty bar, which reads
as zero: the dataset's `data` holds None there (what spreadsheets and PDFs plot as a gap) and
its `marks` holds the mark at the same index, which the page draws as a labelled hatch. `notes`
explain each mark in the tooltip.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def _dataset(label: object, values: Iterable[Any], rest: Sequence[Any]) -> dict[str, Any]:
    values = list(values)
    marks = [value if isinstance(value, str) else None for value in values]
    dataset: dict[str, Any] = {
        "label": str(label),
        "data": [None if isinstance(value, str) else value for value in values],
    }
    if rest:
        dataset["colour"] = rest[0]
    if any(marks):
        dataset["marks"] = marks
    return dataset


def chart_spec(
    labels: Iterable[object],
    datasets: Iterable[Sequence[Any]],
    *,
    kind: str = "bar",
    horizontal: bool = False,
    stacked: bool = False,
    maximum: float | None = None,
    notes: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """`datasets` = [(label, values)] or [(label, values, colour)]; values may hold None (a gap)
    or a mark (a withheld figure, explained by `notes`)."""
    spec: dict[str, Any] = {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": [_dataset(label, values, rest) for label, values, *rest in datasets],
        "horizontal": horizontal,
        "stacked": stacked,
    }
    if maximum is not None:
        spec["max"] = maximum
    if notes and any("marks" in dataset for dataset in spec["datasets"]):
        spec["notes"] = {mark: str(text) for mark, text in notes.items()}
    return spec
