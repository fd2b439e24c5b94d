"""The second factor's pages (AU-03): set it up, type a code, see recovery codes, and the reset of a
lost device by another administrator. The rules and the audit rows live in core/second_factor.py."""

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .. import second_factor as sf
from ..access import before_second_factor, require_permission, signed_in
from ..models import User
from ..permissions import Perm

WRONG_CODE = _("That code is not right, or it was already used. Type the code your app shows now.")
THROTTLED = _("Too many wrong codes. Wait a minute, then try again.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "dir": "ltr", "autofocus": True}
        ),
    )


class FirstCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}
        ),
    )


def _q(value: str) -> str:
    return quote(value, safe="/")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@before_second_factor
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponseBase:
    """Scan the QR code (or type the key), confirm with a first code, get recovery codes."""
    user = request.user
    if sf.is_enrolled(user):
        return redirect("second_factor" if sf.is_verified(request) else "second_factor_verify")
    key = request.session.get(sf.PENDING_KEY) or sf.new_key()
    request.session[sf.PENDING_KEY] = key
    form = FirstCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = sf.enrol(request, user, key, form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(sf.PENDING_KEY, None)
            request.session[sf.NEW_CODES] = codes
            return redirect(f"{reverse('second_factor_codes')}?next={_q(_next(request))}")
        form.add_error("code", WRONG_CODE)
    uri = sf.provisioning_uri(user, key)
    context = {
        "form": form,
        "qr": sf.qr_svg(uri, str(_("QR code for your authenticator app"))),
        "key_text": sf.key_as_text(key),
        "next": _next(request),
        "required": sf.required_for(user),
    }
    return render(request, "core/auth/second_factor_enrol.html", context)


@before_second_factor
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponseBase:
    """After the password: the code from the app, or a recovery code."""
    user = request.user
    if sf.is_verified(request) or not sf.required_for(user):
        return redirect(_next(request))
    if not sf.is_enrolled(user):
        return redirect(f"{reverse('second_factor_enrol')}?next={_q(_next(request))}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = sf.verify(request, user, form.cleaned_data["code"])
        if outcome is sf.Outcome.RECOVERY_USED:
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(count)s are left. If your phone is "
                    "lost, ask an administrator to reset your second factor."
                )
                % {"count": sf.recovery_codes_left(user)},
            )
        if outcome in (sf.Outcome.VERIFIED, sf.Outcome.RECOVERY_USED):
            return redirect(_next(request))
        form.add_error("code", THROTTLED if outcome is sf.Outcome.THROTTLED else WRONG_CODE)
    return render(
        request, "core/auth/second_factor_verify.html", {"form": form, "next": _next(request)}
    )


@signed_in
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """One's own second factor: whether it is set up, recovery codes left, new codes."""
    user = request.user
    if request.method == "POST" and sf.is_enrolled(user):
        request.session[sf.NEW_CODES] = sf.replace_recovery_codes(user)
        return redirect("second_factor_codes")
    context = {
        "enrolled": sf.is_enrolled(user),
        "required": sf.required_for(user),
        "codes_left": sf.recovery_codes_left(user),
    }
    return render(request, "core/auth/second_factor.html", context)


@signed_in
def recovery_codes(request: HttpRequest) -> HttpResponseBase:
    """New recovery codes, shown once: a reload shows no codes."""
    codes = request.session.pop(sf.NEW_CODES, None)
    if not codes:
        return redirect("second_factor")
    return render(
        request,
        "core/auth/second_factor_codes.html",
        {"codes": codes, "next": _next(request)},
    )


@require_permission(Perm.USERS_MANAGE_ALL)
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Another administrator resets a lost device; nobody resets their own (403)."""
    person = get_object_or_404(User, pk=user_id, is_active=True)
    own = person.pk == request.user.pk
    if request.method == "POST":
        sf.reset(by=request.user, user=person)
        messages.success(
            request,
            _(
                "The second factor of %(name)s has been reset; they set it up again when they next sign in."
            )
            % {"name": person.get_full_name() or person.get_username()},
        )
        return redirect("second_factor_reset", user_id=person.pk)
    context: dict[str, Any] = {
        "person": person,
        "own": own,
        "enrolled": sf.is_enrolled(person),
        "codes_left": sf.recovery_codes_left(person),
    }
    return render(request, "core/auth/second_factor_reset.html", context)
