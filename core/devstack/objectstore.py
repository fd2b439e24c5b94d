"""A private S3-compatible server for the tests of the object-storage code (docs/adr/0041).

MinIO when its binary is on PATH, otherwise moto's server mode (`moto_server`, from the dev
extra). Each is started on a free loopback port and stopped when the block ends; the data lives in
memory (moto) or a temporary folder (MinIO), so nothing outlives the run.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import DevstackError, say

MINIO_USER = "koodak-test"
MINIO_PASSWORD = "koodak-test-secret"  # noqa: S105 - a throwaway server on loopback


@dataclass(frozen=True)
class ObjectStore:
    endpoint_url: str
    access_key: str
    secret_key: str
    kind: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _binary(name: str) -> str | None:
    beside_python = Path(sys.executable).with_name(name)
    return str(beside_python) if beside_python.exists() else shutil.which(name)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)  # noqa: S310 - our own loopback server
    except urllib.error.HTTPError:
        return True  # any HTTP answer means it is up (MinIO answers 403 to anonymous calls)
    except OSError:
        return False
    return True


def object_store_available() -> bool:
    return bool(_binary("minio") or _binary("moto_server"))


@contextlib.contextmanager
def object_store() -> Iterator[ObjectStore]:
    """Start a private S3-compatible server; yield how to reach it; stop it."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    minio, moto = _binary("minio"), _binary("moto_server")
    with contextlib.ExitStack() as stack:
        if minio:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="koodak-minio-"))
            env = {
                **os.environ,
                "MINIO_ROOT_USER": MINIO_USER,
                "MINIO_ROOT_PASSWORD": MINIO_PASSWORD,
            }
            command = [minio, "server", folder, "--address", f"127.0.0.1:{port}", "--quiet"]
            store = ObjectStore(endpoint, MINIO_USER, MINIO_PASSWORD, "minio")
        elif moto:
            env = dict(os.environ)
            command = [moto, "-H", "127.0.0.1", "-p", str(port)]
            store = ObjectStore(endpoint, "testing", "testing", "moto")
        else:
            raise DevstackError(
                "no S3-compatible server: install minio, or moto[s3] with flask and flask-cors"
            )
        say(f"starting {store.kind} (S3) on {endpoint}")
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        stack.callback(_stop, process)
        deadline = time.monotonic() + 30
        while not _answers(endpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                raise DevstackError(f"{store.kind} did not answer on {endpoint}")
            time.sleep(0.1)
        yield store


def _stop(process: subprocess.Popen) -> None:
    # Both keep nothing worth a slow stop: the data was in memory or a temporary folder.
    process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
