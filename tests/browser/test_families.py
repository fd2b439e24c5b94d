"""Issue 15 in the browser, on a 390 px phone: from a boy's case, register his sister; her form
starts with the family's surname, father's name and guardian; both case pages show the family, and
a brother known only at another organisation shows as that organisation's name."""

import datetime
import re

import pytest

from children import services
from children.models import Case, CaseLink
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Sex
from core.permissions import Role
from tests.children.conftest import identity
from tests.factories import OrganisationFactory, member, province

from .test_children import sign_in

pytestmark = pytest.mark.browser

CONSENT = {
    "given_by": ConsentGiver.GUARDIAN,
    "given_by_name": "",
    "given_on": datetime.date(2026, 11, 1),
    "scope": [ConsentScope.RECORD],
}


def _child(**overrides):
    """The boy of this family: the children tests' identity, undocumented and of estimated age."""
    return identity(
        **{
            "family_name": "حسینی",
            "father_name": "غلامرضا",
            "birth_date": None,
            "estimated_age": 11,
            "documentation": Documentation.UNDOCUMENTED,
            **overrides,
        }
    )


@pytest.fixture
def family(transactional_db):
    tehran = province("tehran")
    org_a = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    org_b = OrganisationFactory(code="NGOB", name_fa="خانه کودک مهرآفرین", home_province=tehran)
    worker_a = member("fatemeh", org_a, Role.CASEWORKER)
    worker_b = member("narges", org_b, Role.CASEWORKER)
    boy = services.case_register(by=worker_a, organisation=org_a, data=_child(), consent=CONSENT)
    boy = services.case_update(
        by=worker_a,
        case=boy,
        data={"guardian_name": "معصومه", "guardian_relation": "مادر", "household_size": 5},
        expected_version=boy.version,
        section="household",
    )
    # B knows the same boy (linked, both agreed) and his brother, whom A has never met.
    boy_at_b = services.case_register(
        by=worker_b, organisation=org_b, data=_child(), consent=CONSENT
    )
    services.sibling_register(
        by=worker_b,
        case=boy_at_b,
        data=_child(given_name="یوسف", estimated_age=14),
        consent=CONSENT,
    )
    CaseLink.objects.create(
        requesting_case=boy,
        target_case=boy_at_b,
        state=CaseLink.State.ACCEPTED,
        requested_by=worker_a,
    )
    return {"boy": boy}


def test_register_a_sibling_on_a_phone(phone_page, family, screenshot):
    page = phone_page
    boy = family["boy"]
    sign_in(page, "fatemeh")

    page.goto(f"/cases/{boy.pk}/")
    card = page.locator("[data-testid=family]")
    assert "خانه کودک مهرآفرین" in card.inner_text()
    assert "یوسف" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-case-family")

    page.click("[data-testid=register-sibling]")
    page.wait_for_url(re.compile(r"/cases/register/\?sibling_of="))
    assert page.input_value("input[name=family_name]") == "حسینی"
    assert page.input_value("input[name=father_name]") == "غلامرضا"
    assert page.input_value("input[name=consent_given_by_name]") == "معصومه"
    assert "معصومه" in page.locator("[data-testid=sibling-of]").inner_text()
    page.fill("input[name=given_name]", "مریم")
    page.select_option("select[name=sex]", Sex.FEMALE)
    page.fill("input[name=estimated_age]", "۹")
    # Documents are each child's own: not carried over.
    page.select_option("select[name=documentation]", Documentation.UNDOCUMENTED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "2-register-sibling")
    page.click("form[data-testid=register-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))

    sister = Case.objects.get(given_name="مریم")
    assert sister.household_id is not None
    assert sister.household_id == Case.objects.get(pk=boy.pk).household_id
    assert sister.guardian_name == "معصومه"
    sibling = page.locator("[data-testid=sibling]")
    assert "علی حسینی" in sibling.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "3-sister-case")
