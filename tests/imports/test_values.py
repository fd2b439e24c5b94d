"""Issue 16, "Values": the words NGOs write in choice columns, read from a vocabulary in data,
on whole words; unknown words wait for the administrator's decision, which is remembered for the
organisation (and only for it), in the browser and with `import_data --map` (docs/adr/0018)."""

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from children.imports.parsing import (
    ParseContext,
    ParseError,
    parse_documentation,
    parse_nationality,
    parse_sex,
    parse_work_type,
)
from children.models import Case
from core.models import AuditEvent
from core.spreadsheets import cells
from core.spreadsheets.cells import UnknownValue
from imports.models import ImportJob, ValueWord
from imports.vocabulary import load_vocabulary, value_word_save
from tests.children.conftest import by_testid
from tests.children.test_imports import FA, csv_bytes, good_rows, run

WORK = FA + ["نوع کار"]


@pytest.fixture
def words(org_a):
    return ParseContext([], load_vocabulary(org_a))


def work_rows(*kinds):
    """Children files with a type of work column: one row per word in ``kinds``."""
    return [[*row, kind] for row, kind in zip(good_rows(len(kinds)), kinds, strict=True)]


# --- The vocabulary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("گل‌فروشی", "street_vending"),
        ("گل فروشی", "street_vending"),
        ("گلفروشی", "street_vending"),
        ("فال‌فروشی", "street_vending"),
        ("فال فروشي", "street_vending"),  # Arabic ي
        ("آدامس‌فروشی", "street_vending"),
        ("شیشه‌پاک‌کن", "car_washing"),
        ("شیشه‌شویی", "car_washing"),
        ("ماشین‌شویی", "car_washing"),
        ("کارواش", "car_washing"),
        ("زباله‌گردی", "waste_picking"),
        ("ضایعات", "waste_picking"),
        ("بازیافت", "waste_picking"),
        ("کارگاه", "workshop"),
        ("کارگر کارگاه", "workshop"),
        ("باربری", "portering"),
        ("حمالی", "portering"),
        ("چرخ‌کشی", "portering"),
        ("تکدی‌گری", "begging"),
        ("تکدی گری", "begging"),
        ("گدایی", "begging"),
        ("flower selling", "street_vending"),
        ("Fortune poems", "street_vending"),
        ("chewing gum", "street_vending"),
        ("windscreen washing", "car_washing"),
        ("car washing", "car_washing"),
        ("scrap", "waste_picking"),
        ("workshop labour", "workshop"),
        ("carrying loads", "portering"),
        ("begging", "begging"),
    ],
)
def test_each_word_of_the_trade_is_a_type_of_work(words, text, value):
    assert parse_work_type(text, words) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("شناسنامه", "national_id"),
        ("کارت آمایش", "amayesh"),
        ("كارت آمايش", "amayesh"),  # Arabic letters
        ("برگه سرشماری", "other"),
        ("برگه حمایت تحصیلی", "other"),
        ("گذرنامه", "passport"),
        ("فاقد مدرک", "undocumented"),
        ("birth certificate", "national_id"),
        ("Amayesh card", "amayesh"),
        ("census slip", "other"),
        ("educational support slip", "other"),
        ("passport", "passport"),
        ("none", "undocumented"),
    ],
)
def test_each_document_of_the_issue_is_a_documentation_status(words, text, value):
    assert parse_documentation(text, words) == value


def test_the_words_are_data_an_administrator_extends(words, org_a):
    with pytest.raises(UnknownValue):
        parse_work_type("بلال فروشی", words)
    ValueWord.objects.create(column="work_type", word="بلال‌فروشی", value="street_vending")
    assert parse_work_type("بلال فروشی", ParseContext([], load_vocabulary(org_a))) == (
        "street_vending"
    )


@pytest.mark.parametrize(
    ("parser", "text", "value"),
    [
        (parse_work_type, "گل فروشی سر چهارراه", "street_vending"),
        (parse_work_type, "فال‌فروشی در مترو", "street_vending"),
        (parse_work_type, "شیشه پاک کن و ماشین شویی", "car_washing"),  # two words, one value
        (parse_work_type, "کارگر کارگاه مبل‌سازی", "workshop"),
        (parse_documentation, "کارت آمایش (منقضی)", "amayesh"),
        (parse_sex, "پسر ۱۲ ساله", "male"),
        (parse_nationality, "اتباع افغانستان", "afghan"),
    ],
)
def test_a_phrase_holding_a_known_word_is_understood(words, parser, text, value):
    assert parser(text, words) == value


