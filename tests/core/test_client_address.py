"""The client's address through trusted proxies, and a lockout that cannot be timed (AU-05).

Issue 18, finding 7: behind a reverse proxy every user had the proxy's address, so five wrong
passwords locked the account for everyone; and a locked-out sign-in answered in a fraction of
the time of a wrong password.
"""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from core.client_ip import client_ip, parse_address
from core.models import AuditEvent
from tests.factories import TEST_PASSWORD

PROXY = "172.18.0.2"  # the reverse proxy every request arrives from
ATTACKER = "203.0.113.9"
COLLEAGUE = "198.51.100.4"


def request_with(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def sign_in(client, username, password, forwarded):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


# --- Reading the address -----------------------------------------------------------------------


def test_with_no_trusted_proxy_a_forged_forwarded_for_header_changes_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_with("10.0.0.1", "1.2.3.4")) == "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # The client wrote the left entry itself; one proxy added the right one.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 172.18.0.5", "203.0.113.9"),
        (1, "203.0.113.9,2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_is_read_from_the_right_of_forwarded_for_past_the_trusted_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_with(PROXY, forwarded)) == expected


def test_a_forwarded_for_shorter_than_the_proxy_chain_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_with(PROXY, "203.0.113.9")) == PROXY
    assert client_ip(request_with(PROXY)) == PROXY


def test_a_forwarded_entry_that_is_not_an_address_gives_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with(PROXY, "203.0.113.9, unknown")) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        (" 203.0.113.9:4711 ", "203.0.113.9"),
        ("[2001:db8::1]:4711", "2001:db8::1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("not-an-address", None),
        ("", None),
    ],
)
def test_addresses_are_read_with_or_without_a_port_and_normalised(written, expected):
    assert parse_address(written) == expected


# --- Used by the lockout, the rate limits and the audit log ------------------------------------


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=0)
def test_finding_7_without_the_proxy_count_everyone_behind_the_proxy_shares_one_lockout(cw_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "cw_a", "wrong password", ATTACKER)

    victim = sign_in(Client(), "cw_a", TEST_PASSWORD, COLLEAGUE)

    assert victim.status_code == 200  # refused: the lock is on the proxy's address


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_lockout_holds_only_the_attackers_address(cw_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "cw_a", "wrong password", ATTACKER)

    locked = sign_in(Client(), "cw_a", TEST_PASSWORD, ATTACKER)
    owner = sign_in(Client(), "cw_a", TEST_PASSWORD, COLLEAGUE)

    assert locked.status_code == 200
    assert owner.status_code == 302


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_audit_row_keeps_the_client_address_read_through_the_proxy(cw_a):
    sign_in(Client(), "cw_a", TEST_PASSWORD, f"1.2.3.4, {COLLEAGUE}")

    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip_address == COLLEAGUE


@pytest.mark.django_db
def test_the_rate_limits_count_each_client_behind_the_proxy_on_its_own(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in_address": "2/15m"}
    codes = [sign_in(Client(), f"guess{n}", "wrong", ATTACKER).status_code for n in range(3)]

    other = sign_in(Client(), "someone", "wrong", COLLEAGUE)

    assert codes == [200, 200, 429]
    assert other.status_code == 200


@pytest.mark.django_db
def test_an_ipv6_client_is_counted_by_its_network(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in_address": "2/15m"}
    for host in ("2001:db8:1:1::a", "2001:db8:1:1::b"):
        Client().post(reverse("login"), {"username": "x", "password": "y"}, REMOTE_ADDR=host)

    refused = Client().post(
        reverse("login"), {"username": "z", "password": "y"}, REMOTE_ADDR="2001:db8:1:1::c"
    )

    assert refused.status_code == 429


# --- A lockout that cannot be timed -------------------------------------------------------------


class CountingHasher(MD5PasswordHasher):
    """Counts each password hash computed (`verify` hashes through `encode` too)."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


def _hashes_for(client, username, password):
    CountingHasher.computed = 0
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.5.0.1"
    )
    assert response.status_code == 200
    return CountingHasher.computed


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["tests.core.test_client_address.CountingHasher"])
def test_a_locked_out_sign_in_does_the_same_hashing_work_as_a_wrong_password(cw_a):
    cw_a.set_password(TEST_PASSWORD)
    cw_a.save()
    client = Client()

    wrong = _hashes_for(client, "cw_a", "wrong password")
    unknown = _hashes_for(client, "nobody", "wrong password")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _hashes_for(client, "cw_a", "wrong password")
    locked_wrong = _hashes_for(client, "cw_a", "wrong password")
    locked_right = _hashes_for(client, "cw_a", TEST_PASSWORD)

    assert wrong == unknown == locked_wrong == locked_right == 1
