"""The demo data the directory, coverage and verification show."""

import pytest
from django.core.management import call_command

from demo.people import DEMO_PASSWORD
from ngos.demo import seed_organisation_profiles
from ngos.models import Organisation, ServiceOffering


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_gives_the_demo_a_directory_worth_searching_and_runs_twice():
    call_command("seed_demo")
    seed_organisation_profiles(password=DEMO_PASSWORD)
    sb_schooling = Organisation.objects.operating_in(
        Organisation.objects.get(code="NGO04").home_province
    ).offering("education")
    assert sb_schooling.verified().count() >= 3
    assert sb_schooling.with_verification_status("unverified").exists()
    assert Organisation.objects.filter(status="suspended").count() == 1
    assert Organisation.objects.filter(code="NGO01", registration_number="1390-4521").exists()
    offerings = ServiceOffering.objects.count()
    seed_organisation_profiles(password=DEMO_PASSWORD)
    assert ServiceOffering.objects.count() == offerings
