"""Spreadsheet imports of children and outreach encounters (issue 8).

The shared pipeline is in ``core.spreadsheets`` (safe reading, cell parsers, header and column
parsing, the kinds' base classes). Here: the children template's columns (``columns``, the one
place that names them) and words (``parsing``), their validation (``validate``) and bulk load in
one transaction (``load``: COPY + INSERT … SELECT), the outreach-log kind (``encounters``) and the
list of every kind (``kinds``).
"""
