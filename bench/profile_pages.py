"""Where a request's CPU goes: the load test's pages, one at a time, under a sampling profiler.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/koodak_bench_national \\
        python -m bench.profile_pages [--calls 20] [--only "my work"] [--top 12]

Runs with the load test's settings (`bench.load.settings`: production's, DEBUG off, cached
templates, Redis cache) against an existing bench database, named directly by DATABASE_URL (this
never generates or migrates). Everything happens in one transaction that is rolled back at the
end: the second-factor devices and sessions of the signed-in users, the audit rows the pages
write, the sessions' "last seen" writes. Sessions kept in the cache (SESSION_ENGINE cached_db)
are written to the Redis named by REDIS_URL, which should be a scratch database.

For each page, after a warm-up: CPU of this process per request (`time.process_time`), CPU of
the database backend per request (from /proc, so only with PostgreSQL on this machine), the
queries, and a profile of this process's CPU sampled every millisecond by a profiling timer
(ITIMER_PROF): self time by area and inclusive time of the places a request can spend it.
"""

import argparse
import collections
import gc
import os
import signal
import sys
import time
from pathlib import Path

from .page_tools import bench_fixtures, client_for, setup_django

PROJECT = Path(__file__).resolve().parents[1]
INTERVAL = 0.001

# (label, path fragment, function name): inclusive time of these frames.
LANDMARKS = [
    ("view, its template included", "django/core/handlers/base.py", "_get_response"),
    ("template rendering", "django/template/base.py", "render"),
    ("SQL: execute (client side)", "django/db/backends/utils.py", "_execute"),
    ("ORM: compile SQL", "django/db/models/sql/compiler.py", "as_sql"),
    ("ORM: rows to objects", "django/db/models/query.py", "__iter__"),
    ("session load", "django/contrib/sessions/backends", "load"),
    ("session save", "django/contrib/sessions/backends", "save"),
    ("user from session", "django/contrib/auth/__init__.py", "get_user"),
    ("second factor (OTP middleware)", "django_otp/middleware.py", "_verify_user"),
    ("second factor check (process_view)", "core/middleware.py", "process_view"),
    ("audit rows", "core/audit.py", "record"),
    ("permission flags", "core/permissions.py", "permission_flags"),
    ("language activation", "django/utils/translation/trans_real.py", "activate"),
    ("gettext lookups", "django/utils/translation/trans_real.py", "gettext"),
    ("Jalali date filters", "core/templatetags/persian_dates.py", ""),
    ("url reversing", "django/urls/base.py", "reverse"),
    ("CSP header", "csp/middleware.py", ""),
    ("CSRF", "django/middleware/csrf.py", ""),
]


def area(filename):
    if "/django/template/" in filename or "/django/templatetags/" in filename:
        return "Django templates"
    if "/django/db/" in filename:
        return "Django ORM"
    if "/psycopg" in filename:
        return "psycopg"
    if "/django/utils/translation" in filename:
        return "translation"
    if "/django/" in filename:
        return "Django, other"
    if "/jdatetime/" in filename:
        return "jdatetime"
    if filename.startswith(str(PROJECT)) and "/.venv/" not in filename:
        return "project: " + Path(filename).relative_to(PROJECT).parts[0]
    if "site-packages" in filename:
        return "library: " + filename.split("site-packages/")[1].split("/")[0]
    return "Python"


class Sampler:
    """Stacks of the main thread every INTERVAL of process CPU (SIGPROF)."""

    def __init__(self):
        self.stacks = collections.Counter()
        self.samples = 0

    def _on_tick(self, signum, frame):
        stack = []
        while frame is not None:
            code = frame.f_code
            stack.append((code.co_filename, code.co_name, code.co_firstlineno))
            frame = frame.f_back
        self.stacks[tuple(stack)] += 1
        self.samples += 1

    def __enter__(self):
        signal.signal(signal.SIGPROF, self._on_tick)
        signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)

    def report(self, calls, cpu_ms, top):
        # The kernel delivers the timer at its own tick (often 4 ms), not every INTERVAL: scale
        # the samples to the CPU time measured around them.
        per_call = cpu_ms / max(self.samples, 1) / calls  # ms a request for one sample
        by_area = collections.Counter()
        landmarks = collections.Counter()
        functions = collections.Counter()
        for stack, count in self.stacks.items():
            by_area[area(stack[0][0])] += count
            seen = set()
            for filename, name, line in stack:
                key = (filename, name, line)
                if key not in seen:
                    seen.add(key)
                    ours = filename.startswith(str(PROJECT)) and "/.venv/" not in filename
                    if ours and "/bench/" not in filename:
                        functions[key] += count
            for label, fragment, name in LANDMARKS:
                if any(fragment in f and (not name or n == name) for f, n, _ in stack):
                    landmarks[label] += count
        lines = [f"    {self.samples} samples"]
        lines.append("    self time by area (ms a request):")
        for name, count in by_area.most_common(top):
            lines.append(f"      {count * per_call:7.1f}  {name}")
        lines.append("    inclusive time of landmarks (ms a request):")
        for label, _fragment, _name in LANDMARKS:
            if landmarks[label]:
                lines.append(f"      {landmarks[label] * per_call:7.1f}  {label}")
        outside = self.samples - landmarks[LANDMARKS[0][0]]
        lines.append(
            f"      {outside * per_call:7.1f}  outside the view (middleware, handler, client)"
        )
        lines.append("    project functions by inclusive time (ms a request):")
        # Leave out the middleware chain and wrappers that hold (nearly) every sample.
        chain = [key for key, count in functions.items() if count >= 0.97 * self.samples]
        for key in chain:
            del functions[key]
        for (filename, name, line), count in functions.most_common(top):
            where = Path(filename).relative_to(PROJECT)
            lines.append(f"      {count * per_call:7.1f}  {where}:{line} {name}")
        return "\n".join(lines)


