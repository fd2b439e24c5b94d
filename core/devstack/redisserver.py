"""The private Redis, or kombu's filesystem broker when there is no redis-server."""

import contextlib
import os
import shutil
import signal
import socket
import time

from .common import (
    LOCAL,
    STOP_GRACE,
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
