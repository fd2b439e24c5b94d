"""The children import on a fresh installation: the demo's few hundred cases, analysed, and a
large file.

The bench database holds 200,000 cases with true statistics, so PostgreSQL plans every query of
the import for a large table. A new installation is the other way round: `make run` seeds a few
hundred cases and autovacuum analyses them, and a plan chosen for a table that small can cross
every row the import has already added, once per chunk (a 100,000-row import once took 110 s
there). This probe runs the import in a database of its own, `<name>_bench_fresh`: migrated,
seeded by `seed_demo` and analysed once, then reused; each import is rolled back, so its
statistics stay those of the demo.

The import runs in a spawned interpreter, since Django reads DATABASE_URL once, at setup. This
module imports nothing from Django at load time: the child unpickles the function first.
"""

import io
import multiprocessing
import os
import time

ORGANISATION = "NGO01"  # a demo organisation with its own cases
MANAGER = "manager.a"  # its manager in the demo


def _import_once(database_url, path, name):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from children.models import Case
    from imports.services import (
        import_job_create,
        import_job_decide,
        import_job_preview,
        import_job_run,
    )
    from ngos.models import Organisation

    prepared = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not Organisation.objects.filter(code=ORGANISATION).exists():
        call_command("seed_demo", stdout=io.StringIO())  # its logins are not the bench's news
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    prepared = time.perf_counter() - prepared
    organisation = Organisation.objects.get(code=ORGANISATION)
    user = get_user_model().objects.get(username=MANAGER)
    cases_before = Case.objects.count()
    with open(path, "rb") as handle:
        data = handle.read()
    with transaction.atomic():
        job = import_job_create(by=user, organisation=organisation, name=name, data=data)
        data = None
        job = import_job_preview(job_id=job.pk)  # as the import page does; not timed
        if job.likely_pending():  # answered as the page would, all imported (ADR 0019)
            job = import_job_decide(by=user, job=job, decision="import")
        started = time.perf_counter()
        job = import_job_run(job_id=job.pk, by=user)
        elapsed = time.perf_counter() - started
        outcome = {
            "seconds": elapsed,
            "status": job.status,
            "message": job.message,
            "created": job.created_count,
            "cases_before": cases_before,
            "prepared_s": prepared,
        }
        transaction.set_rollback(True)
    return outcome


def fresh_import(database_url, path, name):
    """Import the file at `path` into the fresh database once, rolled back: {"seconds",
    "status", "message", "created", "cases_before", "prepared_s"}. Creates the database on first
    use; `prepared_s` is the time spent migrating (and seeding, the first time) before the import."""
    from . import db

    with db.preparation_lock(database_url):  # held while a first run migrates and seeds
        if not db.database_exists(database_url):
            db.create_database(database_url)
        context = multiprocessing.get_context("spawn")
        with context.Pool(1) as pool:
            return pool.apply(_import_once, (database_url, path, name))


def fresh_database_url(bench_url):
    """The bench database's URL with `_bench_<scale>` replaced by `_bench_fresh`."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(bench_url)
    base = parts.path.lstrip("/").rsplit("_bench_", 1)[0]
    return urlunsplit(parts._replace(path=f"/{base}_bench_fresh"))
