"""Paths, constants and small helpers shared by the devstack modules."""

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
LOCAL = PROJECT / ".local"
STATE = LOCAL / "devstack"
VENV_PYTHON = PROJECT / ".venv" / "bin" / "python"
DB_NAME = "koodak"
PG_PORT = 5432
PGSERVER = "pgserver==0.1.4"
SOCKET_PATH_MAX = 107  # bytes in sockaddr_un.sun_path, less the final NUL
STOP_GRACE = 10  # seconds a child gets to stop after SIGTERM


def say(message):
    print(f"devstack: {message}", file=sys.stderr, flush=True)


class DevstackError(Exception):
    """A problem the user has to fix; printed without a traceback."""


class Interrupted(Exception):
    """Raised by the signal handlers so that clean-up code runs."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


# --- small helpers ------------------------------------------------------------------------------


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    return not is_zombie(pid)


def is_zombie(pid):
    """A stopped daemon can linger as a zombie until init reaps it; it counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def read_pid(path):
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def fallback_base():
    """A per-project folder under the temp dir, for when .local cannot be used."""
    digest = hashlib.sha256(str(PROJECT).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"koodak-devstack-{digest}"


def make_fallback_base():
    """Create the fallback folder; refuse one that someone else made (the temp dir is shared)."""
    base = fallback_base()
    base.mkdir(mode=0o755, exist_ok=True)
    if base.stat().st_uid != os.geteuid() or base.is_symlink():
        raise DevstackError(f"{base} belongs to another user: remove it or move the project")
    return base


def socket_fits(path):
    return len(os.fsencode(str(path))) <= SOCKET_PATH_MAX


def run_quiet(cmd, **kwargs):
    """Run a helper command in its own session (a Ctrl-C must not cut a stop half-way)."""
    args = [str(c) for c in cmd]
    return subprocess.run(args, capture_output=True, text=True, start_new_session=True, **kwargs)  # noqa: S603


def must(result, what):
    if result.returncode != 0:
        raise DevstackError(f"{what} failed:\n{result.stdout}{result.stderr}".rstrip())
    return result


@contextlib.contextmanager
def state_lock():
    """Serialise start-up and shut-down between concurrent devstack processes."""
    STATE.mkdir(parents=True, exist_ok=True)
    with open(STATE / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- who uses which server ------------------------------------------------------------------------


def users_dir(service):
    path = STATE / f"users-{service}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_user(service):
    (users_dir(service) / str(os.getpid())).touch()


def remove_user_and_count_others(service):
    """Unregister this process; return how many other live processes still use the service."""
    others = 0
    for entry in users_dir(service).iterdir():
        pid = int(entry.name) if entry.name.isdigit() else None
        if pid == os.getpid() or pid is None or not pid_alive(pid):
            entry.unlink(missing_ok=True)
        else:
            others += 1
    return others


def owner_file(service):
    return STATE / f"{service}.started-by-devstack"
