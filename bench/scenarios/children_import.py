"""The children import (children/imports, imports/services.py), once it exists.

A file of `import_rows` children (100,000 at national scale) in the import template's own
columns and Persian headers, rendered by the template's own renderers (`case_row`) from cases
already in the bench data, with the case number left empty so every row is a new child for the
large organisation. Four phases, each once, each rolled back:

* dry run: `import_job_preview` (validation, in-file duplicates, and the capped likely-duplicate
  check against every organisation's cases);
* real: `import_job_run` (re-validation and the bulk load) after the file's dry run, untimed, as
  the import page and `import_data` run them: the import reuses the typed rows the dry run kept
  (docs/adr/0021);
* real, without a dry run first: the same import reading and typing the file itself;
* re-import, nothing changed: the imported cases written back with their case numbers, as an
  export would, and imported again: every row must come out unchanged.

Each phase is rolled back, never committed. The import checks its foreign keys as it writes
(`SET CONSTRAINTS ALL IMMEDIATE`, docs/adr/0010), so the checks a commit would run are inside the
time; before that change they ran only at commit, and the figures left them out (~3.9 s).

The same rows are also written as XLSX and imported (python-calamine reads them). Every phase
reports rows a second and, as `vs_import_export`, its speed over django-import-export's default
path on the same file: the template's own resource (`child_resource`: per-row lookup by case
number, diff and save) imports the file's first `PEER_ROWS` rows, dry run and real, and its rate
is extrapolated to the whole file (it runs at a few hundred rows a second, so all 100,000 would
take minutes). `vs_copy` compares with the COPY anchor of `imports.py`. The peak resident memory
of a fresh process (a worker's view) running the dry run, the import and the XLSX import is
reported on its own row (target: 500 MB). Last, the real CSV import runs once more in a fresh
installation's database, a few hundred cases analysed (bench/fresh_probe.py), where plans chosen
for a small table once made the same file take 110 s.
"""

import csv
import datetime
import io
import itertools
import os
import tempfile
import time
from pathlib import Path

from children.models import Case
from ngos.models import Organisation

from .. import db
from ..fresh_probe import fresh_database_url, fresh_import
from ..measure import Row, time_calls
from ..memory_probe import import_peaks
from . import ScenarioError, scenario

# Issue 16: the dry-run preview of 100,000 rows in under 4 s, their import in under 5 s, the same
# file as XLSX in under 8 s, a worker under 300 MB (not a time: its own row). The import follows
# the file's dry run, as on the import page and in `import_data` (it reuses the typed rows the
# dry run kept, docs/adr/0021). The same import without that dry run, and re-importing the same
# file (nothing written), keep issue 8's targets (10 s and 8 s).
TARGETS = {
    "dry run": 4.0,
    "real": 5.0,
    "real, without a dry run first": 10.0,
    "re-import, nothing changed": 8.0,
    "XLSX: real": 8.0,
}
MEMORY_TARGET_MB = 300
PEER_ROWS = 500  # rows of the same file given to django-import-export's default path


_AFTER_DRY_RUN = ("real", "XLSX: real")


def _name(phase):
    if phase.startswith("XLSX: ") or phase.startswith("peak"):
        return f"children import {phase}"
    return f"children import CSV: {phase}"


# What an import writes. Each phase is rolled back, leaving 100,000 dead rows that carry the same
# case numbers the next phase reserves again: without a vacuum every later phase would step over
# the earlier phases' dead index entries (the XLSX phase, last, took 2-3 times as long).
_WRITTEN = (
    "children_case",
    "children_caseevent",
    "children_consent",
    "children_consentevent",
    "children_timelineentry",
    "children_casenumbersequence",
    "pghistory_context",
)


def _vacuum_written():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(_WRITTEN)}")


