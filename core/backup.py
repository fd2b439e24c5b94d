"""Backups of the whole product: the database (pg_dump, custom format) and the stored files (RE-06).

A backup is one folder under BACKUP_DIR named after the moment it was taken in UTC:

    koodak-20261206T114500Z/
        database.dump   pg_dump --format=custom of the whole database
        files.tar       the default storage's files (MEDIA_ROOT, or the bucket: ADR 0041),
                        paths relative to it
        manifest.json   when, from which database and server, file count, SHA-256 of both parts

`restore` loads such a folder into a named database (created when missing) and a files folder
(with a bucket, copy that folder into it with the store's own tool, e.g. `mc cp --recursive`).
It refuses a database that already has tables and a folder that already has files, unless told
to overwrite them. pg_dump and pg_restore must be at least as new as the server: the tools are
looked up on PATH first, then in Debian's /usr/lib/postgresql/<major>/bin, then in the pgserver
wheel that core.devstack may have installed, and the newest one no older than the server wins.
"""

from __future__ import annotations

import datetime
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

DUMP_NAME = "database.dump"
FILES_NAME = "files.tar"
MANIFEST_NAME = "manifest.json"
FOLDER_PREFIX = "koodak-"


class BackupError(Exception):
    """Something the operator has to fix; the commands print it without a traceback."""


@dataclass(frozen=True)
class Target:
    """How to reach one database with libpq's tools and with psycopg."""

    name: str
    host: str
    port: str
    user: str
    password: str

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        return env

    def connect(self, dbname: str | None = None) -> psycopg.Connection[Any]:
        params: dict[str, Any] = {"dbname": dbname or self.name, "autocommit": True}
        for key, value in (
            ("host", self.host),
            ("port", self.port),
            ("user", self.user),
            ("password", self.password),
        ):
            if value:
                params[key] = value
        return psycopg.connect(**params)


def configured_target(name: str | None = None) -> Target:
    """The product's own database (settings.DATABASES['default']), or another on that server."""
    db = settings.DATABASES["default"]
    return Target(
        name=name or str(db["NAME"]),
        host=str(db.get("HOST") or ""),
        port=str(db.get("PORT") or ""),
        user=str(db.get("USER") or ""),
        password=str(db.get("PASSWORD") or ""),
    )


# --- finding pg_dump and pg_restore that match the server ---------------------------------------


def _tool_major(path: Path) -> int:
    result = subprocess.run(  # noqa: S603
        [str(path), "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"(\d+)(?:\.\d+)?", result.stdout)
    return int(match.group(1)) if match else 0


def _candidates(tool: str) -> list[Path]:
    found: list[Path] = []
    on_path = shutil.which(tool)
    if on_path:
        found.append(Path(on_path).resolve())
    found += [Path(p) for p in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))]
    pattern = str(settings.BASE_DIR / ".venv/lib/python*/site-packages/pgserver/pginstall/bin")
    found += [Path(p) / tool for p in glob.glob(pattern)]
    return list(dict.fromkeys(p for p in found if p.is_file()))


def find_tool(tool: str, server_major: int) -> Path:
    """The newest `tool` no older than the server (pg_dump refuses an older-than-server pair)."""
    usable = [(major, path) for path in _candidates(tool) if (major := _tool_major(path))]
    fitting = sorted((item for item in usable if item[0] >= server_major), reverse=True)
    if not fitting:
        have = ", ".join(f"{path} ({major})" for major, path in usable) or "none"
        raise BackupError(
            f"{tool} for PostgreSQL {server_major} or newer was not found (found: {have}); "
            f"install the PostgreSQL {server_major} client tools"
        )
    return fitting[0][1]


def server_major(target: Target) -> int:
    with target.connect("postgres") as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    return int(row[0]) // 10000 if row else 0


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed:\n{result.stderr.strip()}")


# --- files ----------------------------------------------------------------------------------------


def _stored_names(storage: Any, folder: str = "") -> Iterator[str]:
    """Every file of a storage that is not a local folder (a bucket), depth first, sorted."""
    directories, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(directories):
        yield from _stored_names(storage, f"{folder}/{name}" if folder else name)


