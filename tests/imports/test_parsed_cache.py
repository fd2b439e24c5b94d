"""Issue 16: the import reuses the typed rows its dry run kept, only while they are still valid
(same file, day, language and decisions), and never from a cache it did not sign itself."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from children.models import Case
from core.spreadsheets import reading, table
from imports.models import ImportJob
from imports.registry import get_kind
from imports.services import import_job_create, import_job_preview, import_job_run
from tests.children.test_imports import FA, csv_bytes, good_rows

Status = ImportJob.Status


@pytest.fixture
def reads(monkeypatch):
    """How many times the job's file was read as rows."""
    calls = []
    real = reading.read_rows

    def counting(kind, data):
        calls.append(kind)
        return real(kind, data)

    monkeypatch.setattr(reading, "read_rows", counting)
    return calls


def previewed(adm, org, rows):
    job = import_job_create(by=adm, organisation=org, name="children.csv", data=csv_bytes(FA, rows))
    return import_job_preview(job_id=job.pk)


def cache_name(job):
    return f"{job.stored_file.name}.parsed"


def test_the_import_reads_the_rows_its_dry_run_typed(adm, org_a, mgr_a, tehran, reads):
    job = previewed(adm, org_a, good_rows(5))
    assert reads == ["csv"]
    assert default_storage.exists(cache_name(job))
    job = import_job_run(job_id=job.pk)
    assert job.status == Status.DONE
    assert job.created_count == 5
    assert reads == ["csv"]  # not read again
    assert sorted(Case.objects.values_list("given_name", flat=True)) == [
        f"کودک{i}" for i in range(5)
    ]
    assert not default_storage.exists(cache_name(job))  # the file is in: the cache is gone


def test_the_typed_rows_are_the_same_as_from_the_file(adm, org_a, mgr_a, tehran, monkeypatch):
    monkeypatch.setattr(table, "FIRST_CHUNK_ROWS", 2)  # several chunks, replayed in order
    job = previewed(adm, org_a, good_rows(7))
    replayed = import_job_run(job_id=job.pk)
    fresh = {
        c.given_name: (c.birth_date, c.sex, c.province_id, c.search_phonetic)
        for c in Case.objects.all()
    }
    Case.objects.all().delete()
    job = import_job_create(
        by=adm, organisation=org_a, name="again.csv", data=csv_bytes(FA, good_rows(7)) + b"\n"
    )
    parsed_again = import_job_run(job_id=job.pk)  # no dry run: the file is read
    again = {
        c.given_name: (c.birth_date, c.sex, c.province_id, c.search_phonetic)
        for c in Case.objects.all()
    }
    assert replayed.created_count == parsed_again.created_count == 7
    assert fresh == again


def test_a_cache_changed_in_the_storage_is_ignored(adm, org_a, mgr_a, tehran, reads):
    job = previewed(adm, org_a, good_rows(3))
    name = cache_name(job)
    with default_storage.open(name, "rb") as handle:
        data = bytearray(handle.read())
    data[-40] ^= 0xFF  # a byte of the pickled rows (the signature is the last 32 bytes)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(bytes(data)))
    job = import_job_run(job_id=job.pk)
    assert reads == ["csv", "csv"]  # parsed again from the file
    assert job.status == Status.DONE
    assert job.created_count == 3


def test_a_new_decision_means_the_file_is_typed_again(
    adm, org_a, mgr_a, tehran, reads, monkeypatch
):
    job = previewed(adm, org_a, good_rows(3))
    kind = get_kind("children")
    monkeypatch.setattr(type(kind), "parse_fingerprint", lambda self, organisation: "mapped")
    job = import_job_run(job_id=job.pk)
    assert reads == ["csv", "csv"]
    assert job.created_count == 3


def test_the_next_day_the_file_is_typed_again(adm, org_a, mgr_a, tehran, reads, monkeypatch):
    import datetime

    from django.utils import timezone

    job = previewed(adm, org_a, good_rows(2))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    import_job_run(job_id=job.pk)
    assert reads == ["csv", "csv"]


def test_a_dry_run_with_errors_keeps_them_for_the_import(adm, org_a, mgr_a, tehran, reads):
    rows = good_rows(3)
    rows[1][3] = "?"  # sex
    job = previewed(adm, org_a, rows)
    assert job.rows_invalid == 1
    job = import_job_run(job_id=job.pk)
    assert reads == ["csv"]
    assert job.status == Status.FAILED
    assert [e["row"] for e in job.errors] == [3]
    assert Case.objects.count() == 0
