"""The project's URLs. Each app owns its own urls module; admin is for administrators only."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# Django admin only for a session verified with the second factor (AC-10).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("core.urls")),
    path("organisations/", include("ngos.urls")),
    path("", include("children.urls")),
    path("", include("imports.urls")),
    path("meetings/", include("meetings.urls")),
    path("reports/", include("reports.urls")),
    # The JSON API (docs/adr/0031-api.md); the offline app's /api/v1/sync/ comes before it.
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
