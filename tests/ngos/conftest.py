"""Helpers for the organisation tests, on top of the cast in tests/conftest.py."""

import pytest
from django.utils import timezone

from core.permissions import Role
from tests.factories import OrganisationFactory, ServiceOfferingFactory, member, province, service


def make_verified(organisation, by):
    organisation.verified_at = timezone.now()
    organisation.verified_by = by
    organisation.save()
    return organisation


@pytest.fixture
def sb_officer(ministry):
    """A provincial ministry officer for Sistan and Baluchestan."""
    return member(
        "min_sb", ministry, Role.MINISTRY_OFFICER, province=province("sistan-baluchestan")
    )


@pytest.fixture
def sb_ngos(db, min_officer):
    """Four NGOs in Sistan and Baluchestan: three offer schooling support (two verified, one
    not), one offers only health; and a verified Tehran NGO that offers schooling support."""
    sb = province("sistan-baluchestan")
    zahedan = make_verified(
        OrganisationFactory(
            code="ZAH", name_fa="انجمن کودکان زاهدان", home_province=sb, cities=["زاهدان"]
        ),
        min_officer,
    )
    chabahar = make_verified(
        OrganisationFactory(
            code="CHB", name_fa="جمعیت امداد چابهار", home_province=sb, cities=["چابهار"]
        ),
        min_officer,
    )
    zabol = OrganisationFactory(code="ZAB", name_fa="انجمن مهر زابل", home_province=sb)
    clinic = make_verified(
        OrganisationFactory(code="IRS", name_fa="درمانگاه ایرانشهر", home_province=sb),
        min_officer,
    )
    tehran = make_verified(
        OrganisationFactory(code="TEH", name_fa="خانه کودک تهران", home_province=province()),
        min_officer,
    )
    for organisation in (zahedan, chabahar, zabol, tehran):
        ServiceOfferingFactory(organisation=organisation, service=service("education"))
    ServiceOfferingFactory(organisation=clinic, service=service("health"))
    return {
        "zahedan": zahedan,
        "chabahar": chabahar,
        "zabol": zabol,
        "clinic": clinic,
        "tehran": tehran,
    }
