"""A page's own form on a 390 px phone when the connection is dead but the phone believes in it
(RE-08, docs/adr/0032): the work is kept in the outbox, the caseworker is told so, and it arrives
once when the connection returns, without opening "Work offline"; sending again creates nothing.

The dead connection is Playwright's route for the form's address: `abort()` is a post that never
arrived; `fetch()` then `abort()` is a post that arrived and whose answer was lost.
"""

import re

import pytest
from playwright.sync_api import expect

from children.models import CaseNote, Encounter, SyncItem
from tests.browser.signing_in import sign_in
from tests.browser.test_offline import (  # noqa: F401 - `street` is a fixture
    PIN,
    open_app,
    street,
    wait_until,
    waiting_becomes,
)

pytestmark = pytest.mark.browser


EVERYTHING = re.compile(r".*")


def dead_connection(page, path, *, arrives=False):
    """From here the connection carries nothing, though the phone believes in it; with
    `arrives`, the form's post to `path` reaches the server and only its answer is lost."""

    def handle(route):
        request = route.request
        if arrives and request.method == "POST" and request.url.endswith(path):
            route.fetch()
        route.abort("internetdisconnected")

    page.route(EVERYTHING, handle)
    return handle


def connection_back(page, handle):
    page.unroute(EVERYTHING, handle)


