import datetime

import pytest

from children import services
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from tests.factories import province

CONSENT = {
    "given_by": ConsentGiver.GUARDIAN,
    "given_by_name": "مادر",
    "given_on": datetime.date(2026, 11, 1),
    "scope": [ConsentScope.RECORD, ConsentScope.REFERRAL],
}


def identity(**overrides):
    data = {
        "given_name": "علی",
        "family_name": "رضایی",
        "father_name": "حسن",
        "sex": Sex.MALE,
        "birth_date": datetime.date(2014, 5, 1),
        "estimated_age": None,
        "nationality": Nationality.AFGHAN,
        "documentation": Documentation.AMAYESH,
        "id_number": "",
        "languages": ["dari"],
        "province": province("tehran"),
        "city": "تهران",
        "district": "۱۲",
        "phone": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def register():
    """`register(user, **identity overrides)` registers a child in the user's organisation."""

    def make(user, **overrides):
        return services.case_register(
            by=user,
            organisation=user.membership.organisation,
            data=identity(**overrides),
            consent=dict(CONSENT),
        )

    return make


@pytest.fixture
def case_a(cw_a, register):
    return register(cw_a)


@pytest.fixture
def case_b(cw_b, register):
    return register(cw_b, given_name="زهرا", family_name="محمدی", father_name="رضا", sex=Sex.FEMALE)
