"""Turning case fields into what a person reads: choice labels, Jalali dates, dashes for blanks."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext as _

from core.i18n import is_persian
from core.jalali import format_date
from core.persian import to_persian_digits

from .models import Case

BLANK = "—"


def display_value(case, name):
    field = Case._meta.get_field(name)
    value = getattr(case, name)
    if value in (None, "", []):
        return BLANK
    if isinstance(field, ArrayField):
        labels = dict(field.base_field.choices or [])
        separator = "، " if is_persian() else ", "
        return separator.join(str(labels.get(item, item)) for item in value)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = str(value)
    return to_persian_digits(text) if is_persian() and isinstance(value, int) else text


def section_rows(case, form_class):
    """(label, value) for each field of a section form, in the form's order.

    Labels come from the form class itself: building a bound ModelForm per section only to read
    its labels was a measurable share of the case page's time.
    """
    fields = form_class.base_fields
    return [(fields[name].label, display_value(case, name)) for name in form_class._meta.fields]
