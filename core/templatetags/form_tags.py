"""`{{ field|bootstrap }}`: render a form field with Bootstrap's classes and its error state;
`{% error_summary %}`: the page's form errors at its top, each linking to its field;
`{% filter_form form %}`: a list's filters, as templates/includes/filter_form.html draws them."""

from typing import Any

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .table_tags import in_use_after

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


# templates/includes/filter_form.html and filter_field.html, to the whitespace.
_FILTER_FORM = (
    '\n<form method="get" class="card card-body mb-3 py-2" data-testid="filter-form">\n'
    '  <div class="row g-2 align-items-end">\n'
    "    {first}\n"
    '    <div class="filter-more collapse{open}" id="filter-more-{prefix}">\n'
    "      {more}\n"
    "    </div>\n"
    '    <div class="col-12 col-lg-2 d-flex flex-wrap gap-2">\n'
    '      <button type="submit" class="btn btn-primary btn-sm">{filter}</button>\n'
    '      <a class="btn btn-outline-secondary btn-sm" href="?">{clear}</a>\n'
    "      {toggle}\n"
    "    </div>\n"
    "  </div>\n"
    "</form>\n\n"  # the form's closing newline, then the file's
)
_TOGGLE = (
    '<button type="button" class="btn btn-link btn-sm d-md-none filter-toggle"'
    ' data-bs-toggle="collapse" data-bs-target="#filter-more-{prefix}"'
    ' aria-controls="filter-more-{prefix}" aria-expanded="{expanded}">{label}</button>'
)
_FILTER_FIELD = (
    '<div class="{width} col-md-4 col-lg-2">\n'
    '      <label class="form-label small mb-1" for="{target}">{label}</label>\n'
    "      {control}\n"
    "      {errors}\n"
    "    </div>\n"
)


@register.simple_tag
def filter_form(form: forms.BaseForm, shown: int = 1) -> SafeString:
    """What `{% include "includes/filter_form.html" with form=form shown=shown %}` gives, written
    in one pass: the include and its include per field cost about 2 ms of the case list's CPU
    (issue 21). tests/core/test_filter_form_tag.py compares the two."""
    shown = shown or 1
    fields = list(form)
    first = "".join(_filter_field(field, alone=shown == 1) for field in fields[:shown])
    more = "".join(_filter_field(field, alone=False) for field in fields[shown:])
    prefix = conditional_escape(form.prefix or "list")
    is_open = in_use_after(form, shown)
    toggle = ""
    if len(form.visible_fields()) > shown:
        toggle = _TOGGLE.format(
            prefix=prefix,
            expanded="true" if is_open else "false",
            label=conditional_escape(gettext("More filters")),
        )
    html = _FILTER_FORM.format(
        first=first,
        open=" show" if is_open else "",
        prefix=prefix,
        more=more,
        filter=conditional_escape(gettext("Filter")),
        clear=conditional_escape(gettext("Clear")),
        toggle=toggle,
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped or a widget's own HTML


def _filter_field(field: forms.BoundField, *, alone: bool) -> str:
    errors = "".join(
        f'<div class="invalid-feedback d-block">{conditional_escape(str(error))}</div>'
        for error in field.errors
    )
    return _FILTER_FIELD.format(
        width="col-12" if alone else "col-6",
        target=conditional_escape(field.id_for_label),
        label=conditional_escape(field.label),
        control=bootstrap(field),
        errors=errors,
    )
