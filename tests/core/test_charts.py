"""Chart specs (core/charts.py): a withheld figure travels as a mark, never as a number."""

from core.charts import chart_spec


def test_a_mark_becomes_a_gap_in_the_data_and_a_mark_beside_it():
    spec = chart_spec(
        ["Tehran", "Fars", "Qom"],
        [("Registered", [12, "<5", None])],
        notes={"<5": "Fewer than 5"},
    )
    (dataset,) = spec["datasets"]
    # Spreadsheets and PDFs plot `data`: a gap there, not a zero.
    assert dataset["data"] == [12, None, None]
    assert dataset["marks"] == [None, "<5", None]
    assert spec["notes"] == {"<5": "Fewer than 5"}


def test_a_chart_without_marks_carries_neither_marks_nor_notes():
    spec = chart_spec(["a"], [("n", [3], "red")], notes={"<5": "Fewer than 5"})
    assert spec["datasets"] == [{"label": "n", "data": [3], "colour": "red"}]
    assert "notes" not in spec
