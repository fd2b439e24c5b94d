"""`{% error_summary %}` (issue 17): after a failed save, every page lists its field errors at
the top, each linking to the control it names."""

from django import forms
from django.template import Context, Template

from core.formfields import JalaliDateField

SUMMARY = Template("{% load form_tags %}{% error_summary %}")


class VisitForm(forms.Form):
    name = forms.CharField(label="Name")
    visit_date = JalaliDateField(label="Visit date")
    services = forms.MultipleChoiceField(
        label="Services", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def test_each_field_error_links_to_its_control():
    form = VisitForm(data={"name": "", "visit_date": "1404/12/30", "version": "x"})
    form.is_valid()

    html = SUMMARY.render(Context({"form": form}))

    assert 'data-testid="error-summary"' in html
    assert html.index('href="#id_name"') < html.index('href="#id_visit_date"')
    assert 'href="#id_services_0"' in html
    # A hidden field's error is listed without a link; the form's own error is left to the form.
    assert 'href="#id_version"' not in html and html.count("<li>") == 4
    assert "The whole form is wrong." not in html


def test_formsets_are_summarised_and_valid_or_unbound_forms_are_not():
    formset_class = forms.formset_factory(VisitForm, extra=0)
    formset = formset_class(
        data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-visit_date": "x"},
    )
    formset.is_valid()

    assert 'href="#id_form-0-name"' in SUMMARY.render(Context({"rows": formset}))
    assert SUMMARY.render(Context({"form": VisitForm()})).strip() == ""
