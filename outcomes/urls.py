"""Pages of the outcomes app, included by config/urls.py under /outcomes/."""

from django.urls import path  # noqa: F401

app_name = "outcomes"

urlpatterns: list = []