def csrf(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_encounter_and_note_with_a_dead_connection_are_kept_and_arrive_once(
    phone_page,
    street,  # noqa: F811 - the fixture imported above
    screenshot,
):
    page, case = phone_page, street["case"]
    sign_in(page, "fatemeh")
    open_app(page)  # the PIN is chosen once, with a connection
    assert page.evaluate("navigator.onLine") is True

    # An encounter whose post never reaches the server.
    page.goto("/outreach/new/")
    dead = dead_connection(page, "/outreach/new/")
    page.select_option("select[name=activity]", "first_contact")
    page.fill("input[name=city]", "تهران")
    page.fill("input[name=hotspot]", "زیرگذر امام علی")
    page.click("form[data-testid=encounter-form] button[type=submit]")
    # This page has no key yet: the PIN once, then the item is encrypted into the outbox.
    expect(page.locator("[data-testid=outbox-pin]")).to_be_visible()
    expect(page.locator("[data-testid=outbox-pin-error]")).to_be_hidden()
    page.fill("[data-testid=outbox-pin]", PIN)
    page.click("[data-testid=outbox-pin-ok]")
    notice = page.locator("[data-testid=outbox-notice]")
    expect(notice).to_have_attribute("data-kind", "success")
    expect(notice.locator("[data-testid=outbox-app-link]")).to_have_attribute("href", "/offline/")
    assert waiting_becomes(page, "۱") == "۱"
    assert page.url.endswith("/outreach/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-encounter-kept")
    assert Encounter.objects.count() == 0
    item_id = page.evaluate(
        "async () => (await window.koodakStore.items()).map((i) => i.client_id)[0]"
    )

    # The connection returns; the caseworker never opens "Work offline": the page sends it.
    connection_back(page, dead)
    wait_until(
        page,
        "() => document.querySelector('[data-testid=outbox-waiting]').textContent.trim() === '۰'",
        45,
    )
    encounter = Encounter.objects.get()
    assert encounter.hotspot == "زیرگذر امام علی"
    assert SyncItem.objects.get().client_id.hex == item_id.replace("-", "")

    # A note whose post arrives but whose answer is lost: the outbox's copy creates nothing.
    page.goto(f"/cases/{case.pk}/")
    dead = dead_connection(page, f"/cases/{case.pk}/notes/", arrives=True)
    page.fill("form[data-offline-kind=note] textarea[name=body]", "در زیرگذر دیدمش")
    page.click("form[data-offline-kind=note] button")
    page.fill("[data-testid=outbox-pin]", PIN)
    page.click("[data-testid=outbox-pin-ok]")
    expect(page.locator("[data-testid=outbox-notice]")).to_be_visible()
    wait_until(page, "async () => (await window.koodakStore.waitingCount()) === 1")
    assert CaseNote.objects.filter(case=case).count() == 1
    sent = []
    page.on(
        "response",
        lambda response: response.url.endswith("/api/v1/sync/") and sent.append(response.json()),
    )
    connection_back(page, dead)
    wait_until(
        page,
        "() => document.querySelector('[data-testid=outbox-waiting]').textContent.trim() === '۰'",
        45,
    )
    assert [r["status"] for r in sent[-1]["results"]] == ["already_received"]
    assert CaseNote.objects.filter(case=case, body="در زیرگذر دیدمش").count() == 1

    # Sending again, through the outbox or the page, creates nothing.
    note_id = str(SyncItem.objects.get(kind=SyncItem.Kind.NOTE).client_id)
    again = page.request.post(
        "/api/v1/sync/",
        data={
            "items": [
                {"client_id": item_id, "kind": "encounter", "data": {"city": "تهران"}},
                {"client_id": note_id, "kind": "note", "case": case.pk, "data": {"body": "x"}},
            ]
        },
        headers={"X-CSRFToken": csrf(page)},
    ).json()
    assert [r["status"] for r in again["results"]] == ["already_received"] * 2
    page.request.post(
        f"/cases/{case.pk}/notes/",
        form={"csrfmiddlewaretoken": csrf(page), "body": "در زیرگذر دیدمش", "client_id": note_id},
    )
    assert Encounter.objects.count() == 1
    assert CaseNote.objects.filter(case=case).count() == 1
    assert SyncItem.objects.count() == 2


def test_a_real_answer_is_shown_as_a_normal_post_would_show_it(
    phone_page,
    street,  # noqa: F811 - the fixture imported above
):
    page = phone_page
    sign_in(page, "fatemeh")
    page.goto("/outreach/new/")
    # Errors come back beside the fields, the typed values kept.
    page.fill("input[name=hotspot]", "بازار تجریش")
    page.fill("input[name=city]", "")
    page.click("form[data-testid=encounter-form] button[type=submit]")
    expect(page.locator("[data-testid=error-summary]")).to_be_visible()
    expect(page.locator("input[name=hotspot]")).to_have_value("بازار تجریش")
    assert Encounter.objects.count() == 0
    # A saved form follows the redirect, with the page's message.
    page.select_option("select[name=activity]", "first_contact")
    page.fill("input[name=city]", "تهران")
    page.click("form[data-testid=encounter-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/outreach/\d+/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    assert Encounter.objects.count() == 1
    assert SyncItem.objects.count() == 1


@pytest.mark.parametrize("language", ["fa", "en"])
def test_without_a_pin_the_form_stays_filled_with_try_again(
    browser,
    live_server,
    street,  # noqa: F811 - the fixture imported above
    language,
    screenshot,
):
    # No service worker here: its fetches bypass page.route, so once it controlled the page the
    # "dead" connection let the post through (a flaky run). This path never needs the worker.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        service_workers="block",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "fatemeh")
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.goto("/outreach/new/")
    dead = dead_connection(page, "/outreach/new/")
    page.select_option("select[name=activity]", "first_contact")
    page.fill("input[name=city]", "تهران")
    page.fill("input[name=hotspot]", "پایانه جنوب")
    page.click("form[data-testid=encounter-form] button[type=submit]")
    notice = page.locator("[data-testid=outbox-notice]")
    expect(notice).to_have_attribute("data-kind", "danger")
    if language == "en":  # the Persian sentence comes with the lead's merge of the translations
        expect(notice).to_contain_text("nothing was saved")
    expect(page.locator("input[name=hotspot]")).to_have_value("پایانه جنوب")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"no-pin-{language}")
    assert Encounter.objects.count() == 0

    connection_back(page, dead)
    page.click("[data-testid=outbox-try-again]")
    page.wait_for_url(re.compile(r"/outreach/\d+/$"))
    assert Encounter.objects.get().hotspot == "پایانه جنوب"
    context.close()


KEPT_CASES = """async () => {
  const db = await new Promise((ok) => { const r = indexedDB.open('koodak-offline'); r.onsuccess = () => ok(r.result); });
  const found = await new Promise((ok) => { const r = db.transaction('vault').objectStore('vault').count('bundle'); r.onsuccess = () => ok(r.result); });
  db.close();
  return found;
}"""


WRONG_PINS = """async () => {
  const db = await new Promise((ok) => { const r = indexedDB.open('koodak-offline'); r.onsuccess = () => ok(r.result); });
  const wrong = await new Promise((ok) => { const r = db.transaction('meta').objectStore('meta').get('wrongPins'); r.onsuccess = () => ok(r.result); });
  db.close();
  return wrong === N;
}"""


def test_the_kept_cases_go_when_the_server_has_signed_the_phone_out(
    phone_page,
    street,  # noqa: F811 - the fixture imported above
):
    """Signed out elsewhere, past the session's limit or deactivated: the next page the phone
    opens is the sign-in page, which drops the kept cases without the app being opened."""
    page = phone_page
    sign_in(page, "fatemeh")
    open_app(page)
    page.wait_for_selector("[data-testid=offline-case]")
    assert page.evaluate(KEPT_CASES) == 1
    page.context.clear_cookies()
    page.goto("/my-work/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    wait_until(page, KEPT_CASES.replace("return found;", "return found === 0;"))


def test_ten_wrong_pins_drop_the_kept_cases(
    phone_page,
    street,  # noqa: F811 - the fixture imported above
):
    page = phone_page
    sign_in(page, "fatemeh")
    open_app(page)
    page.wait_for_selector("[data-testid=offline-case]")
    page.reload()
    for attempt in range(1, 11):
        page.fill("[data-testid=pin]", "000000")
        page.click("[data-testid=pin-form] button[type=submit]")
        wait_until(page, WRONG_PINS.replace("N", str(attempt)))
        if attempt < 10:
            assert page.evaluate(KEPT_CASES) == 1
    wait_until(page, KEPT_CASES.replace("return found;", "return found === 0;"))
    # The right PIN still opens the app, which fetches the cases again with a connection.
    open_app(page)
    page.wait_for_selector("[data-testid=offline-case]")


def test_on_another_page_send_now_asks_the_pin_and_sends_what_waits(
    phone_page,
    street,  # noqa: F811 - the fixture imported above
):
    """The key lives only in the page that was given the PIN: after moving on, the status bar
    offers "Send now", which asks the PIN once and sends (docs/adr/0032)."""
    page = phone_page
    sign_in(page, "fatemeh")
    open_app(page)
    page.goto("/outreach/new/")
    dead = dead_connection(page, "/outreach/new/")
    page.select_option("select[name=activity]", "first_contact")
    page.fill("input[name=city]", "تهران")
    page.fill("input[name=hotspot]", "میدان راه‌آهن")
    page.click("form[data-testid=encounter-form] button[type=submit]")
    page.fill("[data-testid=outbox-pin]", PIN)
    page.click("[data-testid=outbox-pin-ok]")
    assert waiting_becomes(page, "۱") == "۱"
    connection_back(page, dead)
    page.goto("/my-work/")
    send_now = page.locator("[data-testid=outbox-send-now]")
    expect(send_now).to_be_visible()
    send_now.click()
    page.fill("[data-testid=outbox-pin]", PIN)
    page.click("[data-testid=outbox-pin-ok]")
    assert waiting_becomes(page, "۰") == "۰"
    expect(send_now).to_be_hidden()
    assert Encounter.objects.get().hotspot == "میدان راه‌آهن"
