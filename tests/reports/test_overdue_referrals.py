"""Issue 20: ministry officers see overdue referrals per organisation, counts only, suppressed;
a provincial officer his province only (AC-08, AC-12, docs/adr/0039)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.permissions import Role
from reports.selectors.overdue_referrals import overdue_referrals
from reports.suppression import SUPPRESSED
from tests.factories import CaseFactory, OrganisationFactory, ReferralFactory, member, province

from .disclosure import pinned

URL = "reports:overdue_referrals"


def _overdue(to, province_code, count, **extra):
    sent = timezone.now() - datetime.timedelta(days=20)
    for _n in range(count):
        ReferralFactory(
            case=CaseFactory(province=province(province_code), given_name="نازنین"),
            to_organisation=to,
            sent_at=sent,
            **extra,
        )


@pytest.fixture
def receivers(db):
    tehran_org = OrganisationFactory(name_en="Tehran helper", home_province=province("tehran"))
    isfahan_org = OrganisationFactory(
        name_en="Mashhad helper", home_province=province("razavi-khorasan")
    )
    _overdue(tehran_org, "tehran", 6)
    _overdue(isfahan_org, "razavi-khorasan", 2)
    _overdue(tehran_org, "razavi-khorasan", 7)
    # Not overdue: answered, or sent yesterday.
    _overdue(isfahan_org, "razavi-khorasan", 3, state="declined", answered_at=timezone.now())
    ReferralFactory(
        case=CaseFactory(province=province("razavi-khorasan")), to_organisation=isfahan_org
    )
    return tehran_org, isfahan_org


@pytest.fixture
def isfahan_officer(ministry):
    return member("prov_rkh", ministry, Role.MINISTRY_OFFICER, province=province("razavi-khorasan"))


def test_counts_are_suppressed_and_complemented(receivers):
    tehran_org, isfahan_org = receivers
    figures = overdue_referrals()
    by_province = {s["province"].code: s for s in figures["provinces"]}
    isfahan = {r["organisation"]: r["count"] for r in by_province["razavi-khorasan"]["rows"]}
    # 2 is shown as "<5"; the 7 beside it is hidden, or 9 - 7 would give the 2 back.
    assert isfahan == {isfahan_org: "<5", tehran_org: "*"}
    assert by_province["razavi-khorasan"]["total"] == 9
    assert by_province["tehran"]["total"] == 6
    assert figures["total"] == 15


def test_a_provincial_officer_sees_only_his_province(client_as, isfahan_officer, receivers):
    response = client_as(isfahan_officer).get(reverse(URL))
    assert response.status_code == 200
    sections = response.context["figures"]["provinces"]
    assert [s["province"].code for s in sections] == ["razavi-khorasan"]
    assert response.context["figures"]["total"] is None
    html = response.content.decode()
    assert 'data-testid="overdue-total"' not in html
    assert "نازنین" not in html


def test_a_provincial_officer_of_a_quiet_province_sees_it_empty(client_as, ministry, receivers):
    officer = member(
        "prov_sbl", ministry, Role.MINISTRY_OFFICER, province=province("sistan-baluchestan")
    )
    response = client_as(officer).get(reverse(URL))
    assert [s["province"].code for s in response.context["figures"]["provinces"]] == [
        "sistan-baluchestan"
    ]
    assert "Tehran helper" not in response.content.decode()


def test_a_national_officer_sees_every_province(client_as, min_officer, receivers):
    response = client_as(min_officer).get(reverse(URL))
    codes = {s["province"].code for s in response.context["figures"]["provinces"]}
    assert codes == {"tehran", "razavi-khorasan"}
    html = response.content.decode()
    assert 'data-testid="overdue-total"' in html
    assert "نازنین" not in html


def test_the_dashboard_links_to_the_page(client_as, min_officer):
    html = client_as(min_officer).get(reverse("reports:national_dashboard")).content.decode()
    assert reverse(URL) in html


@pytest.mark.parametrize("who", ["cw_a", "mgr_a", "adm"])
def test_organisations_and_administrators_are_refused(client_as, request, who):
    user = request.getfixturevalue(who)
    assert client_as(user).get(reverse(URL)).status_code == 403


def test_a_reader_cannot_work_out_two_small_counts_from_the_page(client_as, min_officer, db):
    """Two organisations with one overdue referral each beside one with ten: 12 - 10 leaves 2 for
    two "<5" cells, each of which is 1 to 4, so each would be exactly 1 (AC-08)."""
    helpers = [OrganisationFactory(name_en=f"Helper {n}") for n in range(3)]
    for organisation, count in zip(helpers, (1, 1, 10), strict=True):
        _overdue(organisation, "razavi-khorasan", count)
    _overdue(helpers[2], "tehran", 8)

    response = client_as(min_officer).get(reverse(URL))

    figures = response.context["figures"]
    result, relations = {("nation",): figures["total"]}, []
    for section in figures["provinces"]:
        parts = [
            ("cell", section["province"].pk, row["organisation"].pk) for row in section["rows"]
        ]
        result |= {("province", section["province"].pk): section["total"]}
        result |= {key: row["count"] for key, row in zip(parts, section["rows"], strict=True)}
        relations.append((("province", section["province"].pk), parts))
    relations.append((("nation",), [total for total, _parts in relations]))
    assert pinned(result, relations) == {}
    assert list(result.values()).count(SUPPRESSED) == 2
