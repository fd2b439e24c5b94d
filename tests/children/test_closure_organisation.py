"""The case's organisation copied onto each closure request (issue 21, children migration 0036):
the database keeps it equal to the case's on every write path, so an organisation's pending
requests are read by their own organisation, not by every pending request of the country."""

import pytest
from django.db import connection
from django.utils import timezone

from children import services
from children.models import Case, ClosureRequest
from children.selectors.approvals import approvals_count, pending_closures
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _copied(request):
    return ClosureRequest.objects.values_list("organisation_id", flat=True).get(pk=request.pk)


def test_a_closure_request_carries_its_cases_organisation(cw_a, case_a):
    request = services.closure_request(by=cw_a, case=case_a, reason="back_in_school")

    assert _copied(request) == case_a.organisation_id


def test_a_request_written_in_raw_sql_or_with_a_wrong_organisation_gets_the_cases(
    cw_a, case_a, org_a, org_b
):
    other = CaseFactory(organisation=org_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO children_closurerequest (case_id, organisation_id, reason, note,"
            " requested_by_id, requested_at, state, comment)"
            " VALUES (%s, %s, 'back_in_school', '', %s, now(), 'pending', '') RETURNING id",
            [case_a.pk, org_b.pk, cw_a.pk],
        )
        request = ClosureRequest.objects.get(pk=cursor.fetchone()[0])
    assert _copied(request) == org_a.pk

    # Moving a request to another case takes that case's organisation, whatever is written.
    ClosureRequest.objects.filter(pk=request.pk).update(case=other, organisation_id=org_b.pk)
    assert _copied(request) == other.organisation_id


def test_a_case_that_moves_takes_its_requests_along(cw_a, mgr_a, case_a, org_b):
    returned = services.closure_request(by=cw_a, case=case_a, reason="back_in_school")
    services.closure_return(by=mgr_a, request=returned, comment="یک بار دیگر ببینید")
    pending = services.closure_request(by=cw_a, case=case_a, reason="back_in_school")
    untouched = services.closure_request(
        by=cw_a, case=CaseFactory(organisation=case_a.organisation), reason="back_in_school"
    )

    Case.objects.filter(pk=case_a.pk).update(organisation=org_b)

    assert _copied(returned) == _copied(pending) == org_b.pk
    assert _copied(untouched) == case_a.organisation_id


def test_the_queue_and_its_count_read_the_organisations_own_requests(
    cw_a, mgr_a, mgr_b, case_a, case_b, cw_b
):
    ours = services.closure_request(by=cw_a, case=case_a, reason="back_in_school")
    theirs = services.closure_request(by=cw_b, case=case_b, reason="back_in_school")

    assert list(pending_closures(user=mgr_a)) == [ours]
    assert list(pending_closures(user=mgr_b)) == [theirs]
    assert approvals_count(user=mgr_a) == approvals_count(user=mgr_b) == 1

    # A case moved to B while its request waited (a transfer refuses that; the database does
    # not rely on it) is counted and listed by B from then on.
    Case.objects.filter(pk=case_a.pk).update(organisation=mgr_b.membership.organisation)
    # A later write of the request keeps the case's new organisation.
    ClosureRequest.objects.filter(pk=ours.pk).update(requested_at=timezone.now())

    assert list(pending_closures(user=mgr_a)) == []
    assert set(pending_closures(user=mgr_b)) == {ours, theirs}
    assert approvals_count(user=mgr_a) == 0
    assert approvals_count(user=mgr_b) == 2
