"""The private PostgreSQL: finding binaries, running as another user under root, start and stop."""

import contextlib
import glob
import os
import pwd
import re
import shlex
import sys
from pathlib import Path
from urllib.parse import quote

from .common import (
    DB_NAME,
    LOCAL,
    PG_PORT,
    PGSERVER,
    PROJECT,
    VENV_PYTHON,
    DevstackError,
    add_user,
    fallback_base,
    make_fallback_base,
    must,
    owner_file,
    pid_alive,
    read_pid,
    remove_user_and_count_others,
    run_quiet,
    say,
    socket_fits,
)

# --- PostgreSQL: finding the binaries -----------------------------------------------------------


def has_pg_tools(bindir):
    return all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres", "psql"))


def system_pg_bindirs():
    """Directories with PostgreSQL server binaries: PATH first, then Debian's layout."""
    found = []
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        initdb = Path(entry or ".") / "initdb"
        if initdb.is_file():
            found.append(initdb.resolve().parent)
    found += [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    unique = list(dict.fromkeys(p for p in found if has_pg_tools(p)))
    return sorted(unique, key=pg_major, reverse=True)


def pg_major(bindir):
    result = run_quiet([bindir / "pg_ctl", "--version"])
    match = re.search(r"(\d+)(?:\.\d+)?", result.stdout)
    return int(match.group(1)) if match else 0


def pgserver_bindir():
    pattern = str(PROJECT / ".venv" / "lib" / "python*" / "site-packages" / "pgserver")
    for package in glob.glob(pattern):
        bindir = Path(package) / "pginstall" / "bin"
        if has_pg_tools(bindir):
            return bindir
    return None


def install_pgserver():
    say(f"no PostgreSQL server binaries on this machine: installing {PGSERVER} into .venv")
    say("(its PostgreSQL 16 binaries are used directly; no system user is created)")
    if not VENV_PYTHON.exists():
        must(run_quiet([sys.executable, "-m", "venv", PROJECT / ".venv"]), "creating .venv")
    pip = [VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", PGSERVER]
    must(run_quiet(pip), f"pip install {PGSERVER}")
    bindir = pgserver_bindir()
    if bindir is None:
        raise DevstackError("pgserver was installed but its PostgreSQL binaries were not found")
    return bindir


def existing_data_major(data):
    try:
        return int((data / "PG_VERSION").read_text().strip())
    except (OSError, ValueError):
        return None


def choose_pg_bindir(data):
    """Binaries matching an existing data folder, else the newest ones, else pgserver's."""
    forced = os.environ.get("DEVSTACK_PG", "auto") == "pgserver"
    candidates = [] if forced else system_pg_bindirs()
    if pgserver_bindir():
        candidates.append(pgserver_bindir())
    wanted = existing_data_major(data)
    if wanted is None and candidates:
        return candidates[0]
    for bindir in candidates:
        if pg_major(bindir) == wanted:
            return bindir
    if wanted is None or wanted == 16:
        return install_pgserver()
    raise DevstackError(
        f"{data} was made by PostgreSQL {wanted}, and no PostgreSQL {wanted} binaries were found. "
        "Install them, or delete the folder (make clean-local) to start with an empty database."
    )


# --- PostgreSQL: running as another user when we are root ---------------------------------------


def server_account():
    """The account the PostgreSQL server runs as: None means the current user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise DevstackError("running as root, but there is neither a postgres nor a nobody user")


def as_account(account):
    """subprocess arguments that run a command as the server account."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": [], "cwd": "/"}


def account_can_use(account, bindir, folders):
    """Can the server account run the binaries and write in the folders?"""
    if account is None:
        return True
    kwargs = as_account(account)
    if run_quiet([bindir / "pg_ctl", "--version"], **kwargs).returncode != 0:
        return False
    check = 'for d; do test -d "$d" && test -w "$d" && test -x "$d" || exit 1; done'
    return run_quiet(["/bin/sh", "-c", check, "sh", *folders], **kwargs).returncode == 0


def prepare_folders(account, folders):
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        if account is not None:
            os.chown(folder, account.pw_uid, account.pw_gid)
        folder.chmod(0o700)


def pg_folders(account, bindir):
    """(data folder, socket folder): inside .local if possible, else under the temp dir."""
    data, sockets = LOCAL / "postgres", LOCAL / "run"
    if not socket_fits(sockets / f".s.PGSQL.{PG_PORT}.lock"):
        say(f"the project path is too long for a unix socket: using {fallback_base()}")
    else:
        prepare_folders(account, [data, sockets])
        if account_can_use(account, bindir, [data, sockets]):
            return data, sockets
        say(f"user {account.pw_name} cannot reach {LOCAL}: using {fallback_base()} instead")
    base = make_fallback_base()
    data, sockets = base / "postgres", base / "run"
    prepare_folders(account, [data, sockets])
    if not account_can_use(account, bindir, [data, sockets]):
        raise DevstackError(f"user {account.pw_name} cannot run {bindir} or write in {base}")
    return data, sockets


def locate_pg_data():
    """The data folder in use: .local/postgres, or the fallback if only that one exists."""
    local, other = LOCAL / "postgres", fallback_base() / "postgres"
    if (local / "PG_VERSION").exists() or not (other / "PG_VERSION").exists():
        return local
    return other


# --- PostgreSQL: start, reuse, stop -------------------------------------------------------------


class Postgres:
    def __init__(self, bindir, data, sockets, account):
        self.bindir, self.data, self.sockets, self.account = bindir, data, sockets, account

    def tool(self, name, *args):
        return run_quiet([self.bindir / name, *args], **as_account(self.account))

    def initdb(self):
        if (self.data / "PG_VERSION").exists():
            return
        say(f"creating a PostgreSQL cluster in {self.data}")
        base = ["-D", self.data, "--auth=trust", "--username=postgres", "--encoding=UTF8", "-N"]
        result = self.tool("initdb", *base, "--locale=C.UTF-8")
        if result.returncode != 0:
            say("locale C.UTF-8 is not available: using C")
            must(self.tool("initdb", *base, "--locale=C"), "initdb")

    def postmaster(self):
        """(pid, port, socket folder) of the server running from this data folder, or None."""
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
            pid, port, sockets = int(lines[0]), int(lines[3]), lines[4]
        except (OSError, ValueError, IndexError):
            return None
        running = self.tool("pg_ctl", "-D", self.data, "status").returncode == 0
        return (pid, port, sockets) if running and pid_alive(pid) else None

    def start(self):
        options = ["-h", "", "-k", str(self.sockets), "-p", str(PG_PORT)]
        for setting in ("fsync=off", "synchronous_commit=off", "full_page_writes=off"):
            options += ["-c", setting]
        log = self.data / "server.log"
        say(f"starting PostgreSQL {pg_major(self.bindir)} (log: {log})")
        args = ["-D", self.data, "-l", log, "-w", "-t", "60", "-o", shlex.join(options), "start"]
        result = self.tool("pg_ctl", *args)
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise DevstackError(f"PostgreSQL did not start:\n{result.stderr}{tail}")

    def stop(self):
        say("stopping PostgreSQL")
        result = self.tool("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")
        if result.returncode != 0:
            say(f"pg_ctl stop failed: {result.stderr.strip()}")

    def ensure_database(self, port, sockets):
        common = ["-h", sockets, "-p", str(port), "-U", "postgres"]
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"  # noqa: S608 (a constant)
        psql = [self.bindir / "psql", *common, "-d", "postgres", "-tAc", query]
        found = must(run_quiet(psql), "psql")
        if found.stdout.strip() != "1":
            say(f"creating database {DB_NAME}")
            must(run_quiet([self.bindir / "createdb", *common, DB_NAME]), "createdb")


def database_url(port, sockets):
    url = f"postgres://postgres@/{DB_NAME}?host={quote(str(sockets), safe='')}"
    return url if port == PG_PORT else f"{url}&port={port}"


def postgres_for(data):
    account = server_account()
    bindir = choose_pg_bindir(data)
    return Postgres(bindir, data, data.parent / "run", account), account


def postgres_up():
    """Start or reuse the private server; return it and its (pid, port, socket folder)."""
    pg, account = postgres_for(locate_pg_data())
    running = pg.postmaster() if (pg.data / "PG_VERSION").exists() else None
    if running is None:
        data, sockets = pg_folders(account, pg.bindir)
        pg = Postgres(pg.bindir, data, sockets, account)
        running = pg.postmaster()
    if running is None:
        pg.initdb()
        pg.start()
        running = pg.postmaster()
        if running is None:
            raise DevstackError("PostgreSQL reported a start but is not running")
        owner_file("postgres").write_text(f"{running[0]}\n{pg.data}\n")
    else:
        say(f"reusing the PostgreSQL server already running from {pg.data}")
    add_user("postgres")
    return pg, running


def postgres_down(pg):
    if remove_user_and_count_others("postgres"):
        say("PostgreSQL is still used by another devstack process: leaving it running")
        return
    running = pg.postmaster()
    started_pid = read_pid(owner_file("postgres"))
    if running and running[0] == started_pid:
        pg.stop()
    owner_file("postgres").unlink(missing_ok=True)
