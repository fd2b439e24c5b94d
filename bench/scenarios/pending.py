"""Targets of features that are not built yet, listed so that nothing is silently missing.

Each becomes a measured scenario when its feature lands. The targets here are provisional where
marked: replace them with the figures of the feature's issue when it is written.
"""

from ..measure import Row
from . import scenario

# (scenario, national target in seconds or None, scales with the data, note)
PENDING = [
    ("ministry dashboard: national", 0.5, False, "provisional target"),
    ("ministry dashboard: one province", 0.3, False, "provisional target"),
    ("dashboard summary refresh", 30.0, True, "provisional target"),
    ("quarterly national report build (XLSX + PDF)", 300.0, True, "provisional target"),
    # The CSV import's dry run, real run and re-import: scenarios/children_import.py.
    ("children import 100k rows XLSX: dry run", 90.0, True, "provisional target"),
    ("export 200k cases to XLSX", 60.0, True, "provisional target"),
    ("load test: gunicorn + wrk, 16 concurrent users, p95", 0.5, False, "provisional target"),
    ("peak RSS of import and export jobs", None, False, "provisional target: 512 MB"),
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
