"""Issue 19 in the browser, on a 390 px phone: a street day without a signal (RE-08).

A caseworker signs in, opens the offline app, loses the connection, logs three encounters,
registers a child, adds a note and corrects a name on a case someone else changed meanwhile,
reloads with no connection, and comes back online: everything arrives once, sending the same
outbox again creates nothing, the stale correction comes back as a conflict with both values,
and signing out leaves nothing readable in the browser's storage.
"""

import datetime
import json
import re

import pytest
from playwright.sync_api import expect

from children import services
from children.models import Case, CaseNote, Encounter, SyncItem
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from core.permissions import Role
from tests.browser.axe_checks import axe_phone_page, serious_axe_findings  # noqa: F401, F811 - a fixture
from tests.browser.signing_in import sign_in, sign_out
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser

PIN = "246813"


@pytest.fixture
def street(transactional_db):
    tehran = province("tehran")
    org = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    worker = member("fatemeh", org, Role.CASEWORKER)
    colleague = member("maryam", org, Role.CASEWORKER)
    case = services.case_register(
        by=worker,
        organisation=org,
        data={
            "given_name": "امید",
            "family_name": "نوری",
            "father_name": "صادق",
            "sex": Sex.MALE,
            "birth_date": None,
            "estimated_age": 11,
            "nationality": Nationality.IRANIAN,
            "documentation": Documentation.UNDOCUMENTED,
            "id_number": "",
            "languages": [],
            "province": tehran,
            "city": "تهران",
            "district": "۱۲",
            "phone": "",
        },
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD],
        },
    )
    return {"worker": worker, "colleague": colleague, "case": case}


def wait_until(page, script, timeout=15):
    """Poll an async page function until it returns true (wait_for_function would need eval)."""
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=timeout)
    while datetime.datetime.now() < deadline:
        if page.evaluate(script):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never true: {script}")


def open_app(page):
    page.goto("/offline/")
    page.fill("[data-testid=pin]", PIN)
    page.click("[data-testid=pin-form] button[type=submit]")
    page.wait_for_selector("#offline-body:not([hidden])")


def waiting(page):
    return page.text_content("[data-testid=outbox-waiting]").strip()


def waiting_becomes(page, digits):
    """The outbox count is refreshed after the item is stored: wait for it, then read it."""
    wait_until(
        page,
        "() => document.querySelector('[data-testid=outbox-waiting]').textContent.trim() === "
        + repr(digits),
    )
    return waiting(page)


def log_encounter(page, hotspot):
    page.click("[data-testid=offline-nav-encounter]")
    form = "form[data-testid=offline-encounter-form]"
    page.select_option(f"{form} select[name=activity]", "first_contact")
    page.fill(f"{form} input[name=city]", "تهران")
    page.fill(f"{form} input[name=hotspot]", hotspot)
    page.fill(f"{form} input[name=anon_male_12_14]", "۲")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("[data-testid=offline-message]:not([hidden])")


STORAGE_SCRIPT = """async () => {
  const out = { local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), idb: [], caches: [] };
  for (const db of await indexedDB.databases()) {
    const opened = await new Promise((ok) => { const r = indexedDB.open(db.name); r.onsuccess = () => ok(r.result); });
    for (const name of Array.from(opened.objectStoreNames)) {
      const all = await new Promise((ok) => { const r = opened.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result); });
      out.idb.push(JSON.stringify(all, (k, v) => v instanceof Uint8Array ? new TextDecoder().decode(v) : v));
    }
    opened.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) out.caches.push(await (await cache.match(request)).text());
  }
  return out;
}"""