@pytest.mark.parametrize(
    "text",
    [
        "گل فروشی و گدایی",  # two values: not guessed
        "فروشی",  # part of a word is not the word
        "گلدان",
    ],
)
def test_an_ambiguous_or_partial_phrase_is_unknown(words, text):
    with pytest.raises(UnknownValue):
        parse_work_type(text, words)


def test_a_negated_word_is_not_read_as_the_word(words):
    with pytest.raises(UnknownValue):
        parse_documentation("بدون شناسنامه", words)
    assert parse_documentation("بدون مدرک", words) == "undocumented"  # a word of its own


def test_punctuation_alone_is_an_error_not_a_word_to_decide(words):
    with pytest.raises(ParseError) as raised:
        parse_sex("؟", words)
    assert not isinstance(raised.value, UnknownValue)


def test_each_distinct_text_is_resolved_once_per_file(adm, org_a, mgr_a, tehran):
    rows = work_rows(*(["گل فروشی سر چهارراه", "فروش بلال"] * 300))
    with mock.patch.object(cells, "find_word", wraps=cells.find_word) as find:
        job = run(adm, org_a, csv_bytes(WORK, rows), dry_run=True)
    assert find.call_count == 2
    assert job.summary["rows_undecided_values"] == 300


def test_the_vocabulary_is_read_with_one_query(org_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        load_vocabulary(org_a)


# --- Unknown values wait for a decision ------------------------------------------------------


def test_unknown_values_are_grouped_by_column_with_counts_and_first_rows(adm, org_a, tehran):
    kinds = ["فروش بلال"] * 7 + ["گل فروشی"] * 2
    rows = work_rows(*kinds)
    rows[8][3] = "نمی‌دانم"  # sex: required
    job = run(adm, org_a, csv_bytes(WORK, rows), dry_run=True)
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.rows_invalid == 0 and job.errors == []
    assert job.summary["rows_undecided_values"] == 8
    assert job.summary["unknown_values"] == [
        {
            "column": "work_type",
            "header": "نوع کار",
            "value": "فروش بلال",
            "rows": 7,
            "first_rows": [2, 3, 4, 5, 6],
            "optional": True,
        },
        {
            "column": "sex",
            "header": "جنسیت",
            "value": "نمی‌دانم",
            "rows": 1,
            "first_rows": [10],
            "optional": False,
        },
    ]


def test_a_row_with_an_unknown_word_and_an_error_is_invalid(adm, org_a, tehran):
    rows = work_rows("فروش بلال", "فروش بلال")
    rows[0][4] = "31/02/1396"
    job = run(adm, org_a, csv_bytes(WORK, rows), dry_run=True)
    assert job.rows_invalid == 1 and [e["row"] for e in job.errors] == [2]
    assert job.summary["rows_undecided_values"] == 1
    assert job.summary["unknown_values"][0]["rows"] == 2  # still asked about


def test_the_import_refuses_while_words_wait(adm, org_a, mgr_a, tehran):
    job = run(adm, org_a, csv_bytes(WORK, work_rows("فروش بلال", "گدایی")), dry_run=True)
    from imports.services import import_job_run

    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert Case.objects.count() == 0


# --- The preview page: decide once, remembered for the organisation -------------------------


def uploaded(client, org, data, capture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        response = client.post(
            reverse("imports:import_upload"),
            {"organisation": org.pk, "file": SimpleUploadedFile("children.csv", data)},
        )
    return ImportJob.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])


