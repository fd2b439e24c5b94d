"""`run`: the product with demo data; `status` and `clean`."""

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

from .common import (
    LOCAL,
    PROJECT,
    STOP_GRACE,
    VENV_PYTHON,
    DevstackError,
    Interrupted,
    fallback_base,
    pid_alive,
    read_pid,
    say,
)
from .postgres import locate_pg_data
from .redisserver import redis_folder, redis_pid
from .services import Services, exit_code, ignore_signals, install_signal_handlers

# --- run ----------------------------------------------------------------------------------------

# The role the product's processes connect as on the private server: it owns nothing (LG-03).
APP_ROLE = "koodak_app"


def python():
    return str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


def step(args, env):
    say("$ " + shlex.join(args))
    result = subprocess.run(args, env=env, cwd=PROJECT)  # noqa: S603
    if result.returncode != 0:
        raise DevstackError(f"{shlex.join(args)} exited with {exit_code(result.returncode)}")


def start_children(port, env):
    celery = [python(), "-m", "celery", "-A", "config"]
    schedule = str(LOCAL / "celerybeat-schedule")
    commands = {
        "web": [python(), "manage.py", "runserver", f"0.0.0.0:{port}"],
        "worker": [*celery, "worker", "-l", "info", "--concurrency", "2"],
        "beat": [*celery, "beat", "-l", "info", "--schedule", schedule],
    }
    children = {}
    for name, args in commands.items():
        say(f"starting {name}: {shlex.join(args)}")
        # Each child gets its own process group so that its helpers stop with it.
        children[name] = subprocess.Popen(args, env=env, cwd=PROJECT, start_new_session=True)  # noqa: S603
    return children


def stop_children(children):
    for child in children.values():
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop in time; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def announce_when_listening(port, children):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and children["web"].poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            bar = "=" * 60
            address = f"http://127.0.0.1:{port}/"
            print(f"\n{bar}\n  Koodak is running at {address}", flush=True)
            print(f"  Press Ctrl-C to stop everything.\n{bar}\n", flush=True)
            return
        time.sleep(0.5)


def watch(children):
    """Return the exit code of the first child that stops."""
    while True:
        for name, child in children.items():
            if child.poll() is not None:
                say(f"{name} stopped (exit code {exit_code(child.returncode)}): stopping the rest")
                return exit_code(child.returncode) or 1
        time.sleep(0.5)


def split_roles(env, private):
    """(environment of the setup steps, environment of the product's processes).

    The setup steps (migrate, demo data) run as the tables' owner, with DATABASE_OWNER_URL; the
    web process, worker and beat get only DATABASE_URL, the application role (LG-03). On the
    private server (trust authentication) the role is `koodak_app`; given URLs are used as they
    are: both when DATABASE_OWNER_URL is set, else the one DATABASE_URL for everything.
    """
    if env.get("DATABASE_OWNER_URL"):
        owner_env = dict(env)
    elif private and env.get("DATABASE_URL", "").startswith("postgres://postgres@"):
        owner = env["DATABASE_URL"]
        app = owner.replace("postgres://postgres@", f"postgres://{APP_ROLE}@", 1)
        owner_env = {**env, "DATABASE_URL": app, "DATABASE_OWNER_URL": owner}
    else:
        return dict(env), dict(env)
    app_env = {key: value for key, value in owner_env.items() if key != "DATABASE_OWNER_URL"}
    return owner_env, app_env


def run_product():
    port = int(os.environ.get("PORT", "8000"))
    services = Services()
    children = {}
    install_signal_handlers()
    try:
        env = services.up()
        # Links in the demo's mails (reports, digests) point at the port the product runs on.
        env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
        # The product as its users see it: friendly error pages, not Django's debug pages.
        env.setdefault("DEBUG", "false")
        setup_env, env = split_roles(env, private=services.pg is not None)
        # migrate grants the application role its rights at its end (core/dbroles.py).
        step([python(), "manage.py", "migrate", "--noinput"], setup_env)
        step([python(), "manage.py", "seed_demo"], setup_env)
        children = start_children(port, env)
        announce_when_listening(port, children)
        return watch(children)
    except Interrupted as stop:
        say("stopping")
        return 0 if stop.signum == signal.SIGINT else 128 + stop.signum
    finally:
        ignore_signals()
        stop_children(children)
        services.down()


# --- status and clean ---------------------------------------------------------------------------


def running_servers():
    found = []
    data = locate_pg_data()
    pid = read_pid(data / "postmaster.pid")
    if pid and pid_alive(pid):
        found.append(f"PostgreSQL (pid {pid}) from {data}")
    pid = redis_pid(redis_folder())
    if pid:
        found.append(f"Redis (pid {pid}) on {redis_folder() / 'redis.sock'}")
    return found


def status():
    found = running_servers()
    for line in found or ["no private server is running"]:
        print(line)
    return 1 if found else 0


def clean():
    found = running_servers()
    if found:
        raise DevstackError("stop these first (end `make run`):\n  " + "\n  ".join(found))
    for folder in (LOCAL, fallback_base()):
        if folder.exists():
            say(f"removing {folder}")
            shutil.rmtree(folder)
    return 0
