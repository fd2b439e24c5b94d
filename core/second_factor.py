"""The second factor (AU-03, ADR 0024): a TOTP authenticator app plus one-use recovery codes.

Built on django-otp: `TOTPDevice` holds the shared key, `StaticDevice` the recovery codes, and
`django_otp.login` marks the session as verified. Who must use it is data: a role with
`second_factor=True` (core/permissions.py), an account that may open Django admin, or anyone who
enrolled voluntarily. Every write here records its audit row in the same transaction.
"""

import re
import time
from base64 import b32encode
from binascii import unhexlify
from enum import StrEnum
from typing import cast

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from .audit import Action, record
from .exceptions import ActionNotAllowed
from .models import User
from .permissions import Perm, check_permission, role_needs_second_factor
from .persian import to_latin_digits
from .types import AnyUser

RECOVERY_CODES = 10
# The key shown at enrolment waits in the session until a first code confirms it: opening the
# page writes nothing (AC-09).
PENDING_KEY = "second_factor_pending_key"
# Fresh recovery codes, shown once on the page after enrolment and then dropped.
NEW_CODES = "second_factor_new_codes"
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"

_SEPARATORS = re.compile(r"[\s\-_\u200c]+")


def _person(user: AnyUser) -> User:
    return cast(User, user)


class Outcome(StrEnum):
    VERIFIED = "verified"
    RECOVERY_USED = "recovery_used"
    WRONG = "wrong"
    THROTTLED = "throttled"


def authenticator(user: AnyUser) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    if not user.is_authenticated:
        return None
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device


def is_enrolled(user: AnyUser) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_for(user: AnyUser, *, enrolled: bool | None = None) -> bool:
    """Whether `user` must confirm a code before pages with data (AU-03, AC-10). `enrolled`:
    whether they have an authenticator, when the caller knows it already (else it is asked)."""
    if not user.is_authenticated:
        return False
    if role_needs_second_factor(user) or user.is_staff or user.is_superuser:
        return True
    # A caseworker who chose it is asked too.
    return is_enrolled(user) if enrolled is None else enrolled


def is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def new_key() -> str:
    """A fresh shared key, hex as django-otp stores it."""
    key: str = default_key()
    return key


def key_as_text(key_hex: str) -> str:
    """The key as authenticator apps take it by hand: base32 in groups of four."""
    text = b32encode(unhexlify(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: AnyUser, key_hex: str) -> str:
    """The otpauth:// address a QR code carries (django-otp builds it from an unsaved device)."""
    uri: str = TOTPDevice(user=user, key=key_hex, name=TOTP_NAME).config_url
    return uri


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG: no image request, nothing for the CSP to refuse."""
    svg: str = segno.make(uri, error="m").svg_inline(
        scale=5, border=2, dark="#000", light="#fff", title=title
    )
    return svg


def clean_code(typed: str) -> str:
    """Persian digits, spaces and dashes forgiven; recovery codes compared in lower case."""
    return _SEPARATORS.sub("", to_latin_digits(typed or "")).lower()


def _code_matches(key_hex: str, code: str) -> int | None:
    """The time step `code` belongs to for this key (one step either side), or None."""
    if not code.isdigit() or len(code) != 6:
        return None
    totp = TOTP(unhexlify(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=1):
        step: int = totp.t()
        return step
    return None


@transaction.atomic
def enrol(request: HttpRequest, user: AnyUser, key_hex: str, code: str) -> list[str] | None:
    """Confirm the pending key with a first code: the device is saved, new recovery codes are
    made, the session counts as verified and the enrolment is audited. None for a wrong code."""
    step = _code_matches(key_hex, clean_code(code))
    if step is None:
        record(
            Action.SECOND_FACTOR_FAILED,
            user=user,
            obj=_person(user),
            detail={"during": "enrolment"},
        )
        return None
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=TOTP_NAME, key=key_hex, confirmed=True, last_t=step
    )
    codes = make_recovery_codes(user)
    otp_login(request, device)
    record(
        Action.SECOND_FACTOR_ENROLLED,
        user=user,
        obj=_person(user),
        detail={"recovery_codes": len(codes)},
    )
    return codes


def make_recovery_codes(user: AnyUser) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones and return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def replace_recovery_codes(user: AnyUser) -> list[str]:
    """New recovery codes for an enrolled user (the old ones stop working), audited."""
    codes = make_recovery_codes(user)
    record(
        Action.SECOND_FACTOR_ENROLLED,
        user=user,
        obj=_person(user),
        detail={"recovery_codes": len(codes), "replaced": True},
    )
    return codes


def verify(request: HttpRequest, user: AnyUser, typed: str) -> Outcome:
    """Check a typed code: six digits against the authenticator app (each code once, never an
    older one), anything else against the recovery codes (each deleted when used). Wrong codes
    slow the next try down (django-otp's throttling) and are audited."""
    code = clean_code(typed)
    device: TOTPDevice | StaticDevice | None
    if code.isdigit() and len(code) == 6:
        device = authenticator(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        with transaction.atomic():
            record(
                Action.SECOND_FACTOR_FAILED,
                user=user,
                obj=_person(user),
                detail={"reason": "no_device"},
            )
        return Outcome.WRONG
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        with transaction.atomic():
            record(
                Action.SECOND_FACTOR_FAILED,
                user=user,
                obj=_person(user),
                detail={"reason": "throttled"},
            )
        return Outcome.THROTTLED
    with transaction.atomic():
        if not device.verify_token(code):
            record(
                Action.SECOND_FACTOR_FAILED,
                user=user,
                obj=_person(user),
                detail={"failures": device.throttling_failure_count},
            )
            return Outcome.WRONG
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            record(Action.RECOVERY_CODE_USED, user=user, obj=_person(user), detail={"left": left})
            return Outcome.RECOVERY_USED
    return Outcome.VERIFIED


def code_now(device: TOTPDevice) -> str:
    """The code the server accepts next for this device: the current time step's, or the next
    step's when the current one was already used (for the demo and tests, never shown in pages)."""
    from django_otp.oath import hotp

    now = int(time.time()) // 30
    step = now if now > device.last_t else now + 1
    return f"{hotp(device.bin_key, step, digits=6):06d}"


def recovery_codes_left(user: AnyUser) -> int:
    count: int = StaticToken.objects.filter(device__user=user).count()
    return count


@transaction.atomic
def reset(*, by: AnyUser, user: AnyUser) -> None:
    """Another administrator removes a lost device and its recovery codes; the user enrols again
    at the next page they open. Nobody resets their own (AU-03)."""
    check_permission(by, Perm.USERS_MANAGE_ALL)
    if by.pk == user.pk:
        raise ActionNotAllowed()
    had = is_enrolled(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(Action.SECOND_FACTOR_RESET, user=by, obj=_person(user), detail={"had_device": had})