def backend_cpu(pid):
    """User + system CPU seconds of a PostgreSQL backend process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class GcTimer:
    """CPU the garbage collector spends while the block runs (its start and stop callbacks)."""

    def __init__(self):
        self.seconds = 0.0
        self._started = 0.0

    def _callback(self, phase, info):
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started

    def __enter__(self):
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self._callback)


def pages(fixtures):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from children.models import Case

    case_ids = list(
        Case.objects.filter(organisation_id=fixtures["big_org_id"])
        .exclude(status="closed")
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    )
    cases = [reverse("children:case_detail", args=[pk]) for pk in case_ids]
    caseworker, manager = fixtures["big_org_caseworker_id"], fixtures["big_org_manager_id"]
    officer = (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__role="ministry_officer",
            membership__province__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [
        # Almost nothing but the layout: the floor under every page.
        (
            "caseworker: the layout alone (password change)",
            caseworker,
            [reverse("password_change")],
        ),
        ("caseworker: my work", caseworker, [reverse("children:my_work")]),
        ("caseworker: case search", caseworker, [reverse("children:case_list") + "?q=محمد"]),
        ("caseworker: case page", caseworker, cases),
        ("caseworker: encounter list", caseworker, [reverse("children:encounter_list")]),
        ("manager: my work", manager, [reverse("children:my_work")]),
        ("manager: case list", manager, [reverse("children:case_list")]),
        ("manager: referral inbox", manager, [reverse("children:referral_inbox")]),
        ("manager: hotspot summary", manager, [reverse("children:hotspots")]),
        ("manager: organisation dashboard", manager, [reverse("reports:organisation_dashboard")]),
        ("officer: ministry dashboard", officer, [reverse("reports:national_dashboard")]),
    ]


def print_queries(name, call):
    """Each query of one call, shortened, with where in the project it was asked for."""
    import traceback

    from django.db import connection

    lines = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            ours = [
                f"{Path(frame.filename).relative_to(PROJECT)}:{frame.lineno}"
                for frame in traceback.extract_stack()
                if frame.filename.startswith(str(PROJECT))
                and "/.venv/" not in frame.filename
                and "/bench/" not in frame.filename
            ]
            lines.append(
                f"  {ms:6.2f} ms  {sql[:110]}\n            from {' < '.join(ours[-3:][::-1])}"
            )

    with connection.execute_wrapper(record):
        call(0)
    print(f"\n{name}: {len(lines)} queries")
    print("\n".join(lines), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20, help="timed (and then profiled) calls")
    parser.add_argument("--only", default="", help="pages whose name contains this")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument(
        "--sql", action="store_true", help="print the queries of one call of each page, and stop"
    )
    parser.add_argument(
        "--gc",
        action="store_true",
        help="tune the garbage collector as the web process does (core/gc_tuning.py)",
    )
    args = parser.parse_args(argv)

    setup_django()
    if args.gc:
        from core.gc_tuning import tune_for_requests

        tune_for_requests()
    from django.db import connection, transaction

    from .context import mark_active

    fixtures = bench_fixtures()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    queries = collections.Counter()

    def count(execute, sql, params, many, context):
        first = sql.split(None, 1)[0].upper()
        if first not in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
            queries[first] += 1
        return execute(sql, params, many, context)

    print(f"load average {os.getloadavg()}; {args.calls} calls a page", flush=True)
    with transaction.atomic():
        clients = {}
        for name, user_pk, urls in pages(fixtures):
            if args.only and args.only not in name:
                continue
            if user_pk not in clients:
                clients[user_pk] = client_for(user_pk)
            client = mark_active(clients[user_pk])

            def call(index, client=client, urls=urls):
                response = client.get(urls[index % len(urls)])
                assert response.status_code == 200, response.status_code  # noqa: S101

            for index in range(3):
                call(index)
            if args.sql:
                print_queries(name, call)
                continue
            queries.clear()
            cpu, db_cpu, wall = time.process_time(), backend_cpu(backend), time.perf_counter()
            with GcTimer() as collecting, connection.execute_wrapper(count):
                for index in range(args.calls):
                    call(index)
            cpu = (time.process_time() - cpu) * 1000 / args.calls
            db_cpu = (backend_cpu(backend) - db_cpu) * 1000 / args.calls
            wall = (time.perf_counter() - wall) * 1000 / args.calls
            per_kind = ", ".join(f"{k} {v / args.calls:g}" for k, v in sorted(queries.items()))
            profiled = time.process_time()
            with Sampler() as sampler:
                for index in range(args.calls):
                    call(index)
            profiled = (time.process_time() - profiled) * 1000
            print(
                f"\n{name}: app CPU {cpu:.1f} ms (garbage collection"
                f" {collecting.seconds * 1000 / args.calls:.2f}), database CPU {db_cpu:.1f} ms,"
                f" wall {wall:.1f} ms a request; queries a request: {per_kind}"
            )
            print(sampler.report(args.calls, profiled, args.top), flush=True)
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
