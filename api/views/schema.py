"""The OpenAPI schema (for partner systems, token or session) and its browsable docs (session)."""

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.access import signed_in

from ..base import ApiView


class SchemaView(SpectacularAPIView, ApiView):
    access_rule = "signed_in"
    authentication_classes = ApiView.authentication_classes
    permission_classes = ApiView.permission_classes
    scopes = {"read": "*"}

    def get_permissions(self) -> list[Any]:
        # Any valid token may read the schema, whatever its scopes.
        return [permission() for permission in ApiView.permission_classes[:1]]


def docs_view() -> Any:
    """Swagger UI from files served here (no outside script, the CSP allows only 'self').

    DRF exempts its views from Django's login middleware; this page is for people signed in to
    the product, so it is wrapped in a plain view that the middleware does guard.
    """
    swagger = SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="api/swagger_ui.html"
    )

    @signed_in
    def docs(request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = swagger(request)
        return response

    return docs
