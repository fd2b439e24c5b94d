"""`{{ field|bootstrap }}`: render a form field with Bootstrap's classes and its error state;
`{% error_summary %}`: the page's form errors at its top, each linking to its field."""

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def bootstrap(field: forms.BoundField, described: str = "") -> SafeString:
    """The field's control with Bootstrap's class; in error, marked invalid for screen readers too.

    `{{ field|bootstrap:"described" }}` also points the control at its messages with
    aria-describedby: only for templates that render them as `<div id="{{ field.auto_id }}-error">`
    (a reference to a missing id is itself an accessibility error)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {}
    if field.errors:
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
        if described and field.auto_id:
            attrs["aria-describedby"] = f"{field.auto_id}-error"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={**attrs, "class": f"{existing} {css}".strip()})


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context: template.Context) -> dict[str, Any]:
    """Every field error of the page's bound forms, listed at the top with a link to its field.

    Placed once in base.html so that every form gets it: a failed save shows the page again from
    its top, where a person on a phone sees neither the fields in error nor how many there are.
    The forms are found in the page's context (forms and formsets alike). Errors of the form as a
    whole are left out: each form template already shows them at the top of its form, and the
    summary would say them twice."""
    problems: list[dict[str, str]] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, forms.BaseFormSet) and value.is_bound:
            for form in value.forms:
                problems += _form_problems(form)
        elif isinstance(value, forms.BaseForm) and value.is_bound:
            problems += _form_problems(value)
    return {"problems": problems}


def _form_problems(form: forms.BaseForm) -> list[dict[str, str]]:
    if not form.errors:
        return []
    problems = []
    for field in form:
        for error in field.errors:
            problem = {"label": str(field.label or ""), "message": str(error)}
            target = _first_control_id(field)
            if target:
                problem["href"] = f"#{target}"
            problems.append(problem)
    return problems


def _first_control_id(field: forms.BoundField) -> str:
    """The id of the control a link to `field` should reach: for a list of checkboxes or radio
    buttons (whose label names no single control) the first of them."""
    if field.is_hidden:
        return ""
    if field.id_for_label:
        return str(field.id_for_label)
    choices = field.subwidgets
    return str(choices[0].id_for_label or "") if choices else ""


@register.filter
def check_input(choice: forms.boundfield.BoundWidget) -> SafeString:
    """One checkbox or radio button of a list, with Bootstrap's class (`choice.tag` has none)."""
    attrs = dict(choice.data["attrs"])
    attrs["class"] = f"{attrs.get('class', '')} form-check-input".strip()
    context = {"widget": {**choice.data, "attrs": attrs, "wrap_label": False}}
    return mark_safe(choice.renderer.render(choice.template_name, context))  # noqa: S308 - the widget's own template
