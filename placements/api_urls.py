"""The placements API, included by config/urls.py under /api/v1/."""

urlpatterns: list = []