def test_a_street_day_offline_arrives_once_and_conflicts_are_shown(phone_page, street, screenshot):
    page, case = phone_page, street["case"]
    context = page.context
    sign_in(page, "fatemeh")
    # The worker takes the page and keeps the shell once the caseworker is signed in.
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    open_app(page)
    page.wait_for_selector("[data-testid=offline-case]")
    wait_until(
        page,
        "async () => (await caches.keys()).some((n) => n.endsWith('-shell'))",
    )
    # The phone keeps ciphertext only, even while unlocked.
    kept = page.evaluate(STORAGE_SCRIPT)
    assert "امید" not in json.dumps(kept, ensure_ascii=False)

    # No signal from here on.
    context.set_offline(True)
    for hotspot in ("چهارراه ولیعصر", "بازار تجریش", "پایانه جنوب"):
        log_encounter(page, hotspot)
    assert waiting_becomes(page, "۳") == "۳"

    page.click("[data-testid=offline-nav-register]")
    form = "form[data-testid=offline-register-form]"
    page.fill(f"{form} input[name=given_name]", "سارا")
    page.fill(f"{form} input[name=family_name]", "احمدی")
    page.fill(f"{form} input[name=father_name]", "یوسف")
    page.select_option(f"{form} select[name=sex]", Sex.FEMALE)
    page.fill(f"{form} input[name=estimated_age]", "۹")
    page.select_option(f"{form} select[name=nationality]", Nationality.AFGHAN)
    page.select_option(f"{form} select[name=documentation]", Documentation.UNDOCUMENTED)
    page.fill(f"{form} input[name=city]", "تهران")
    page.select_option(f"{form} select[name=consent_given_by]", ConsentGiver.CHILD)
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("[data-testid=offline-message]:not([hidden])")

    page.click("[data-testid=offline-nav-work]")
    page.click("[data-testid=offline-case]")
    # The case is decrypted from the phone's store after the click: wait for its name.
    expect(page.locator("[data-testid=offline-case-name]")).to_have_text("امید نوری")
    page.fill("form[data-testid=offline-note-form] textarea[name=body]", "در بازار دیدمش")
    page.click("form[data-testid=offline-note-form] button[type=submit]")
    page.wait_for_selector("[data-testid=offline-message]:not([hidden])")

    # Meanwhile a colleague corrects the first name on the page: the phone's copy is stale.
    services.case_update(
        by=street["colleague"],
        case=case,
        data={"given_name": "امیدعلی"},
        expected_version=case.version,
        section="identity",
    )
    page.click("[data-testid=offline-nav-work]")
    page.click("[data-testid=offline-case]")
    page.fill("form[data-testid=offline-names-form] input[name=given_name]", "امیررضا")
    page.click("form[data-testid=offline-names-form] button[type=submit]")
    page.wait_for_selector("[data-testid=offline-message]:not([hidden])")
    assert waiting_becomes(page, "۶") == "۶"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-offline-outbox")

    # A reload with no signal opens the app from the phone, and nothing is lost.
    page.reload()
    page.fill("[data-testid=pin]", PIN)
    page.click("[data-testid=pin-form] button[type=submit]")
    page.wait_for_selector("#offline-body:not([hidden])")
    assert waiting_becomes(page, "۶") == "۶"
    assert Encounter.objects.count() == 0

    # Back online: everything is sent, once.
    sent = []
    page.on(
        "request",
        lambda request: request.url.endswith("/api/v1/sync/") and sent.append(request.post_data),
    )
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(
        page,
        "() => document.querySelector('[data-testid=outbox-waiting]').textContent.trim() === '۱'",
        30,
    )
    assert Encounter.objects.filter(caseworker=street["worker"]).count() == 3
    assert Case.objects.filter(given_name="سارا", family_name="احمدی").count() == 1
    assert CaseNote.objects.filter(case=case, body="در بازار دیدمش").count() == 1
    case.refresh_from_db()
    assert case.given_name == "امیدعلی"
    expect(page.locator("[data-testid=outbox-last-sync]")).not_to_have_text("")

    # The same outbox sent again creates nothing.
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    again = page.request.post(
        "/api/v1/sync/",
        data=sent[0],
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    ).json()
    statuses = sorted(r["status"] for r in again["results"])
    assert statuses == ["already_received"] * 5 + ["conflict"]
    assert Encounter.objects.count() == 3
    assert Case.objects.count() == 2
    assert SyncItem.objects.count() == 5

    # The stale correction is shown with both values; nothing was overwritten.
    page.click("[data-testid=offline-nav-attention]")
    card = page.locator("[data-testid=attention-conflict]")
    assert "امیدعلی" in card.text_content() and "امیررضا" in card.text_content()
    screenshot(page, "2-conflict")
    card.locator("button").first.click()  # keep the saved value
    wait_until(
        page,
        "() => document.querySelector('[data-testid=outbox-waiting]').textContent.trim() === '۰'",
    )

    # Sign-out leaves nothing readable.
    page.click("button.navbar-toggler")
    sign_out(page)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    left = json.dumps(page.evaluate(STORAGE_SCRIPT), ensure_ascii=False)
    for name in ("امید", "سارا", "احمدی", "نوری", "یوسف"):
        assert name not in left


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_offline_app_fits_a_phone_and_is_axe_clean(
    axe_phone_page,  # noqa: F811 - the fixture imported above
    street,
    language,
    screenshot,
):
    page = axe_phone_page
    sign_in(page, "fatemeh")
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    open_app(page)
    page.wait_for_selector("[data-testid=offline-case]")
    expected_dir = "rtl" if language == "fa" else "ltr"
    assert page.get_attribute("html", "dir") == expected_dir
    for view in ("work", "register"):
        page.click(f"[data-testid=offline-nav-{view}]")
        # Away from the button, and past Bootstrap's colour transition, before axe reads colours.
        page.mouse.move(0, 0)
        page.wait_for_timeout(400)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert serious_axe_findings(page) == []
    screenshot(page, f"offline-register-{language}")


def test_a_page_form_saved_as_the_connection_drops_is_kept_and_sent_later(phone_page, street):
    page, context = phone_page, phone_page.context
    sign_in(page, "fatemeh")
    open_app(page)  # the PIN is chosen once, with a connection
    page.goto("/outreach/new/")
    # The signal goes while the caseworker fills the page's own form.
    context.set_offline(True)
    page.select_option("select[name=activity]", "first_contact")
    page.fill("input[name=city]", "تهران")
    page.fill("input[name=hotspot]", "زیرگذر امام علی")
    page.click("form[data-testid=encounter-form] button[type=submit]")
    page.fill("[data-testid=outbox-pin]", PIN)
    page.click("[data-testid=outbox-pin-ok]")
    page.wait_for_selector("[data-testid=outbox-notice]")
    assert waiting_becomes(page, "۱") == "۱"
    assert Encounter.objects.count() == 0

    context.set_offline(False)
    open_app(page)
    wait_until(
        page,
        "() => document.querySelector('[data-testid=outbox-waiting]').textContent.trim() === '۰'",
        30,
    )
    assert Encounter.objects.get().hotspot == "زیرگذر امام علی"
