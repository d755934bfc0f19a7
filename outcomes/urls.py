"""Pages of the outcomes app, included by config/urls.py under /outcomes/."""

from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("children/<int:child_id>/stars/new/", views.star_new, name="star-new"),
    path("stars/<int:star_id>/", views.star_detail, name="star-detail"),
    path("stars/<int:star_id>/check-ins/new/", views.check_in_new, name="check-in-new"),
    path("stars/<int:star_id>/areas/", views.star_areas, name="star-areas"),
    path("areas/<int:area_id>/rename/", views.star_area_rename, name="area-rename"),
    path("areas/<int:area_id>/retire/", views.star_area_retire, name="area-retire"),
]