def test_the_page_asks_for_each_word_with_the_columns_values(
    client_as, adm, org_a, tehran, django_capture_on_commit_callbacks
):
    client = client_as(adm)
    job = uploaded(
        client,
        org_a,
        csv_bytes(WORK, work_rows("فروش بلال", "فروش بلال", "گدایی")),
        django_capture_on_commit_callbacks,
    )
    page = client.get(reverse("imports:import_detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="fa")
    text = page.content.decode()
    assert "import-confirm" not in text
    assert "۲ ردیف نوشته‌اند «فروش بلال»" in " ".join(by_testid(page, "unknown-value"))
    # The select offers the column's values, labelled in the page language, and "leave empty".
    assert '<option value="street_vending">دست‌فروشی</option>' in text
    assert '<option value="empty">خالی بماند</option>' in text


def test_leave_empty_is_offered_for_optional_columns_only(
    client_as, adm, org_a, tehran, django_capture_on_commit_callbacks
):
    rows = work_rows("فروش بلال")
    rows[0][3] = "نمی‌دانم"  # sex: required
    client = client_as(adm)
    job = uploaded(client, org_a, csv_bytes(WORK, rows), django_capture_on_commit_callbacks)
    from imports.word_views import unknown_values_form

    form = unknown_values_form(job)
    choices = {item["column"]: dict(field.field.choices) for item, field in form.items}
    assert "empty" in choices["work_type"]
    assert "empty" not in choices["sex"]
    # Posted anyway, it is refused and nothing is saved.
    index = next(i for i, (item, _f) in enumerate(form.items) if item["column"] == "sex")
    client.post(reverse("imports:import_values", args=[job.pk]), {f"word-{index}": "empty"})
    assert not ValueWord.objects.filter(organisation=org_a).exists()
    with pytest.raises(ValidationError):
        value_word_save(by=adm, organisation=org_a, column="sex", word="نمی‌دانم", value="")


def test_mapping_is_saved_for_the_organisation_and_its_next_file_needs_none(
    client_as, adm, org_a, mgr_a, tehran, django_capture_on_commit_callbacks
):
    client = client_as(adm)
    data = csv_bytes(WORK, work_rows("فروش بلال", "فروش بلال", "بی کار", "گدایی"))
    job = uploaded(client, org_a, data, django_capture_on_commit_callbacks)
    items = [item["value"] for item in job.summary["unknown_values"]]
    assert items == ["فروش بلال", "بی کار"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import_values", args=[job.pk]),
            {"word-0": "street_vending", "word-1": "empty"},
        )
    assert response.url == reverse("imports:import_detail", args=[job.pk])
    saved = ValueWord.objects.filter(organisation=org_a)
    assert {(w.column, w.word, w.value) for w in saved} == {
        ("work_type", "فروش بلال", "street_vending"),
        ("work_type", "بی کار", ""),
    }
    # The same stored file was checked again: nothing waits, the import is offered.
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.summary["rows_undecided_values"] == 0 and job.created_count == 4
    page = client.get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    assert "import-confirm" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_confirm", args=[job.pk]))
    assert sorted(Case.objects.values_list("work_type", flat=True)) == [
        "",
        "begging",
        "street_vending",
        "street_vending",
    ]
    # The organisation's next file with the same words needs no decision.
    later = work_rows("فروش  بلال", "بی‌کار")
    for row in later:
        row[0] += "ب"
    job = run(adm, org_a, csv_bytes(WORK, later), dry_run=True)
    assert job.summary["unknown_values"] == [] and job.summary["rows_undecided_values"] == 0
    created = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="imports.valueword"
    )
    assert created.count() == 2


def test_another_organisations_words_never_apply_and_are_never_listed(
    client_as, adm, org_a, org_b, tehran
):
    value_word_save(
        by=adm, organisation=org_a, column="work_type", word="فروش بلال", value="street_vending"
    )
    job = run(adm, org_b, csv_bytes(WORK, work_rows("فروش بلال")), dry_run=True)
    assert job.summary["rows_undecided_values"] == 1
    client = client_as(adm)
    url = reverse("imports:import_upload")
    listed_b = by_testid(client.get(url, {"words_of": org_b.pk}), "saved-word")
    listed_a = by_testid(client.get(url, {"words_of": org_a.pk}), "saved-word")
    assert listed_b == []
    assert len(listed_a) == 1 and "فروش بلال" in listed_a[0]


def test_saved_words_are_changed_and_deleted_on_the_upload_page_with_an_audit_row(
    client_as, adm, org_a, tehran
):
    item = value_word_save(
        by=adm, organisation=org_a, column="work_type", word="فروش بلال", value="street_vending"
    )
    client = client_as(adm)
    response = client.post(
        reverse("imports:value_word_edit", args=[item.pk]), {f"w{item.pk}-value": "begging"}
    )
    assert response.url.endswith(f"?words_of={org_a.pk}#saved-words")
    item.refresh_from_db()
    assert item.value == "begging"
    client.post(reverse("imports:value_word_delete", args=[item.pk]))
    assert not ValueWord.objects.filter(pk=item.pk).exists()
    actions = AuditEvent.objects.filter(object_type="imports.valueword").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "delete", "update"]


