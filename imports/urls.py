from django.urls import path

from . import views, word_views

app_name = "imports"

urlpatterns = [
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", views.import_status, name="import_status"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/likely/", views.import_likely_decide, name="import_likely_decide"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("imports/<int:pk>/changes.xlsx", views.import_changes, name="import_changes"),
    path("imports/<int:pk>/values/", word_views.import_values, name="import_values"),
    path("imports/words/<int:pk>/", word_views.value_word_edit, name="value_word_edit"),
    path("imports/words/<int:pk>/delete/", word_views.value_word_remove, name="value_word_delete"),
    path("imports/template/<slug:lang>.<slug:fmt>", views.import_template, name="import_template"),
    path(
        "imports/template/<slug:kind>/<slug:lang>.<slug:fmt>",
        views.import_template,
        name="import_template_kind",
    ),
]
