"""The ministry dashboard's filter reads its province options with compiled SQL (issue 21): the
same options, in the same order and language, as Django's own field over the provinces."""

import pytest
from django import forms
from django.utils import translation

from core.models import Province
from reports.views.national import DashboardFilter
from tests.factories import province

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_province_options_are_djangos_own(language):
    province("tehran")
    province("razavi-khorasan")
    plain = forms.ModelChoiceField(queryset=Province.objects.all(), empty_label="—")
    with translation.override(language):
        form = DashboardFilter({"province": str(province("tehran").pk)})
        field = form.fields["province"]
        field.empty_label = "—"
        assert [(str(value), str(label)) for value, label in field.choices] == [
            (str(value), str(label)) for value, label in plain.choices
        ]
        assert form.is_valid()
        assert form.cleaned_data["province"] == province("tehran")
        assert str(form["province"]).count("<option") == len(plain.choices)


def test_a_province_that_is_not_there_is_refused():
    form = DashboardFilter({"province": "999999"})
    assert not form.is_valid()
    assert "province" in form.errors
