"""Targets of features that are not built yet, listed so that nothing is silently missing.

Each becomes a measured scenario when its feature lands. The targets are the ones the features'
issues name (issue 7: reports and dashboards; issue 8: imports and exports; issue 9: load).
"""

from ..measure import Row
from . import scenario

# (scenario, national target in seconds or None, scales with the data, note)
PENDING = [
    # The import's dry run, real run, re-import, XLSX and memory: scenarios/children_import.py.
    # The case export, XLSX and CSV, with its peak memory in a fresh process: scenarios/exports.py.
    ("load test: gunicorn + wrk, 16 concurrent users, p95", None, False, "issue 9: report"),
]


@scenario("not built yet")
def not_built_yet(ctx):
    return [
        Row(
            scenario=name,
            target_s=ctx.target(target, scales_with_data=scales),
            status="not built yet",
            note=note,
        )
        for name, target, scales, note in PENDING
    ]
