"""A manager lists who opened or changed a case; exports record the cases they held (LG-01, LG-05)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from core.jalali import format_date
from core.models import AuditEvent, AuditExportCase
from tests.factories import CaseFactory, ReferralFactory

from .conftest import by_testid, parse


def trail(client, case, **params):
    return client.get(reverse("children:case_audit", args=[case.pk]), params)


def rows(response):
    return by_testid(response, "audit-row")


def test_manager_lists_who_opened_and_changed_a_case_in_a_date_range(
    client_as, mgr_a, cw_a, case_a
):
    client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))
    old = AuditEvent.objects.create(
        action=AuditEvent.Action.VIEW,
        actor=cw_a,
        actor_username=cw_a.username,
        object_type="children.case",
        object_id=str(case_a.pk),
        at=timezone.now() - datetime.timedelta(days=40),
    )
    today = timezone.localdate()
    response = trail(
        client_as(mgr_a),
        case_a,
        since=format_date(today - datetime.timedelta(days=7), "fa"),
        until=format_date(today, "fa"),
    )
    assert response.status_code == 200
    shown = rows(response)
    # The registration, CW-A's visit and the manager's own reading, not last month's visit.
    assert (
        len(shown)
        == AuditEvent.objects.filter(object_type="children.case", object_id=str(case_a.pk))
        .exclude(pk=old.pk)
        .count()
    )
    assert format_date(today, "fa") in shown[0]  # Jalali dates
    everything = rows(trail(client_as(mgr_a), case_a))
    assert len(everything) == len(shown) + 2  # last month's visit and the first reading


def test_audit_trail_filters_by_user_and_action(client_as, mgr_a, cw_a, case_a):
    client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))
    client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))
    response = trail(client_as(mgr_a), case_a, actor=cw_a.pk, action="view")
    assert len(rows(response)) == 2
    response = trail(client_as(mgr_a), case_a, actor=cw_a.pk, action="create")
    assert len(rows(response)) == 1


def test_audit_trail_is_paginated(client_as, mgr_a, case_a):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="view", object_type="children.case", object_id=str(case_a.pk))
        for _ in range(60)
    )
    first = trail(client_as(mgr_a), case_a)
    second = trail(client_as(mgr_a), case_a, page=2)
    assert len(rows(first)) == 50
    assert 10 <= len(rows(second)) <= 13


def test_reading_the_audit_trail_is_itself_audited(client_as, mgr_a, case_a):
    trail(client_as(mgr_a), case_a, action="view")
    event = AuditEvent.objects.filter(actor=mgr_a).latest("pk")
    assert (event.action, event.object_type, event.object_id) == (
        AuditEvent.Action.VIEW,
        "children.case",
        str(case_a.pk),
    )
    assert event.detail == {"page": "audit_trail", "action": "view"}


def test_caseworker_cannot_read_the_audit_log(client_as, cw_a, mgr_a, case_a):
    assert trail(client_as(cw_a), case_a).status_code == 403
    page = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))
    assert not by_testid(page, "case-audit-link")
    page = client_as(mgr_a).get(reverse("children:case_detail", args=[case_a.pk]))
    assert by_testid(page, "case-audit-link")
    assert not AuditEvent.objects.filter(actor=cw_a, detail__page="audit_trail").exists()


def test_manager_of_another_organisation_gets_404_for_a_cases_audit_trail(
    client_as, mgr_b, case_a, min_officer, adm
):
    for outsider in (mgr_b, min_officer, adm):
        assert trail(client_as(outsider), case_a).status_code == 404
    assert AuditEvent.objects.filter(
        actor=mgr_b, action=AuditEvent.Action.ACCESS_DENIED, object_id=str(case_a.pk)
    ).exists()


def test_case_export_records_which_cases_it_held(client_as, cw_a, mgr_a, register, case_b):
    held = register(cw_a, given_name="مریم", sex="female")
    other = register(cw_a, given_name="علی")
    response = client_as(cw_a).get(reverse("children:case_export_csv"), {"sex": "female"})
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    linked = set(AuditExportCase.objects.filter(event=event).values_list("case_id", flat=True))
    assert linked == {held.pk}
    assert other.pk not in linked and case_b.pk not in linked
    # The case's trail lists the export; the other case's does not.
    assert "CSV" in parse(trail(client_as(mgr_a), held)).text()
    assert "CSV" not in parse(trail(client_as(mgr_a), other)).text()


def test_referral_export_records_the_referred_cases(client_as, mgr_a, cw_a, org_a, org_b):
    referred = CaseFactory(organisation=org_a, assigned_to=cw_a)
    ReferralFactory(case=referred, to_organisation=org_b)
    ReferralFactory(case=referred)
    client_as(mgr_a).get(reverse("children:referral_sent_export_csv"))
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert list(AuditExportCase.objects.filter(event=event).values_list("case_id", flat=True)) == [
        referred.pk
    ]


def test_a_large_export_links_its_cases_in_one_statement(
    client_as, cw_a, org_a, django_assert_max_num_queries
):
    CaseFactory.create_batch(300, organisation=org_a, assigned_to=cw_a)
    client = client_as(cw_a)
    client.get(reverse("children:case_list"))  # the session and the user are loaded once
    with django_assert_max_num_queries(12):
        client.get(reverse("children:case_export_xlsx"))
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert AuditExportCase.objects.filter(event=event).count() == 300
