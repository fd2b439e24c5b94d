"""Spreadsheets in and out, for every kind of import and export (issue 8).

``reading`` opens an upload safely (FU-01..03), ``cells`` reads one cell (words in Persian or
English, Jalali dates, any digits, provinces), ``table`` finds the header and reads a file column
by column into typed rows and row errors. Files are written by ``core.xlsx`` and ``core.exports``,
formula-safe (``core.formulas``, FU-04).
The kinds themselves (children, organisations, staff) live with their apps.
"""
