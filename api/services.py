"""Writes about API tokens: create (the secret shown once), revoke; each audited (AC-11)."""

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import Province, User
from core.permissions import Perm, Role, check_permission
from ngos.models import Membership, Organisation

from .models import ApiToken
from .scopes import Scope

TOKEN_PREFIX = "kdk_"  # noqa: S105 - a marker that a string is a token, not a secret
MAX_LIFETIME = datetime.timedelta(days=366)


def hash_key(key: str) -> str:
    """The stored form of a token: its SHA-256. A token holds 256 random bits, so a fast hash is
    enough (no guessing to slow down), and the lookup is one indexed equality."""
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def token_create(
    *,
    by: User,
    name: str,
    kind: str,
    organisation: Organisation,
    scopes: Iterable[str],
    expires_at: datetime.datetime,
    province: Province | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and the service account it acts as; return (token, secret).

    The secret is returned here only: it is never stored, so it cannot be shown again. An
    organisation token acts as a caseworker of `organisation`; an aggregates token as a ministry
    officer (of `province` only, when given). Scopes outside the kind's allowance are refused.
    """
    check_permission(by, Perm.API_TOKENS_MANAGE)
    scopes = sorted(set(scopes))
    allowed = Scope.FOR_AGGREGATES if kind == ApiToken.Kind.AGGREGATES else Scope.FOR_ORGANISATION
    if not scopes or not set(scopes) <= allowed:
        raise ValidationError(_("Choose scopes allowed for this kind of token."), code="scopes")
    now = timezone.now()
    if expires_at <= now or expires_at > now + MAX_LIFETIME:
        raise ValidationError(_("A token must expire within a year."), code="expires_at")
    if kind != ApiToken.Kind.AGGREGATES:
        province = None
    elif organisation.kind == Organisation.Kind.NGO:
        # National figures are for the ministry's and agencies' systems, not an NGO's.
        raise ValidationError(
            _("A token for aggregate figures belongs to a government body, not an NGO."),
            code="organisation",
        )
    prefix, key = _new_key()
    user = get_user_model().objects.create(
        username=f"api-{prefix}",
        first_name=name[:150],
        last_name=str(_("(API)")),
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    role = Role.MINISTRY_OFFICER if kind == ApiToken.Kind.AGGREGATES else Role.CASEWORKER
    Membership.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        province=province,
        title=str(_("Partner system")),
        invited_by=by,
    )
    token = ApiToken.objects.create(
        name=name,
        kind=kind,
        organisation=organisation,
        user=user,
        scopes=scopes,
        prefix=prefix,
        key_hash=hash_key(key),
        created_by=by,
        created_at=now,
        expires_at=expires_at,
    )
    audit.record(
        audit.Action.CREATE,
        user=by,
        obj=token,
        detail={
            "kind": kind,
            "organisation": organisation.pk,
            "scopes": scopes,
            "expires_at": expires_at.isoformat(),
        },
    )
    return token, key


@transaction.atomic
def token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke a token now: its next request is refused. Its service account is deactivated too,
    so nothing it could still hold (a session, a cached grant) keeps working."""
    check_permission(by, Perm.API_TOKENS_MANAGE)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    get_user_model().objects.filter(pk=locked.user_id).update(is_active=False)
    audit.record(audit.Action.UPDATE, user=by, obj=locked, detail={"revoked": True})
    return locked


def token_used(*, token: ApiToken, method: str, detail: dict[str, Any] | None = None) -> None:
    """Note one use of `token`: its last-use time and an audit row (AC-11). Runs outside the
    view's work, so a refused or failing request is audited too."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit.record(
        audit.Action.API_CALL,
        user=token.user,
        obj=token,
        detail={"method": method, **(detail or {})},
    )


def token_lookup(key: str) -> ApiToken | None:
    """The token whose secret is `key` (revoked and expired ones included), or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    return (
        ApiToken.objects.select_related("user__membership__organisation", "organisation")
        .filter(key_hash=hash_key(key))
        .first()
    )
