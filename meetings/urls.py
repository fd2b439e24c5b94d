from django.urls import path

from . import exports, views

app_name = "meetings"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/close/", views.group_close, name="group_close"),
    path("groups/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/documents/", views.meeting_document_add, name="meeting_document_add"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:pk>/minutes/correct/", views.minutes_correct, name="minutes_correct"),
    path("<int:pk>/minutes.html", views.minutes_html, name="minutes_html"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/resolutions/new/", views.resolution_add, name="resolution_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("resolutions/<int:pk>/", views.resolution_detail, name="resolution_detail"),
    path("resolutions/<int:pk>/progress/", views.resolution_progress, name="resolution_progress"),
    path("resolutions/<int:pk>/done/", views.resolution_done, name="resolution_done"),
    path("resolutions/<int:pk>/confirm/", views.resolution_confirm, name="resolution_confirm"),
    path("resolutions/<int:pk>/reopen/", views.resolution_reopen, name="resolution_reopen"),
    path("resolutions/<int:pk>/drop/", views.resolution_drop, name="resolution_drop"),
    path("tracker/", views.tracker, name="tracker"),
    path(
        "tracker/export.xlsx", exports.tracker_export, {"fmt": "xlsx"}, name="tracker_export_xlsx"
    ),
    path("tracker/export.csv", exports.tracker_export, {"fmt": "csv"}, name="tracker_export_csv"),
]
