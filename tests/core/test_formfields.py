"""Form fields that accept Persian input: Jalali dates, numbers, national IDs."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.utils.translation import override

from core.formfields import (
    JalaliDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    NationalIdField,
)

FOUNDING_MEETING = datetime.date(2017, 12, 28)


class VisitForm(forms.Form):
    visit_date = JalaliDateField()
    hours_a_week = LocalizedIntegerField(required=False, min_value=0)
    share_of_income = LocalizedDecimalField(required=False, max_digits=5, decimal_places=2)
    national_id = NationalIdField(required=False)


# --- JalaliDateField ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["۱۳۹۶/۱۰/۰۷", "1396-10-7", "٩٦/١٠/٠٧", "2017-12-28"])
def test_date_field_cleans_jalali_and_iso_input_to_gregorian(typed):
    form = VisitForm(data={"visit_date": typed})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["visit_date"] == FOUNDING_MEETING


def test_date_field_error_is_shown_beside_the_field_in_english():
    with override("en"):
        form = VisitForm(data={"visit_date": "1404/12/30"})

        assert not form.is_valid()
        assert form.errors["visit_date"] == ["There is no such date: Esfand 1404 has 29 days."]
        assert form.has_error("visit_date", code="no_such_day")


def test_date_field_error_is_in_persian_for_persian_users():
    with override("fa"):
        form = VisitForm(data={"visit_date": "1404/12/30"})

        assert not form.is_valid()
        assert "اسفند ۱۴۰۴" in form.errors["visit_date"][0]


def test_date_field_rejects_day_first_dates_with_its_own_code():
    form = VisitForm(data={"visit_date": "28/12/2017"})

    assert not form.is_valid()
    assert form.has_error("visit_date", code="day_first")


def test_date_field_messages_can_be_replaced_per_form():
    field = JalaliDateField(error_messages={"invalid": "custom"})

    with pytest.raises(forms.ValidationError) as error:
        field.clean("garbage")

    assert error.value.messages == ["custom"]


def test_date_field_is_required_unless_told_otherwise():
    form = VisitForm(data={"visit_date": ""})

    assert form.has_error("visit_date", code="required")
    assert JalaliDateField(required=False).clean("") is None


def test_date_widget_shows_initial_value_in_jalali_with_persian_digits_in_persian():
    form = VisitForm(initial={"visit_date": FOUNDING_MEETING})

    with override("fa"):
        html = str(form["visit_date"])

    assert 'value="۱۳۹۶/۱۰/۰۷"' in html
    assert 'placeholder="مثلاً ۱۴۰۵/۰۹/۰۷"' in html
    assert 'data-date-picker="jalali"' in html
    assert 'inputmode="numeric"' in html
    assert 'dir="ltr"' in html
    assert 'type="text"' in html


def test_date_widget_shows_initial_value_as_iso_in_english():
    form = VisitForm(initial={"visit_date": FOUNDING_MEETING})

    with override("en"):
        html = str(form["visit_date"])

    assert 'value="2017-12-28"' in html
    assert 'placeholder="YYYY-MM-DD"' in html
    assert 'data-date-picker="gregorian"' in html


def test_date_widget_shows_a_rejected_value_as_typed():
    form = VisitForm(data={"visit_date": "1404/12/30"})

    with override("en"):
        html = str(form["visit_date"])

    assert 'value="1404/12/30"' in html


def test_date_shown_in_either_language_cleans_back_to_the_same_date():
    for lang in ("fa", "en"):
        with override(lang):
            shown = JalaliDateField().widget.format_value(FOUNDING_MEETING)
            assert JalaliDateField().clean(shown) == FOUNDING_MEETING


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"), [("۴۲", 42), ("٤٢", 42), ("42", 42), ("۱٬۲۰۰", 1200)]
)
def test_integer_field_accepts_every_digit_form(typed, expected):
    assert LocalizedIntegerField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["۴٫۵", "1,5", "چهل", "12abc"])
def test_integer_field_rejects_what_is_not_a_whole_number(typed):
    with pytest.raises(forms.ValidationError) as error:
        LocalizedIntegerField().clean(typed)

    assert error.value.code == "invalid"


def test_integer_field_keeps_its_limits():
    form = VisitForm(data={"visit_date": "1396/10/07", "hours_a_week": "−۵"})

    assert form.has_error("hours_a_week", code="min_value")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("۳۷٫۵", Decimal("37.5")),
        ("٣٧٫٥", Decimal("37.5")),
        ("37.5", Decimal("37.5")),
        ("۱۰۰", Decimal("100")),
    ],
)
def test_decimal_field_accepts_persian_decimal_separator_and_digits(typed, expected):
    assert LocalizedDecimalField().clean(typed) == expected


def test_decimal_field_keeps_its_digit_limits():
    form = VisitForm(data={"visit_date": "1396/10/07", "share_of_income": "۱۲٫۳۴۵"})

    assert form.has_error("share_of_income", code="max_decimal_places")


def test_number_widgets_are_text_inputs_with_numeric_keypads():
    form = VisitForm()

    assert 'type="text"' in str(form["hours_a_week"])
    assert 'inputmode="numeric"' in str(form["hours_a_week"])
    assert 'inputmode="decimal"' in str(form["share_of_income"])


def test_number_widgets_show_stored_values_in_persian_digits_in_persian():
    form = VisitForm(initial={"hours_a_week": 12, "share_of_income": Decimal("37.50")})

    with override("fa"):
        assert 'value="۱۲"' in str(form["hours_a_week"])
        assert 'value="۳۷٫۵۰"' in str(form["share_of_income"])
    with override("en"):
        assert 'value="37.50"' in str(form["share_of_income"])


def test_a_persian_decimal_shown_in_the_form_cleans_back_to_the_same_value():
    field = LocalizedDecimalField(max_digits=5, decimal_places=2)

    with override("fa"):
        shown = field.widget.format_value(Decimal("37.50"))

    assert field.clean(shown) == Decimal("37.50")


# --- NationalIdField ------------------------------------------------------------------------


def test_national_id_field_cleans_any_digits_and_dashes_to_ten_ascii_digits():
    assert NationalIdField().clean(" ۰۰۱-۲۳۴۵۶۷-۹ ") == "0012345679"


def test_national_id_field_rejects_a_wrong_check_digit_beside_the_field():
    form = VisitForm(data={"visit_date": "1396/10/07", "national_id": "0012345678"})

    assert not form.is_valid()
    assert form.has_error("national_id", code="invalid_national_id")


def test_national_id_field_rejects_ten_times_the_same_digit():
    with pytest.raises(forms.ValidationError):
        NationalIdField().clean("۱۱۱۱۱۱۱۱۱۱")


def test_national_id_field_may_be_left_empty_when_not_required():
    assert NationalIdField(required=False).clean("  ") == ""
