"""Import jobs, whatever their kind: the stored file, a file imported twice, the command (RE-01)."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from children.models import Case
from imports.models import ImportJob
from imports.services import import_job_create
from tests.children.test_imports import FA, csv_bytes, good_rows, run


def test_reupload_of_an_imported_file_creates_nothing(adm, org_a, mgr_a, tehran):
    """RE-01 idempotency: same file hash."""
    data = csv_bytes(FA, good_rows(3))
    assert run(adm, org_a, data).status == ImportJob.Status.DONE
    again = run(adm, org_a, data)
    assert again.summary.get("already_imported")
    assert again.status == ImportJob.Status.FAILED
    assert Case.objects.count() == 3


def test_stored_file_gets_a_generated_name(adm, org_a, tehran):
    job = import_job_create(
        by=adm, organisation=org_a, name="../../etc/<b>passwd.csv", data=csv_bytes(FA, good_rows(1))
    )
    assert job.original_name == "_b_passwd.csv"
    assert "passwd" not in job.stored_file.name
    assert job.sha256 == hashlib.sha256(csv_bytes(FA, good_rows(1))).hexdigest()


def test_command_dry_run_prints_preview_and_writes_nothing(adm, org_a, mgr_a, tehran, tmp_path):
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(FA, good_rows(3)))
    out = io.StringIO()
    call_command(
        "import_data", "children", str(path), "--organisation", "NGOA", "--dry-run", stdout=out
    )
    assert "would create: 3" in out.getvalue()
    assert Case.objects.count() == 0
    call_command("import_data", "children", str(path), "--organisation", "NGOA", stdout=out)
    assert Case.objects.count() == 3


def test_command_fails_on_invalid_rows(adm, org_a, mgr_a, tehran, tmp_path):
    rows = good_rows(2)
    rows[0][3] = "?"
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(FA, rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "children", str(path), "--organisation", "NGOA", stdout=out)
    assert "row 2 · جنسیت" in out.getvalue()
    assert Case.objects.count() == 0
