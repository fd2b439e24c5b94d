"""The administrators' screens for API tokens: list, create (the secret shown once), revoke."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import get_for_user_or_404, require_permission
from core.permissions import Perm

from ..forms import TokenForm
from ..selectors import tokens_visible_to
from ..services import token_create, token_revoke


@require_permission(Perm.API_TOKENS_MANAGE)
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = tokens_visible_to(request.user)  # type: ignore[arg-type]
    return render(request, "api/token_list.html", {"tokens": tokens})


@require_permission(Perm.API_TOKENS_MANAGE)
def token_create_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = token_create(
            by=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            organisation=form.cleaned_data["organisation"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.expires_at(),
            province=form.cleaned_data["province"],
        )
        # Shown on this answer only: nothing stores the secret (AC-11).
        return render(request, "api/token_created.html", {"token": token, "key": key})
    return render(request, "api/token_form.html", {"form": form})


@require_POST
@require_permission(Perm.API_TOKENS_MANAGE)
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_for_user_or_404(request.user, tokens_visible_to(request.user), pk=pk)  # type: ignore[arg-type]
    token_revoke(by=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("The token is revoked. Its next request is refused."))
    return redirect("api:token_list")
