"""Audit of sign-in, sign-out, failures and lockouts, from day one (AU-01)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import Action, record, record_attempt
from .middleware import SessionTimeoutMiddleware


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(Action.LOGIN, user=user)
    SessionTimeoutMiddleware.start(request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, user=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` has the password already masked by Django; only the username is kept.
    record_attempt(Action.LOGIN_FAILED, username=credentials.get("username", ""))


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    record_attempt(Action.LOCKED_OUT, username=username or "")
