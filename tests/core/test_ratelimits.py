"""Rate limits on sign-in, password reset, search, the child picker, exports and imports (RL-01).

The first tests replay issue 18's finding 2 with the default rates; the others use small rates
set for the test. Each test has counters of its own (tests/conftest.py `_fresh_rate_limits`).
"""

import logging
import math

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone, translation

from core.persian import to_persian_digits
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SEARCH = reverse("children:case_list")


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def ask_reset(client, email, ip="10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


@pytest.fixture
def rates(settings):
    """`rates(name="count/period", ...)` sets some limits for one test."""

    def set_rates(**changed):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **changed}

    return set_rates


# --- Finding 2, replayed with the default rates ----------------------------------------------


def one_window():
    """Hold the clock still: the limits count in fixed windows, and sixty slow requests on a busy
    machine could straddle the end of one, each half passing under a fresh count."""
    return time_machine.travel(timezone.now(), tick=False)


def test_sixty_searches_in_a_row_by_one_caseworker_are_refused_past_the_rate(client_as, cw_a):
    client = client_as(cw_a)

    with one_window():
        codes = [client.get(SEARCH, {"q": f"name {n}"}).status_code for n in range(60)]

    assert codes[0] == 200
    assert 429 in codes
    assert codes.count(200) <= 30


def test_sixty_case_list_exports_in_a_row_are_refused_past_the_rate(client_as, cw_a):
    client = client_as(cw_a)
    url = reverse("children:case_export_csv")

    with one_window():
        codes = [client.get(url).status_code for _ in range(60)]

    assert codes[0] == 200
    assert codes.count(200) <= 10 and codes[-1] == 429


def test_twenty_five_usernames_tried_from_one_address_are_refused_before_the_last(db):
    client = Client()

    with one_window():
        codes = [sign_in(client, f"guess{n}", "wrong password").status_code for n in range(25)]

    assert codes[0] == 200
    assert codes[-1] == 429


def test_forty_reset_requests_for_one_address_send_only_a_few_mails(cw_a):
    client = Client()

    with one_window():
        for n in range(40):
            ask_reset(client, cw_a.email, ip=f"10.0.{n}.1")

    assert 1 <= len(mail.outbox) <= 3


# --- Each limit --------------------------------------------------------------------------------


def test_one_username_tried_from_many_addresses_is_refused_past_the_rate(rates, cw_a):
    rates(sign_in_username="3/15m")
    client = Client()
    for n in range(3):
        assert sign_in(client, "cw_a", "wrong password", ip=f"10.1.{n}.1").status_code == 200

    refused = sign_in(client, "CW_A", TEST_PASSWORD, ip="10.1.9.1")

    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_is_not_counted_so_a_shared_office_signs_in(rates, cw_a):
    rates(sign_in_address="3/15m")
    for _ in range(6):
        client = Client()
        assert sign_in(client, "cw_a", TEST_PASSWORD).status_code == 302


