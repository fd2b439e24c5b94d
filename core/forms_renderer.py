"""The form renderer: Django's own, with `<select>`, `<input>` and `<textarea>` written in Python.

Django renders a select through one template include per option (and another for each
option's attributes). The lists' filter forms offer every colleague (over a hundred in a large
organisation) and every province, so rendering those options was the largest single cost of the
case list and the encounter list (about 15 ms of CPU a request; docs/performance.md, issue 21).
An input or a textarea costs two or three template includes too, and the case page draws about
twenty of them for its small forms. The output is the same markup Django's templates give
(tests/core/test_forms_renderer.py compares them), so a page looks and behaves exactly as before.
"""

from functools import lru_cache
from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
WIDGETS = "django/forms/widgets/"
INPUT = WIDGETS + "input.html"
# Django's templates that are `{% include "django/forms/widgets/input.html" %}` and a newline.
INPUTS = frozenset(
    WIDGETS + f"{name}.html"
    for name in (
        *("checkbox", "color", "date", "datetime", "email", "hidden", "number", "password"),
        *("search", "tel", "text", "time", "url"),
    )
)
INPUT_OPTION = WIDGETS + "input_option.html"
# `{% include "django/forms/widgets/input_option.html" %}` and a newline.
INPUT_OPTIONS = frozenset({WIDGETS + "checkbox_option.html", WIDGETS + "radio_option.html"})
TEXTAREA = WIDGETS + "textarea.html"


def _escape(value: Any) -> str:
    """conditional_escape(value) as text; a plain string (most labels and values) is escaped
    directly, without the checks for lazy and already safe text (a select writes hundreds)."""
    if type(value) is str:
        return escape(value)
    return str(conditional_escape(value))


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html: False drops the attribute, True writes its name alone.
    if not attrs:
        return ""
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
                f'\n  <option value="{_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def render_row_select(
    name: str, attrs: dict[str, Any], choices: tuple[tuple[Any, Any], ...], value: list[str]
) -> str | None:
    """What render_select gives for a select of one value without groups (core/quickchoices.py's
    RowSelect): `choices` as (value, label) pairs and `value` as the widget's formatted value.
    None when an option is not plain text (a template would localise it, or a safe string is
    written unescaped): the caller then renders as before.

    The options are written once per process for each exact list of (value, label) texts, and
    only the selected one is marked per request. The rows come from the database on every
    request, so a colleague added or renamed makes another key at once; the labels are already
    in the page's language, so two languages never share options that differ."""
    key = []
    for option_value, label in choices:
        text = str(label)  # a lazy label in the active language
        # A value or label that is not exactly `str` (a SafeString, a number written by a
        # template) is left to the usual path, whose escaping depends on its type.
        if type(text) is not str or not isinstance(label, str | Promise):
            return None
        option_text = "" if option_value is None else str(option_value)
        if type(option_text) is not str:
            return None
        key.append((option_text, text))
    body, starts, first = _options_html(tuple(key))
    head = f'<select name="{conditional_escape(name)}"{_attrs(attrs)}>'
    chosen = min((first[given] for given in value if given in first), default=None)
    if chosen is None:
        return f"{head}{body}\n</select>"
    option_text, text = key[chosen]
    marked = f'\n  <option value="{escape(option_text)}" selected>{escape(text)}</option>\n'
    return f"{head}{body[: starts[chosen]]}{marked}{body[starts[chosen + 1] :]}\n</select>"


@lru_cache(maxsize=256)
def _options_html(
    choices: tuple[tuple[str, str], ...],
) -> tuple[str, tuple[int, ...], dict[str, int]]:
    """The options, none selected; where each starts (and the end); the first option of each
    value (the one Django selects). Bounded: a few lists of colleagues and provinces per
    organisation and language are in use at a time, and a miss only costs the writing."""
    parts = [
        f'\n  <option value="{escape(option_value)}">{escape(label)}</option>\n'
        for option_value, label in choices
    ]
    starts = [0]
    for part in parts:
        starts.append(starts[-1] + len(part))
    first: dict[str, int] = {}
    for index, (option_value, _label) in enumerate(choices):
        first.setdefault(option_value, index)
    return "".join(parts), tuple(starts), first


def _text(value: Any) -> bool:
    """A value a template writes as it is (only escaped): a number or a date it would localise."""
    return isinstance(value, str | Promise)


def render_input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html (as the renderer returns it: without its closing newline)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def render_input_option(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input_option.html (a checkbox or radio button of a list)."""
    if not widget.get("wrap_label"):
        return render_input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(target)}"' if target else ""
    return (
        f"<label{label_for}>{render_input(widget)}\n {conditional_escape(widget['label'])}</label>"
    )


def render_textarea(widget: dict[str, Any]) -> str:
    """django/forms/widgets/textarea.html (without its closing newline)."""
    value = widget["value"]
    text = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{text}</textarea>"
    )


def _plain(widget: dict[str, Any]) -> bool:
    """Options that use Django's own option template (a widget may name another) and whose
    labels are text: a template would localise a number or a date, so those stay with it."""
    return all(
        option.get("template_name") == OPTION and isinstance(option["label"], str | Promise)
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )


class FormRenderer(DjangoTemplates):
    """Django's template renderer, except for Django's own select, input and textarea templates
    (given a widget's plain context: text values and labels, which a template would not
    localise)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT and _plain(context["widget"]):
            return render_select(context["widget"])
        if template_name.startswith(WIDGETS) and set(context) == {"widget"}:
            html = self._render_widget(template_name, context["widget"])
            if html is not None:
                return html
        result: str = super().render(template_name, context, request)
        return result

    @staticmethod
    def _render_widget(template_name: str, widget: dict[str, Any]) -> str | None:
        # The renderer strips what a template gives: no closing newline at the end. An input's
        # value is written with `stringformat:'s'` (never localised), a textarea's as it is.
        if template_name in INPUTS or template_name == INPUT:
            return render_input(widget)
        if template_name == TEXTAREA:
            value = widget.get("value")
            return render_textarea(widget) if value is None or _text(value) else None
        if template_name == INPUT_OPTION or template_name in INPUT_OPTIONS:
            if widget.get("wrap_label") and not _text(widget.get("label")):
                return None
            return render_input_option(widget)
        return None
