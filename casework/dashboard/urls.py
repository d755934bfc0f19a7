"""The dashboard's pages, included by casework/urls.py under /dashboard/ (in the "casework" namespace)."""

from django.urls import path

from casework.dashboard import views

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("<slug:key>/", views.dashboard_measure, name="dashboard-measure"),
    path("<slug:key>/export.csv", views.dashboard_measure_csv, name="dashboard-measure-csv"),
    path("<slug:key>/children/", views.dashboard_children, name="dashboard-children"),
    path("<slug:key>/children.csv", views.dashboard_children_csv, name="dashboard-children-csv"),
]
