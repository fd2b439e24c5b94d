"""Reads about API tokens, for the administrators' screens."""

from django.db.models import QuerySet

from core.models import User
from core.permissions import Perm, has_permission

from .models import ApiToken


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """Every token, for holders of the token permission (administrators); none otherwise."""
    if not has_permission(user, Perm.API_TOKENS_MANAGE):
        return ApiToken.objects.none()
    return ApiToken.objects.select_related("organisation", "created_by", "revoked_by")
