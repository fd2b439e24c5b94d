"""Audit of sign-in, sign-out, failures and lockouts, from day one (AU-01); failed sign-ins
counted for the rate limits (RL-01)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .audit import Action, record, record_attempt
from .middleware import SessionTimeoutMiddleware
from .models import User
from .ratelimits import address_key, hit, username_key


@receiver(user_logged_in)
def audit_login(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(Action.LOGIN, user=user)
    SessionTimeoutMiddleware.start(request)


@receiver(user_logged_out)
def audit_logout(sender: object, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, user=user)


@receiver(user_login_failed)
def audit_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # `credentials` has the password already masked by Django; only the username is kept.
    record_attempt(Action.LOGIN_FAILED, username=credentials.get("username", ""))


@receiver(user_locked_out)
def audit_locked_out(
    sender: object, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    record_attempt(Action.LOCKED_OUT, username=username or "")


@receiver(user_login_failed)
def count_failed_sign_in(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Per address across usernames and per username across addresses; the sign-in view refuses
    # an attempt once either is over its rate (RL-01).
    if request is None:
        return
    hit(request, "sign_in_address", address_key(request))
    username = credentials.get("username") or ""
    if username:
        hit(request, "sign_in_username", username_key(username))
