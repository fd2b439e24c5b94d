"""Organisation rules that hold whatever page or service writes them."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from children.models.choices import Language, Nationality, Sex
from ngos.models import (
    EligibleNationality,
    EligibleSex,
    Organisation,
    ServiceOffering,
    StaffLanguage,
    VerificationStatus,
)
from ngos.services import organisation_suspend
from tests.factories import OrganisationFactory, ServiceOfferingFactory, service


def test_a_suspended_organisation_cannot_receive_referrals(org_a, org_b, min_officer):
    assert org_a.can_receive_referrals
    organisation_suspend(by=min_officer, organisation=org_a, reason="مدارک ناقص")
    org_a.refresh_from_db()
    assert not org_a.can_receive_referrals
    accepting = Organisation.objects.accepting_referrals()
    assert org_b in accepting and org_a not in accepting


def test_suspension_must_be_recorded_with_who_when_and_why(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=org_a.pk).update(status=Organisation.Status.SUSPENDED)


def test_a_recorded_suspension_needs_a_reason(org_a, min_officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=org_a.pk).update(
            status=Organisation.Status.SUSPENDED,
            suspended_at=timezone.now(),
            suspended_by=min_officer,
            suspension_reason="",
        )


def test_verification_date_and_officer_go_together(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=org_a.pk).update(verified_at=timezone.now())


def test_an_age_range_cannot_run_backwards(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOffering.objects.create(
            organisation=org_a, service=service("health"), age_min=12, age_max=6
        )


def test_a_service_is_offered_once_per_organisation(org_a):
    ServiceOfferingFactory(organisation=org_a, service=service("health"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOfferingFactory(organisation=org_a, service=service("health"))


@pytest.mark.django_db
def test_the_reference_services_have_stable_codes():
    from ngos.models import Service

    assert set(Service.objects.values_list("code", flat=True)) >= {
        "education",
        "health",
        "psychosocial",
        "legal_aid",
        "shelter",
        "vocational",
        "cash_support",
        "family_support",
    }
    assert all(s.name_fa and s.name_en for s in Service.objects.all())


@pytest.mark.django_db
def test_saving_keeps_persian_spelling_and_search_keys():
    organisation = OrganisationFactory(
        name_fa="انجمن ياري كودكان", name_en="Yari Society", cities=["زاهدان ", "چابهار"]
    )
    organisation.refresh_from_db()
    assert organisation.name_fa == "انجمن یاری کودکان"  # Arabic ي/ك stored as Persian ی/ک
    assert "یاری" in organisation.search_name and "yari" in organisation.search_name
    assert organisation.cities == ["زاهدان", "چابهار"]


@pytest.mark.django_db
def test_saving_some_fields_still_refreshes_the_search_key():
    organisation = OrganisationFactory(name_fa="نام قدیم")
    organisation.name_fa = "نام تازه"
    organisation.save(update_fields=["name_fa"])
    organisation.refresh_from_db()
    assert "تازه" in organisation.search_name


def test_verification_status_follows_the_fields(org_a, min_officer):
    assert org_a.verification_status == VerificationStatus.UNVERIFIED
    org_a.verified_at, org_a.verified_by = timezone.now(), min_officer
    assert org_a.verification_status == VerificationStatus.VERIFIED
    org_a.status = Organisation.Status.SUSPENDED
    assert org_a.verification_status == VerificationStatus.SUSPENDED


def test_an_offering_says_which_children_it_accepts(org_a):
    offering = ServiceOfferingFactory(
        organisation=org_a, age_min=6, age_max=14, sex="female", nationalities=["afghan"]
    )
    assert offering.accepts(age=10, sex="female", nationality="afghan")
    assert offering.accepts()  # unknown facts do not exclude
    assert not offering.accepts(age=15)
    assert not offering.accepts(sex="male")
    assert not offering.accepts(nationality="iranian")


def test_eligibility_and_staff_lists_use_the_keys_a_child_record_stores():
    """ngos cannot import children, so its lists repeat the keys; a key renamed on one side
    would make a service silently refuse (or accept) every child of that nationality or sex."""
    assert set(EligibleNationality.values) == set(Nationality.values) - {Nationality.UNKNOWN}
    assert set(EligibleSex.values) == set(Sex.values)
    assert set(Language.values) - {Language.OTHER} <= set(StaffLanguage.values)
