#!/usr/bin/env python3
"""Private PostgreSQL and Redis for development, so that `make run` and `make test` need no setup.

Koodak is built on PostgreSQL and on Celery with Redis. A developer should not have to install,
configure or share those servers to try the product or run its tests, so this script starts private
ones inside the project folder when the environment does not point at real ones, runs a command
with them and stops them again. It uses only the standard library: it runs before Django and
before the virtual environment has anything in it.

    python core/devstack.py with-services -- COMMAND [ARG...]
        For each of DATABASE_URL and REDIS_URL that is not set, start a private server, export the
        variable to COMMAND, run it, stop what was started and exit with COMMAND's exit code.
    python core/devstack.py run
        With the services: migrate, load the demo data (seed_demo), then run the web server, a
        Celery worker and Celery beat side by side until Ctrl-C or until one of them stops.
    python core/devstack.py status      say which private servers are running (exit 1 if any)
    python core/devstack.py clean       delete .local and the temporary fallback folder, if no
                                        private server is running

PostgreSQL: the machine's initdb and pg_ctl (PATH, then /usr/lib/postgresql/*/bin, newest first).
Without them, the PyPI package pgserver (PostgreSQL 16 in a wheel) is installed into .venv and its
binaries are used the same way. Data lives in .local/postgres; the server listens only on a unix
socket in .local/run, with trust authentication and fsync off (a throwaway development server).
PostgreSQL refuses to run as root: under root the server runs as the `postgres` user (or `nobody`),
and if that user cannot reach the project folder, data and socket move to a folder under the system
temp dir named after a hash of the project path. DATABASE_URL is then
postgres://postgres@/koodak?host=<socket folder>, which both psql and django-environ understand.

Redis: redis-server on a unix socket (.local/run/redis.sock), nothing saved to disk. REDIS_URL is
unix://...?db=0 and CELERY_BROKER_URL the matching redis+socket:// address (kombu has no unix://).
Without redis-server, Celery gets kombu's filesystem transport (CELERY_BROKER_URL=filesystem:// and
CELERY_FILESYSTEM_BROKER_DIR) and REDIS_URL stays unset, so the settings use an in-process cache.

Several commands can share the servers (say `make test` while `make run` is up): each one that uses
a private server registers in .local/devstack, a server that is already running is reused, and the
last user to leave stops it, but only if this script started it.

Test knobs: DEVSTACK_PG=pgserver forces the pgserver binaries; DEVSTACK_REDIS=none acts as if
there were no redis-server.
"""

import contextlib
import fcntl
import functools
import glob
import hashlib
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

PROJECT = Path(__file__).resolve().parent.parent
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


# --- Redis ------------------------------------------------------------------------------------------


def redis_folder():
    run = LOCAL / "run"
    return run if socket_fits(run / "redis.sock") else fallback_base() / "redis"


def redis_ping(sock_path):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(1)
            conn.connect(str(sock_path))
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_pid(folder):
    pid = read_pid(folder / "redis.pid")
    return pid if pid and pid_alive(pid) and redis_ping(folder / "redis.sock") else None


def redis_start(server, folder):
    if folder.parent == fallback_base():
        make_fallback_base()
    folder.mkdir(parents=True, exist_ok=True)
    sock = folder / "redis.sock"
    say(f"starting Redis on {sock}")
    args = ["--port", "0", "--unixsocket", sock, "--unixsocketperm", "700", "--save", ""]
    args += ["--appendonly", "no", "--daemonize", "yes", "--dir", folder]
    args += ["--pidfile", folder / "redis.pid", "--logfile", folder / "redis.log"]
    must(run_quiet([server, *args]), "redis-server")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if redis_pid(folder):
            return redis_pid(folder)
        time.sleep(0.1)
    raise DevstackError(f"Redis did not answer on {sock}; see {folder / 'redis.log'}")


def redis_up():
    """Start or reuse the private Redis; return the variables to export."""
    server = shutil.which("redis-server")
    if server is None or os.environ.get("DEVSTACK_REDIS") == "none":
        return filesystem_broker()
    folder = redis_folder()
    pid = redis_pid(folder)
    if pid is None:
        pid = redis_start(server, folder)
        owner_file("redis").write_text(f"{pid}\n")
    else:
        say(f"reusing the Redis server already running on {folder / 'redis.sock'}")
    add_user("redis")
    sock = folder / "redis.sock"
    exported = {"REDIS_URL": f"unix://{sock}?db=0"}
    if "CELERY_BROKER_URL" not in os.environ:
        exported["CELERY_BROKER_URL"] = f"redis+socket://{sock}"
    return exported


def filesystem_broker():
    say("no redis-server: Celery uses a filesystem broker and Django an in-process cache")
    broker_dir = LOCAL / "celery-broker"
    broker_dir.mkdir(parents=True, exist_ok=True)
    exported = {"CELERY_FILESYSTEM_BROKER_DIR": str(broker_dir)}
    if "CELERY_BROKER_URL" not in os.environ:
        exported["CELERY_BROKER_URL"] = "filesystem://"
    return exported


def redis_stop(folder, pid):
    say("stopping Redis")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        say(f"Redis (pid {pid}) did not stop; killing it")
        os.kill(pid, signal.SIGKILL)


def redis_down():
    if remove_user_and_count_others("redis"):
        say("Redis is still used by another devstack process: leaving it running")
        return
    folder = redis_folder()
    pid = redis_pid(folder)
    if pid and pid == read_pid(owner_file("redis")):
        redis_stop(folder, pid)
    owner_file("redis").unlink(missing_ok=True)


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
        raise DevstackError("usage: devstack.py with-services -- COMMAND [ARG...]")
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


# --- run ----------------------------------------------------------------------------------------


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


def run_product():
    port = int(os.environ.get("PORT", "8000"))
    services = Services()
    children = {}
    install_signal_handlers()
    try:
        env = services.up()
        # Links in the demo's mails (reports, digests) point at the port the product runs on.
        env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
        step([python(), "manage.py", "migrate", "--noinput"], env)
        step([python(), "manage.py", "seed_demo"], env)
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


def main(argv):
    if argv[:1] == ["with-services"]:
        rest = argv[1:]
        command = rest[1:] if rest[:1] == ["--"] else rest
        action = functools.partial(with_services, command)
    else:
        actions = {"run": run_product, "status": status, "clean": clean}
        action = actions.get(argv[0] if len(argv) == 1 else "")
        if action is None:
            print(__doc__, file=sys.stderr)
            return 2
    try:
        return action()
    except DevstackError as problem:
        say(str(problem))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
