"""Spreadsheet imports of every kind: the job, its service, pages, task and command (ADR 0012).

The machinery lives here; the kinds (what a file's columns are and how its rows are checked and
written) live with the app whose records they write and register here when that app starts.
"""
