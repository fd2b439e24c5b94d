"""The bench runs end to end at the tiny scale, so it cannot rot unnoticed.

It runs `python -m bench --scale tiny --quick` in a subprocess, the same entry point as
`make bench`, with short time boxes. The bench keeps its data in its own database
(<DATABASE_URL's name>_bench_tiny, created and filled on the first run, about 20 s; reused after),
never in pytest-django's test database. Timings are not asserted: they belong in bench/.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.scenarios import ORDER

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_every_bench_scenario_produces_a_row(tmp_path):
    output = tmp_path / "bench.json"
    command = [sys.executable, "-m", "bench", "--scale", "tiny", "--quick"]
    command += ["--time-box", "0.2", "--output", str(output)]
    # Ten minutes: making the tiny bench migrates a new database (80 s on a loaded two-core
    # machine) before every scenario runs once; the run itself takes about two minutes.
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=600
    )

    assert result.returncode == 0, result.stderr[-4000:]
    doc = json.loads(output.read_text(encoding="utf-8"))
    rows = doc["results"]
    assert doc["scale"] == "tiny"
    assert {row["group"] for row in rows} == set(ORDER)
    assert not [row for row in rows if row["status"] == "error"]
    measured = [row for row in rows if row["status"] == "measured"]
    assert measured
    # A memory row (the import's peak RSS) has megabytes in its ratios instead of a time.
    timed = [row for row in measured if "peak_mb" not in row["ratios"]]
    assert all(row["median_s"] is not None and row["runs"] >= 1 for row in timed)
    assert all(row["ratios"]["peak_mb"] > 0 for row in measured if row not in timed)
    assert all(row["pass"] is not None for row in measured if row["target_s"] is not None)
    assert "case list: filter + search, page 1" in {row["scenario"] for row in measured}


@pytest.mark.django_db(transaction=True)
def test_the_bench_times_search_on_a_session_opened_after_vacuum():
    """On the bench's large tables VACUUM loads pg_trgm during a parallel operation, where it
    cannot apply the thresholds given as connection options (config/settings/base.py): the
    session falls back to pg_trgm's defaults and name search would be timed with a threshold of
    0.6 instead of 0.4 (1,458 matches of محمد instead of 1,831 at national scale). The scenarios
    must run on a new session."""
    from django.db import connection

    from bench.run import vacuum

    def session():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_backend_pid(), current_setting('pg_trgm.word_similarity_threshold')"
            )
            return cursor.fetchone()

    vacuumed_by, _ = session()
    vacuum()
    timed_by, threshold = session()

    assert timed_by != vacuumed_by
    assert threshold == "0.4"


def test_the_bench_clears_a_groups_dead_rows_before_the_next_group(monkeypatch):
    """A machine's PostgreSQL may run without autovacuum: the rolled-back writes of one group
    (an import leaves 300,000 dead cases) must not slow the groups timed after it. Dead rows are
    vacuumed between groups, without sampling the statistics again."""
    from bench import run
    from bench.measure import Row

    calls = []
    groups = [
        ("children import", lambda ctx: calls.append("import") or [Row("import")]),
        ("reports", lambda ctx: calls.append("reports") or [Row("dashboard")]),
        ("load test", lambda ctx: calls.append("load") or [Row("saturation")]),
    ]
    monkeypatch.setattr("bench.scenarios.all_scenarios", lambda: groups)
    monkeypatch.setattr(run, "vacuum", lambda *, analyze=True: calls.append(f"vacuum {analyze}"))

    run.run_scenarios(ctx=None, only=["import", "load"])

    assert calls == ["import", "vacuum False", "load"]


def test_the_page_profiler_runs_on_the_tiny_bench():
    """`python -m bench.profile_pages` (issue 21) on the tiny bench database the first test
    made: every page answers and is profiled. Skipped when that database is not there yet."""
    from bench import db

    url = db.bench_database_url(os.environ.get("DATABASE_URL") or db.DEFAULT_DATABASE_URL, "tiny")
    if not db.database_exists(url):
        pytest.skip("no tiny bench database yet (the bench smoke test makes it)")
    command = [sys.executable, "-m", "bench.profile_pages", "--calls", "1", "--top", "3"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    # The layout alone, four caseworker pages, five manager pages and the ministry dashboard.
    assert result.stdout.count("app CPU") == 11
    assert "the layout alone" in result.stdout
    assert "officer: ministry dashboard" in result.stdout
    assert "self time by area" in result.stdout


def test_the_middleware_timer_runs_on_the_tiny_bench():
    """`python -m bench.middleware_cost` (issue 21) on the tiny bench database: each middleware
    of the layout page gets a line. Skipped when that database is not there yet."""
    from django.conf import settings

    from bench import db

    url = db.bench_database_url(os.environ.get("DATABASE_URL") or db.DEFAULT_DATABASE_URL, "tiny")
    if not db.database_exists(url):
        pytest.skip("no tiny bench database yet (the bench smoke test makes it)")
    command = [sys.executable, "-m", "bench.middleware_cost", "--calls", "2"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    assert "the layout alone" in result.stdout
    assert all(f"  {path}\n" in result.stdout for path in settings.MIDDLEWARE)
    assert "the view, its template included" in result.stdout


def test_the_template_timer_runs_on_the_tiny_bench():
    """`python -m bench.template_times` (issue 21) on the tiny bench database: the case page's
    templates are timed. Skipped when that database is not there yet."""
    from bench import db

    url = db.bench_database_url(os.environ.get("DATABASE_URL") or db.DEFAULT_DATABASE_URL, "tiny")
    if not db.database_exists(url):
        pytest.skip("no tiny bench database yet (the bench smoke test makes it)")
    command = [sys.executable, "-m", "bench.template_times", "--only", "case page", "--calls", "1"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    assert "children/case_detail.html" in result.stdout
    assert "base.html" in result.stdout
