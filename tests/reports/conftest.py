"""The reports tests' own fixtures (the cast comes from tests/conftest.py)."""

import datetime
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from reports.summary import refresh_summaries
from tests.factories import province

from .data import AFTER_MIDNIGHT, BEFORE_MIDNIGHT, MEHR, SHAHRIVAR, UTC, make_case, make_encounter


@pytest.fixture(autouse=True)
def private_cube_cache(monkeypatch):
    """The cube cache is keyed by the refresh time; frozen clocks in two tests (or two xdist
    workers on one Redis) would share keys, so each test gets its own memory cache; the
    dashboard's HTML (kept like the cubes) too."""
    private = LocMemCache(f"reports-{uuid.uuid4()}", {})
    monkeypatch.setattr("reports.selectors.national.cache", private)
    monkeypatch.setattr("reports.views.national.cache", private)


@pytest.fixture
def dataset(org_a, cw_a):
    """Children in Shahrivar and Mehr 1405 (see tests/reports/test_summary.py), summarised.

    Shahrivar: 11 in Tehran, 3 in Razavi Khorasan (a small province), 5 in Sistan and
    Baluchestan; Mehr: 5 in Tehran. Five Tehran cases close in each quarter.
    """
    tehran_boys = [
        make_case(
            org_a,
            cw_a,
            registered_on=SHAHRIVAR,
            estimated_age=10,
            work_type="street_vending",
            school_status="dropped_out",
        )
        for _i in range(10)
    ]
    # Closed: one just after midnight on 1 Mehr (Mehr), one just before it with no reason
    # recorded (Shahrivar), the others well inside either month.
    closures = [
        (tehran_boys[0], AFTER_MIDNIGHT, "reunified"),
        (tehran_boys[1], BEFORE_MIDNIGHT, ""),
        *[
            (case, datetime.datetime(2026, 9, 15, 8, tzinfo=UTC), "aged_out")
            for case in tehran_boys[2:6]
        ],
        *[
            (case, datetime.datetime(2026, 10, 5, 8, tzinfo=UTC), "reunified")
            for case in tehran_boys[6:10]
        ],
    ]
    for case, at, reason in closures:
        case.status, case.closed_at, case.closure_reason = "closed", at, reason
        case.save()
    for _i in range(5):
        make_case(
            org_a, cw_a, registered_on=SHAHRIVAR, where="sistan-baluchestan", estimated_age=16
        )
    make_case(
        org_a,
        cw_a,
        registered_on=SHAHRIVAR,
        sex="female",
        estimated_age=19,  # over 17: age band not known
        nationality="iranian",
        documentation="undocumented",
    )
    for _i in range(3):
        make_case(
            org_a,
            cw_a,
            registered_on=SHAHRIVAR,
            where="razavi-khorasan",
            sex="female",
            estimated_age=None,
            birth_date=datetime.date(2013, 5, 1),  # 13 at registration
            nationality="iranian",
            documentation="passport",
        )
    for _i in range(5):
        make_case(org_a, cw_a, registered_on=MEHR, estimated_age=18, documentation="")
    for _i in range(4):
        make_encounter(org_a, cw_a, occurred_at=datetime.datetime(2026, 9, 10, 9, tzinfo=UTC))
        make_encounter(org_a, cw_a, occurred_at=datetime.datetime(2026, 10, 10, 9, tzinfo=UTC))
    make_encounter(org_a, cw_a, occurred_at=BEFORE_MIDNIGHT, male_15_17=6)
    make_encounter(org_a, cw_a, occurred_at=AFTER_MIDNIGHT, male_6_11=4, female_12_14=3)
    refresh_summaries()
    return {
        "tehran": province("tehran").pk,
        "razavi": province("razavi-khorasan").pk,
        "sistan": province("sistan-baluchestan").pk,
    }
