"""Forms of the vocabulary of values: the preview's unknown words, and an organisation's saved
words on the upload page (docs/adr/0018)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import organisation_model
from .vocabulary import EMPTY, column_options, vocabulary_columns

LATER = ""  # the unknown-values form: not decided yet


def value_choices(column: Any, lang: str, *, first: tuple[str, Any] | None = None) -> list:
    """The values a word of ``column`` may stand for, labelled in ``lang``, and "leave empty"
    when the column is optional."""
    choices = [first] if first else []
    choices += column_options(column, lang)
    if not column.required:
        choices.append((EMPTY, _("Leave empty")))
    return choices


class UnknownValuesForm(forms.Form):
    """One select per unknown word of a job's preview (``summary["unknown_values"]``)."""

    def __init__(self, *args: Any, items: list[dict[str, Any]], lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = vocabulary_columns()
        self.items: list[tuple[dict[str, Any], forms.BoundField]] = []
        for index, item in enumerate(items):
            column = columns.get(item.get("column", ""))
            if column is None:
                continue
            name = f"word-{index}"
            self.fields[name] = forms.ChoiceField(
                label=item["value"],
                required=False,
                choices=value_choices(column, lang, first=(LATER, _("Decide later"))),
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.items.append((item, self[name]))

    def decisions(self) -> list[tuple[str, str, str]]:
        """[(column, word, value)] chosen; value "" = leave empty."""
        chosen = []
        for item, field in self.items:
            value = self.cleaned_data.get(field.name) or LATER
            if value != LATER:
                chosen.append((item["column"], item["value"], "" if value == EMPTY else value))
        return chosen


class WordsOfForm(forms.Form):
    """The upload page: whose saved words to list."""

    words_of: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Organisation = organisation_model()
        field = cast("forms.ModelChoiceField[Any]", self.fields["words_of"])
        field.queryset = Organisation.objects.exclude(kind=Organisation.Kind.MINISTRY).order_by(
            "name_fa"
        )


class ValueWordForm(forms.Form):
    """A saved word's new value."""

    value = forms.ChoiceField(
        label=_("Means"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )

    def __init__(self, *args: Any, column: Any, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["value"]).choices = value_choices(column, lang)

    @property
    def chosen(self) -> str:
        value: str = self.cleaned_data["value"]
        return "" if value == EMPTY else value
