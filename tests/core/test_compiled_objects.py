"""CompiledObjects (core/compiled.py): a queryset of instances compiled once a process, the
instances the same as the ORM's (issue 21)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F

from children.models import Case, FollowUp
from core.compiled import CompiledObjects
from tests.factories import CaseFactory, FollowUpFactory

pytestmark = pytest.mark.django_db


def _cases(calls):
    def build(key, *, organisation):
        calls.append(key)
        return (
            Case.objects.filter(organisation_id=organisation)
            .select_related("organisation", "assigned_to")
            .only("given_name", "registered_on", "organisation__code", "assigned_to__username")
            .annotate(doubled=F("pk") * 2)
            .order_by("pk")[:key]
        )

    return build


def _fields(case):
    return (
        case.pk,
        case.given_name,
        case.registered_on,
        case.organisation.code,
        case.assigned_to.username,
        case.doubled,
        case.get_deferred_fields(),
        case._state.adding,
        case._state.db,
    )


def test_instances_are_the_orms_for_each_organisation(org_a, org_b, django_assert_num_queries):
    for organisation in (org_a, org_a, org_a, org_b):
        CaseFactory(organisation=organisation)
    calls = []
    compiled = CompiledObjects(Case, _cases(calls))

    for organisation in (org_a, org_b, org_a):
        with django_assert_num_queries(1):
            cases = compiled.objects(2, organisation=organisation.pk)
            # The related rows came with the query, as select_related's do.
            found = [_fields(case) for case in cases]
        expected = [_fields(case) for case in _cases([])(2, organisation=organisation.pk)]
        assert found == expected
        assert len(found) == (2 if organisation == org_a else 1)
    assert calls == [2]  # built and compiled once


def test_known_objects_are_set_as_a_related_manager_sets_them(org_a, django_assert_num_queries):
    case = CaseFactory(organisation=org_a)
    FollowUpFactory(case=case)
    FollowUpFactory(case=case)
    compiled = CompiledObjects(
        FollowUp, lambda key, *, case: FollowUp.objects.filter(case_id=case).order_by("pk")
    )

    follow_ups = compiled.objects(None, known={"case": case}, case=case.pk)

    with django_assert_num_queries(0):
        assert [follow_up.case for follow_up in follow_ups] == [case, case]
        assert all(follow_up.case is case for follow_up in follow_ups)
    assert [f.pk for f in follow_ups] == [f.pk for f in case.follow_ups.order_by("pk")]


def test_a_query_that_finds_nothing_asks_nothing(django_assert_num_queries):
    compiled = CompiledObjects(Case, lambda key, **ids: Case.objects.none())
    with django_assert_num_queries(0):
        assert compiled.objects(None, organisation=1) == []


def test_prefetching_and_rows_are_refused():
    for build in (
        lambda key, *, organisation: Case.objects.filter(
            organisation_id=organisation
        ).prefetch_related("notes"),
        lambda key, *, organisation: Case.objects.filter(organisation_id=organisation).values("pk"),
    ):
        with pytest.raises(ImproperlyConfigured):
            CompiledObjects(Case, build).objects(None, organisation=1)


def test_an_id_changed_on_its_way_is_refused():
    compiled = CompiledObjects(
        Case, lambda key, *, organisation: Case.objects.filter(organisation_id=organisation + 1)
    )
    with pytest.raises(ImproperlyConfigured):
        compiled.objects(None, organisation=1)
