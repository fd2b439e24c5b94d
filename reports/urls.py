from django.urls import path

from . import views
from .views import documents as document_views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("ask/", views.report_ask, name="report_ask"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/rebuild/", views.report_rebuild, name="report_rebuild"),
    path("<int:pk>/file.<str:fmt>", views.report_file, name="report_file"),
    # The ministry dashboard (national, or one province for a provincial officer).
    path("dashboard/", views.national_dashboard, name="national_dashboard"),
    path("dashboard/export.<str:fmt>", views.national_export, name="national_export"),
    path(
        "dashboard/document-policy/",
        document_views.document_policy_figures,
        name="document_policy_figures",
    ),
    # Overdue referrals per organisation, counts only (docs/adr/0039).
    path(
        "dashboard/overdue-referrals/",
        views.overdue_referrals_view,
        name="overdue_referrals",
    ),
    # The organisation dashboard for managers (live figures of their own organisation).
    path("organisation/", views.organisation_dashboard, name="organisation_dashboard"),
]
