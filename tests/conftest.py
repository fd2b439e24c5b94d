"""The cast every view test uses: two NGOs (A and B), their caseworkers and managers, a ministry
officer and an administrator."""

import importlib
import uuid

import pytest
from django.apps import apps
from django.test import Client, override_settings

from core.permissions import Role
from ngos.reference import ensure_services
from tests.factories import OrganisationFactory, member, province
from tests.second_factor import verify_session


@pytest.hookimpl(tryfirst=True)  # before -m selects on the markers
def pytest_collection_modifyitems(items):
    """A browser test is a long scenario: `make quick` (-m "not slow") leaves it out."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def load_reference_rows():
    """The reference rows the migrations insert (provinces, services, everyone's vocabulary)."""
    for migration in (
        "core.migrations.0003_provinces",
        "core.migrations.0004_province_abbreviation",
        "imports.migrations.0003_words_seed_vocabulary",
    ):
        importlib.import_module(migration).load(apps, None)
    ensure_services()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The reference rows put back once per test process: a database kept by --reuse-db was
    flushed by the last run's transactional test."""
    with django_db_blocker.unblock():
        load_reference_rows()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters of their own for each test (RL-01): every test signs in from the same
    address, so shared counters would make a later test refused for an earlier one's requests."""
    with override_settings(RATELIMIT_CACHE_PREFIX=f"rl:{uuid.uuid4().hex}:"):
        yield


@pytest.fixture(autouse=True)
def _shared_vocabulary(request):
    """Everyone's vocabulary of values, which a migration seeds, put back for a test that uses
    the database after a transactional test's flush emptied it (one query when it is there)."""
    names = request.fixturenames
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from imports.models import ValueWord

    if not ValueWord.objects.filter(organisation__isnull=True).exists():
        importlib.import_module("imports.migrations.0003_words_seed_vocabulary").load(apps, None)


@pytest.fixture
def org_a(db):
    return OrganisationFactory(code="NGOA", name_fa="انجمن الف", name_en="NGO A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(
        code="NGOB", name_fa="انجمن ب", name_en="NGO B", home_province=province("razavi-khorasan")
    )


@pytest.fixture
def ministry(db):
    return OrganisationFactory(
        code="MOI", name_fa="وزارت کشور", name_en="Ministry of Interior", kind="ministry"
    )


@pytest.fixture
def cw_a(org_a):
    return member("cw_a", org_a, Role.CASEWORKER)


@pytest.fixture
def mgr_a(org_a):
    return member("mgr_a", org_a, Role.ORG_MANAGER)


@pytest.fixture
def cw_b(org_b):
    return member("cw_b", org_b, Role.CASEWORKER)


@pytest.fixture
def mgr_b(org_b):
    return member("mgr_b", org_b, Role.ORG_MANAGER)


@pytest.fixture
def min_officer(ministry):
    return member("min", ministry, Role.MINISTRY_OFFICER)


@pytest.fixture
def adm(ministry):
    user = member("adm", ministry, Role.ADMINISTRATOR)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def client_as():
    """`client_as(user)` gives a test client signed in as that user, past the second factor for
    those who need it (a device is made and the session marked verified, as after a code)."""

    def make(user):
        client = Client()
        client.force_login(user)
        return verify_session(client, user)

    return make
