"""The outcomes API, included by config/urls.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from outcomes import apis

router = SimpleRouter(use_regex_path=False)  # ids use the int converter (see casework.apis.CaseworkViewSet)
router.register("outcome-templates", apis.StarTemplateViewSet, basename="star-template")
router.register("stars", apis.StarViewSet, basename="star")
router.register("star-areas", apis.StarAreaViewSet, basename="star-area")
router.register("check-ins", apis.CheckInViewSet, basename="check-in")

urlpatterns = [
    path("outcome-figures/", apis.OutcomeFiguresApi.as_view(), name="outcome-figures"),
    *router.urls,
]
