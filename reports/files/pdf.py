"""A report as a PDF in the official right-to-left Persian layout (core/pdf.py renders it).

Charts are drawn in CSS (bars whose width is the figure's share of the largest one), because
WeasyPrint runs no JavaScript and CSS text gets the same Persian shaping as the tables.
"""

from collections.abc import Mapping
from typing import Any

from core.pdf import render_pdf

from .. import suppression
from ..tables import chart_value


def _mark(dataset, index):
    marks = dataset.get("marks") or []
    return marks[index] if index < len(marks) else None


def css_chart(spec):
    """Rows of (label, [(dataset label, value, width percent, colour index, mark)]) for the
    template. A suppressed count ("<5") is a hatched bar up to 4, the most it can be, labelled
    with its mark; another mark ("*") has no bar, only the label: never an empty bar."""
    values = [chart_value(v) for dataset in spec["datasets"] for v in dataset["data"]]
    largest = max([v for v in values if v is not None] or [0]) or 1
    rows = []
    for index, label in enumerate(spec["labels"]):
        bars = []
        for number, dataset in enumerate(spec["datasets"]):
            raw = dataset["data"][index]
            mark = _mark(dataset, index)
            value = (
                suppression.THRESHOLD - 1 if mark == suppression.SUPPRESSED else chart_value(raw)
            )
            width = max(0.5, 100 * value / largest) if value else 0
            bars.append((dataset["label"], mark or raw, round(width, 1), number % 6, mark))
        rows.append((label, bars))
    return {"rows": rows, "legend": [d["label"] for d in spec["datasets"]]}


def render_report_pdf(context: Mapping[str, Any]) -> bytes:
    """PDF bytes of a report; `context` has title, subtitle, built_at and tables."""
    tables = [
        {**table, "css_chart": css_chart(table["chart"]) if table.get("chart") else None}
        for table in context["tables"]
    ]
    return render_pdf("reports/report_pdf.html", {**context, "tables": tables}, language="fa")
