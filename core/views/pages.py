"""The signed-in home page and the language switch."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from ..access import public, signed_in


@signed_in
def home(request):
    return render(request, "core/home.html", {"today": timezone.localdate()})


@public
@require_POST
def switch_language(request):
    """Django's set_language, plus: a signed-in user's choice is kept on their account."""
    response = set_language(request)
    language = request.POST.get("language")
    user = request.user
    known = dict(user._meta.get_field("language").choices) if user.is_authenticated else {}
    if language in known and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
