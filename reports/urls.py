from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    # The organisation dashboard for managers (live figures of their own organisation).
    path("organisation/", views.organisation_dashboard, name="organisation_dashboard"),
]
