"""Report and dashboard views, one module per area."""

from .organisation import organisation_dashboard

__all__ = ["organisation_dashboard"]