def _archive_files(archive: tarfile.TarFile) -> int:
    """Add the default storage's files to `archive`: from the folder, or read from the bucket."""
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["default"]
    count = 0
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        for path in _files_in(root):
            archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
            count += 1
        return count
    for name in _stored_names(storage):
        member = tarfile.TarInfo(name)
        member.size = storage.size(name)
        member.mtime = int(time.time())
        with storage.open(name, "rb") as handle:
            archive.addfile(member, handle)
        count += 1
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_in(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# --- backup ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    files: int
    dump_bytes: int


def backup(
    directory: Path,
    *,
    include_files: bool = True,
    now: datetime.datetime | None = None,
) -> BackupResult:
    """Write one dated backup folder under `directory` and return where it is."""
    target = configured_target()
    major = server_major(target)
    pg_dump = find_tool("pg_dump", major)
    moment = now or datetime.datetime.now(datetime.UTC)
    folder = directory / f"{FOLDER_PREFIX}{moment:%Y%m%dT%H%M%SZ}"
    if folder.exists():
        raise BackupError(f"{folder} exists already")
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True, mode=0o700)
    try:
        count, manifest = _write_backup(partial, target, pg_dump, major, moment, include_files)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    (partial / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    # Renamed only when complete: a folder without ".partial" is always a whole backup.
    partial.rename(folder)
    return BackupResult(folder=folder, files=count, dump_bytes=(folder / DUMP_NAME).stat().st_size)


def _write_backup(
    partial: Path,
    target: Target,
    pg_dump: Path,
    major: int,
    moment: datetime.datetime,
    include_files: bool,
) -> tuple[int, dict[str, Any]]:
    dump = partial / DUMP_NAME
    # One snapshot of the whole database; --no-owner/--no-privileges let it load under any role.
    _run(
        [str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)],
        target.env(),
        "pg_dump",
    )
    count = 0
    if include_files:
        with tarfile.open(partial / FILES_NAME, "w") as archive:
            count = _archive_files(archive)
    manifest: dict[str, Any] = {
        "taken_at": moment.isoformat(),
        "database": target.name,
        "server_major": major,
        "pg_dump": str(pg_dump),
        "files": count if include_files else None,
        "sha256": {
            name: _sha256(partial / name)
            for name in (DUMP_NAME, FILES_NAME)
            if (partial / name).exists()
        },
    }
    return count, manifest


def latest_backup(directory: Path) -> Path:
    found = sorted(
        p for p in directory.glob(f"{FOLDER_PREFIX}*") if p.is_dir() and p.suffix != ".partial"
    )
    if not found:
        raise BackupError(f"no backup in {directory}")
    return found[-1]


# --- restore --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    database: str
    created: bool
    files: int


def _check_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST_NAME).read_text())
    except (OSError, ValueError) as problem:
        raise BackupError(f"{folder} is not a backup ({MANIFEST_NAME}: {problem})") from problem
    for name, expected in manifest.get("sha256", {}).items():
        if _sha256(folder / name) != expected:
            raise BackupError(f"{folder / name} does not match its checksum: the copy is damaged")
    return manifest


def _database_state(target: Target) -> str:
    """'missing', 'empty' or 'in use' (has tables in any schema other than the system ones)."""
    with target.connect("postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name])
        if exists.fetchone() is None:
            return "missing"
    with target.connect() as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%'"
        ).fetchone()
    return "in use" if row and row[0] else "empty"


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"{FILES_NAME} holds an unsafe entry: {member.name!r}")
    return members


def restore(
    folder: Path,
    *,
    database: str,
    files_folder: Path | None,
    overwrite: bool = False,
) -> RestoreResult:
    """Load a backup into `database` (on the configured server) and `files_folder`.

    Refuses a database with tables, or a files folder with files, unless `overwrite`.
    `files_folder=None` leaves files alone.
    """
    manifest = _check_manifest(folder)
    target = configured_target(database)
    state = _database_state(target)
    if state == "in use" and not overwrite:
        raise BackupError(
            f"database {database} already has tables; restore into a new database, "
            "or pass --force to replace what it holds"
        )
    if files_folder is not None and _files_in(files_folder) and not overwrite:
        raise BackupError(f"{files_folder} already holds files; pass --force to replace them")
    if files_folder is not None and manifest.get("files") is None:
        raise BackupError("this backup has no files (taken with --no-files); pass --no-files")
    created = state == "missing"
    if created:
        with target.connect("postgres") as conn:
            conn.execute(
                psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(database))
            )
    pg_restore = find_tool("pg_restore", max(server_major(target), manifest["server_major"]))
    args = [str(pg_restore), "--no-owner", "--no-privileges", "--exit-on-error"]
    if state == "in use":
        args += ["--clean", "--if-exists"]
    # One transaction: a failed restore leaves the database as it was.
    args += ["--single-transaction", "--dbname", database, str(folder / DUMP_NAME)]
    _run(args, target.env(), "pg_restore")
    count = 0
    if files_folder is not None:
        if files_folder.exists() and overwrite:
            shutil.rmtree(files_folder)
        files_folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / FILES_NAME) as archive:
            members = _safe_members(archive)
            archive.extractall(files_folder, members=members, filter="data")
            count = sum(1 for m in members if m.isfile())
    return RestoreResult(database=database, created=created, files=count)


def current_database() -> str:
    return str(connection.settings_dict["NAME"])
