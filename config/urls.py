"""The project's URLs. Each app owns its own urls module; admin is for administrators only."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from children.sync.pages import service_worker

# Django admin only for a session verified with the second factor (AC-10).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("core.urls")),
    # The offline app's sync and bundle (RE-08): before any other `api/` include, so the API
    # app's own routes cannot shadow them.
    path("api/v1/", include("children.sync.urls")),
    # Served from the root so that the worker's scope is the whole site (RE-08).
    path("sw.js", service_worker, name="service_worker"),
    path("organisations/", include("ngos.urls")),
    path("", include("children.urls")),
    path("", include("imports.urls")),
    path("meetings/", include("meetings.urls")),
    path("reports/", include("reports.urls")),
    # The JSON API (docs/adr/0031-api.md); the offline app's /api/v1/sync/ comes before it.
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