def test_everyones_words_are_not_edited_on_the_upload_page(client_as, adm, db):
    shared = ValueWord.objects.filter(organisation__isnull=True).first()
    client = client_as(adm)
    assert client.post(reverse("imports:value_word_delete", args=[shared.pk])).status_code == 404


def test_caseworkers_and_managers_cannot_decide_or_edit_words(
    client_as, adm, cw_a, mgr_a, org_a, tehran
):
    item = value_word_save(
        by=adm, organisation=org_a, column="work_type", word="فروش بلال", value="street_vending"
    )
    job = run(adm, org_a, csv_bytes(WORK, work_rows("فروش چای")), dry_run=True)
    for user in (cw_a, mgr_a):
        client = client_as(user)
        assert client.post(reverse("imports:import_values", args=[job.pk])).status_code == 403
        assert client.post(reverse("imports:value_word_edit", args=[item.pk])).status_code == 403
        assert client.post(reverse("imports:value_word_delete", args=[item.pk])).status_code == 403
    assert ValueWord.objects.filter(pk=item.pk, value="street_vending").exists()


# --- The command line ----------------------------------------------------------------------


def command(path, *args):
    out = io.StringIO()
    call_command("import_data", "children", str(path), "--organisation", "NGOA", *args, stdout=out)
    return out.getvalue()


def test_command_stops_with_the_undecided_words_and_the_map_lines(
    adm, org_a, mgr_a, tehran, tmp_path
):
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(WORK, work_rows("فروش بلال", "فروش بلال", "گدایی")))
    with pytest.raises(CommandError) as raised:
        command(path)
    message = str(raised.value)
    assert "2 rows" in message
    assert "--map 'work_type=فروش بلال:CHOICE'" in message
    assert "street_vending" in message and "empty" in message
    assert Case.objects.count() == 0


def test_command_map_saves_the_decision_and_imports(adm, org_a, mgr_a, tehran, tmp_path):
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(WORK, work_rows("فروش بلال", "بی کار", "گدایی")))
    out = command(
        path,
        "--map",
        "نوع کار=فروش بلال:Street vending",  # the header as in the file, the English label
        "--map",
        "work_type=بی کار:empty",
    )
    assert "Imported: 3 created" in out
    assert sorted(Case.objects.values_list("work_type", flat=True)) == [
        "",
        "begging",
        "street_vending",
    ]
    assert ValueWord.objects.filter(organisation=org_a).count() == 2
    # The saved words serve the organisation's next file, with no --map.
    later = work_rows("فروش بلال", "بی‌کار")
    for row in later:
        row[0] += "پ"
    path.write_bytes(csv_bytes(WORK, later))
    assert "Imported: 2 created" in command(path)


def test_command_map_refuses_a_value_not_of_the_column(adm, org_a, mgr_a, tehran, tmp_path):
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(WORK, work_rows("گدایی")))
    with pytest.raises(CommandError, match="allowed: female, male"):
        command(path, "--map", "sex=نمی‌دانم:empty")
    with pytest.raises(CommandError, match="COLUMN=VALUE:CHOICE"):
        command(path, "--map", "sex")
    assert not ValueWord.objects.filter(organisation=org_a).exists()


def test_a_cell_that_cannot_be_mapped_lists_the_allowed_values(adm, org_a, tehran):
    rows = good_rows(2)
    rows[0][3] = "؟"  # sex: only punctuation, nothing to map
    rows[1][3] = ""  # sex is required: "leave empty" is not a choice
    job = run(adm, org_a, csv_bytes(FA, rows), dry_run=True)
    reasons = {e["row"]: e["reason"] for e in job.errors}
    assert reasons[2] == "Unknown sex. Allowed values: Girl, Boy."
    assert reasons[3] == "This column cannot be empty. Allowed values: Girl, Boy."


# --- Provinces -----------------------------------------------------------------------------


@pytest.fixture
def provinces(tehran):
    from core.models import Province
    from tests.factories import province

    province("razavi-khorasan")
    for code, fa, en, abbreviation in (
        ("north-khorasan", "خراسان شمالی", "North Khorasan", "NKH"),
        ("south-khorasan", "خراسان جنوبی", "South Khorasan", "SKH"),
    ):
        Province.objects.get_or_create(
            code=code, defaults={"name_fa": fa, "name_en": en, "abbreviation": abbreviation}
        )


