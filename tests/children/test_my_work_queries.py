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

from children.models import Case, CaseTransfer, FollowUp, Referral
from children.models.choices import ReferralState
from children.selectors.transfers import transfers_my_work
from children.services.documents import document_add
from core.compiled import CompiledRows, capped_counts, counts_of, every_row
from tests.factories import CaseFactory, FollowUpFactory, ReferralFactory


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


def _counts_of(response):
    names = ("follow_ups_count", "overdue_count", "incoming_count", "outgoing_count")
    return {name: response.context[name] for name in (*names, "unseen_count")}


@pytest.fixture
def full_lists(cw_a, org_a, org_b, case_a):
    """More than a list shows of each of My work's four lists, for cw_a and so for mgr_a: due
    follow-ups (some overdue), cases not seen (with referrals sent for them) and referrals
    received from B."""
    today = timezone.localdate()
    for days in range(55):
        FollowUpFactory(case=case_a, due_on=today - datetime.timedelta(days=days % 3))
    long_ago = today - datetime.timedelta(days=90)
    unseen = [
        CaseFactory(organisation=org_a, assigned_to=cw_a, last_contact_on=long_ago)
        for _ in range(52)
    ]
    for case in unseen:
        ReferralFactory(case=case)
    received_from = CaseFactory(organisation=org_b)
    for _ in range(51):
        ReferralFactory(case=received_from, to_organisation=org_a)
    return unseen


def test_the_full_lists_are_counted_in_one_query(client_as, cw_a, mgr_a, full_lists):
    today = timezone.localdate()
    expected = {
        "follow_ups_count": FollowUp.objects.pending().filter(due_on__lte=today).count(),
        "overdue_count": FollowUp.objects.pending().filter(due_on__lt=today).count(),
        "incoming_count": 51,
        "outgoing_count": 52,
        "unseen_count": Case.objects.unseen(today)
        .filter(organisation=cw_a.membership.organisation)
        .count(),
    }
    assert expected["follow_ups_count"] == 55 and 0 < expected["overdue_count"] < 55
    assert expected["unseen_count"] >= 52

    for user in (cw_a, mgr_a):
        queries = _my_work_queries(client_as(user))
        merged = [sql for sql in queries if sql.startswith("SELECT (SELECT COUNT(*)")]
        assert len(merged) == 1 and merged[0].count("COUNT(*)") == 5
        page = client_as(user).get(reverse("children:my_work"))
        assert _counts_of(page) == expected
        assert len(page.context["unseen"]) == len(page.context["incoming"]) == 50
        # None of the lists' counts asked for on its own (counts_of's compiled count; the
        # approvals queue's full list of overrides has its own count, "total").
        alone = 'SELECT COUNT("children_'
        assert not [sql for sql in queries if sql.startswith(alone) and '"func1"' in sql]


def test_a_caseworker_whose_own_lists_are_short_counts_the_organisations_list_alone(
    client_as, cw_a2, full_lists
):
    page = client_as(cw_a2).get(reverse("children:my_work"))

    assert _counts_of(page) == {
        "follow_ups_count": 0,
        "overdue_count": 0,
        "incoming_count": 51,  # received by the organisation: every member's list
        "outgoing_count": 0,
        "unseen_count": 0,
    }


def test_the_counts_show_a_change_at_once(client_as, mgr_a, full_lists):
    client = client_as(mgr_a)
    assert client.get(reverse("children:my_work")).context["outgoing_count"] == 52

    Referral.objects.filter(case=full_lists[0]).update(
        state=ReferralState.ACCEPTED, answered_at=timezone.now()
    )
    assert client.get(reverse("children:my_work")).context["outgoing_count"] == 51

    ReferralFactory(case=full_lists[1])
    ReferralFactory(case=full_lists[2])
    assert client.get(reverse("children:my_work")).context["outgoing_count"] == 53


def test_the_documents_list_is_read_only_when_something_expires(client_as, cw_a, case_a):
    today = timezone.localdate()

    def add(expires_in_days):
        document_add(
            by=cw_a,
            case=case_a,
            data={
                "type": "amayesh",
                "number": "AM-1234",
                "expires_on": today + datetime.timedelta(days=expires_in_days),
            },
        )

    def documents(client):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("children:my_work"))
        read = [q["sql"] for q in captured.captured_queries if "children_casedocument" in q["sql"]]
        return page.context["documents"], len(read)

    client = client_as(cw_a)
    add(-3)
    section, queries = documents(client)
    assert (section["expiring"], section["expiring_count"], section["expired_count"]) == ([], 0, 1)
    assert queries == 1  # the counts; no expiring document, no list to read

    add(10)
    section, queries = documents(client)
    assert [row["expires_on"] for row in section["expiring"]] == [
        today + datetime.timedelta(days=10)
    ]
    assert (section["expiring_count"], section["expired_count"], queries) == (1, 1, 2)


def _transfer(case, to_organisation, by, minutes_ago):
    return CaseTransfer.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        reason="آزمون",
        consent=case.consents.get(),
        requested_by=by,
        requested_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_transfers_both_ways_are_read_in_one_query(
    django_assert_num_queries, register, cw_a, cw_b, mgr_a, mgr_b, org_a, org_b
):
    later = _transfer(register(cw_a, given_name="دوم"), org_b, mgr_a, minutes_ago=5)
    earlier = _transfer(register(cw_a, given_name="اول"), org_b, mgr_a, minutes_ago=50)
    received = _transfer(register(cw_b, given_name="سوم"), org_a, mgr_b, minutes_ago=20)

    with django_assert_num_queries(1):
        section = transfers_my_work(user=mgr_a)

    assert [row["pk"] for row in section["outgoing"]] == [earlier.pk, later.pk]
    assert [row["given_name"] for row in section["outgoing"]] == ["اول", "دوم"]
    assert [row["pk"] for row in section["incoming"]] == [received.pk]
    assert section["incoming"][0]["organisation"] == org_b.name_fa
    assert section["outgoing"][0]["organisation"] == org_b.name_fa
    assert (section["incoming_count"], section["outgoing_count"]) == (1, 2)
    # The receiver's view of the same requests, and nothing of another organisation's.
    other = transfers_my_work(user=mgr_b)
    assert [row["pk"] for row in other["incoming"]] == [earlier.pk, later.pk]
    assert [row["pk"] for row in other["outgoing"]] == [received.pk]
