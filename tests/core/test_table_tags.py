"""The `labelled` filter: a row of figures carries its columns' names into a stacked card."""

from django.template import Context, Template

from core.templatetags.table_tags import column_label, in_use_after, labelled


def test_each_cell_gets_its_columns_name_whatever_the_column_is():
    assert labelled([3, 0], ["Open", "Done"]) == [("Open", 3), ("Done", 0)]
    assert labelled([3], [("open", "Open")]) == [("Open", 3)]
    assert labelled([3], [{"risk": "low", "label": "Low"}]) == [("Low", 3)]


def test_a_row_longer_than_its_columns_stops_at_the_last_column():
    assert labelled([1, 2, 3], ["a", "b"]) == [("a", 1), ("b", 2)]


def test_an_object_with_a_label_gives_its_label():
    class Column:
        label = "Critical"

    assert column_label(Column()) == "Critical"


def test_the_filter_pairs_cells_in_a_template():
    html = Template(
        "{% load table_tags %}{% for label, n in counts|labelled:columns %}"
        '<td data-label="{{ label }}">{{ n }}</td>{% endfor %}'
    ).render(Context({"counts": [4, 1], "columns": [("open", "Open"), ("done", "Done")]}))
    assert html == '<td data-label="Open">4</td><td data-label="Done">1</td>'


class _Field:
    def __init__(self, value):
        self._value = value

    def value(self):
        return self._value


class _Form:
    def __init__(self, *values):
        self.fields = [_Field(value) for value in values]

    def visible_fields(self):
        return self.fields


def test_more_filters_open_when_a_field_after_the_shown_ones_is_in_use():
    assert in_use_after(_Form("", "registered"), 1)
    assert in_use_after(_Form("", ["", "1405/01/01"]), 1)  # a range's second part


def test_more_filters_stay_closed_when_only_the_shown_fields_are_in_use():
    assert not in_use_after(_Form("Zahra", None, ""), 1)
    assert not in_use_after(_Form("1405/01/01", "1405/02/01", ["", ""]), 2)
