"""What "My work" asks the database: its lists through SQL compiled once per process
(core/compiled.py), their counts asked for only when a list is full (issue 21)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.models import Case
from core.compiled import CompiledRows, capped_counts, counts_of, every_row
from tests.factories import CaseFactory, FollowUpFactory


def _cases(calls):
    def build(key, *, organisation):
        calls.append(key)
        cases = Case.objects.filter(organisation_id=organisation).order_by("pk")
        return cases.values_list("pk", "given_name", "registered_on")[:key]

    return build


def test_compiled_rows_read_what_the_orm_reads_for_each_organisation(
    db, org_a, org_b, django_assert_num_queries
):
    for organisation in (org_a, org_a, org_a, org_b):
        CaseFactory(organisation=organisation)
    calls = []
    compiled = CompiledRows(Case, _cases(calls))

    for organisation in (org_a, org_b, org_a):
        with django_assert_num_queries(1):
            rows = compiled.rows(2, organisation=organisation.pk)
        cases = Case.objects.filter(organisation=organisation).order_by("pk")
        expected = list(cases.values_list("pk", "given_name", "registered_on")[:2])
        assert rows == expected
    assert calls == [2]  # built and compiled once


def test_counts_come_from_the_rows_unless_the_list_is_full(db, org_a, django_assert_num_queries):
    for name in ("الف", "ب", "ب"):
        CaseFactory(organisation=org_a, given_name=name)
    rows = CompiledRows(Case, _cases([]))
    counts = CompiledRows(
        Case,
        lambda key, *, organisation: counts_of(
            Case.objects.filter(organisation_id=organisation), None, Q(given_name="ب")
        ),
    )
    ids = {"organisation": org_a.pk}
    named_b = lambda row: row[1] == "ب"  # noqa: E731

    for limit in (5, 3, 2):
        listed = rows.rows(limit, **ids)
        with django_assert_num_queries(0 if limit > 3 else 1):
            assert capped_counts(listed, limit, counts, None, ids, every_row, named_b) == (3, 2)


def test_another_key_is_compiled_again(db, org_a):
    CaseFactory(organisation=org_a)
    CaseFactory(organisation=org_a)
    calls = []
    compiled = CompiledRows(Case, _cases(calls))

    assert len(compiled.rows(1, organisation=org_a.pk)) == 1
    assert len(compiled.rows(5, organisation=org_a.pk)) == 2
    assert calls == [1, 5]


def test_a_query_that_finds_nothing_asks_nothing(db, django_assert_num_queries):
    compiled = CompiledRows(Case, lambda key, **ids: Case.objects.none().values_list("pk"))
    with django_assert_num_queries(0):
        assert compiled.rows(None, organisation=1) == []


def test_an_id_changed_on_its_way_is_refused(db):
    compiled = CompiledRows(
        Case,
        lambda key, *, organisation: Case.objects.filter(
            organisation_id=organisation + 1
        ).values_list("pk"),
    )
    with pytest.raises(ImproperlyConfigured):
        compiled.rows(None, organisation=1)


def _my_work_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("children:my_work")).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_my_work_asks_for_a_count_only_when_a_list_is_full(client_as, cw_a, mgr_a, case_a):
    def queries():
        return len(_my_work_queries(client_as(cw_a))), len(_my_work_queries(client_as(mgr_a)))

    # The session, the user, the services, then the sections: follow-ups, referrals both ways,
    # unseen cases, documents (the list, the counts), services to complete, plan actions; a
    # manager also the approvals queue and who approves, policy changes, escalated referrals,
    # transfers both ways and duty-to-report alerts. Short lists count their rows.
    caseworker, manager = queries()
    assert caseworker <= 11 and manager <= 19

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for _ in range(55):
        FollowUpFactory(case=case_a, due_on=yesterday, responsible=cw_a)

    assert queries() == (caseworker + 1, manager + 1)  # the follow-ups' counts
    page = client_as(mgr_a).get(reverse("children:my_work"))
    assert page.context["follow_ups_count"] == page.context["overdue_count"] == 55
    assert len(page.context["follow_ups"]) == 50
