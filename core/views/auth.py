"""Sign-in, sign-out, password change and reset: Django's views with our templates and audit."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ..access import public, signed_in
from ..audit import Action, record, record_attempt
from ..models import User
from ..ratelimits import address_key, email_key, hit, over, too_many_requests, username_key

# One message for a wrong password, an unknown or inactive user and a locked-out pair, so the
# answer never tells an attacker which one it was (AU-01).
SIGN_IN_FAILED = _(
    "The username or password is not right. After several failed attempts, signing in is paused "
    "for a few minutes."
)


class SignInForm(AuthenticationForm):
    error_messages = {"invalid_login": SIGN_IN_FAILED, "inactive": SIGN_IN_FAILED}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "ltr"})
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "dir": "ltr"}
        )


class SignInView(auth_views.LoginView):
    template_name = "core/auth/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Failed sign-ins are counted per address across usernames and per username across
        # addresses (core/signals.py); over either rate the attempt is refused unread (RL-01).
        username = request.POST.get("username", "")
        wait = max(
            over(request, "sign_in_address", address_key(request)) or 0,
            over(request, "sign_in_username", username_key(username) if username else None) or 0,
        )
        if wait:
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        # A language chosen on the sign-in page itself (the cookie the switch sets) is kept and
        # becomes the user's own; on a device with no choice yet, the language the user chose once
        # follows them there.
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES) and chosen != user.language:
            user.language = chosen
            user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        )
        return response


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a locked-out username+IP pair sees: the ordinary failed sign-in page, same words."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = SignInForm(request, initial={"username": username})
    return render(
        request, SignInView.template_name, {"form": form, "sign_in_error": SIGN_IN_FAILED}
    )


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): a link or an image tag cannot sign someone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/auth/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        record(Action.PASSWORD_CHANGED, user=self.request.user, obj=cast(User, self.request.user))
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/auth/password_reset.html"
    email_template_name = "core/auth/password_reset_email.txt"
    subject_template_name = "core/auth/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per address and per typed e-mail address, known or not, so the limit tells nothing
        # about which addresses have an account (RL-01, AU-04).
        # An address over its rate does not use up the typed account's allowance as well.
        email = request.POST.get("email", "")
        wait = hit(request, "password_reset_address", address_key(request)) or hit(
            request, "password_reset_account", email_key(email) if email else None
        )
        if wait:
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # The same answer whether or not the address is known (AU-04); nothing about it is kept.
        record_attempt(Action.PASSWORD_RESET_REQUESTED, username="")
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/auth/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: "SetPasswordForm[User]") -> HttpResponse:
        response = super().form_valid(form)
        record(Action.PASSWORD_RESET_DONE, user=form.user, obj=form.user)
        return response


sign_in = public(SignInView.as_view())
sign_out = public(SignOutView.as_view())
password_change = signed_in(PasswordChangeView.as_view())
password_reset = public(PasswordResetView.as_view())
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="core/auth/password_reset_done.html")
)
password_reset_confirm = public(PasswordResetConfirmView.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="core/auth/password_reset_complete.html"
    )
)
