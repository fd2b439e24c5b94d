"""Spreadsheet imports of children (issue 8): read safely, validate every row, load in one go.

reading → parsing/validate (typed rows and row errors) → load (one transaction, COPY + INSERT …
SELECT). `columns` is the one place that names the template's columns.
"""
