"""Backup and restore (RE-06): pg_dump of the whole database plus the stored files, restored into
a scratch database and folder on the same server."""

import contextlib
import datetime
import json

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from children.models import Case
from core.backup import MANIFEST_NAME, configured_target, latest_backup
from core.models import AuditEvent
from tests.children.conftest import CONSENT, identity
from tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def files_root(tmp_path, settings):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    target = configured_target(name)

    def drop():
        with target.connect("postgres") as conn:
            conn.execute(
                psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    psycopg.sql.Identifier(name)
                )
            )

    drop()
    yield name
    drop()


def rows(database, query):
    with configured_target(database).connect() as conn:
        return conn.execute(query).fetchall()


def make_product_data(org_a):
    from children import services

    worker = member("cw_backup", org_a, "caseworker")
    cases = [
        services.case_register(
            by=worker,
            organisation=org_a,
            data=identity(given_name=name, birth_date=datetime.date(2015, 1, day)),
            consent=dict(CONSENT),
        )
        for day, name in enumerate(["علی", "زهرا", "محمد"], start=1)
    ]
    stored = storages["default"].save("meetings/minutes.pdf", ContentFile(b"%PDF-1.4 minutes"))
    return cases, stored


def test_a_backup_restored_into_a_new_database_finds_every_case_audit_row_and_file(
    org_a, files_root, scratch_database, tmp_path
):
    cases, stored = make_product_data(org_a)
    expected_cases = sorted((c.pk, c.case_number, c.given_name) for c in cases)
    expected_audit = sorted(AuditEvent.objects.values_list("pk", "action", "object_id"))
    assert len(expected_audit) >= len(cases)

    call_command("backup", dir=str(tmp_path / "backups"))
    folder = latest_backup(tmp_path / "backups")
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["files"] == 1

    # The disaster: the files are gone and the scratch database is dropped (the fixture made
    # sure it does not exist).
    (files_root / stored).unlink()
    restored_files = tmp_path / "restored-media"
    call_command(
        "restore",
        str(folder),
        database=scratch_database,
        files_to=str(restored_files),
    )

    found_cases = rows(scratch_database, "SELECT id, case_number, given_name FROM children_case")
    found_audit = rows(scratch_database, "SELECT id, action, object_id FROM core_auditevent")
    assert sorted(found_cases) == expected_cases
    assert sorted(found_audit) == expected_audit
    assert (restored_files / stored).read_bytes() == b"%PDF-1.4 minutes"


def test_restore_refuses_a_database_that_has_tables_unless_forced(
    org_a, files_root, scratch_database, tmp_path
):
    make_product_data(org_a)
    call_command("backup", dir=str(tmp_path / "backups"))
    folder = latest_backup(tmp_path / "backups")
    call_command("restore", str(folder), database=scratch_database, no_files=True)
    with configured_target(scratch_database).connect() as conn:
        conn.execute("DELETE FROM children_casenote")
        conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())")

    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(folder), database=scratch_database, no_files=True)
    assert rows(scratch_database, "SELECT count(*) FROM django_migrations WHERE app = 'x'") == [
        (1,)
    ]

    call_command("restore", str(folder), database=scratch_database, no_files=True, force=True)
    assert rows(scratch_database, "SELECT count(*) FROM django_migrations WHERE app = 'x'") == [
        (0,)
    ]
    assert rows(scratch_database, "SELECT count(*) FROM children_case") == [(Case.objects.count(),)]


def test_restore_refuses_a_files_folder_that_holds_files_and_a_damaged_backup(
    org_a, files_root, scratch_database, tmp_path
):
    make_product_data(org_a)
    call_command("backup", dir=str(tmp_path / "backups"))
    folder = latest_backup(tmp_path / "backups")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="already holds files"):
        call_command("restore", str(folder), database=scratch_database, files_to=str(occupied))
    assert (occupied / "keep.txt").read_text() == "mine"

    with (folder / "database.dump").open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\0\0\0\0")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(folder), database=scratch_database, no_files=True)
    with contextlib.suppress(psycopg.OperationalError):
        assert rows(scratch_database, "SELECT 1") == []  # never created
