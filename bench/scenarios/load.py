"""The load test (issue 21): many users at once against gunicorn with the production settings.

gunicorn (2 sync workers, config/gunicorn.py, production settings over plain HTTP) serves the bench
database; Locust (bench/load/locustfile.py) drives a weighted mix of caseworkers' (6), managers'
(3) and ministry officers' (1) pages. The users are signed in beforehand: sessions made here, past
the second factor, whose cookies Locust sends (a sign-in costs Argon2 once a day per person, not
per page). Two runs after a warm-up: 16 users with 0.5-1.5 s of think time (p95 is the row), and
32 users without think time (saturation: requests per second per CPU core is the row).
Both Locust and gunicorn run on this machine, so they share its cores, as in the issue's figures.
The saturation row also says where a request's CPU went: gunicorn's workers, PostgreSQL and the
load generator (its start included), from /proc over that run.
"""

import collections
import contextlib
import csv
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from children.models import Case

from ..context import mark_active, signed_in_client
from ..measure import Row
from . import scenario

PROJECT = Path(__file__).resolve().parents[2]
LOCUSTFILE = PROJECT / "bench" / "load" / "locustfile.py"
SEARCH_TERMS = ["محمد", "زهرا", "علی", "فاطمه", "حسین", "مهدی"]
P95_TARGET = 0.150  # seconds, 16 users with think time
RPS_PER_CORE_TARGET = 40


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session(user):
    return mark_active(signed_in_client(user)).session.session_key


