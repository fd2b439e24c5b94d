from django.urls import path

from . import views

app_name = "ngos"

urlpatterns = [
    path("<int:pk>/staff/", views.staff_list, name="staff_list"),
]
