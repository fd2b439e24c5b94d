"""Import anchors: the figures the children import (children_import.py) is compared with.

The bench writes a children CSV of `import_rows` rows (100,000 at national scale; 16 columns as a
registration spreadsheet has them) and loads it two ways:

* the peer: a django-import-export `ModelResource` for Case with its defaults (a lookup by the
  case number, a diff and a save per row), on the first rows of the file, time-boxed;
* the physical limit: psycopg COPY of the whole file into a scratch copy of the case table
  (same columns, defaults, constraints and indexes, trigram ones included).

Both run inside the rolled-back transaction, so nothing stays. The result is rows a second and
the ratio between the two; a real import must land between them.
"""

import csv
import datetime
import random
import tempfile
import time
from pathlib import Path

import tablib
from django.db import connection
from import_export import resources
from psycopg import sql

from children import demo_names
from children.models import Case
from core.national_id import check_digit
from ngos.models import Membership

from . import scenario

COLUMNS = [
    "case_number",
    "organisation",
    "assigned_to",
    "created_by",
    "registered_on",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "birth_date",
    "estimated_age",
    "nationality",
    "documentation",
    "id_number",
    "province",
    "city",
]
FOREIGN_KEYS = {"organisation", "assigned_to", "created_by", "province"}
TEXT_COLUMNS = ["family_name", "father_name", "id_number", "city"]
SCRATCH = "bench_import_scratch"


class CaseResource(resources.ModelResource):
    """django-import-export's default path: per-row lookup by case number, diff and save."""

    class Meta:
        model = Case
        fields = COLUMNS
        import_id_fields = ["case_number"]


def write_children_csv(path, rows, seed=11):
    """A registration spreadsheet as CSV: UTF-8, one child a row, ids for the foreign keys."""
    rng = random.Random(seed)
    staff = list(
        Membership.objects.filter(role="caseworker").values_list(
            "organisation_id", "user_id", "organisation__home_province_id"
        )[:500]
    )
    today = datetime.date.today()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            organisation, user, province = rng.choice(staff)
            afghan = rng.random() < 0.45
            boy = rng.random() < 0.7
            pool = (
                (demo_names.AFGHAN_BOYS if boy else demo_names.AFGHAN_GIRLS)
                if afghan
                else (demo_names.IRANIAN_BOYS if boy else demo_names.IRANIAN_GIRLS)
            )
            known_birth = rng.random() < 0.4
            documentation = (
                rng.choice(["amayesh", "undocumented"])
                if afghan
                else rng.choice(["national_id", "undocumented"])
            )
            id_number = ""
            if documentation == "national_id":
                first_nine = f"{rng.randrange(10**9):09d}"
                id_number = first_nine + str(check_digit(first_nine))
            elif documentation == "amayesh":
                id_number = str(rng.randrange(10**9, 10**10))
            age = rng.randint(5, 17)
            writer.writerow(
                [
                    f"IMP-{n + 1:07d}",
                    organisation,
                    user,
                    user,
                    today.isoformat(),
                    rng.choice(pool),
                    rng.choice(demo_names.AFGHAN_FAMILY if afghan else demo_names.IRANIAN_FAMILY),
                    rng.choice(demo_names.FATHERS),
                    "male" if boy else "female",
                    datetime.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
                    if known_birth
                    else "",
                    "" if known_birth else age,
                    "afghan" if afghan else "iranian",
                    documentation,
                    id_number,
                    province,
                    "تهران",
                ]
            )


def _scratch_table(cursor):
    """A temporary copy of the case table, with defaults for the columns the file leaves out."""
    cursor.execute(
        sql.SQL("CREATE TEMP TABLE {} (LIKE {} INCLUDING ALL)").format(
            sql.Identifier(SCRATCH), sql.Identifier(Case._meta.db_table)
        )
    )
    given = {Case._meta.get_field(name).column for name in COLUMNS}
    for field in Case._meta.concrete_fields:
        if field.column in given or field.primary_key or field.null:
            continue
        if field.get_internal_type() == "DateTimeField":
            default = sql.SQL("now()")
        elif field.has_default():
            default = sql.Literal(field.get_db_prep_save(field.get_default(), connection))
        else:
            default = sql.Literal("")
        cursor.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                sql.Identifier(SCRATCH), sql.Identifier(field.column), default
            )
        )


@scenario("import anchors")
def import_anchors(ctx):
    rows = ctx.scale.count("import_rows")
    sample = min(rows, 100 if ctx.options.quick else 1_000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "children.csv"
        write_children_csv(path, rows)
        text = path.read_text(encoding="utf-8")
        head = "\n".join(text.split("\n", sample + 1)[: sample + 1])
        dataset = tablib.Dataset().load(head, format="csv")
        warm = tablib.Dataset().load("\n".join(text.split("\n", 11)[:11]), format="csv")

        def peer():
            result = CaseResource().import_data(dataset, raise_errors=True, use_transactions=True)
            if result.has_errors() or result.has_validation_errors():
                raise RuntimeError("the import-export anchor rejected rows")

        CaseResource().import_data(warm, raise_errors=True, dry_run=True)
        peer_row = ctx.measure(
            "import anchor: django-import-export default resource (peer)",
            peer,
            warmup=0,
            min_runs=1,
            max_runs=1,
            queries=False,
            note=f"first {sample:,} rows of the {rows:,}-row children CSV; rows/s in ratios",
        )
        peer_rate = sample / peer_row.median_s

        columns = sql.SQL(", ").join(
            sql.Identifier(Case._meta.get_field(name).column) for name in COLUMNS
        )
        not_null = sql.SQL(", ").join(sql.Identifier(name) for name in TEXT_COLUMNS)
        copy_statement = sql.SQL(
            "COPY {} ({}) FROM STDIN (FORMAT csv, HEADER true, FORCE_NOT_NULL ({}))"
        ).format(sql.Identifier(SCRATCH), columns, not_null)

        def physical():
            with connection.cursor() as wrapper:
                cursor = wrapper.cursor
                _scratch_table(cursor)
                started = time.perf_counter()
                with open(path, "rb") as handle, cursor.copy(copy_statement) as copy:
                    while chunk := handle.read(1 << 16):
                        copy.write(chunk)
                elapsed = time.perf_counter() - started
                count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(SCRATCH))
                (loaded,) = cursor.execute(count).fetchone()
                if loaded != rows:
                    raise RuntimeError(f"COPY loaded {loaded} of {rows} rows")
                return elapsed

        copy_row = ctx.measure(
            "import anchor: psycopg COPY into a scratch case table (physical limit)",
            physical,
            warmup=0,
            min_runs=1,
            max_runs=1 if ctx.options.quick else 2,
            queries=False,
            note=f"all {rows:,} rows, the case table's indexes and constraints",
        )
    copy_rate = rows / copy_row.median_s
    peer_row.ratios = {"rows_per_s": peer_rate}
    copy_row.ratios = {"rows_per_s": copy_rate, "vs_peer": copy_rate / peer_rate}
    ctx.shared["import_anchor_rows_per_s"] = {"peer": peer_rate, "copy": copy_rate}
    return [peer_row, copy_row]
