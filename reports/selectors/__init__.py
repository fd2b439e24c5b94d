"""Reads for reports and dashboards, one module per area."""
