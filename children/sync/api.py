"""The offline app's two endpoints, in Django REST framework (RE-08).

    POST /api/v1/sync/            the phone's outbox, each item answered on its own
    GET  /api/v1/offline/bundle/  what the phone may keep (children/sync/bundle.py)

They authenticate with the browser's session and its CSRF token, as the pages do: the offline
app is those pages. An account that is deactivated or signed out reaches neither; the app reads
that answer as "wipe now".
"""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import require_permission
from core.middleware import SessionTimeoutMiddleware
from core.permissions import Perm, has_permission

from .bundle import offline_bundle
from .items import sync_item_apply

# One request carries at most this many items; the phone sends a longer outbox in batches.
MAX_ITEMS = 100


class WorksInTheStreet(BasePermission):
    """Caseworkers and managers who log outreach; everyone else has nothing to take offline."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_permission(request.user, Perm.OUTREACH_LOG) and has_permission(
            request.user, Perm.CASE_EDIT
        )


class _OfflineView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated, WorksInTheStreet]


class SyncView(_OfflineView):
    @extend_schema(
        summary="Send the offline app's outbox",
        description=(
            "Items {id, kind, case, base_version, data}, each answered on its own: created, "
            "already received, conflict (both values), refused (errors by field) or needs a "
            "decision (likely duplicates). The id made on the phone is the idempotency key. "
            "The browser's session and CSRF token only (docs/adr/0033)."
        ),
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
        tags=["offline"],
    )
    def post(self, request: Request) -> Response:
        items = request.data.get("items") if isinstance(request.data, dict) else None
        if not isinstance(items, list):
            return Response(
                {"errors": {"items": [_("Send a list of items.")]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if len(items) > MAX_ITEMS:
            return Response(
                {"errors": {"items": [_("Send at most %(n)d items at once.") % {"n": MAX_ITEMS}]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        results = [sync_item_apply(by=request.user, item=item) for item in items]
        return Response({"results": results, "synced_at": timezone.now().isoformat()})


class BundleView(_OfflineView):
    @extend_schema(
        summary="What the phone may keep offline",
        description=(
            "The caseworker's own open cases with the least fields, hotspots and reference "
            "lists, and when the phone must wipe them (docs/adr/0032). Audited."
        ),
        responses=OpenApiTypes.OBJECT,
        tags=["offline"],
    )
    def get(self, request: Request) -> Response:
        started = request.session.get(SessionTimeoutMiddleware.STARTED)
        session_started = (
            datetime.datetime.fromtimestamp(started, tz=datetime.UTC) if started else timezone.now()
        )
        return Response(offline_bundle(user=request.user, session_started=session_started))


# The URLconf's access test needs each view to declare its rule (AC-03); DRF checks the same
# permissions again. DRF marks its views as exempt from Django's login middleware: these are
# not, so a signed-out phone is sent to sign in like on any page, and the app reads that.
sync = require_permission(Perm.OUTREACH_LOG)(SyncView.as_view())
bundle = require_permission(Perm.OUTREACH_LOG)(BundleView.as_view())
sync.login_required = bundle.login_required = True
