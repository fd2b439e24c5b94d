"""Timing one scenario: warm-up, repeats inside a time box, median and p95, SQL query count.

Every call runs inside a transaction that is rolled back, so the generated data is the same on
every run and every repeat (an encounter saved by one repeat is not there for the next). The
writes still happen and are timed; only the final COMMIT (one WAL flush) is not. The query count
comes from one extra call under `CaptureQueriesContext`, not from the timed ones, so capturing
SQL does not slow what is measured; SAVEPOINT statements of the rollback wrapper (and of
`transaction.atomic` blocks nested in it) are not counted.
"""

import math
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@dataclass
class Row:
    """One line of the results table (and of latest.json)."""

    scenario: str
    group: str = ""
    median_s: float | None = None
    p95_s: float | None = None
    runs: int = 0
    queries: int | None = None
    target_s: float | None = None
    passed: bool | None = None
    ratios: dict = field(default_factory=dict)
    status: str = "measured"  # measured | not built yet | error
    note: str = ""

    def as_json(self):
        return {
            "scenario": self.scenario,
            "group": self.group,
            "median_s": _round(self.median_s),
            "p95_s": _round(self.p95_s),
            "runs": self.runs,
            "queries": self.queries,
            "target_s": _round(self.target_s),
            "pass": self.passed,
            "ratios": {k: _round(v) for k, v in self.ratios.items()},
            "status": self.status,
            "note": self.note,
        }


def _round(value):
    return round(value, 6) if isinstance(value, float) else value


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def in_rollback(fn):
    """Run `fn` in a transaction that is rolled back; return what it returned."""
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


def count_queries(fn):
    with CaptureQueriesContext(connection) as captured:
        in_rollback(fn)
    return sum(
        1
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(_TRANSACTION_CONTROL)
    )


def time_calls(fn, *, warmup, min_runs, max_runs, time_box):
    """Durations of repeated calls of `fn` (each rolled back) after `warmup` untimed ones.

    Repeats until `time_box` seconds have passed and at least `min_runs` were made, or
    `max_runs` were made. `fn` may return a number: its own measured duration (for a scenario
    whose preparation inside the transaction must not be timed).
    """
    for _ in range(warmup):
        in_rollback(fn)
    durations = []
    started = time.perf_counter()
    while len(durations) < max_runs and (
        len(durations) < min_runs or time.perf_counter() - started < time_box
    ):
        before = time.perf_counter()
        own = in_rollback(fn)
        elapsed = time.perf_counter() - before
        durations.append(own if isinstance(own, float) else elapsed)
    return durations


def summarise(durations):
    ordered = sorted(durations)
    return statistics.median(ordered), percentile(ordered, 0.95)
