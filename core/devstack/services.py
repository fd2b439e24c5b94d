"""The services as a whole, and running one command with them."""

import contextlib
import os
import signal
import subprocess

from .common import STOP_GRACE, DevstackError, Interrupted, say, state_lock
from .postgres import database_url, postgres_down, postgres_up
from .redisserver import redis_down, redis_up

# --- services as a whole ------------------------------------------------------------------------


class Services:
    """Brings up what the environment lacks; `down` undoes exactly that."""

    def __init__(self):
        self.env = dict(os.environ)
        self.pg = None
        self.redis = False

    def up(self):
        with state_lock():
            if not os.environ.get("DATABASE_URL"):
                self.pg, (_pid, port, sockets) = postgres_up()
                self.pg.ensure_database(port, sockets)
                self.env["DATABASE_URL"] = database_url(port, sockets)
            if not os.environ.get("REDIS_URL"):
                exported = redis_up()
                self.redis = "REDIS_URL" in exported
                self.env.update(exported)
        for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
            if name in self.env and self.env.get(name) != os.environ.get(name):
                say(f"{name}={self.env[name]}")
        return self.env

    def down(self):
        with state_lock():
            if self.pg is not None:
                postgres_down(self.pg)
                self.pg = None
            if self.redis:
                redis_down()
                self.redis = False


def install_signal_handlers():
    def handler(signum, frame):
        raise Interrupted(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, handler)


def ignore_signals():
    """While cleaning up, further signals must not cut the clean-up short."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


def exit_code(returncode):
    return 128 - returncode if returncode < 0 else returncode


# --- with-services ------------------------------------------------------------------------------


def wait_child(child):
    """Wait for the command; on a signal, give it time to finish, then stop it."""
    try:
        return child.wait()
    except Interrupted as stop:
        ignore_signals()
        if stop.signum != signal.SIGINT:  # a terminal Ctrl-C already reached the child
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
        try:
            return child.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()


def with_services(command):
    if not command:
        raise DevstackError("usage: python -m core.devstack with-services -- COMMAND [ARG...]")
    services = Services()
    install_signal_handlers()
    try:
        env = services.up()
        child = subprocess.Popen(command, env=env)  # noqa: S603 (the user's own command)
        return exit_code(wait_child(child))
    except Interrupted as stop:
        return 128 + stop.signum
    finally:
        ignore_signals()
        services.down()
