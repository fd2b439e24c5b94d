"""Choice fields whose options are read as plain rows, not model instances.

A list filter of an organisation's 120 colleagues cost about 25 ms a page (issue 21): one model
instance per option, then one template per option. Here the options are read with
``values_list``; the select itself is written by the project's form renderer
(core/forms_renderer.py), as every select is. Choosing still goes through the field's queryset,
so an option that is not the user's to choose is refused as before. For a FilterSet:
`children.filters.RowChoiceFilter`.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import get_default_renderer
from django.utils.safestring import SafeString, mark_safe

from core.forms_renderer import OPTION, SELECT, FormRenderer, render_row_select

# Django's choice classes take no type arguments at run time; only the checker sees them.
if TYPE_CHECKING:
    IteratorBase = ModelChoiceIterator[Any]
    FieldBase = forms.ModelChoiceField[Any]
else:
    IteratorBase = ModelChoiceIterator
    FieldBase = forms.ModelChoiceField


class LazyQuerySet:
    """Stands for the queryset `build()` gives, made only when something asks it for more than
    `all()`: a select whose options are read by its ``rows`` needs its queryset only to check a
    chosen value, and building a colleagues' queryset on every request was a millisecond of the
    lists' CPU (issue 21). `all()` gives another stand-in, as it gives a copy."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._made: Any = None

    def all(self) -> "LazyQuerySet":
        return LazyQuerySet(self._build)

    def _queryset(self) -> Any:
        if self._made is None:
            self._made = self._build().all()
        return self._made

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._queryset(), name)

    # Python looks these up on the type, past __getattr__: read as the queryset reads them.
    def __iter__(self) -> Any:
        return iter(self._queryset())

    def __len__(self) -> int:
        return len(self._queryset())

    def __contains__(self, item: object) -> bool:
        return item in self._queryset()


class RowChoiceIterator(IteratorBase):
    """The field's choices as plain rows, read when the select is drawn (not when it is made)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        field = cast("RowChoiceField", self.field)
        if field.empty_label is not None:
            yield ("", field.empty_label)
        rows = (
            field.rows()
            if field.rows is not None
            else self.queryset.values_list("pk", *field.label_fields)
        )
        for pk, *values in rows:
            yield (pk, field.label_from_row(*values))


class RowSelect(forms.Select):
    """Django's Select, its options' contexts made in one loop: what `optgroups` and
    `create_option` give for a select of one value without groups (a row gives no group), for
    the hundred colleagues of a filter form.

    Drawn by the project's renderer, the options are not made into contexts at all: their HTML
    is written once per process for each exact list of options (core.forms_renderer.
    render_row_select) and only the selected one is marked, while the rows are still read on
    every request, so a select never shows a list older than its page (issue 21)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        renderer = renderer or get_default_renderer()
        if (
            type(renderer) is not FormRenderer
            or self.template_name != SELECT
            or self.option_template_name != OPTION
            or self.allow_multiple_selected
        ):
            return super().render(name, value, attrs, renderer)
        # The select's own context without its options (Widget's, not ChoiceWidget's).
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        # The query, on every request (iter: tuple() would ask the iterator its length, a COUNT).
        choices = tuple(iter(self.choices))
        html = render_row_select(widget["name"], widget["attrs"], choices, widget["value"])
        if html is None:  # a label a template would localise, or safe text: the template's way
            widget["optgroups"] = self._optgroups(name, widget["value"], choices)
            html = renderer.render(self.template_name, context)
        return mark_safe(html)  # noqa: S308 - escaped by render_row_select or the template

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> list[Any]:
        return self._optgroups(name, value, self.choices)

    def _optgroups(self, name: str, value: Any, choices: Iterable[tuple[Any, Any]]) -> list[Any]:
        groups: list[Any] = []
        has_selected = False
        template_name, input_type = self.option_template_name, self.input_type
        for index, (option_value, label) in enumerate(choices):
            if option_value is None:
                option_value = ""
            selected = not has_selected and str(option_value) in value
            has_selected |= selected
            option = {
                "name": name,
                "value": option_value,
                "label": label,
                "selected": selected,
                "index": str(index),
                "attrs": {**self.checked_attribute} if selected else {},
                "type": input_type,
                "template_name": template_name,
                "wrap_label": True,
            }
            groups.append((None, [option], index))
        return groups


class RowChoiceField(FieldBase):
    """A ModelChoiceField whose options are read with ``values_list`` (``label_fields``) and
    labelled by ``label_from_row(*values)``, which must give what ``str(instance)`` gives.

    ``rows``, when given, reads those same rows (``pk`` and the label fields, in the queryset's
    order) without building the queryset: a query compiled once per process
    (core/compiled.py), read on every request. It must give exactly what the queryset gives."""

    iterator = RowChoiceIterator
    widget = RowSelect

    def __init__(
        self,
        queryset: Any,
        *,
        label_fields: Sequence[str],
        label_from_row: Callable[..., str],
        rows: Callable[[], Iterable[tuple[Any, ...]]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.label_fields = tuple(label_fields)
        self.label_from_row = label_from_row
        self.rows = rows
        super().__init__(queryset, **kwargs)