def test_password_reset_is_limited_per_address_across_email_addresses(rates, db):
    rates(password_reset_address="2/h")
    client = Client()
    codes = [ask_reset(client, f"person{n}@example.org").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert ask_reset(client, "person9@example.org", ip="10.9.9.9").status_code == 302


def test_password_reset_is_limited_per_email_address_known_or_not(rates, cw_a):
    rates(password_reset_account="1/h")
    client = Client()
    for email in (cw_a.email, "nobody@example.org"):
        assert ask_reset(client, email, ip="10.2.0.1").status_code == 302
        assert ask_reset(client, email.upper(), ip="10.2.0.2").status_code == 429


def test_an_address_over_its_reset_rate_does_not_use_up_an_accounts_allowance(rates, db):
    rates(password_reset_address="1/h", password_reset_account="1/h")
    client = Client()
    assert ask_reset(client, "first@example.org", ip="10.6.0.1").status_code == 302
    assert ask_reset(client, "victim@example.org", ip="10.6.0.1").status_code == 429
    assert ask_reset(client, "victim@example.org", ip="10.6.0.2").status_code == 302


def test_search_is_limited_per_user_and_another_user_is_not_touched(rates, client_as, cw_a, mgr_a):
    rates(search="2/m")
    first = client_as(cw_a)
    codes = [first.get(SEARCH, {"q": "ali"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert first.get(SEARCH).status_code == 200  # the list without a search is not counted
    assert client_as(mgr_a).get(SEARCH, {"q": "ali"}).status_code == 200


def test_the_child_picker_is_limited_per_user(rates, client_as, cw_a):
    rates(picker="2/m")
    client = client_as(cw_a)
    url = reverse("children:case_pick")
    codes = [client.get(url, {"q": "al"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_an_import_upload_is_limited_per_user_but_opening_the_page_is_not(rates, client_as, adm):
    rates(**{"import": "1/h"})
    client = client_as(adm)
    url = reverse("imports:import_upload")
    assert client.post(url, {}).status_code == 200  # counted, refused by the form (no file)
    assert client.post(url, {}).status_code == 429
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs", "limit"),
    [
        ("children:case_list", {}, "search"),
        ("children:case_pick", {}, "picker"),
        ("children:family_add", {"pk": 1}, "picker"),
        ("children:case_export_csv", {}, "export"),
        ("children:case_export_xlsx", {}, "export"),
        ("children:encounter_export_csv", {}, "export"),
        ("children:referral_inbox_export_xlsx", {}, "export"),
        ("children:referral_sent_export_csv", {}, "export"),
        ("ngos:directory_export_xlsx", {}, "export"),
        ("reports:national_export", {"fmt": "xlsx"}, "export"),
        ("meetings:tracker_export_csv", {}, "export"),
        ("imports:import_upload", {}, "import"),
    ],
)
def test_every_search_picker_export_and_import_view_is_rate_limited(name, kwargs, limit):
    view = resolve(reverse(name, kwargs=kwargs)).func
    assert getattr(view, "rate_limit", None) == limit


# --- The answer above the rate -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [("fa", "درخواست‌ها بیش از حد است"), ("en", "Too many requests")],
)
def test_over_the_rate_the_page_says_when_to_try_again_in_both_languages(
    rates, client_as, cw_a, language, words
):
    rates(search="1/h")
    client = client_as(cw_a)
    client.cookies["django_language"] = language
    client.get(SEARCH, {"q": "ali"})

    refused = client.get(SEARCH, {"q": "ali"})

    page = refused.content.decode()
    wait = int(refused["Retry-After"])
    minutes = str(math.ceil(wait / 60))
    assert refused.status_code == 429 and 0 < wait <= 3600
    assert words in page and f'lang="{language}"' in page and 'name="viewport"' in page
    # The wait in minutes, in the reader's digits.
    assert (to_persian_digits(minutes) if language == "fa" else f"in {minutes} minute") in page


def test_an_htmx_request_over_the_rate_gets_a_small_message_to_show(rates, client_as, cw_a):
    rates(picker="1/m")
    client = client_as(cw_a)
    url = reverse("children:case_pick")
    client.get(url, {"q": "al"}, HTTP_HX_REQUEST="true")

    refused = client.get(url, {"q": "al"}, HTTP_HX_REQUEST="true")

    html = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"]
    assert 'data-testid="too-many-requests"' in html and "<html" not in html


def test_the_wait_is_shown_in_minutes_with_persian_digits(rf):
    from django.template.loader import render_to_string

    with translation.override("fa"):
        text = render_to_string("includes/too_many_requests.html", {"retry_minutes": 15})
    assert "۱۵" in text


# --- A broken cache lets requests through ------------------------------------------------------


def _broken(*args, **kwargs):
    raise ConnectionError("the cache is down")


def test_the_limiter_lets_requests_through_and_warns_when_the_cache_fails(
    rates, client_as, cw_a, monkeypatch, caplog
):
    rates(search="1/h")
    cache = caches["default"]
    monkeypatch.setattr(cache, "add", _broken)
    monkeypatch.setattr(cache, "incr", _broken)
    monkeypatch.setattr(cache, "get", _broken)
    client = client_as(cw_a)

    with caplog.at_level(logging.WARNING, logger="core.ratelimits"):
        codes = [client.get(SEARCH, {"q": "ali"}).status_code for _ in range(3)]
        attempt = sign_in(Client(), "cw_a", "wrong password", ip="10.3.0.7")

    assert codes == [200, 200, 200] and attempt.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.ratelimits"]
    assert warnings and all("search" in w or "sign_in" in w for w in warnings)
    assert not any("cw_a" in w or "10.3.0.7" in w or "ali" in w.split() for w in warnings)


def test_the_limiter_lets_requests_through_when_the_cache_gives_no_count(
    rates, client_as, cw_a, monkeypatch, caplog
):
    rates(search="1/h")
    cache = caches["default"]
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    client = client_as(cw_a)

    with caplog.at_level(logging.WARNING, logger="core.ratelimits"):
        codes = [client.get(SEARCH, {"q": "ali"}).status_code for _ in range(3)]

    assert codes == [200, 200, 200]
    assert any("search" in r.getMessage() for r in caplog.records if r.name == "core.ratelimits")


def test_the_cache_keeps_no_username_address_or_email_in_its_keys(settings, cw_a):
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("needs the Redis cache")
    sign_in(Client(), "cw_a", "wrong password", ip="10.4.0.9")
    ask_reset(Client(), cw_a.email, ip="10.4.0.9")

    client = cache._cache.get_client(None)
    keys = [key.decode() for key in client.scan_iter(f"*{settings.RATELIMIT_CACHE_PREFIX}*")]

    assert len(keys) >= 4
    assert not any(word in key for key in keys for word in ("cw_a", "10.4.0.9", cw_a.email))
