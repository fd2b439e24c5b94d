"""Turning case fields into what a person reads: choice labels, Jalali dates, dashes for blanks."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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


# A section form's (field name, label as text) for a language: the labels are the form class's,
# written in the code, and translating each on every case page cost more than the rows (issue 21).
_section_labels: dict[tuple[type, str | None], list[tuple[str, str]]] = {}


def section_rows(case, form_class):
    """(label, value) for each field of a section form, in the form's order.

    Labels come from the form class itself: building a bound ModelForm per section only to read
    its labels was a measurable share of the case page's time.
    """
    key = (form_class, get_language())
    labels = _section_labels.get(key)
    if labels is None:
        fields = form_class.base_fields
        labels = _section_labels[key] = [
            (name, str(fields[name].label)) for name in form_class._meta.fields
        ]
    return [(label, display_value(case, name)) for name, label in labels]


# A row of a record section on the case page, as children/case_detail.html's loop over the rows
# wrote it (whitespace included): the loop cost more than the rows (issue 21).
_SECTION_ROW = (
    '\n            <dt class="col-sm-5 fw-normal text-body-secondary">{}</dt>'
    '\n            <dd class="col-sm-7">{}</dd>\n            '
)


def section_rows_html(rows):
    """The case page's <dl> rows of a section's `section_rows`, labels and values escaped."""
    html = "".join(
        _SECTION_ROW.format(conditional_escape(label), conditional_escape(value))
        for label, value in rows
    )
    return mark_safe(html)  # noqa: S308 (every value escaped above)


# Stands for a row's id in a URL reversed once for many rows; no id gets this long.
_ROW_ID = 987654321987654321


def url_around(name, *args):
    """(head, tail) of `reverse(name, args=[*args, id])` for any row id: reversed once for a
    list's rows, which the template writes as `{{ head }}{{ row.pk }}{{ tail }}`."""
    head, _id, tail = reverse(name, args=[*args, _ROW_ID]).rpartition(str(_ROW_ID))
    return head, tail
