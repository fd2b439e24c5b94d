"""The encounter's organisation and time copied onto each child met (issue 21, children
migration 0034): the database keeps them equal to the encounter's on every write path, and the
hotspot summaries count the children met through them."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import Encounter, EncounterChild
from children.selectors.outreach import hotspot_summary
from tests.factories import CaseFactory, EncounterFactory

from .conftest import CONSENT, identity

pytestmark = pytest.mark.django_db


def _copied(link):
    """(organisation id, time) the link carries in the database."""
    return EncounterChild.objects.values_list("organisation_id", "occurred_at").get(pk=link.pk)


def _of(encounter):
    return (encounter.organisation_id, encounter.occurred_at)


def test_a_child_met_carries_the_encounters_organisation_and_time(cw_a, case_a, log_encounter):
    encounter = log_encounter(cw_a, cases=[case_a])

    assert _copied(encounter.child_links.get()) == _of(encounter)


def test_a_child_registered_from_an_encounter_carries_them_too(cw_a, log_encounter):
    encounter = log_encounter(cw_a, anonymous={("male", "6_11"): 1})

    case = services.case_register(
        by=cw_a,
        organisation=encounter.organisation,
        data=identity(),
        consent=dict(CONSENT),
        from_encounter=encounter,
    )

    assert _copied(EncounterChild.objects.get(case=case)) == _of(encounter)


def test_links_written_in_bulk_or_with_wrong_values_get_the_encounters(org_a):
    encounter = EncounterFactory(organisation=org_a)
    other = EncounterFactory(
        organisation=org_a, occurred_at=timezone.now() - datetime.timedelta(days=3)
    )
    bulk = EncounterChild.objects.bulk_create(
        [EncounterChild(encounter=encounter, case=CaseFactory(organisation=org_a))]
    )[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO children_encounterchild"
            " (encounter_id, case_id, registered_from_encounter, organisation_id, occurred_at)"
            " VALUES (%s, %s, false, %s, %s) RETURNING id",
            [
                encounter.pk,
                CaseFactory(organisation=org_a).pk,
                other.organisation_id + 1000,
                other.occurred_at,
            ],
        )
        (raw_id,) = cursor.fetchone()

    assert _copied(bulk) == _of(encounter)
    assert _copied(EncounterChild(pk=raw_id)) == _of(encounter)


def test_a_link_moved_to_another_encounter_takes_its_values(org_a):
    first = EncounterFactory(organisation=org_a)
    second = EncounterFactory(
        organisation=org_a, occurred_at=timezone.now() - datetime.timedelta(days=9)
    )
    link = EncounterChild.objects.create(encounter=first, case=CaseFactory(organisation=org_a))

    EncounterChild.objects.filter(pk=link.pk).update(encounter=second)

    assert _copied(link) == _of(second)


def test_an_encounter_whose_time_or_organisation_changes_passes_it_on(org_a, org_b):
    encounter = EncounterFactory(organisation=org_a)
    untouched = EncounterFactory(organisation=org_a)
    link = EncounterChild.objects.create(encounter=encounter, case=CaseFactory(organisation=org_a))
    kept = EncounterChild.objects.create(encounter=untouched, case=CaseFactory(organisation=org_a))

    encounter.occurred_at -= datetime.timedelta(days=40)
    encounter.save()
    assert _copied(link) == _of(encounter)

    Encounter.objects.filter(pk=encounter.pk).update(organisation=org_b)
    encounter.refresh_from_db()
    assert _copied(link) == (org_b.pk, encounter.occurred_at)
    assert _copied(kept) == _of(untouched)


# --- The summaries count the children met through the copies ---------------------------------


def _registered(rows):
    return {row["hotspot_key"]: row["registered"] for row in rows}


def test_only_the_children_of_the_encounters_asked_for_are_counted(cw_a, log_encounter):
    """A child met at an encounter the filter leaves out, within the same organisation and
    hours as those it keeps, is not counted."""
    now = timezone.now()
    kept = CaseFactory(organisation=cw_a.membership.organisation)
    left_out = CaseFactory(organisation=cw_a.membership.organisation)
    log_encounter(
        cw_a, occurred_at=now - datetime.timedelta(hours=5), activity="emergency", cases=[kept]
    )
    log_encounter(cw_a, occurred_at=now - datetime.timedelta(hours=4), cases=[left_out])
    log_encounter(cw_a, occurred_at=now - datetime.timedelta(hours=3), activity="emergency")

    rows = hotspot_summary(
        Encounter.objects.filter(organisation=cw_a.membership.organisation, activity="emergency")
    )

    assert [row["encounters"] for row in rows] == [2]
    assert [row["registered"] for row in rows] == [1]


def test_children_met_at_the_periods_first_and_last_moment_are_counted(cw_a, log_encounter):
    organisation = cw_a.membership.organisation
    start = timezone.now() - datetime.timedelta(days=2)
    end = start + datetime.timedelta(hours=6)
    first, last, after = (CaseFactory(organisation=organisation) for _ in range(3))
    log_encounter(cw_a, occurred_at=start, cases=[first])
    log_encounter(cw_a, occurred_at=end - datetime.timedelta(microseconds=1), cases=[last, first])
    log_encounter(cw_a, occurred_at=end, cases=[after])

    rows = hotspot_summary(
        Encounter.objects.filter(
            organisation=organisation, occurred_at__gte=start, occurred_at__lt=end
        )
    )

    assert [(row["encounters"], row["registered"]) for row in rows] == [(2, 2)]


def test_an_encounter_moved_out_of_the_period_takes_its_children_along(
    client_as, cw_a, log_encounter
):
    organisation = cw_a.membership.organisation
    encounter = log_encounter(cw_a, cases=[CaseFactory(organisation=organisation)])
    url = reverse("children:hotspots")
    assert _registered(client_as(cw_a).get(url).context["rows"]) == {encounter.hotspot_key: 1}

    Encounter.objects.filter(pk=encounter.pk).update(
        occurred_at=timezone.now() - datetime.timedelta(days=400)
    )

    assert client_as(cw_a).get(url).context["rows"] == []


def test_another_organisations_children_met_are_never_counted(cw_a, cw_b, log_encounter):
    """Organisation B met a child at the same moment and place as A: A's figures leave it out."""
    moment = timezone.now() - datetime.timedelta(hours=2)
    log_encounter(cw_a, occurred_at=moment)
    log_encounter(
        cw_b, occurred_at=moment, cases=[CaseFactory(organisation=cw_b.membership.organisation)]
    )

    rows = hotspot_summary(Encounter.objects.filter(organisation=cw_a.membership.organisation))

    assert [(row["encounters"], row["registered"]) for row in rows] == [(1, 0)]
