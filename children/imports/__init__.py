"""Spreadsheet imports of children and outreach encounters (issue 8).

The shared pipeline is in ``core.spreadsheets`` (safe reading, cell parsers, header and column
parsing) and ``imports.kinds`` (the kinds' base classes). Here: the children template's columns (``columns``, the one
place that names them) and words (``parsing``), their validation (``validate``) and bulk load in
one transaction (``load``: COPY + INSERT … SELECT), the children kind (``kinds``) and the
outreach-log kind (``encounters``). The import job, its pages and its task are in the ``imports``
app, where ``ChildrenConfig.ready`` registers these two kinds.
"""
