"""The form renderer: Django's own, with `<select>` written in Python.

Django renders a select through one template include per option (and another for each
option's attributes). The lists' filter forms offer every colleague (over a hundred in a large
organisation) and every province, so rendering those options was the largest single cost of the
case list and the encounter list (about 15 ms of CPU a request; docs/performance.md, issue 21).
The output is the same markup Django's templates give (tests/core/test_forms_renderer.py
compares them), so a page looks and behaves exactly as before.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html: False drops the attribute, True writes its name alone.
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def render_select(widget: dict[str, Any]) -> str:
    """django/forms/widgets/select.html and select_option.html for a widget's context, to the
    whitespace (the option template's closing newline included)."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _plain(widget: dict[str, Any]) -> bool:
    """Options that use Django's own option template (a widget may name another) and whose
    labels are text: a template would localise a number or a date, so those stay with it."""
    return all(
        option.get("template_name") == OPTION and isinstance(option["label"], str | Promise)
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )


class FormRenderer(DjangoTemplates):
    """Django's template renderer, except for selects whose templates are Django's own."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT and _plain(context["widget"]):
            return render_select(context["widget"])
        result: str = super().render(template_name, context, request)
        return result
