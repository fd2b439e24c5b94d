"""The children the browser tests register, beside tests/children/conftest.py's `identity()`:
the same few people in several journeys, written once."""

import datetime

from children.models.choices import Documentation, Nationality
from tests.children.conftest import identity


def amirhossein(**overrides):
    """An Iranian boy of Tehran with a national ID card and a phone: the child who is referred
    and transferred."""
    return identity(
        given_name="امیرحسین",
        family_name="کریمی",
        father_name="غلامعباس",
        birth_date=datetime.date(2014, 3, 25),
        nationality=Nationality.IRANIAN,
        documentation=Documentation.NATIONAL_ID,
        id_number="0012345679",
        languages=["persian"],
        district="خاوران",
        phone="09121234567",
        **overrides,
    )


def reza(**overrides):
    """An undocumented Iranian boy of Tehran: the child of the approvals and the duty to report."""
    return identity(
        given_name="رضا",
        family_name="احمدی",
        father_name="محمود",
        birth_date=datetime.date(2012, 6, 1),
        nationality=Nationality.IRANIAN,
        documentation=Documentation.UNDOCUMENTED,
        languages=["persian"],
        district="۹",
        **overrides,
    )
