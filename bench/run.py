"""`python -m bench`: prepare the bench database for a scale, run the scenarios, report.

    python -m bench --scale small            # 1/100 of national; --scale national, tiny
    python -m bench --scale small --quick    # short time boxes (what the smoke test runs)
    python -m bench --regenerate             # drop the bench database and generate it again
    python -m bench --only "case list"       # the scenario groups whose name contains this
    python -m bench --scale double           # twice national: how each row grows (issue 21)
    python -m bench --compare bench/results/national.json bench/results/double.json

The bench database is DATABASE_URL's with `_bench_<scale>` appended to its name (bench/db.py).
"""

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from . import db
from .scales import FACTORS, get_scale

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=list(FACTORS), default="small")
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the bench data")
    parser.add_argument("--quick", action="store_true", help="short time boxes, fewer repeats")
    parser.add_argument(
        "--only",
        action="append",
        help="run only the scenario groups whose name contains this (repeat for several)",
    )
    parser.add_argument(
        "--time-box",
        type=float,
        help="seconds of timed repeats per scenario (default 5, quick 0.5)",
    )
    parser.add_argument(
        "--output", default=str(RESULTS / "latest.json"), help="where to write the JSON results"
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("BASE", "OTHER"),
        help="print each row's growth from one results file to another (no run)",
    )
    return parser.parse_args(argv)


def log(message):
    print(message, file=sys.stderr, flush=True)


def prepare(scale, *, seed, regenerate):
    """Make sure the bench database of `scale` exists, is migrated and holds its data.

    Returns (bench database URL, bench_meta row, generation timings or None if reused).
    """
    base_url = os.environ.get("DATABASE_URL") or db.DEFAULT_DATABASE_URL
    url = db.bench_database_url(base_url, scale.name)
    with db.preparation_lock(url):
        meta = db.read_meta(url, scale.name)
        from .generate import GENERATOR_VERSION

        reason = None
        if regenerate:
            reason = "--regenerate"
        elif meta is None:
            reason = "no generated data yet"
        elif meta["seed"] != seed or meta["generator_version"] != GENERATOR_VERSION:
            reason = "another seed or generator version"
        if reason:
            log(f"bench: (re)creating {db.database_name(url)}: {reason}")
            db.drop_database(url)
            db.create_database(url)
        # Django reads DATABASE_URL once, at setup: it must name the bench database by then.
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        import django

        django.setup()
        from django.conf import settings

        # The bench times what one request costs; a scenario asks the same search far more often
        # in a minute than a person may (RL-01), so the rate limits would answer 429 instead.
        settings.RATELIMIT_ENABLE = False
        # force_login goes through axes' signal handlers, which log every sign-in at INFO.
        logging.getLogger("axes").setLevel(logging.WARNING)
        migrate()
        timings = None
        if reason:
            timings = generate_data(url, scale, seed)
            meta = db.read_meta(url, scale.name)
        else:
            log(
                f"bench: reusing {db.database_name(url)} "
                f"(generated {meta['generated_at']:%Y-%m-%d %H:%M}, seed {meta['seed']})"
            )
    return url, meta, timings


def migrate():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        log("bench: applying migrations")
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        log(f"bench: migrated in {time.perf_counter() - started:.1f} s")


def generate_data(url, scale, seed):
    from .generate import GENERATOR_VERSION, generate

    log(f"bench: generating {scale.name} data (seed {seed})")
    started = time.perf_counter()
    with db.connect(url, autocommit=True) as conn:
        row_counts, fixtures, timings = generate(conn, scale, seed, log=log)
        seconds = time.perf_counter() - started
        db.write_meta(
            conn,
            scale=scale.name,
            seed=seed,
            generator_version=GENERATOR_VERSION,
            seconds=seconds,
            row_counts=row_counts,
            fixtures=fixtures,
        )
    log(f"bench: generated in {seconds:.0f} s")
    return timings


def vacuum(*, analyze=True):
    """Every timed write is rolled back, which leaves dead rows (an import scenario leaves
    100,000 in the case table and its indexes). Vacuum them before timing anything: on a clean
    database this takes seconds.

    Between groups (``analyze=False``) only the dead rows go: a rolled-back write changes no
    figure the planner's statistics describe, and sampling them again would move the plans of
    the groups after it."""
    from django.db import connection

    command = "VACUUM (ANALYZE)" if analyze else "VACUUM"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(command)
    # On the bench's large tables VACUUM works on the indexes in parallel and loads pg_trgm
    # during that parallel operation, where it cannot apply the trigram thresholds given as
    # connection options (config/settings/base.py): the session falls back to pg_trgm's defaults
    # and name search would be timed at another threshold than production uses. The scenarios
    # get a new connection.
    connection.close()
    log(f"bench: {command} in {time.perf_counter() - started:.1f} s")


def run_scenarios(ctx, only):
    from .measure import Row
    from .scenarios import all_scenarios

    rows = []
    for group, fn in all_scenarios():
        if only and not any(part.lower() in group.lower() for part in only):
            continue
        if rows:
            # A deployment's autovacuum clears what a group's rolled-back writes leave within a
            # minute; CI machines may run PostgreSQL without it (autovacuum = off), and one
            # group's dead rows then slowed every later group: after the imports, the
            # organisation dashboard took 163 ms instead of 34 and the load test's database
            # CPU tripled (docs/performance.md, issue 21, session 13).
            vacuum(analyze=False)
        log(f"bench: {group}")
        try:
            produced = fn(ctx)
        except Exception as error:  # one broken scenario must not hide the others' figures
            traceback.print_exc()
            error_note = f"{type(error).__name__}: {error}"
            produced = [Row(group, status="error", note=error_note)]
        for row in produced:
            row.group = group
        rows.extend(produced)
    return rows


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.compare:
        from . import report

        base, other = (report.read(path) for path in args.compare)
        report.print_growth(base, other)
        return 0
    scale = get_scale(args.scale)
    _url, meta, timings = prepare(scale, seed=args.seed, regenerate=args.regenerate)

    from . import report
    from .context import Context, Options

    time_box = args.time_box if args.time_box is not None else (0.5 if args.quick else 5.0)
    options = Options(
        time_box=time_box,
        min_runs=3 if args.quick else 10,
        max_runs=50 if args.quick else 1000,
        warmup=1 if args.quick else 3,
        quick=args.quick,
    )
    vacuum()
    ctx = Context(scale, meta, options, log)
    rows = run_scenarios(ctx, args.only)
    # Every scale keeps its latest figure of each row beside the output (national.json, ...);
    # a scale above national shows each row's growth over national's figure (issue 21).
    results = Path(args.output).parent
    national = results / "national.json"
    base = report.read(national) if scale.factor > 1 and national.exists() else None
    if base:
        report.add_growth(rows, base)
    doc = report.document(scale=scale, meta=meta, rows=rows, generation=timings)
    if timings:
        doc["data"]["generation_timings_s"] = {k: round(v, 2) for k, v in timings.items()}
    report.write(doc, args.output)
    merged = report.remember(doc, results / f"{scale.name}.json")
    report.print_report(doc, rows)
    if base:
        report.print_growth(base, merged)
    log(f"bench: results in {args.output} and {results / f'{scale.name}.json'}")
    return 1 if any(row.status == "error" for row in rows) else 0