def _xlsx_of(csv_bytes):
    """The CSV's rows as an XLSX sheet of text cells (as a spreadsheet typed by hand holds them)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(csv.reader(io.StringIO(csv_bytes.decode("utf-8")))):
        for c, value in enumerate(row):
            if value:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def _peer_rates(data, rows, organisation, manager):
    """django-import-export's default path on the first `rows` rows of the same CSV file:
    {"dry run": rows/s, "real": rows/s}. The template's own resource, with only what a save
    needs added (the organisation, users, a case number and the search keys)."""
    import tablib

    from children.imports.columns import child_resource
    from children.services.cases import refresh_search_fields

    text = data.decode("utf-8")
    head = "\n".join(text.split("\n", rows + 1)[: rows + 1])
    dataset = tablib.Dataset().load(head, format="csv")
    numbers = itertools.count(1)
    today = datetime.date.today()

    def resource():
        peer = child_resource("fa")

        def before_save_instance(instance, row, **kwargs):
            instance.organisation = organisation
            instance.assigned_to = instance.created_by = manager
            instance.case_number = instance.case_number or f"PEER-{next(numbers):07d}"
            instance.registered_on = instance.registered_on or today
            refresh_search_fields(instance)

        peer.before_save_instance = before_save_instance
        return peer

    rates = {}
    for phase, dry_run in (("dry run", True), ("real", False)):

        def run(dry_run=dry_run):
            result = resource().import_data(
                dataset, dry_run=dry_run, raise_errors=True, use_transactions=True
            )
            if result.has_errors() or result.has_validation_errors():
                raise ScenarioError("django-import-export rejected rows of the import file")

        elapsed = time_calls(run, warmup=0, min_runs=1, max_runs=1, time_box=0)[0]
        rates[phase] = len(dataset) / elapsed
    return rates, len(dataset)


def _distinct_children(rows, natural_key, organisation):
    """`rows` cases of other organisations, no two the same child by the import's own key (a file
    with the same child twice is refused whole, rightly; one already in the organisation would
    be matched, not created)."""
    seen, picked = set(), []
    fields = ["given_name", "family_name", "father_name", "birth_date", "estimated_age", "sex"]
    others = Case.objects.exclude(organisation=organisation).select_related("province")
    for case in others.order_by("id").iterator(chunk_size=5000):
        key = natural_key({name: getattr(case, name) for name in fields})
        if key not in seen:
            seen.add(key)
            picked.append(case)
            if len(picked) == rows:
                break
    return picked


@scenario("children import")
def children_import(ctx):
    try:
        from children.imports.columns import COLUMNS, case_row, header_row
        from children.imports.validate import natural_key
        from core.spreadsheets import reading
        from imports.services import (
            import_job_create,
            import_job_decide,
            import_job_preview,
            import_job_run,
        )
    except ImportError:
        return [
            Row(
                _name(phase),
                target_s=ctx.target(target, scales_with_data=True),
                status="not built yet",
            )
            for phase, target in TARGETS.items()
        ]

    rows = ctx.scale.count("import_rows")
    if ctx.options.quick:
        rows = min(rows, 200)
    peer_rows = 50 if ctx.options.quick else PEER_ROWS
    organisation = Organisation.objects.get(pk=ctx.fixtures["big_org_id"])
    manager = ctx.user(ctx.fixtures["big_org_manager_id"])
    number_at = [column.name for column in COLUMNS].index("case_number")

    def file_of(cases, *, with_numbers):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header_row("fa"))
        for case in cases:
            cells = case_row(case, "fa")
            if not with_numbers:
                cells[number_at] = ""
            writer.writerow(cells)
        return out.getvalue().encode("utf-8")

    source = _distinct_children(rows, natural_key, organisation)
    if len(source) < rows:
        rows = len(source)
    data = file_of(source, with_numbers=False)
    refused = None
    limit = getattr(reading, "MAX_BYTES", None)
    if limit and len(data) > limit:
        # The import refuses the file before reading it: measure the most rows that fit, and
        # fail every row, since the target is about the whole file.
        refused = (rows, len(data))
        # The re-import file also carries case numbers (TEH-NGO0001-1405-00042): room for them.
        rows = int(limit / (len(data) / rows + 32))
        source = source[:rows]
        data = file_of(source, with_numbers=False)

    source = None  # the cases are in `data` now; free them before memory is sampled
    xlsx = _xlsx_of(data)

    def new_job(content, name):
        return import_job_create(by=manager, organisation=organisation, name=name, data=content)

    def check(job, status):
        if job.status != status:
            detail = job.message or job.errors[:3]
            raise ScenarioError(f"import job ended {job.status}, not {status}: {detail}")
        return job

    def dry_run():
        job = new_job(data, "children.csv")
        started = time.perf_counter()
        job = import_job_preview(job_id=job.pk)
        elapsed = time.perf_counter() - started
        if check(job, "previewed").rows_invalid:
            raise ScenarioError(f"the dry run found invalid rows: {job.errors[:3]}")
        return elapsed

    def real_of(content, name, phase, *, after_dry_run=True):
        def real():
            job = new_job(content, name)
            if after_dry_run:  # as the import page does; not timed
                job = check(import_job_preview(job_id=job.pk), "previewed")
                if job.likely_pending():
                    # Rows that may be registered already wait for an answer (ADR 0019): all
                    # imported as new children, as an import without a dry run does.
                    import_job_decide(by=manager, job=job, decision="import")
            started = time.perf_counter()
            job = import_job_run(job_id=job.pk, by=manager)
            elapsed = time.perf_counter() - started
            check(job, "done")
            # A few rows may be children the organisation already has (the same child registered
            # by two organisations): the import matches those instead of creating them.
            # Rows that are one child typed twice are merged into one (ADR 0019).
            written = job.created_count + job.updated_count + job.unchanged_count
            written += job.summary.get("rows_merged", 0) + job.summary.get("rows_skipped", 0)
            if written != rows:
                raise ScenarioError(f"the import accounted for {written:,} of {rows:,} rows")
            created.append(job.created_count)
            return elapsed

        return real

    unchanged, created, reimported = [], [], []

    def reimport():
        first = check(import_job_run(job_id=new_job(data, "children.csv").pk, by=manager), "done")
        imported = (
            Case.objects.filter(consents__import_job_id=first.pk)
            .select_related("province")
            .order_by("id")
        )
        reimported.append(len(imported))
        again = new_job(file_of(imported, with_numbers=True), "children-export.csv")
        imported = None
        started = time.perf_counter()
        job = import_job_run(job_id=again.pk, by=manager)
        elapsed = time.perf_counter() - started
        unchanged.append(check(job, "done").unchanged_count)
        return elapsed

    peer, peer_sample = _peer_rates(data, peer_rows, organisation, manager)
    results = []
    for number, (phase, fn) in enumerate(
        (
            ("dry run", dry_run),
            ("real", real_of(data, "children.csv", "real")),
            (
                "real, without a dry run first",
                real_of(data, "children.csv", "real", after_dry_run=False),
            ),
            ("re-import, nothing changed", reimport),
            ("XLSX: real", real_of(xlsx, "children.xlsx", "XLSX: real")),
        )
    ):
        if number:
            _vacuum_written()
        row = ctx.measure(
            _name(phase),
            fn,
            target=TARGETS[phase],
            scales_with_data=True,
            warmup=0,
            min_runs=1,
            max_runs=1,
            queries=False,
            note=f"{rows:,} rows, issue 16"
            + ("; after the file's dry run (not timed)" if phase in _AFTER_DRY_RUN else ""),
        )
        rate = rows / row.median_s
        row.ratios["rows_per_s"] = rate
        # The same phase by django-import-export's default path on this file (the re-import and
        # the XLSX file against its real import of the CSV).
        peer_rate = peer["dry run" if phase == "dry run" else "real"]
        row.ratios["vs_import_export"] = rate / peer_rate
        anchors = ctx.shared.get("import_anchor_rows_per_s", {})
        if anchors.get("copy"):
            row.ratios["vs_copy"] = rate / anchors["copy"]
        results.append(row)
    for index, count in zip((1, 2, 4), created, strict=False):
        results[index].note += f"; {count:,} created, the rest matched existing children"
    results[0].note += (
        f"; django-import-export's default path on the first {peer_sample:,} rows of the same "
        f"file: {peer['dry run']:,.0f} rows/s dry run, {peer['real']:,.0f} rows/s real "
        f"(vs_import_export = this rate / that one)"
    )
    if refused:
        full_rows, size = refused
        for row in results:
            row.passed = False
            row.note = (
                f"the {full_rows:,}-row file ({size / 2**20:.1f} MB) is refused as too large "
                f"(core/spreadsheets/reading.py MAX_BYTES, {limit / 2**20:.0f} MB); measured on "
                f"its first {rows:,} rows. " + row.note
            )
    if unchanged and unchanged[-1] != reimported[-1]:
        results[3].passed = False
        results[
            3
        ].note += (
            f"; only {unchanged[-1]:,} of {reimported[-1]:,} re-imported rows came out unchanged"
        )
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for phase, content, name in (
            ("dry run", data, "children.csv"),
            ("real", data, "children.csv"),
            ("XLSX: real", xlsx, "children.xlsx"),
        ):
            path = Path(folder) / name
            path.write_bytes(content)
            files.append((phase, str(path), name))
        ctx.log("  children import: peak memory in a fresh process ...")
        peaks = import_peaks(files, organisation_id=organisation.pk, user_id=manager.pk)
        results.append(_memory_row(peaks, rows))
        results.append(_fresh_installation_row(ctx, files[1][1], rows))
    return results


def _fresh_installation_row(ctx, path, rows):
    """The real CSV import on a fresh installation's small, analysed database (bench/fresh_probe.py)
    against the real import's target, after the file's dry run there (not timed)."""
    url = fresh_database_url(os.environ["DATABASE_URL"])
    first = not db.database_exists(url)
    outcomes = []

    def run():
        outcome = fresh_import(url, path, "children.csv")
        if outcome["status"] != "done":
            raise ScenarioError(f"import ended {outcome['status']}: {outcome['message']}")
        outcomes.append(outcome)
        return outcome["seconds"]

    row = ctx.measure(
        _name("real, fresh installation"),
        run,
        target=TARGETS["real"],
        scales_with_data=True,
        warmup=0,
        min_runs=1,
        max_runs=1,
        queries=False,
        note=(
            f"{rows:,} rows into a database of {{cases}} cases, analysed (make run's demo); "
            "after the file's dry run (not timed)"
        ),
    )
    if outcomes:
        row.note = row.note.format(cases=f"{outcomes[-1]['cases_before']:,}")
        row.ratios["rows_per_s"] = rows / row.median_s
        if first:
            row.note += (
                f"; the database was created, migrated and seeded first "
                f"({outcomes[-1]['prepared_s']:.0f} s, not timed)"
            )
    return row


_SHORT = {"after setup": "setup", "dry run": "dry", "real": "real", "XLSX: real": "xlsx"}


def _memory_row(peaks, rows):
    """The high-water mark of a fresh process running the import's phases, against 500 MB."""
    peak = max(peaks.values())
    return Row(
        _name("peak memory (RSS)"),
        runs=1,
        ratios={
            "peak_mb": peak,
            **{f"{_SHORT[phase]}_mb": mb for phase, mb in peaks.items()},
        },
        passed=(peak <= MEMORY_TARGET_MB) if peak else None,
        note=(
            f"{rows:,} rows; resident set high-water mark (VmHWM) of a freshly spawned "
            "process, as a worker has it, after Django's setup and after each phase (CSV dry run, "
            f"CSV import, XLSX import, each rolled back); target {MEMORY_TARGET_MB} MB"
        ),
    )
