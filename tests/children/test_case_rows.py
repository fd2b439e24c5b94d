"""The case list's rows read as values (children/selectors/case_rows.py): drawn exactly as the
cases were, the same rows and order on every path of the list, never another organisation's."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from children.models import Case
from children.selectors.case_rows import CASE_ROW_COLUMNS, case_row, case_rows

from .test_case_list_tags import PYTHON_ROWS, TEMPLATE_ROWS, _cases


def _as_row(case: Case):
    user = case.assigned_to
    return case_row(
        (
            *(case.pk, case.case_number, case.given_name, case.family_name, case.father_name),
            *(case.status, case.risk_level, case.labour_flags, case.birth_date),
            *(case.estimated_age, case.estimated_age_on, case.registered_on),
            *(user.first_name, user.last_name, user.username),
        )
    )


@pytest.mark.parametrize("language", ["fa", "en"])
def test_value_rows_are_what_the_template_drew_of_the_cases(language):
    cases = list(_cases())
    rows = [_as_row(case) for case in cases]
    engine = engines["django"]
    with translation.override(language):
        drawn = engine.from_string(TEMPLATE_ROWS).render({"page": cases})
        for today in (None, datetime.date.today()):
            written = engine.from_string(PYTHON_ROWS).render({"page": rows, "today": today})
            assert written == drawn
    assert "&lt;Ali&gt; O&#x27;Neil &amp; co" in written and "only-a-username" in written


def test_a_row_reads_what_the_case_gives(register, cw_a):
    case = register(cw_a, given_name="زهرا", father_name="")
    (row,) = case_rows(Case.objects.filter(pk=case.pk))
    stored = Case.objects.select_related("assigned_to").get(pk=case.pk)
    assert row.pk == stored.pk and row.full_name == stored.full_name
    assert row.age() == stored.age() and row.assigned_to == str(stored.assigned_to)
    assert len(CASE_ROW_COLUMNS) == len(row) + 2  # the caseworker's three names made one


def _shown(client, **params):
    response = client.get(reverse("children:case_list"), params)
    assert response.status_code == 200
    return response, response.context["page"]


def test_every_path_of_the_list_gives_the_same_rows(client_as, cw_a, cw_b, register):
    """Unfiltered (queries compiled once), filtered (the FilterSet's queryset) and searched (the
    paginator's rows by key): the same cases in the same order, a new one at once, another
    organisation's never."""
    for index in range(28):
        register(cw_a, given_name="محمد", family_name=f"رضایی{index}")
    register(cw_b, given_name="محمد", family_name="دیگری")
    client = client_as(cw_a)
    for number in ("1", "2"):
        response, unfiltered = _shown(client, page=number)
        _, filtered = _shown(client, page=number, assigned_to=cw_a.pk)
        assert list(unfiltered) == list(filtered)
        assert "دیگری" not in response.content.decode()
    _, first = _shown(client)
    _, searched = _shown(client, q="محمد")
    assert list(first) == list(searched) and first.paginator.count == 28
    assert [row.family_name for row in first][:2] == ["رضایی27", "رضایی26"]
    register(cw_a, given_name="محمد", family_name="تازه")
    for params in ({}, {"q": "محمد"}, {"assigned_to": cw_a.pk}):
        _, page = _shown(client, **params)
        assert page[0].family_name == "تازه" and page.paginator.count == 29
