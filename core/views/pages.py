"""The signed-in home page, the language switch and the icon browsers ask for on their own."""

from typing import cast

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from ..access import public, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"today": timezone.localdate()})


@public
@require_POST
def switch_language(request: HttpRequest) -> HttpResponseBase:
    """Django's set_language, plus: a signed-in user's choice is kept on their account."""
    response = set_language(request)
    language = request.POST.get("language")
    user = request.user
    known = dict(user._meta.get_field("language").choices) if user.is_authenticated else {}  # type: ignore[arg-type]
    if language in known and user.is_authenticated and user.language != language:
        user.language = cast(str, language)
        user.save(update_fields=["language"])
    return response


@public
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico before reading any page; send them to the real icon."""
    return HttpResponseRedirect(static("img/favicon.svg"))
