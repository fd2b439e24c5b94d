"""Issue 17, the case page on a phone: a compact header whose next step is one button, an index
that stays in reach and unfolds the section it jumps to, and the latest activity first."""

import datetime

import pytest
from django.urls import reverse

from children import services
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from core.permissions import Role
from tests.factories import member, province

from .axe_checks import axe_phone_page, serious_axe_findings  # noqa: F401 - a fixture
from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser


@pytest.fixture
def case_a(cast):  # noqa: F811
    worker = cast["worker_a"]
    return services.case_register(
        by=worker,
        organisation=worker.membership.organisation,
        data={
            "given_name": "امیرحسین",
            "family_name": "کریمی",
            "father_name": "عباس",
            "sex": Sex.MALE,
            "birth_date": None,
            "estimated_age": 12,
            "nationality": Nationality.IRANIAN,
            "documentation": Documentation.UNDOCUMENTED,
            "province": province("tehran"),
            "city": "تهران",
        },
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD],
        },
    )


def test_the_case_page_starts_with_the_next_step_and_jumps_to_any_section(
    phone_page, case_a, screenshot
):
    """The page was 4,000 px of record before the notes, with no way to jump to a section."""
    page = phone_page
    sign_in(page, "fatemeh")
    page.goto(reverse("children:case_detail", args=[case_a.pk]))

    # The next step is one button in the first screen, and it leads to the assessment form.
    button = page.get_by_test_id("next-step-button")
    box = button.bounding_box()
    assert box["y"] + box["height"] < 844 and box["height"] >= 24
    # Recent activity comes before the record: the latest lines and the notes above the identity.
    identity_y = page.get_by_test_id("section-identity").bounding_box()["y"]
    assert page.locator("#recent").bounding_box()["y"] < identity_y
    assert page.locator("#notes").bounding_box()["y"] < identity_y
    # The record's sections are folded on a phone; the index unfolds the one it jumps to.
    work = page.locator("#section-work-body")
    assert work.is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "top")
    page.locator(".case-index a[href='#section-work']").click()
    assert work.is_visible()
    # Bootstrap scrolls smoothly: wait until the index has reached the top and stays there.
    page.wait_for_function(
        "() => Math.abs(document.querySelector('.case-index').getBoundingClientRect().top) < 2"
    )
    assert page.evaluate("window.scrollY") > 300
    screenshot(page, "jumped")
    # The folded heading is a button that says whether it is open.
    toggle = page.locator("#section-work .fold-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert work.is_hidden() and toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_url(f"**{reverse('children:assessment_create', args=[case_a.pk])}")


def test_a_case_with_a_history_on_a_phone_in_both_languages(
    axe_phone_page,  # noqa: F811
    live_server,
    cast,  # noqa: F811
    case_a,
    screenshot,
):
    worker = cast["worker_a"]
    needs = {"education": "high", "health": "low", "family": "medium", "economic": "high"}
    services.assessment_record(
        by=worker, case=case_a, needs={**needs, "protection": "medium"}, risk_level="high"
    )
    services.plan_goal_add(by=worker, case=case_a, goal="بازگشت به مدرسه در مهر")
    services.followup_schedule(
        by=worker,
        case=case_a,
        due_on=datetime.date.today() - datetime.timedelta(days=2),
        kind="home_visit",
        responsible=worker,
    )
    for body in ("مادر در خانه نبود؛ با دایی صحبت شد.", "کودک در چهارراه ولیعصر دیده شد."):
        services.case_add_note(by=worker, case=case_a, body=body)
    page = axe_phone_page
    sign_in(page, "fatemeh")
    for language in ("fa", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page.goto(reverse("children:case_detail", args=[case_a.pk]))
        # An overdue follow-up is the next step, with a button to record its outcome.
        assert "/follow-ups/" in page.get_by_test_id("next-step-button").get_attribute("href")
        assert page.locator("#recent li").count() == 4
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert serious_axe_findings(page) == []
        screenshot(page, language)


def test_a_manager_approves_a_closure_from_the_header(phone_page, cast, case_a, screenshot):  # noqa: F811
    """The approve button was 4,000 px down the case page on a phone."""
    organisation = cast["worker_a"].membership.organisation
    member("maryam", organisation, Role.ORG_MANAGER)
    services.closure_request(by=cast["worker_a"], case=case_a, reason="moved_away")
    page = phone_page
    sign_in(page, "maryam")
    page.goto(reverse("children:case_detail", args=[case_a.pk]))

    page.get_by_test_id("next-step-button").click()
    approve = page.get_by_test_id("approve-closure")
    assert approve.is_visible()
    # The jump scrolls smoothly: the button comes onto the screen and stays there.
    page.wait_for_function(
        """() => { const box = document.querySelector('[data-testid=approve-closure]')
                   .getBoundingClientRect(); return box.top >= 0 && box.bottom <= 844; }"""
    )
    screenshot(page, "closure")


def test_on_a_desktop_nothing_is_folded_and_activity_sits_beside_the_record(
    page, live_server, case_a, screenshot
):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(page, "fatemeh")
    page.goto(reverse("children:case_detail", args=[case_a.pk]))

    assert page.locator("#section-work-body").is_visible()
    assert page.locator("#consent-body").is_visible()
    notes = page.locator("#notes").bounding_box()
    identity = page.get_by_test_id("section-identity").bounding_box()
    assert notes["x"] > identity["x"] + identity["width"] - 1, "notes in the right-hand column"
    screenshot(page, "desktop-en")
