"""Figure tables (reports.tables) as an XLSX workbook: a figures sheet and one chart sheet each.

The figures sheet holds every table under its title, as people read them ("<5" and "*" as
text). Charts cannot plot text, so each chart reads a hidden sheet that repeats its numbers with
hidden figures left blank: Excel and LibreOffice draw a gap there. Every text cell is written
with `write_string` after `safe_cell`, so no label can become a formula (FU-04).
"""

import io

import xlsxwriter

from core.exports import safe_cell

from ..tables import chart_value

CHART_TYPES = {"bar": "bar", "line": "line"}


def tables_xlsx(title, subtitle, tables, *, right_to_left=True, sheet_names=None):
    """The workbook's bytes. `sheet_names` = (figures, chart data, chart prefix)."""
    figures_name, data_name, chart_prefix = sheet_names or ("Figures", "Chart data", "Chart")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    heading = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    cell = book.add_format({"border": 1})
    figures = book.add_worksheet(figures_name[:31])
    data_sheet = book.add_worksheet(data_name[:31])
    data_sheet.hide()
    for sheet in (figures, data_sheet):
        if right_to_left:
            sheet.right_to_left()
    figures.set_column(0, 0, 34)
    figures.set_column(1, 12, 16)
    figures.write_string(0, 0, safe_cell(title), heading)
    figures.write_string(1, 0, safe_cell(subtitle))

    row, data_row, chart_number = 3, 0, 0
    for table in tables:
        figures.write_string(row, 0, safe_cell(table["title"]), heading)
        row += 1
        _write_row(figures, row, table["columns"], bold)
        row += 1
        for values in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            _write_row(figures, row, values, cell)
            row += 1
        if table.get("note"):
            figures.write_string(row, 0, safe_cell(table["note"]))
            row += 1
        row += 1
        if table.get("chart"):
            chart_number += 1
            data_row = _chart_sheet(
                book, data_sheet, data_name, data_row, table, f"{chart_prefix} {chart_number}"
            )
    book.close()
    return buffer.getvalue()


def _write_row(sheet, row, values, style):
    for column, value in enumerate(values):
        value = safe_cell(value)
        if isinstance(value, str):
            sheet.write_string(row, column, value, style)
        else:
            sheet.write(row, column, value, style)


def _chart_sheet(book, data_sheet, data_name, first_row, table, name):
    """Copy the chart's numbers to the hidden sheet and add a chart sheet that plots them."""
    spec = table["chart"]
    labels = spec["labels"]
    data_sheet.write_string(first_row, 0, safe_cell(table["title"]))
    for index, label in enumerate(labels, start=1):
        data_sheet.write_string(first_row + index, 0, safe_cell(label))
    chart_type = CHART_TYPES.get(spec["type"], "bar")
    if chart_type == "bar" and not spec.get("horizontal"):
        chart_type = "column"
    options = {"type": chart_type}
    if spec.get("stacked") and chart_type in ("bar", "column"):
        options["subtype"] = "stacked"
    chart = book.add_chart(options)
    last = first_row + len(labels)
    for column, dataset in enumerate(spec["datasets"], start=1):
        data_sheet.write_string(first_row, column, safe_cell(dataset["label"]))
        for index, value in enumerate(dataset["data"], start=1):
            value = chart_value(value)
            if value is not None:
                data_sheet.write_number(first_row + index, column, value)
        chart.add_series(
            {
                "name": [data_name, first_row, column],
                "categories": [data_name, first_row + 1, 0, last, 0],
                "values": [data_name, first_row + 1, column, last, column],
            }
        )
    chart.set_title({"name": table["title"]})
    chart.show_blanks_as("gap")
    if len(spec["datasets"]) == 1:
        chart.set_legend({"none": True})
    sheet = book.add_chartsheet(name[:31])
    sheet.set_chart(chart)
    return last + 2
