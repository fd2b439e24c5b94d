import pytest
from django.core.management import call_command

from core.models import User
from ngos.models import Membership, Organisation


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_creates_one_user_of_every_role_and_can_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"caseworker", "org_manager", "ministry_officer", "administrator"}
    assert Organisation.objects.filter(code__in=["MOI", "SWO", "MCLS"]).count() == 3
    provinces = set(
        Organisation.objects.filter(kind="ngo").values_list("home_province__code", flat=True)
    )
    assert {"tehran", "razavi-khorasan", "sistan-baluchestan"} <= provinces
    assert User.objects.filter(username="caseworker.a").count() == 1
    assert "koodak-demo-1405" in capsys.readouterr().out