def test_a_province_inside_a_phrase_is_read_and_a_vague_one_waits(provinces, org_a, tehran):
    context = ParseContext.load(load_vocabulary(org_a))
    assert cells.parse_province("تهران، منطقه ۱۲", context) == tehran.pk
    with pytest.raises(UnknownValue):
        cells.parse_province("خراسان", context)  # three provinces of that name


def test_an_unknown_province_is_decided_once_for_the_organisation(
    client_as, adm, org_a, mgr_a, provinces, django_capture_on_commit_callbacks
):
    rows = good_rows(3)
    for row in rows:
        row[8] = "مشهد"  # a city, written where the province goes
    client = client_as(adm)
    job = uploaded(client, org_a, csv_bytes(FA, rows), django_capture_on_commit_callbacks)
    assert job.summary["unknown_values"][0]["column"] == "province"
    assert job.summary["unknown_values"][0]["optional"] is False
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_values", args=[job.pk]), {"word-0": "razavi-khorasan"})
    job.refresh_from_db()
    assert job.summary["rows_undecided_values"] == 0 and job.created_count == 3


def test_an_organisations_file_has_nobody_to_decide_so_its_words_are_errors(adm, tehran):
    from tests.ngos.test_imports import ORG_FA, org_row
    from tests.ngos.test_imports import run as run_kind

    data = csv_bytes(ORG_FA, [org_row("NGO0043", province_name="آتلانتیس")])
    job = run_kind(adm, data, kind="organisations", dry_run=True)
    assert job.rows_invalid == 1 and job.summary["rows_undecided_values"] == 0


def test_an_outreach_log_with_a_province_nobody_knows_waits_then_imports(adm, org_a, mgr_a, tehran):
    from tests.children import test_import_encounters as logs

    lines = [logs.row(), logs.row(time="۱۸:۰۰")]
    for line in lines:
        line[3] = "تهرون"  # as it is said, not written
    job = logs.run(adm, org_a, logs.csv_bytes(logs.FA, lines), dry_run=True)
    assert job.summary["rows_undecided_values"] == 2 and job.rows_invalid == 0
    value_word_save(by=adm, organisation=org_a, column="province", word="تهرون", value="tehran")
    job = logs.run(adm, org_a, logs.csv_bytes(logs.FA, lines))
    assert job.status == ImportJob.Status.DONE and job.created_count == 2, job.errors


# --- The data ------------------------------------------------------------------------------


def test_a_word_has_one_meaning_in_everyones_vocabulary_and_in_each_organisations(org_a, org_b):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ValueWord.objects.create(column="work_type", word="گل فروشي", value="begging")  # NULL twice
    ValueWord.objects.create(
        column="work_type", word="گل فروشی", value="begging", organisation=org_a
    )
    ValueWord.objects.create(column="work_type", word="گل فروشی", value="other", organisation=org_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        ValueWord.objects.create(
            column="work_type", word="گل‌فروشی", value="other", organisation=org_a
        )


def test_the_admin_form_refuses_a_value_not_of_the_column(db):
    from imports.admin import ValueWordForm

    form = ValueWordForm(data={"column": "work_type", "word": "بلال فروشی", "value": "chess"})
    assert not form.is_valid() and "value" in form.errors
    form = ValueWordForm(data={"column": "sex", "word": "نامعلوم", "value": ""})
    assert not form.is_valid() and "value" in form.errors
    form = ValueWordForm(
        data={"column": "work_type", "word": "بلال فروشی", "value": "street_vending"}
    )
    assert form.is_valid(), form.errors
    assert form.save().key == "بلالفروشی"


# --- The other kinds' words --------------------------------------------------------------------


def test_the_other_kinds_words_are_data_too(org_a):
    from children.imports.encounters import parse_activity
    from meetings.imports import parse_presence
    from ngos.imports import parse_kind

    context = ParseContext([], load_vocabulary(org_a))
    assert parse_activity("بازدید", context) == "regular_visit"
    assert parse_kind("بهزیستی", context) == "welfare"
    assert parse_presence("غایب", context) == "absent"
    assert ValueWord.objects.filter(organisation__isnull=True, column="activity").exists()


def test_a_word_never_gives_a_value_the_column_does_not_allow(org_a):
    from ngos.imports import parse_kind

    ValueWord.objects.create(column="kind", word="وزارتخانه", value="ministry")
    with pytest.raises(ParseError):
        parse_kind("وزارتخانه", ParseContext([], load_vocabulary(None)))
