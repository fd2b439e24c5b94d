from django.urls import path

from .views import directory, exports, profile, staff, verification

app_name = "ngos"

urlpatterns = [
    path("", directory.directory, name="directory"),
    path("export.xlsx", exports.directory_export, {"fmt": "xlsx"}, name="directory_export_xlsx"),
    path("export.csv", exports.directory_export, {"fmt": "csv"}, name="directory_export_csv"),
    path("coverage/", directory.coverage_table, name="coverage"),
    path("<int:pk>/", directory.detail, name="detail"),
    path("<int:pk>/logo/", directory.logo, name="logo"),
    path("<int:pk>/edit/", profile.profile_edit, name="profile_edit"),
    path("<int:pk>/history/", profile.history, name="history"),
    path("<int:pk>/verify/", verification.verify, name="verify"),
    path("<int:pk>/suspend/", verification.suspend, name="suspend"),
    path("<int:pk>/reinstate/", verification.reinstate, name="reinstate"),
    path("<int:pk>/staff/", staff.staff_list, name="staff_list"),
    path("<int:pk>/staff/invite/", staff.staff_invite_view, name="staff_invite"),
    path("<int:pk>/staff/second-approver/", staff.second_approver, name="second_approver"),
    path("<int:pk>/staff/<int:member_pk>/", staff.staff_edit, name="staff_edit"),
    path(
        "<int:pk>/staff/<int:member_pk>/deactivate/",
        staff.staff_deactivate_view,
        name="staff_deactivate",
    ),
    path(
        "<int:pk>/staff/<int:member_pk>/reactivate/",
        staff.staff_reactivate_view,
        name="staff_reactivate",
    ),
    path(
        "<int:pk>/staff/<int:member_pk>/resend/",
        staff.staff_resend_view,
        name="staff_resend_invitation",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        staff.invitation_accept_view,
        name="invitation_accept",
    ),
]
