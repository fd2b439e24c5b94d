"""The offline app's API paths, mounted by config/urls.py before any other `api/` include."""

from django.urls import path

from . import api

app_name = "offline"

urlpatterns = [
    path("sync/", api.sync, name="sync"),
    path("offline/bundle/", api.bundle, name="bundle"),
]
