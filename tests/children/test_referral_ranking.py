"""Issue 20: when referring, organisations offering the service are ranked for the child by
eligibility (age, sex, nationality, documents) and places left this Jalali month, with the
reason shown; ineligible ones last, still selectable (docs/adr/0039)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from children.models import Referral
from children.selectors.referral_ranking import rank_organisations
from ngos.models import ServiceOffering
from ngos.reference import ensure_services
from ngos.selectors import organisations_for_referral
from tests.factories import CaseFactory, OrganisationFactory, ReferralFactory

from . import test_referrals

SHARED = test_referrals.SHARED
child = test_referrals.child
education = test_referrals.education
org_c = test_referrals.org_c
receivers = test_referrals.receivers

# 1405/09/15 in Tehran; Azar 1405 runs from 2026-11-22 to 2026-12-21.
NOW = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)


def _offering(organisation, **fields):
    offering = ServiceOffering.objects.get(
        organisation=organisation, service=ensure_services()["education"]
    )
    for name, value in fields.items():
        setattr(offering, name, value)
    offering.save()
    return offering


def _provider(name, **fields):
    organisation = OrganisationFactory(name_en=name)
    test_referrals.offer(organisation, "education", "tehran")
    _offering(organisation, **fields)
    return organisation


def _accept(organisation, at, count=1, state="accepted"):
    for _n in range(count):
        ReferralFactory(
            case=CaseFactory(),
            to_organisation=organisation,
            state=state,
            sent_at=at - datetime.timedelta(days=1),
            answered_at=at,
        )


@pytest.fixture
def providers(child, org_b, org_c):
    """The child: a boy of 13 with a national ID (tests/children/test_referrals.py)."""
    _offering(org_b, capacity_per_month=10)
    _offering(org_c, capacity_per_month=3)
    return {
        "b": org_b,  # 10 a month, 2 taken this month: 8 left
        "c": org_c,  # 3 left
        "open": _provider("No stated capacity"),
        "full": _provider("Full", capacity_per_month=1),
        "too_old": _provider("Under tens", capacity_per_month=50, age_max=10),
        "girls": _provider("Girls only", sex="female", documents=["passport"]),
    }


def _rank(user, case):
    service = ensure_services()["education"]
    organisations = organisations_for_referral(
        user=user, service=service, province=case.province_id
    )
    with translation.override("en"):
        ranked = rank_organisations(case=case, service=service, organisations=organisations)
        return [(r.organisation.pk, r.reason) for r in ranked]


def test_ranked_by_eligibility_then_places_left(cw_a, child, providers):
    with time_machine.travel(NOW, tick=False):
        _accept(providers["b"], NOW - datetime.timedelta(days=3), count=2)
        _accept(providers["full"], NOW - datetime.timedelta(days=1), state="completed")
        ranked = _rank(cw_a, child)
    assert ranked == [
        (providers["b"].pk, "eligible · 8 places left"),
        (providers["c"].pk, "eligible · 3 places left"),
        (providers["open"].pk, "eligible · capacity not stated"),
        (providers["full"].pk, "eligible · no places left this month"),
        (providers["too_old"].pk, "not eligible: age"),
        (providers["girls"].pk, "not eligible: sex, documents"),
    ]


def test_places_count_only_this_jalali_months_acceptances(cw_a, child, providers):
    month_start = datetime.datetime(2026, 11, 21, 20, 30, tzinfo=datetime.UTC)  # 1 Azar, Tehran
    with time_machine.travel(NOW, tick=False):
        _accept(providers["c"], month_start - datetime.timedelta(minutes=1))  # 30 Aban
        _accept(providers["c"], month_start + datetime.timedelta(minutes=1))  # 1 Azar
        ReferralFactory(  # declined: took no place
            case=CaseFactory(),
            to_organisation=providers["c"],
            state="declined",
            answered_at=NOW,
        )
        ranked = dict(_rank(cw_a, child))
    assert ranked[providers["c"].pk] == "eligible · 2 places left"


def test_an_unknown_fact_does_not_exclude(cw_a, providers, register):
    case = CaseFactory(
        organisation=cw_a.membership.organisation,
        estimated_age=None,
        birth_date=datetime.date(2010, 1, 1),
        documentation="not_recorded",
    )
    ranked = dict(_rank(cw_a, case))
    # 16 is too old for under tens; documents not recorded do not exclude from "passport only".
    assert ranked[providers["too_old"].pk] == "not eligible: age"
    assert ranked[providers["girls"].pk] == "not eligible: sex"


def test_the_form_shows_the_ranked_list_with_reasons_in_persian(client_as, cw_a, child, providers):
    with time_machine.travel(NOW, tick=False):
        _accept(providers["b"], NOW - datetime.timedelta(days=3), count=2)
        response = client_as(cw_a).get(
            reverse("children:referral_create", args=[child.pk]), {"service": "education"}
        )
    html = response.content.decode()
    assert 'data-testid="ranked-organisations"' in html
    reasons = [r.reason for r in response.context["ranking"]]
    assert "۸" in reasons[0]  # Persian digits, as on the page
    order = [r.organisation.pk for r in response.context["ranking"]]
    assert order[-2:] == [providers["too_old"].pk, providers["girls"].pk]
    assert html.count('data-eligible="no"') == 2


def test_an_ineligible_organisation_is_still_selectable(client_as, cw_a, child, providers):
    response = client_as(cw_a).post(
        reverse("children:referral_create", args=[child.pk]),
        {"service": "education", "to_organisation": providers["too_old"].pk, **SHARED},
    )
    assert response.status_code == 302
    assert Referral.objects.get(case=child).to_organisation == providers["too_old"]


def test_choosing_no_organisation_says_so_beside_the_list(client_as, cw_a, child, providers):
    response = client_as(cw_a).post(
        reverse("children:referral_create", args=[child.pk]), {"service": "education", **SHARED}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["to_organisation"]
