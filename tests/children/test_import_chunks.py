"""Issue 8: a large children file is checked and written a chunk at a time (RE-01 still holds).

The chunks are made tiny here (two rows, then three), so a file of a few rows crosses several:
rows already written by earlier chunks must vanish when a later row is refused, the same child in
two chunks is still found, and the helper thread that writes is always joined.
"""

import threading
import time

import pytest
from django.db import connection

from children.imports import load
from children.imports.validate import ChildrenValidation
from children.models import Case, CaseEvent, Consent, TimelineEntry
from children.selectors.cases import case_timeline
from core.spreadsheets import reading, table
from imports.models import ImportJob
from imports.services import import_job_create, import_job_preview, import_job_run
from tests.children.test_imports import FA, csv_bytes, good_rows
from tests.factories import province

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(table, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(ChildrenValidation, "chunk_rows", 3)


@pytest.fixture
def tehran(db):
    return province("tehran")


def job_for(adm, org, data):
    return import_job_create(by=adm, organisation=org, name="children.csv", data=data)


def imported(adm, org, rows):
    return import_job_run(job_id=job_for(adm, org, csv_bytes(FA, rows)).pk)


def no_writer_left():
    return not any(t.name == "children-import-insert" for t in threading.enumerate())


def test_a_file_over_several_chunks_is_written_whole(adm, org_a, mgr_a, tehran):
    job = imported(adm, org_a, good_rows(8))
    assert job.status == Status.DONE
    assert job.created_count == 8
    cases = list(Case.objects.filter(organisation=org_a).order_by("case_number"))
    assert [c.given_name for c in cases] == [f"کودک{i}" for i in range(8)]
    numbers = [int(c.case_number.rsplit("-", 1)[1]) for c in cases]
    assert numbers == list(range(numbers[0], numbers[0] + 8))  # one unbroken run
    assert Consent.objects.filter(case__in=cases, import_job=job).count() == 8
    assert [case_timeline(c)[-1].kind for c in cases] == ["registered"] * 8
    assert not TimelineEntry.objects.filter(case__in=cases).exists()  # read from the case
    assert CaseEvent.objects.filter(pgh_obj__in=cases, pgh_label="insert").count() == 8
    assert no_writer_left()


def test_the_preview_counts_every_chunk_without_keeping_the_rows(adm, org_a, mgr_a, tehran):
    job = import_job_preview(job_id=job_for(adm, org_a, csv_bytes(FA, good_rows(8))).pk)
    assert job.status == Status.PREVIEWED
    assert (job.rows_read, job.created_count, job.rows_invalid) == (8, 8, 0)
    assert Case.objects.count() == 0


def test_a_bad_row_in_the_last_chunk_undoes_the_chunks_written_before(adm, org_a, mgr_a, tehran):
    rows = good_rows(8)
    rows[7][3] = "?"  # sex
    job = imported(adm, org_a, rows)
    assert job.status == Status.FAILED
    assert [e["row"] for e in job.errors] == [9]
    assert Case.objects.count() == 0
    assert Consent.objects.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert no_writer_left()


def test_every_bad_row_is_listed_though_writing_stopped_at_the_first(adm, org_a, mgr_a, tehran):
    rows = good_rows(9)
    for index in (1, 5, 8):
        rows[index][3] = "?"
    job = imported(adm, org_a, rows)
    assert job.status == Status.FAILED
    assert [e["row"] for e in job.errors] == [3, 7, 10]
    assert job.rows_invalid == 3
    assert Case.objects.count() == 0


def test_the_same_child_in_two_chunks_is_found(adm, org_a, mgr_a, tehran):
    rows = good_rows(7)
    rows[6] = list(rows[0])
    job = imported(adm, org_a, rows)
    assert job.status == Status.DONE
    assert job.created_count == 6  # row 8 is the child of row 2, imported once
    assert job.summary["in_file_groups"][0]["rows"] == [2, 8]
    assert Case.objects.count() == 6


def test_a_file_refused_while_read_undoes_what_was_written(adm, org_a, mgr_a, tehran, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 6)
    job = imported(adm, org_a, good_rows(9))
    assert job.status == Status.FAILED
    assert job.message
    assert Case.objects.count() == 0


def test_a_fault_in_a_later_chunk_leaves_nothing_and_no_thread(
    adm, org_a, mgr_a, tehran, monkeypatch
):
    calls = []

    def boom():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")

    monkeypatch.setattr(load, "_after_staging", boom)
    with pytest.raises(RuntimeError):
        imported(adm, org_a, good_rows(8))
    assert Case.objects.count() == 0
    assert no_writer_left()


def test_a_database_error_on_the_writing_thread_fails_the_job_cleanly(
    adm, org_a, mgr_a, tehran, monkeypatch
):
    """A case number taken behind the sequence's back: the insert on the helper thread breaks a
    unique constraint; the job fails with a plain message, nothing is kept."""
    first = imported(adm, org_a, good_rows(1))
    taken = Case.objects.get(consents__import_job=first).case_number
    prefix, last = taken.rsplit("-", 1)
    Case.objects.filter(case_number=taken).update(case_number=f"{prefix}-{int(last) + 3:05d}")
    job = imported(adm, org_a, good_rows(6, start=10))
    assert job.status == Status.FAILED
    assert "already been imported" not in job.message
    assert Case.objects.count() == 1
    assert no_writer_left()
    with connection.cursor() as cursor:  # the connection is usable after the failed import
        cursor.execute("SELECT 1")


def test_updates_and_new_children_across_chunks(adm, org_a, mgr_a, tehran):
    first = imported(adm, org_a, good_rows(3))
    numbers = dict(
        Case.objects.filter(consents__import_job=first).values_list("given_name", "case_number")
    )
    header = ["شماره پرونده", *FA]
    rows = [[numbers[f"کودک{i}"], *good_rows(1, start=i)[0]] for i in range(3)]
    rows[1][3] = "رضایی"  # father's name changed
    rows += [["", *row] for row in good_rows(4, start=20)]
    job = import_job_run(job_id=job_for(adm, org_a, csv_bytes(header, rows)).pk)
    assert job.status == Status.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (4, 1, 2)
    changed = Case.objects.get(case_number=numbers["کودک1"])
    assert changed.father_name == "رضایی"
    assert changed.search_father == "رضایی"
    assert Case.objects.filter(organisation=org_a).count() == 7


def test_constraints_are_deferred_again_after_an_import(adm, org_a, mgr_a, tehran):
    """The loader checks foreign keys per chunk; the rest of the transaction keeps Django's
    deferred constraints."""
    imported(adm, org_a, good_rows(3))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM children_case c ORDER BY c.id LIMIT 1",
        )
        (case_id,) = cursor.fetchone()
        # A row pointing at a user that does not exist yet is accepted until commit.
        cursor.execute(
            "INSERT INTO children_timelineentry (case_id, kind, at, actor_id, detail) "
            "VALUES (%s, 'note', now(), 2147483000, '{}')",
            [case_id],
        )
        cursor.execute("DELETE FROM children_timelineentry WHERE actor_id = 2147483000")


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_from_outside_the_import_transaction(
    adm, org_a, mgr_a, tehran, monkeypatch
):
    """The page polling the job reads it on another connection while the import's transaction
    is open: rows checked and written must show there as the chunks go in."""
    job = job_for(adm, org_a, csv_bytes(FA, good_rows(8)))
    seen = []
    add = load.ChildrenLoader.add
    checked_before = iter([2, 5, 8])  # rows checked when each chunk is handed to the writer

    def add_then_look(self, rows):
        add(self, rows)
        wanted = next(checked_before)

        def look():
            # Progress is handed to its writer without waiting: give it a moment.
            try:
                for _attempt in range(200):
                    values = ImportJob.objects.values_list("rows_read", "created_count")
                    read, written = values.get(pk=job.pk)
                    if read >= wanted:
                        break
                    time.sleep(0.01)
                seen.append((read, written))
            finally:
                connection.close()

        reader = threading.Thread(target=look)
        reader.start()
        reader.join()

    monkeypatch.setattr(load.ChildrenLoader, "add", add_then_look)
    job = import_job_run(job_id=job.pk)
    assert job.status == Status.DONE
    assert [read for read, _written in seen] == [2, 5, 8]
    # A chunk counts as written once its insert has finished. The count is taken while the
    # previous chunk's insert may still be running, so it lags one or two chunks behind.
    written = [w for _read, w in seen]
    assert written == sorted(written)
    possible = {2: {0}, 5: {0, 2}, 8: {2, 5}}
    assert all(w in possible[r] for r, w in seen), seen
    assert (job.rows_read, job.created_count, job.progress) == (8, 8, 100)
