"""The one shape every figure table takes on its way to a page, a spreadsheet or a PDF.

A table is a plain dict, so a report can keep it in its JSON snapshot:

    {"id": "provinces", "title": "...", "columns": ["Province", "Registered", ...],
     "rows": [["Tehran", 120, "<5", ...], ...], "total": ["Total", ...] | None,
     "chart": {"type": "bar", "labels": [...], "datasets": [{"label", "data"}], ...} | None,
     "note": "..."}

Cells are numbers, text, None (not applicable) or a suppression marker. Labels are plain strings
in the language the table was built in.
"""

from django.utils.translation import gettext as _

from core.charts import chart_spec

from . import suppression


def table(table_id, title, columns, rows, total=None, chart=None, note=""):
    return {
        "id": table_id,
        "title": str(title),
        "columns": [str(column) for column in columns],
        "rows": [[_plain(cell) for cell in row] for row in rows],
        "total": [_plain(cell) for cell in total] if total else None,
        "chart": chart,
        "note": str(note),
    }


def _plain(cell):
    if cell is None or isinstance(cell, (int, float)):
        return cell
    return str(cell)


def chart_value(cell):
    """A cell as a chart point: hidden and missing figures become gaps."""
    if cell is None or suppression.is_hidden(cell) or not isinstance(cell, (int, float)):
        return None
    return cell


def chart_point(cell):
    """A cell as a chart point that keeps its suppression mark: core.charts turns the mark into
    a gap for spreadsheets and PDFs and a labelled hatch on the page."""
    return cell if suppression.is_hidden(cell) else chart_value(cell)


def mark_notes():
    """What each mark means, for the chart's tooltip (the table's cells say the same)."""
    return {
        suppression.SUPPRESSED: _("Fewer than 5: hidden to protect the children's identity"),
        suppression.HIDDEN: _("Hidden so that a total cannot reveal a figure under 5"),
    }


def bar_chart(labels, datasets, horizontal=False, stacked=False, kind="bar"):
    """A chart spec (core.charts) for the page, the XLSX chart sheet and the PDF; hidden
    figures become gaps there and marks on the page."""
    return chart_spec(
        labels,
        [(label, [chart_point(value) for value in values]) for label, values in datasets],
        kind=kind,
        horizontal=horizontal,
        stacked=stacked,
        notes=mark_notes(),
    )


def column_chart(table_data, value_columns, horizontal=True, stacked=False, kind="bar"):
    """A chart of some columns of a table, one bar per row (totals excluded)."""
    labels = [row[0] for row in table_data["rows"]]
    datasets = [
        (table_data["columns"][index], [row[index] for row in table_data["rows"]])
        for index in value_columns
    ]
    return bar_chart(labels, datasets, horizontal=horizontal, stacked=stacked, kind=kind)
