"""The project's form renderer writes selects in Python: the markup must be Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy, override

from core.forms_renderer import WIDGETS, FormRenderer

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


class Inputs(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"dir": "ltr"}))
    number = forms.IntegerField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    mail = forms.EmailField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agree = forms.BooleanField(required=False)
    kinds = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    one = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.RadioSelect)


def _render_inputs(renderer, data, initial=None):
    form = Inputs(data, initial=initial, renderer=renderer)
    form.is_valid()
    html = [
        field.as_widget(attrs={"class": "form-control", "aria-invalid": True, "hidden": False})
        for field in form
    ]
    # One checkbox of a list without its label, as `check_input` (core/templatetags) draws it.
    for choice in form["kinds"]:
        html.append(choice.tag(wrap_label=False))
        html.append(str(choice))
    return html


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize(
    ("data", "initial"),
    [
        (None, None),
        (None, {"text": 'a <b>&"', "number": 12345, "note": "x\n<i>", "agree": True}),
        (
            {
                "text": '<script>"',
                "number": "12",
                "day": "2026-12-06",
                "mail": "not an address",
                "secret": "s&",
                "hidden": "h",
                "note": "line\n<b>",
                "agree": "on",
                "kinds": ["a", "3"],
                "one": "g1",
            },
            None,
        ),
    ],
)
def test_inputs_and_textareas_render_as_django_renders_them(language, data, initial):
    with override(language):
        ours = _render_inputs(FormRenderer(), data, initial)
        django = _render_inputs(DjangoTemplates(), data, initial)
    assert ours == django


def test_the_case_pages_forms_render_as_django_renders_them(rf):
    """The small forms every case page draws (notes, consent, closure), with the project's
    filters, are the markup Django's templates give."""
    from django.template import engines

    from children.forms import ClosureRequestForm, ConsentForm, NoteForm

    template = engines["django"].from_string(
        "{% load form_tags %}{% for field in form %}{{ field|bootstrap }}"
        "{% for choice in field %}{{ choice|check_input }}{% endfor %}{% endfor %}"
    )
    for form_class in (NoteForm, ConsentForm, ClosureRequestForm):
        ours = template.render({"form": form_class(renderer=FormRenderer())})
        django = template.render({"form": form_class(renderer=DjangoTemplates())})
        assert ours == django


def test_plain_inputs_need_no_template(monkeypatch):
    drawn = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda *args, **kwargs: drawn.append(args[1]))
    form = Inputs(renderer=FormRenderer())
    html = [field.as_widget() for field in form] + [choice.tag() for choice in form["kinds"]]
    assert drawn == [WIDGETS + "checkbox_select.html", WIDGETS + "radio.html"]
    assert html[0] == '<input type="text" name="text" dir="ltr" id="id_text">'
