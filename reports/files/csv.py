"""Figure tables as one CSV: each table under its title, a blank line between tables."""

import csv
import io

from core.formulas import safe_cell


def tables_csv(title, subtitle, tables):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(title)])
    writer.writerow([safe_cell(subtitle)])
    for table in tables:
        writer.writerow([])
        writer.writerow([safe_cell(table["title"])])
        writer.writerow([safe_cell(column) for column in table["columns"]])
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            writer.writerow([safe_cell(value) for value in row])
    # A byte-order mark so that Excel reads the Persian text as UTF-8.
    return "\ufeff" + buffer.getvalue()
