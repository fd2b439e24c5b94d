"""The double scale and the growth table of issue 21 (no database: the bench's own arithmetic)."""

import json

from bench import report
from bench.run import main
from bench.scales import NATIONAL, PER_ORGANISATION, get_scale


def _doc(scale, *rows):
    results = [
        {
            "scenario": scenario,
            "median_s": median,
            "queries": queries,
            "target_s": target,
            "status": "measured",
        }
        for scenario, median, queries, target in rows
    ]
    return {"scale": scale, "machine": {"load_average_1_5_15": [1.0, 1.0, 1.0]}, "results": results}


def test_double_holds_twice_the_nation_in_organisations_of_the_same_size():
    double = get_scale("double").counts

    assert double["cases"] == 400_000
    assert double["encounters"] == 4_000_000
    assert double["organisations"] == 2 * NATIONAL["organisations"]
    assert all(double[key] == NATIONAL[key] for key in PER_ORGANISATION)


def test_per_organisation_sizes_still_shrink_below_national():
    assert get_scale("small").count("big_org_open_cases") == 50


def test_growth_passes_only_within_the_growth_and_the_target():
    national = _doc(
        "national",
        ("flat", 0.050, 10, 0.100),
        ("grows", 0.050, 10, 0.100),
        ("past target", 0.090, 10, 0.100),
        ("no target", 1.0, 5, None),
        ("job", 10.0, None, 60.0),
    )
    double = _doc(
        "double",
        ("flat", 0.055, 10, 0.100),
        ("grows", 0.100, 12, 0.100),
        ("past target", 0.105, 10, 0.100),
        ("no target", 1.1, 5, None),
        ("job", 21.0, None, 120.0),
        ("only at double", 0.010, 3, 0.100),
    )

    lines = {line["scenario"]: line for line in report.growth(national, double)}

    assert lines["flat"]["pass"] is True
    assert round(lines["flat"]["ratio"], 2) == 1.1
    assert lines["grows"]["pass"] is False
    assert lines["past target"]["pass"] is False
    assert lines["no target"]["pass"] is True
    assert lines["job"]["pass"] is True  # its target doubles with the data, and so may it
    assert "only at double" not in lines


def test_a_run_with_only_keeps_the_other_rows_of_its_scale(tmp_path):
    path = tmp_path / "double.json"
    report.remember(_doc("double", ("a", 0.1, 1, None), ("b", 0.2, 1, None)), path)

    merged = report.remember(_doc("double", ("b", 0.3, 1, None)), path)

    assert {row["scenario"]: row["median_s"] for row in merged["results"]} == {"a": 0.1, "b": 0.3}
    assert json.loads(path.read_text(encoding="utf-8")) == merged


def test_compare_prints_each_rows_growth(tmp_path, capsys):
    base, other = tmp_path / "national.json", tmp_path / "double.json"
    base.write_text(json.dumps(_doc("national", ("case page", 0.040, 20, 0.100))))
    other.write_text(json.dumps(_doc("double", ("case page", 0.100, 30, 0.100))))

    assert main(["--compare", str(base), str(other)]) == 0

    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("case page"))
    assert "2.50x" in line
    assert "20 / 30" in line
    assert line.rstrip().endswith("FAIL")
