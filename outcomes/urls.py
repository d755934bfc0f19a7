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

# The child's own star, included by config/urls.py under /me/star/ (namespace "my-star").
child_urls = [
    path("", views.my_stars, name="stars"),
    path("<int:star_id>/", views.my_star, name="star"),
    path("<int:star_id>/check-in/", views.my_check_in_new, name="check-in-new"),
    path("<int:star_id>/areas/", views.my_star_areas, name="areas"),
    path("areas/<int:area_id>/rename/", views.my_area_rename, name="area-rename"),
    path("check-ins/<int:check_in_id>/", views.my_check_in, name="check-in"),
]
