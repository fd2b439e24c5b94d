"""The project's form renderer writes selects in Python: the markup must be Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy, override

from core.forms_renderer import FormRenderer

CHOICES = [
    ("", gettext_lazy("All")),
    ("a", 'Alpha <b>&"quoted"'),
    ("Group", [("g1", "One"), ("g2", "Two")]),
    (3, "Three"),
]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    chosen = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"data-x": 'a"b'}))
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flag = forms.NullBooleanField(required=False)
    off = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)
    numbers = forms.TypedChoiceField(choices=[(1, 1), (2, 2.5)], coerce=int, required=False)


def _render_all(renderer, data):
    form = Sample(data, renderer=renderer)
    form.is_valid()
    return [
        field.as_widget(attrs={"class": "form-select", "aria-invalid": True, "hidden": False})
        for field in form
    ]


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {"plain": "a", "chosen": "g2", "many": ["a", "3"], "flag": "true", "numbers": "1"}],
)
def test_selects_render_as_django_renders_them(language, data):
    with override(language):
        ours = _render_all(FormRenderer(), data)
        django = _render_all(DjangoTemplates(), data)
    assert ours == django
    assert "selected>Two</option>" in "".join(ours) or data is None
