from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", views.import_status, name="import_status"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/likely/", views.import_likely_decide, name="import_likely_decide"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("imports/template/<slug:lang>.<slug:fmt>", views.import_template, name="import_template"),
    path(
        "imports/template/<slug:kind>/<slug:lang>.<slug:fmt>",
        views.import_template,
        name="import_template_kind",
    ),
]