def _plan(ctx):
    fixtures = ctx.fixtures
    users = get_user_model().objects.filter(is_active=True)
    big = fixtures["big_org_id"]
    caseworkers = list(
        users.filter(membership__organisation_id=big, membership__role="caseworker")
        .order_by("pk")
        .values_list("pk", flat=True)[:8]
    ) or [fixtures["big_org_caseworker_id"]]
    officers = list(
        users.filter(membership__role="ministry_officer", membership__province__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    by_pk = {user.pk: user for user in users.filter(pk__in=[*caseworkers, *officers])}
    manager = ctx.user(fixtures["big_org_manager_id"])
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "search_terms": SEARCH_TERMS,
        "urls": {
            "my_work": reverse("children:my_work"),
            "case_list": reverse("children:case_list"),
            "case_page": reverse("children:case_detail", args=[0]).replace("/0/", "/{}/"),
            "encounter_list": reverse("children:encounter_list"),
            "hotspots": reverse("children:hotspots"),
            "referral_inbox": reverse("children:referral_inbox"),
            "organisation_dashboard": reverse("reports:organisation_dashboard"),
            "national_dashboard": reverse("reports:national_dashboard"),
        },
        "caseworker": {
            "sessions": [_session(by_pk[pk]) for pk in caseworkers],
            "case_ids": list(
                Case.objects.filter(organisation_id=big)
                .exclude(status="closed")
                .order_by("pk")
                .values_list("pk", flat=True)[:500]
            ),
        },
        "manager": {"sessions": [_session(manager)]},
        "officer": {"sessions": [_session(by_pk[pk]) for pk in officers]},
    }


@contextlib.contextmanager
def _gunicorn(folder):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions made here are signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "PYTHONPATH": str(PROJECT),
    }
    env.pop("DATABASE_OWNER_URL", None)
    log = (folder / "gunicorn.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {folder / 'gunicorn.log'}")
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer /healthz") from None
                time.sleep(0.5)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _locust(base, plan_file, folder, *, users, think, seconds, name):
    prefix = folder / name
    env = {**os.environ, "KOODAK_LOAD_PLAN": str(plan_file), "KOODAK_THINK": think}
    command = [
        shutil.which("locust") or str(Path(sys.executable).with_name("locust")),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    done = subprocess.run(  # noqa: S603 - a fixed command line
        command, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics: {done.stderr[-1500:]}")
    with stats.open(encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _workers_peak_mb(master_pid):
    """The largest high-water mark of memory (VmHWM) among gunicorn's workers, in MB: what a
    worker needs (docs/deployment.md). None where /proc cannot tell (not Linux)."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        peaks = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks) if peaks else None
    except OSError:
        return None


def _cpu_seconds(master_pid):
    """CPU seconds used so far by gunicorn's workers, by every PostgreSQL process on this machine
    and by the finished load generators (this process's waited-for children), as a Counter: their
    difference over the saturated run says where a request's CPU goes. Empty where /proc cannot
    tell (not Linux)."""
    spent = collections.Counter()
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        workers = set(Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split())
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                name = (entry / "comm").read_text().strip()
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            kind = "web" if entry.name in workers else "database" if name == "postgres" else None
            if kind:
                spent[kind] += (int(fields[11]) + int(fields[12])) / tick
    except OSError:
        return collections.Counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent["load generator"] = children.ru_utime + children.ru_stime
    return spent


def _cpu_note(spent, requests):
    if not requests or not spent.get("web"):
        return ""
    parts = [f"{kind} {seconds * 1000 / requests:.1f}" for kind, seconds in sorted(spent.items())]
    return "; CPU ms a request: " + ", ".join(parts)


def _seconds(row, column):
    value = row.get(column) or "0"
    return None if value == "N/A" else float(value) / 1000


def _pages_note(stats):
    parts = []
    for name, row in sorted(stats.items()):
        if name == "Aggregated" or not row.get("95%"):
            continue
        parts.append(f"{name} {float(row['95%']):.0f}")
    return "p95 ms: " + ", ".join(parts)


@scenario("load test")
def load_test(ctx):
    locust = shutil.which("locust") or Path(sys.executable).with_name("locust")
    if not Path(locust).exists():
        return [Row("load test", status="not built yet", note="locust is not installed")]
    quick = ctx.options.quick
    relaxed_users, saturated_users = (4, 8) if quick else (16, 32)
    relaxed_seconds, saturated_seconds = (5, 5) if quick else (60, 30)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="koodak-load-") as scratch:
        folder = Path(scratch)
        plan_file = folder / "plan.json"
        plan_file.write_text(json.dumps(_plan(ctx)), encoding="utf-8")
        with _gunicorn(folder) as (base, master_pid):
            # Warm-up: each worker loads its templates, translations and connections once.
            _locust(base, plan_file, folder, users=2, think="0", seconds=3, name="warm")
            relaxed = _locust(
                base,
                plan_file,
                folder,
                users=relaxed_users,
                think="0.5,1.5",
                seconds=relaxed_seconds,
                name="relaxed",
            )
            before = _cpu_seconds(master_pid)
            saturated = _locust(
                base,
                plan_file,
                folder,
                users=saturated_users,
                think="0",
                seconds=saturated_seconds,
                name="saturated",
            )
            spent = _cpu_seconds(master_pid) - before
            worker_mb = _workers_peak_mb(master_pid)
    rows = []
    total = relaxed["Aggregated"]
    p95 = _seconds(total, "95%")
    failures = int(total["Failure Count"])
    rows.append(
        Row(
            f"load: p95, {relaxed_users} users with 0.5-1.5 s think time",
            median_s=_seconds(total, "50%"),
            p95_s=p95,
            runs=int(total["Request Count"]),
            target_s=P95_TARGET,
            passed=(p95 is not None and p95 <= P95_TARGET and failures == 0),
            ratios={"requests_per_s": float(total["Requests/s"])},
            note=f"{failures} failed; {_pages_note(relaxed)}",
        )
    )
    total = saturated["Aggregated"]
    requests = int(total["Request Count"])
    per_core = float(total["Requests/s"]) / cores
    failures = int(total["Failure Count"])
    rows.append(
        Row(
            f"load: saturation, {saturated_users} users without think time",
            median_s=_seconds(total, "50%"),
            p95_s=_seconds(total, "95%"),
            runs=int(total["Request Count"]),
            passed=per_core >= RPS_PER_CORE_TARGET and failures == 0,
            ratios={
                "requests_per_s": float(total["Requests/s"]),
                "per_core": per_core,
                **({"worker_peak_mb": round(worker_mb)} if worker_mb else {}),
                **{
                    f"cpu_ms_{kind.replace(' ', '_')}": round(seconds * 1000 / requests, 1)
                    for kind, seconds in spent.items()
                    if requests
                },
            },
            note=(
                f"{float(total['Requests/s']):.1f} requests/s on {cores} cores = "
                f"{per_core:.1f} per core (target {RPS_PER_CORE_TARGET}); {failures} failed"
                + (f"; a gunicorn worker peaked at {worker_mb:.0f} MB" if worker_mb else "")
                + _cpu_note(spent, requests)
            ),
        )
    )
    return rows
