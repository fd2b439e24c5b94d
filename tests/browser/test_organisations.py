"""Issue 5 in the browser: a ministry officer finds the verified NGOs in Sistan and Baluchestan
that offer schooling support, reads the coverage table and suspends one NGO; an NGO manager
invites a caseworker who chooses a password and signs in, then deactivates another caseworker
and gives that person's open cases to a colleague in the same step."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from core.permissions import Role
from ngos.models import Organisation
from tests.browser.signing_in import sign_in
from tests.factories import (
    CaseFactory,
    OrganisationFactory,
    ServiceOfferingFactory,
    member,
    province,
    service,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "seven ordinary words in a row"


def verified(organisation, officer):
    organisation.verified_at = timezone.now()
    organisation.verified_by = officer
    organisation.save()
    return organisation


@pytest.fixture
def directory(transactional_db):
    ministry = OrganisationFactory(code="MOI", name_fa="وزارت کشور", kind="ministry")
    officer = member("ministry", ministry, Role.MINISTRY_OFFICER)
    sb, tehran = province("sistan-baluchestan"), province("tehran")
    education, health = service("education"), service("health")
    ngos = {
        "zahedan": verified(
            OrganisationFactory(
                code="ZAH", name_fa="انجمن توانمندسازی کودکان زاهدان", home_province=sb
            ),
            officer,
        ),
        "chabahar": verified(
            OrganisationFactory(
                code="CHB", name_fa="جمعیت امداد دانش‌آموزی چابهار", home_province=sb
            ),
            officer,
        ),
        "zabol": OrganisationFactory(code="ZAB", name_fa="انجمن مهر سیستان", home_province=sb),
        "clinic": verified(
            OrganisationFactory(code="IRS", name_fa="درمانگاه کودکان ایرانشهر", home_province=sb),
            officer,
        ),
        "tehran": verified(
            OrganisationFactory(code="TEH", name_fa="خانه کودک تهران", home_province=tehran),
            officer,
        ),
    }
    for key in ("zahedan", "chabahar", "zabol", "tehran"):
        ServiceOfferingFactory(organisation=ngos[key], service=education, capacity_per_month=50)
    ServiceOfferingFactory(organisation=ngos["clinic"], service=health)
    manager = member("zahra", ngos["zahedan"], Role.ORG_MANAGER)
    manager.email = "zahra@example.org"
    manager.save()
    return {"officer": officer, "ngos": ngos, "sb": sb}


def test_ministry_officer_finds_verified_schooling_ngos_reads_coverage_and_suspends_one(
    page, directory, screenshot
):
    sign_in(page, "ministry")
    page.get_by_test_id("nav-directory").click()
    page.select_option("select[name=province]", str(directory["sb"].pk))
    page.select_option("select[name=service]", "education")
    page.select_option("select[name=verification]", "verified")
    page.get_by_test_id("directory-search").click()
    page.wait_for_load_state()
    results = page.get_by_test_id("directory-result")
    names = sorted(results.nth(i).locator("a").first.inner_text() for i in range(results.count()))
    assert names == sorted(["انجمن توانمندسازی کودکان زاهدان", "جمعیت امداد دانش‌آموزی چابهار"])
    screenshot(page, "1-directory-verified-schooling-sb")

    # Persian search: Arabic yeh and kaf find the Persian spelling.
    page.goto("/organisations/?q=" + "كودكان زاهدان".replace(" ", "+"))
    assert page.get_by_test_id("directory-result").count() == 1

    page.goto("/organisations/coverage/")
    table = page.get_by_test_id("coverage-table")
    sb_row = page.get_by_test_id("coverage-row-sistan-baluchestan")
    assert sb_row.locator("td").first.inner_text().strip() == "۲"  # two verified: schooling
    assert table.locator("td.table-danger").count() > 0  # provinces lacking services
    # The chart drew on its canvas (Chart.js loaded from our static files under CSP).
    page.wait_for_function(
        "() => document.getElementById('coverage-chart').width > 0 && window.Chart !== undefined"
    )
    screenshot(page, "2-coverage")

    page.goto(f"/organisations/{directory['ngos']['chabahar'].pk}/")
    page.get_by_test_id("suspend").click()
    page.fill("textarea[name=reason]", "مجوز فعالیت منقضی شده است.")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**/organisations/{directory['ngos']['chabahar'].pk}/")
    assert page.get_by_test_id("suspension-notice").is_visible()
    assert page.get_by_test_id("badge-suspended").is_visible()
    screenshot(page, "3-suspended")
    chabahar = Organisation.objects.get(code="CHB")
    assert not chabahar.can_receive_referrals

    page.goto(f"/organisations/{directory['ngos']['chabahar'].pk}/history/")
    assert "مجوز فعالیت منقضی شده است." in page.get_by_test_id("history").inner_text()
    screenshot(page, "4-history")


def test_directory_fits_a_phone(phone_page, directory, screenshot):
    sign_in(phone_page, "ministry")
    phone_page.goto(f"/organisations/?province={directory['sb'].pk}&service=education")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "directory-phone")
    phone_page.goto(f"/organisations/{directory['ngos']['zahedan'].pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "profile-phone")


@pytest.fixture
def ngo(transactional_db):
    service("education")  # the reference rows, which transactional tests flush
    organisation = OrganisationFactory(
        code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=province("tehran")
    )
    manager = member("zahra", organisation, Role.ORG_MANAGER)
    leaver = member("leila", organisation, Role.CASEWORKER)
    colleague = member("fatemeh", organisation, Role.CASEWORKER)
    CaseFactory.create_batch(
        3,
        organisation=organisation,
        assigned_to=leaver,
        sex="female",
        documentation="undocumented",
        province=organisation.home_province,
    )
    return {
        "organisation": organisation,
        "manager": manager,
        "leaver": leaver,
        "colleague": colleague,
    }


def test_manager_invites_a_caseworker_then_deactivates_another_and_reassigns_her_cases(
    page, browser, live_server, ngo, screenshot
):
    organisation = ngo["organisation"]
    sign_in(page, "zahra")
    # The manager keeps the profile current: a service with its capacity and eligibility.
    page.goto(f"/organisations/{organisation.pk}/edit/")
    page.fill("input[name=cities]", "تهران، کرج")
    page.check("input[name=focus][value=working_children]")
    education = page.get_by_test_id("service-education")
    education.locator("input[name=service-education-offered]").check()
    education.locator("input[name=service-education-capacity_per_month]").fill("۴۰")
    education.locator("input[name=service-education-age_min]").fill("۶")
    education.locator("input[name=service-education-age_max]").fill("۱۴")
    screenshot(page, "0-profile-form")
    page.get_by_test_id("save-profile").click()
    page.wait_for_url(f"**/organisations/{organisation.pk}/")
    assert "۴۰" in page.get_by_test_id("services-table").inner_text()
    screenshot(page, "0-profile-saved")

    page.goto(f"/organisations/{organisation.pk}/staff/")
    page.get_by_test_id("invite").click()
    page.fill("input[name=first_name]", "سارا")
    page.fill("input[name=last_name]", "نوری")
    page.fill("input[name=email]", "sara@example.org")
    page.fill("input[name=username]", "sara")
    page.select_option("select[name=role]", Role.CASEWORKER)
    page.fill("input[name=title]", "مددکار اجتماعی")
    screenshot(page, "1-invite-form")
    page.get_by_test_id("send-invitation").click()
    page.wait_for_url(f"**/organisations/{organisation.pk}/staff/")
    assert "sara" in page.get_by_test_id("staff-sara").inner_text()
    screenshot(page, "2-invited")

    (message,) = [m for m in mail.outbox if m.to == ["sara@example.org"]]
    path = re.search(r"https?://[^/\s]+(/organisations/invitation/\S+/)", message.body).group(1)

    invited = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        sara = invited.new_page()
        sara.goto(path)
        sara.fill("input[name=new_password1]", NEW_PASSWORD)
        sara.fill("input[name=new_password2]", NEW_PASSWORD)
        screenshot(sara, "3-choose-password-phone")
        sara.get_by_test_id("set-password").click()
        sara.wait_for_url("**/accounts/login/**")
        sign_in(sara, "sara", NEW_PASSWORD)
        assert "انجمن یاری کودکان کار" in sara.get_by_test_id("current-user").inner_text()
        screenshot(sara, "4-invited-signed-in-phone")
        # The link worked once.
        sara.goto(path)
        assert sara.get_by_test_id("invitation-invalid").is_visible()
    finally:
        invited.close()

    page.goto(f"/organisations/{organisation.pk}/staff/")
    page.get_by_test_id("deactivate-leila").click()
    page.select_option("select[name=reassign_to]", str(ngo["colleague"].pk))
    screenshot(page, "5-deactivate")
    page.get_by_test_id("confirm-deactivate").click()
    page.wait_for_url(f"**/organisations/{organisation.pk}/staff/")
    assert page.get_by_test_id("reactivate-leila").is_visible()
    screenshot(page, "6-deactivated")

    from children.models import Case

    assert set(Case.objects.values_list("assigned_to__username", flat=True)) == {"fatemeh"}
    ngo["leaver"].refresh_from_db()
    assert not ngo["leaver"].is_active
