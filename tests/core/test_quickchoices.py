"""core/quickchoices.py: the same HTML as Django's own field, and the same refusals."""

import pytest
from django import forms
from django.utils import translation

from core.i18n import localised
from core.models import Province
from core.quickchoices import RowChoiceField


def _fields(**kwargs):
    queryset = Province.objects.all()
    django_own = forms.ModelChoiceField(queryset, **kwargs)
    quick = RowChoiceField(
        queryset, label_fields=("name_fa", "name_en"), label_from_row=localised, **kwargs
    )
    return django_own, quick


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("empty_label", ["All <&>", None])
def test_the_select_is_djangos_own_html(db, language, empty_label):
    django_own, quick = _fields(empty_label=empty_label)
    chosen = Province.objects.get(code="fars").pk
    attrs = {"id": "id_province", "class": "form-select", "data-on": True, "hidden": False}

    with translation.override(language):
        for value in (None, chosen, str(chosen), "not a number"):
            assert quick.widget.render("province", value, attrs) == django_own.widget.render(
                "province", value, attrs
            )


def test_a_choice_outside_the_queryset_is_refused(db):
    _django_own, quick = _fields(empty_label="All")
    quick.queryset = Province.objects.filter(code="tehran")
    fars = Province.objects.get(code="fars")

    with pytest.raises(forms.ValidationError):
        quick.clean(str(fars.pk))
    assert quick.clean(str(Province.objects.get(code="tehran").pk)).code == "tehran"


def test_the_choices_are_read_when_drawn_not_when_the_form_is_made(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        _django_own, quick = _fields(empty_label="All")
    with django_assert_num_queries(1):
        quick.widget.render("province", None)


@pytest.mark.parametrize("empty_label", ["All", None])
def test_the_options_context_is_djangos_own(db, empty_label):
    # RowSelect makes the options' dictionaries itself: the same as Django's Select, so a
    # template drawing them (not only the project's renderer) gives the same markup.
    chosen = str(Province.objects.get(code="fars").pk)
    quick = _fields(empty_label=empty_label)[1]
    django_select = forms.Select(attrs={"class": "form-select"})
    django_select.choices = list(quick.widget.choices)

    for value in ([""], [chosen], ["not a number"], []):
        assert quick.widget.optgroups("province", value, {"id": "id_province"}) == (
            django_select.optgroups("province", value, {"id": "id_province"})
        )
