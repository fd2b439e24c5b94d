"""Form fields for Persian input: Jalali dates, numbers and national IDs in any digit form.

Persian users type Persian digits (۰-۹), copy Arabic-Indic ones (٠-٩) from messages and type
ASCII on a phone's numeric keypad; every field here accepts all three. The inputs are plain text
inputs with ``inputmode`` (so phones still show a numeric keypad) because browsers drop
non-ASCII digits from ``<input type="number">`` and ``type="date"`` shows a Gregorian picker.
Values shown back in Persian use Persian digits.

Use them in ModelForms by declaring the field, or with ``formfield_overrides`` in the admin.
"""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.i18n import is_persian
from core.jalali import MESSAGES as DATE_MESSAGES
from core.jalali import DateParseError, format_date, parse_date
from core.national_id import normalize_national_id, validate_national_id
from core.persian import to_latin_digits, to_latin_number, to_persian_digits

__all__ = [
    "JalaliDateField",
    "JalaliDateInput",
    "LocalizedDecimalField",
    "LocalizedDecimalInput",
    "LocalizedDigitsInput",
    "LocalizedIntegerField",
    "LocalizedTimeField",
    "NationalIdField",
]


class LocalizedDigitsInput(forms.TextInput):
    """A left-to-right text input for numbers and IDs; shows Persian digits in Persian.

    What the user typed is shown back as typed (digits converted only), so a rejected value can
    be corrected rather than retyped.
    """

    input_mode = "numeric"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # dir=ltr keeps "-12" and "1405/09/07" in reading order inside a right-to-left page.
        # autocomplete=off: these hold children's data on shared office and phone browsers.
        defaults = {"inputmode": self.input_mode, "dir": "ltr", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        text: str | None = super().format_value(value)
        if text is None or not is_persian():
            return text
        if not isinstance(value, str):
            # A stored number: the Persian decimal separator, which the fields read back.
            text = text.replace(".", "\u066b")
        return to_persian_digits(text)


class LocalizedDecimalInput(LocalizedDigitsInput):
    input_mode = "decimal"  # phones show a keypad with a decimal point


class JalaliDateInput(LocalizedDigitsInput):
    """A text input for dates: a stored date is shown with ``format_date`` in the active language.

    That is Jalali with Persian digits in Persian and ISO Gregorian in English; the field reads
    both back. The placeholder shows the expected shape in the active language, worded so that
    it cannot be taken for a filled-in value. ``data-date-picker`` lets static/js/forms.js add a
    calendar button beside the input (a Jalali calendar in Persian, the phone's own in English);
    typing stays possible either way.
    """

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return format_date(value)
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Chosen at render time, not in __init__: forms are built once, rendered per language.
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", self.placeholder())
        widget_attrs.setdefault("data-date-picker", "jalali" if is_persian() else "gregorian")
        widget_attrs.setdefault("data-date-picker-label", str(_("Choose the date on a calendar")))
        return context

    @staticmethod
    def placeholder() -> str:
        # An example date alone reads as a date already filled in, so it says "for example".
        # Persian shows an example date rather than the words "سال/ماه/روز": inside a
        # left-to-right input the bidi algorithm reorders them and they read backwards; the
        # example's digits keep their order after the word.
        return (
            "مثلاً ۱۴۰۵/۰۹/۰۷"
            if is_persian()
            else str(pgettext_lazy("date placeholder", "YYYY-MM-DD"))
        )


class JalaliDateField(forms.DateField):
    """A date typed as Jalali (``۱۴۰۵/۰۹/۰۷``, ``1405-9-7``, ``05/09/07``) or ISO Gregorian.

    Cleans to a Gregorian ``datetime.date``; see ``core.jalali.parse_date`` for what is read.
    Error messages say what is wrong (wrong order, a month with fewer days) and can be replaced
    per form through ``error_messages`` with the keys "invalid", "day_first", "out_of_range"
    and "nonexistent".
    """

    widget = JalaliDateInput
    default_error_messages = DATE_MESSAGES

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        try:
            return parse_date(value if isinstance(value, datetime.date) else str(value).strip())
        except DateParseError as error:
            message = self.error_messages.get(error.code, error.message)
            raise ValidationError(message, code=error.code, params=error.params) from None


class LocalizedIntegerField(forms.IntegerField):
    """An integer typed with any digits, ``٬``/``,`` thousands separators and a leading minus."""

    widget = LocalizedDigitsInput

    def to_python(self, value: Any) -> int | None:
        return super().to_python(to_latin_number(value) if isinstance(value, str) else value)


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed with any digits and ``٫`` or ``.`` as the decimal separator."""

    widget = LocalizedDecimalInput

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return super().to_python(to_latin_number(value) if isinstance(value, str) else value)


class NationalIdField(forms.CharField):
    """A national ID (کد ملی): any digits, spaces and dashes allowed; cleans to ten ASCII digits."""

    widget = LocalizedDigitsInput
    default_validators = [validate_national_id]

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        return normalize_national_id(value)


class LocalizedTimeField(forms.TimeField):
    """A time such as ۱۰:۳۰ typed with a Persian keyboard, or 10:30."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TimeInput(
                format="%H:%M", attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.time | None:
        if isinstance(value, str):
            value = to_latin_digits(value).replace("\u066b", ":").strip()
        return super().to_python(value)


class PhoneInput(forms.TextInput):
    """A phone number: the telephone keypad on phones, Latin digits, left to right."""

    input_type = "tel"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "tel", "dir": "ltr", "autocomplete": "off", **(attrs or {})})


def use_phone_inputs(form: forms.BaseForm, names: tuple[str, ...]) -> None:
    """Give the form's phone fields among `names` the telephone keypad."""
    for name in names:
        if name in form.fields:
            form.fields[name].widget = PhoneInput()
