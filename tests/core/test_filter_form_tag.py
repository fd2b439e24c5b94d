"""`{% filter_form form %}` writes what templates/includes/filter_form.html draws, to the byte:
the lists' filter forms, bound or not, in error, with one or two fields in view, a prefix,
markup in labels and values, in Persian and English."""

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from children.access import encounters_visible_to
from children.filters import CaseFilter, EncounterFilter
from children.selectors.cases import cases_visible_to

INCLUDED = '{% include "includes/filter_form.html" with form=form %}'
INCLUDED_SHOWN = '{% include "includes/filter_form.html" with form=form shown=shown %}'
WRITTEN = "{% load form_tags %}{% filter_form form %}"
WRITTEN_SHOWN = "{% load form_tags %}{% filter_form form shown %}"


class OddForm(forms.Form):
    """Labels and values with markup, a checkbox, a hidden field, a required field in error."""

    term = forms.CharField(label='<b>Term</b> & "more"', required=True)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "All"), ("<x>", "<X> & y")], required=False
    )
    flagged = forms.BooleanField(label="Flagged", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label="Note", required=False, max_length=3)


def _both(form, shown=None):
    engine = engines["django"]
    if shown is None:
        return (
            engine.from_string(INCLUDED).render({"form": form}),
            engine.from_string(WRITTEN).render({"form": form}),
        )
    context = {"form": form, "shown": shown}
    return (
        engine.from_string(INCLUDED_SHOWN).render(context),
        engine.from_string(WRITTEN_SHOWN).render(context),
    )


ODD_DATA = [
    None,
    {},
    {"term": "<script>", "kind": "<x>", "flagged": "on", "note": "toolong\"'"},
    {"kind": "nonsense"},
]


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("data", ODD_DATA)
@pytest.mark.parametrize("shown", [None, 1, 2, 3, 9])
@pytest.mark.parametrize("prefix", [None, "p<1>"])
def test_a_plain_form_is_written_as_the_include_draws_it(language, data, shown, prefix):
    with translation.override(language):
        form = OddForm(data, prefix=prefix) if data is not None else OddForm(prefix=prefix)
        if data is not None and prefix:
            form = OddForm({f"{prefix}-{key}": value for key, value in data.items()}, prefix=prefix)
        drawn, written = _both(form, shown)
    assert written == drawn
    assert "filter-form" in written


LIST_QUERIES = [
    {},
    {"q": "محمد"},
    {"q": "محمد", "status": "in_progress", "risk_level": "high", "sex": "female"},
    {"status": "bogus", "assigned_to": "999999", "province": "x"},
    {"labour_flag": "under_15", "page": "2"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("query", LIST_QUERIES)
def test_the_lists_filter_forms_are_written_as_the_include_draws_them(language, query, cw_a, mgr_b):
    factory = RequestFactory()
    for user in (cw_a, mgr_b):
        request = factory.get("/", query)
        request.user = user
        with translation.override(language):
            cases = CaseFilter(request.GET, queryset=cases_visible_to(user), request=request)
            drawn, written = _both(cases.form)
            assert written == drawn
            encounters = EncounterFilter(
                request.GET, queryset=encounters_visible_to(user), request=request
            )
            for shown in (1, 2):
                drawn, written = _both(encounters.form, shown)
                assert written == drawn
