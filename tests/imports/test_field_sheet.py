"""Issue 16's "done when", on the command line: a sheet as field staff type it (a title above the
headers, Persian digits, the trade's everyday words, no documentation column, a child typed twice,
the template's example row left in, one word nobody knows) imports once its unknown word is
mapped; the organisation's next file with the same words needs no mapping."""

import io

import pytest
from django.core.management import CommandError, call_command

from children.models import Case
from children.models.choices import Documentation, WorkType
from imports.models import ValueWord

from ..children.test_imports import xlsx_bytes

HEADER = ["نام", "نام خانوادگی", "نام پدر", "جنسیت", "تاریخ تولد", "ملیت", "استان", "نوع کار"]


def field_sheet(*children):
    """An XLSX as an NGO keeps it: a title row, the template's example row, then the children."""
    rows = [["لیست کودکان کار - پاییز ۱۴۰۵"], HEADER]
    rows.append(["مثال", "احمدی", "حسن", "پسر", "۱۳۹۳/۰۲/۱۱", "افغانستانی", "تهران", "دستفروشی"])
    rows += [list(child) for child in children]
    data = xlsx_bytes(rows[0], rows[1:])
    return data


def child(name, family, father, sex, born, work):
    return [name, family, father, sex, born, "افغانستانی", "تهران", work]


FIRST_FILE = [
    child("علی", "رضایی", "حسن", "پسر", "۱۳۹۴/۰۵/۰۱", "گل فروشی سر چهارراه"),
    child("زهرا", "محمدی", "غلامرضا", "دختر", "۱۳۹۶/۱۱/۲۰", "فال‌فروشی"),
    child("رضا", "کاظمی", "محمود", "پسر", "۱۳۹۳/۰۱/۱۵", "ضایعات"),
    child("فاطمه", "حسینی", "یوسف", "دختر", "۱۳۹۵/۰۷/۰۹", "آدامس فروشی"),
    # The same boy typed twice, his surname by ear (ظ for ز), one row without his work.
    child("محمد", "نظری", "عباس", "پسر", "۱۳۹۴/۰۳/۰۳", "شیشه پاک کن"),
    child("محمد", "نزری", "عباس", "پسر", "۱۳۹۴/۰۳/۰۳", ""),
    # A word nobody has taught the vocabulary yet.
    child("حسن", "احمدی", "علی", "پسر", "۱۳۹۲/۰۸/۰۸", "فروش بلال"),
]


def command(path, *args):
    out = io.StringIO()
    call_command("import_data", "children", str(path), "--organisation", "NGOA", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_field_sheet_imports_after_one_word_is_mapped_and_the_next_needs_none(
    adm, org_a, mgr_a, tehran, tmp_path
):
    path = tmp_path / "children.xlsx"
    path.write_bytes(field_sheet(*FIRST_FILE))

    # 1. Nothing goes in while a word waits; the command says which and how to settle it.
    with pytest.raises(CommandError) as raised:
        command(path)
    assert "--map 'work_type=فروش بلال:CHOICE'" in str(raised.value)
    assert not Case.objects.exists()

    # 2. Mapped once: every row goes in, the twins as one child, the example row not at all.
    out = command(path, "--map", "work_type=فروش بلال:street_vending")
    cases = Case.objects.filter(organisation=org_a)
    assert cases.count() == 6, out
    assert not cases.filter(given_name="مثال").exists()
    boy = cases.get(given_name="محمد")
    assert boy.work_type == WorkType.CAR_WASHING
    assert set(cases.values_list("documentation", flat=True)) == {Documentation.NOT_RECORDED}
    assert cases.get(given_name="علی").work_type == WorkType.STREET_VENDING
    assert cases.get(given_name="رضا").work_type == WorkType.WASTE_PICKING
    assert ValueWord.objects.filter(organisation=org_a, word="فروش بلال").exists()

    # 3. The organisation's next file, with the same words, needs no mapping.
    path.write_bytes(field_sheet(child("مریم", "نوری", "احمد", "دختر", "۱۳۹۷/۰۱/۰۱", "فروش بلال")))
    command(path)
    assert cases.get(given_name="مریم").work_type == WorkType.STREET_VENDING
