"""core/quickchoices.py: the same HTML as Django's own field, and the same refusals."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

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


# --- Options written once per list (issue 21) ---------------------------------------------------


def _djangos(queryset, empty_label, name, value, attrs):
    """Django's own field drawn by Django's own templates: the reference for every request."""
    field = forms.ModelChoiceField(queryset, empty_label=empty_label)
    return field.widget.render(name, value, attrs, renderer=DjangoTemplates())


def _quick(queryset, empty_label, label_from_row=localised):
    # A new field each time, as a new form on each request makes.
    return RowChoiceField(
        queryset,
        label_fields=("name_fa", "name_en"),
        label_from_row=label_from_row,
        empty_label=empty_label,
    )


def test_the_selected_option_is_marked_only_in_its_own_request(db):
    fars, tehran = Province.objects.get(code="fars"), Province.objects.get(code="tehran")
    attrs = {"id": "id_province", "class": "form-select"}
    queryset = Province.objects.all()

    # The same list of options for each request; only the selection differs.
    for value in (fars.pk, str(tehran.pk), None, fars.pk, "", "not a number"):
        html = _quick(queryset, "All").widget.render("province", value, attrs)
        assert html == _djangos(queryset, "All", "province", value, attrs)
        selected = [line for line in html.split("\n") if " selected>" in line]
        expected = "" if value in (None, "") else str(value)
        assert len(selected) == (0 if value == "not a number" else 1)
        if selected:
            assert selected[0].startswith(f'  <option value="{expected}" selected>')


def test_a_changed_list_of_options_shows_at_once(db):
    queryset = Province.objects.order_by("pk")  # a name changed, the order kept
    attrs = {"id": "id_province"}
    before = _quick(queryset, "All").widget.render("province", None, attrs)
    fars = Province.objects.get(code="fars")
    fars.name_en = "Pars <renamed>"
    fars.save(update_fields=["name_en"])
    with translation.override("en"):
        renamed = _quick(queryset, "All").widget.render("province", fars.pk, attrs)
        assert renamed == _djangos(queryset, "All", "province", fars.pk, attrs)
    assert f'<option value="{fars.pk}" selected>Pars &lt;renamed&gt;</option>' in renamed
    added = Province.objects.create(code="new-one", name_fa="تازه", name_en="A new province")

    with translation.override("en"):
        after = _quick(queryset, "All").widget.render("province", added.pk, attrs)
        assert after == _djangos(queryset, "All", "province", added.pk, attrs)
    assert f'<option value="{fars.pk}">Pars &lt;renamed&gt;</option>' in after
    assert f'<option value="{added.pk}" selected>A new province</option>' in after
    assert "Pars" not in before


def test_languages_do_not_mix(db):
    queryset = Province.objects.all()
    attrs = {"id": "id_province"}
    chosen = Province.objects.get(code="fars").pk
    pages = {}
    for language in ("fa", "en", "fa", "en"):
        with translation.override(language):
            html = _quick(queryset, gettext_lazy("All")).widget.render("province", chosen, attrs)
            assert html == _djangos(queryset, gettext_lazy("All"), "province", chosen, attrs)
            assert pages.setdefault(language, html) == html
    assert ">Fars</option>" in pages["en"]
    assert ">فارس</option>" in pages["fa"]
    assert ">Fars</option>" not in pages["fa"]


def test_labels_that_are_not_plain_text_are_drawn_as_django_draws_them(db):
    # A safe string is written unescaped and a number localised: both left to the templates,
    # never served from text that was escaped for another list.
    queryset = Province.objects.all()
    attrs = {"id": "id_province"}
    chosen = Province.objects.get(code="fars").pk

    def safe(name_fa, name_en):
        return mark_safe(f"<b>{name_en}</b>")  # noqa: S308 - a test of markup kept as it is

    quick = _quick(queryset, "All", label_from_row=safe).widget.render("province", chosen, attrs)
    field = forms.ModelChoiceField(queryset, empty_label="All")
    field.label_from_instance = lambda province: mark_safe(f"<b>{province.name_en}</b>")  # noqa: S308
    assert quick == field.widget.render("province", chosen, attrs, renderer=DjangoTemplates())
    assert "<b>Fars</b>" in quick

    numbers = forms.ModelChoiceField(queryset, empty_label=None)
    numbers.label_from_instance = lambda province: 1234.5
    with translation.override("fa"):
        numbered = _quick(queryset, None, label_from_row=lambda fa, en: 1234.5).widget.render(
            "province", chosen, attrs
        )
        assert numbered == numbers.widget.render(
            "province", chosen, attrs, renderer=DjangoTemplates()
        )
