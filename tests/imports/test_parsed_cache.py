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


# --- What main's readers need is replayed as read (merge of main into h/speed) -----------------

WORK = [*FA, "نوع کار"]


def work_rows(*kinds):
    return [[*row, kind] for row, kind in zip(good_rows(len(kinds)), kinds, strict=True)]


def test_a_mapping_edited_between_the_dry_run_and_the_import_means_the_file_is_typed_again(
    adm, org_a, mgr_a, tehran, reads
):
    from imports.models import ValueWord
    from imports.vocabulary import value_word_change, value_word_save

    item = value_word_save(
        by=adm, organisation=org_a, column="work_type", word="فروش بلال", value="street_vending"
    )
    job = import_job_create(
        by=adm,
        organisation=org_a,
        name="children.csv",
        data=csv_bytes(WORK, work_rows("فروش بلال", "فروش بلال")),
    )
    job = import_job_preview(job_id=job.pk)
    assert job.created_count == 2 and job.summary["rows_undecided_values"] == 0
    assert reads == ["csv"]
    value_word_change(by=adm, item=ValueWord.objects.get(pk=item.pk), value="begging")
    job = import_job_run(job_id=job.pk)
    assert reads == ["csv", "csv"]  # the dry run's typed rows are stale: the file is read again
    assert job.status == Status.DONE
    assert sorted(Case.objects.values_list("work_type", flat=True)) == ["begging", "begging"]


def test_the_vocabulary_fingerprint_follows_the_words_the_file_is_read_with(adm, org_a, org_b):
    from imports.models import ValueWord
    from imports.vocabulary import value_word_delete, value_word_save, vocabulary_fingerprint

    kind = get_kind("children")
    seen = [kind.parse_fingerprint(org_a)]

    def changed():
        now = kind.parse_fingerprint(org_a)
        assert now not in seen
        seen.append(now)

    item = value_word_save(
        by=adm, organisation=org_a, column="work_type", word="فروش بلال", value="street_vending"
    )
    changed()
    value_word_save(
        by=adm, organisation=org_a, column="work_type", word="فروش بلال", value="begging"
    )
    changed()
    value_word_delete(by=adm, item=ValueWord.objects.get(pk=item.pk))
    # The words are those of the start again (a cache typed with them is right again).
    assert kind.parse_fingerprint(org_a) == seen[0]
    value_word_save(by=adm, organisation=org_a, column="work_type", word="بی کار", value="")
    changed()
    ValueWord.objects.create(column="work_type", word="کار خیابانی", value="street_vending")
    changed()  # everyone's words too
    before = kind.parse_fingerprint(org_a)
    value_word_save(by=adm, organisation=org_b, column="work_type", word="دستفروشی", value="")
    assert kind.parse_fingerprint(org_a) == before  # another organisation's words do not count
    # The record kinds read the vocabulary as well.
    assert get_kind("encounters").parse_fingerprint(org_a) == vocabulary_fingerprint(org_a)


class _Rows(list):
    parsed = None


class _Unread:
    """The file's rows, which a replayed import must not read."""

    def __init__(self, cache):
        self.parsed = cache

    def __iter__(self):
        raise AssertionError("the file was read")


def test_the_replay_gives_the_example_rows_cells_and_reasons_as_read(org_a, tehran, monkeypatch):
    """The cache records what main's readers use: each chunk's rows' cells as read (``body``),
    the template's example rows at the chunk they were skipped in, the reasons (a word waiting
    for a decision, with its column) and the values as cleaned."""
    import datetime

    from django.utils import timezone

    from children.imports.columns import COLUMNS
    from children.imports.validate import _check_value
    from core.spreadsheets.cells import ParseContext, Undecided
    from core.spreadsheets.parsed import ParsedCache
    from imports.vocabulary import load_vocabulary

    kind = get_kind("children")
    example = kind.example_row("fa")
    header = kind.header_row("fa")
    width = len(header)

    def full(row):
        # good_rows' cells put under the template's headers
        cells = dict(zip(FA, row, strict=True))
        return [cells.get(h.replace("*", "").strip(), "") for h in header]

    rows = [full(r) for r in good_rows(8)]
    assert all(len(r) == width for r in rows)
    rows[1][header.index(next(h for h in header if "جنسیت" in h))] = "?"
    rows[2][header.index(next(h for h in header if "نوع کار" in h))] = "فروش بلال"
    future = timezone.localdate() + datetime.timedelta(days=40)
    rows[3][header.index(next(h for h in header if "تاریخ تولد" in h))] = future.isoformat()
    body = [example, *rows[:4], example, *rows[4:]]  # a second example row in a later chunk
    today = timezone.localdate()
    checks = {c.name: _check_value(c, today) for c in COLUMNS}

    def typed(source):
        context = ParseContext.load(load_vocabulary(org_a))
        found, chunks = table.open_table(
            source, COLUMNS, context=context, checks=checks, chunk_rows=3
        )
        out = []
        for chunk in chunks:
            out.append((list(chunk), list(chunk.body), list(found.example_rows)))
        return found, out

    key = "test|children"
    written = ParsedCache(default_storage, "test-replay.parsed", key, read=False)
    source = _Rows([header, *body])
    source.parsed = written
    parsed, from_file = typed(source)
    replayed_cache = ParsedCache(default_storage, "test-replay.parsed", key, read=True)
    replayed, from_cache = typed(_Unread(replayed_cache))
    assert replayed_cache.replayed
    default_storage.delete("test-replay.parsed")

    assert parsed.example_rows == replayed.example_rows == [2, 7]
    assert from_cache == from_file
    assert (replayed.headers, replayed.positions, replayed.language) == (
        parsed.headers,
        parsed.positions,
        parsed.language,
    )
    errors = [e for chunk, _body, _ex in from_cache for _n, _v, errs in chunk for e in errs]
    waiting = [e.reason for e in errors if isinstance(e.reason, Undecided)]
    assert len(waiting) == 1
    assert (waiting[0].column, waiting[0].text) == ("work_type", "فروش بلال")
    assert any(e.cleaned for e in errors)  # the future date, as it would be stored
    # Each row's cells are kept as read, beside its typed values.
    for chunk, chunk_body, _ex in from_cache:
        assert [n for n, _v, _e in chunk] == [n for n, _cells in chunk_body]
