"""The case list's labels for a row's status and risk level, read from the choices themselves:
a model's `get_status_display()` builds a dictionary of every choice on each call, twice a row
(about 40 µs a row; issue 21)."""

from django import template
from django.db import models

from ..models.choices import CaseStatus, RiskLevel

register = template.Library()


def _label(choices: type[models.TextChoices], value: str) -> str:
    """What the model's `get_<field>_display()` gives: the choice's label, else the value."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def status_label(value: str) -> str:
    return _label(CaseStatus, value)


@register.filter
def risk_label(value: str) -> str:
    return _label(RiskLevel, value)
