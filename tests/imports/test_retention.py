"""An import's file and row details are removed after the keeping time; counts stay (RT-01)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from imports.models import ImportJob
from imports.retention import import_files_purge
from tests.children.test_imports import FA, csv_bytes, good_rows, run

KEEP = 30


def _aged(job, days):
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - timedelta(days=days),
        created_at=timezone.now() - timedelta(days=days),
    )
    job.refresh_from_db()
    return job


def _with_details(adm, org_a):
    """A previewed job that holds typed cells in its errors and a cache beside its file."""
    rows = good_rows(3)
    rows[0][3] = "?"
    return run(adm, org_a, csv_bytes(FA, rows), dry_run=True)


@override_settings(IMPORT_FILES_KEEP_DAYS=KEEP)
def test_an_import_file_and_its_row_details_go_after_the_keeping_time(
    adm, org_a, tehran, django_capture_on_commit_callbacks
):
    job = _aged(_with_details(adm, org_a), KEEP + 1)
    storage, name = job.stored_file.storage, job.stored_file.name
    assert job.errors and storage.exists(name)
    read, invalid = job.rows_read, job.rows_invalid

    with django_capture_on_commit_callbacks(execute=True):
        assert import_files_purge() == 1

    job.refresh_from_db()
    assert job.errors == []
    assert job.summary["files_removed"]
    assert all(isinstance(v, int | float | str) for v in job.summary.values())
    assert (job.rows_read, job.rows_invalid) == (read, invalid)
    assert not storage.exists(name) and not storage.exists(f"{name}.parsed")
    event = AuditEvent.objects.get(action=AuditEvent.Action.ANONYMISE, object_id=str(job.pk))
    assert event.organisation_id == org_a.pk


@override_settings(IMPORT_FILES_KEEP_DAYS=KEEP)
def test_a_younger_import_a_running_one_and_a_dry_run_keep_everything(adm, org_a, tehran):
    young = _aged(_with_details(adm, org_a), KEEP - 1)
    running = _aged(_with_details(adm, org_a), KEEP + 5)
    ImportJob.objects.filter(pk=running.pk).update(status=ImportJob.Status.IMPORTING)
    old = _aged(_with_details(adm, org_a), KEEP + 5)

    assert import_files_purge(dry_run=True) == 1
    assert ImportJob.objects.get(pk=old.pk).errors

    assert import_files_purge() == 1
    for job in (young, running):
        job.refresh_from_db()
        assert job.errors and "files_removed" not in job.summary
        assert job.stored_file.storage.exists(job.stored_file.name)
    assert import_files_purge() == 0  # once


@override_settings(IMPORT_FILES_KEEP_DAYS=KEEP)
def test_the_job_page_says_the_file_was_removed_and_offers_no_import(adm, org_a, tehran, client_as):
    job = _aged(run(adm, org_a, csv_bytes(FA, good_rows(2)), dry_run=True), KEEP + 1)
    import_files_purge()
    page = client_as(adm).get(reverse("imports:import_detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="import-files-removed"' in html
    assert not page.context["can_import"]


pytestmark = pytest.mark.django_db
