"""Sign-in, lockout (AU-01), passwords (AU-02), reset (AU-04) and sessions (SE-01, SE-02)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from tests.factories import TEST_PASSWORD

A = AuditEvent.Action
BASE_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_sign_in_and_out_are_audited_without_the_password(cw_a):
    client = Client()
    response = sign_in(client, "cw_a", TEST_PASSWORD)
    assert response.status_code == 302
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [A.LOGIN, A.LOGOUT]
    login = AuditEvent.objects.get(action=A.LOGIN)
    assert login.ip_address == "10.0.0.1" and login.organisation == cw_a.membership.organisation
    assert TEST_PASSWORD not in str(list(AuditEvent.objects.values()))


def test_failed_sign_in_is_audited_with_the_typed_username_only(cw_a):
    response = sign_in(Client(), "cw_a", "wrong password here")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=A.LOGIN_FAILED)
    assert event.actor_username == "cw_a"
    assert "wrong password" not in str(event.detail)


def test_lockout_after_limit_gives_the_same_message_for_the_right_password(cw_a):
    client = Client()
    wrong = None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = sign_in(client, "cw_a", "not the password")
    locked = sign_in(client, "cw_a", TEST_PASSWORD)
    assert locked.status_code == wrong.status_code == 200
    message = re.search(
        r'data-testid="login-error">\s*(.*?)\s*</div>', locked.content.decode(), re.S
    ).group(1)
    wrong_message = re.search(
        r'data-testid="login-error">\s*(.*?)\s*</div>', wrong.content.decode(), re.S
    )
    assert message == wrong_message.group(1)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=A.LOCKED_OUT, actor_username="cw_a").exists()


def test_lockout_is_per_username_and_ip_so_colleagues_in_the_same_office_still_sign_in(cw_a, mgr_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "cw_a", "not the password", ip="10.0.0.7")
    assert sign_in(Client(), "mgr_a", TEST_PASSWORD, ip="10.0.0.7").status_code == 302
    assert sign_in(Client(), "cw_a", TEST_PASSWORD, ip="10.0.0.8").status_code == 302


def test_lockout_ends_after_the_cool_off(cw_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "cw_a", "not the password")
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert sign_in(Client(), "cw_a", TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    ["short-pass1", "password1234", "123456789012"],
    ids=["too-short", "common", "numeric"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_long_passphrase_without_composition_rules_is_accepted():
    validate_password("a" * 10 + " long phrase of plain words " + "z" * 26)  # 64 characters
    validate_password("شب‌های روشن تهران")


def test_password_similar_to_the_username_is_refused(cw_a):
    cw_a.username = "fatemeh.rezaei"
    with pytest.raises(ValidationError):
        validate_password("fatemeh.rezaei1", user=cw_a)


@override_settings(PASSWORD_HASHERS=BASE_HASHERS)
def test_new_passwords_are_hashed_with_argon2(cw_a):
    cw_a.set_password("a new long passphrase")
    assert cw_a.password.startswith("argon2$")


@override_settings(PASSWORD_HASHERS=BASE_HASHERS)
def test_old_hash_is_upgraded_to_argon2_at_sign_in(cw_a):
    from django.contrib.auth.hashers import make_password

    cw_a.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    cw_a.save()
    sign_in(Client(), "cw_a", TEST_PASSWORD)
    cw_a.refresh_from_db()
    assert cw_a.password.startswith("argon2$")


def test_session_key_changes_at_sign_in(cw_a):
    client = Client()
    client.get(reverse("login"))
    client.cookies["sessionid"] = "0" * 32
    sign_in(client, "cw_a", TEST_PASSWORD)
    assert client.cookies["sessionid"].value != "0" * 32


def test_old_session_cookie_is_refused_after_sign_out(cw_a):
    client = Client()
    sign_in(client, "cw_a", TEST_PASSWORD)
    old = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    thief = Client()
    thief.cookies["sessionid"] = old
    assert thief.get(reverse("home")).status_code == 302


def test_password_change_ends_the_users_other_sessions(cw_a):
    laptop, phone = Client(), Client()
    sign_in(laptop, "cw_a", TEST_PASSWORD)
    sign_in(phone, "cw_a", TEST_PASSWORD)
    new = "another long passphrase 42"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action=A.PASSWORD_CHANGED, actor=cw_a).exists()


def test_deactivating_a_user_ends_their_sessions_at_the_next_request(cw_a):
    client = Client()
    sign_in(client, "cw_a", TEST_PASSWORD)
    cw_a.is_active = False
    cw_a.save()
    assert client.get(reverse("home")).status_code == 302


def test_idle_session_ends_after_thirty_minutes(cw_a):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        sign_in(client, "cw_a", TEST_PASSWORD)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action=A.SESSION_EXPIRED, actor=cw_a).exists()


def test_any_session_ends_after_ten_hours_even_when_active(cw_a):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        sign_in(client, "cw_a", TEST_PASSWORD)
    for minutes in range(20, 10 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=10, minutes=5), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(cw_a):
    known = Client().post(reverse("password_reset"), {"email": cw_a.email})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def _reset_link(email_body):
    return re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", email_body).group(1)


def test_password_reset_link_works_once(cw_a):
    Client().post(reverse("password_reset"), {"email": cw_a.email})
    link = _reset_link(mail.outbox[0].body)
    client = Client()
    form_page = client.get(link, follow=True)
    new = "a fresh long passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert sign_in(Client(), "cw_a", new).status_code == 302


def test_password_reset_link_expires(cw_a):
    # Both ends under time_machine, so Django's naive token clock is read the same way twice.
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        Client().post(reverse("password_reset"), {"email": cw_a.email})
    link = _reset_link(mail.outbox[0].body)
    with time_machine.travel(
        start + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60), tick=False
    ):
        assert Client().get(link, follow=True).context["validlink"] is True
    with time_machine.travel(
        start + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60), tick=False
    ):
        assert Client().get(link, follow=True).context["validlink"] is False


def test_language_choice_sticks_to_the_account(cw_a):
    client = Client()
    sign_in(client, "cw_a", TEST_PASSWORD)
    client.post(reverse("switch_language"), {"language": "en", "next": "/"})
    cw_a.refresh_from_db()
    assert cw_a.language == "en"
    other_device = Client()
    sign_in(other_device, "cw_a", TEST_PASSWORD)
    page = other_device.get(reverse("home"))
    assert b'lang="en"' in page.content and b'dir="ltr"' in page.content


def test_english_chosen_on_the_sign_in_page_is_kept_after_signing_in(cw_a):
    """The switch on the sign-in page sets the cookie; signing in once overwrote it with the
    account's Persian."""
    assert cw_a.language == "fa"
    client = Client()
    client.post(reverse("switch_language"), {"language": "en", "next": reverse("login")})
    sign_in(client, "cw_a", TEST_PASSWORD)

    page = client.get(reverse("home"))
    cw_a.refresh_from_db()
    assert b'lang="en"' in page.content and cw_a.language == "en"


def test_a_device_with_no_choice_takes_the_accounts_language(cw_a):
    cw_a.language = "en"
    cw_a.save(update_fields=["language"])
    client = Client()
    sign_in(client, "cw_a", TEST_PASSWORD)

    assert b'lang="en"' in client.get(reverse("home")).content
