"""The placements API, included by config/urls.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from placements import apis

router = SimpleRouter(use_regex_path=False)
router.register("homes", apis.HomeViewSet, basename="home")
router.register("placement-episodes", apis.PlacementEpisodeViewSet, basename="placement-episode")
router.register("placement-decisions", apis.PlacementDecisionViewSet, basename="placement-decision")
router.register("adoption-decisions", apis.AdoptionDecisionViewSet, basename="adoption-decision")
router.register("adoptions", apis.AdoptionViewSet, basename="adoption")
router.register("previous-permanence", apis.PreviousPermanenceViewSet, basename="previous-permanence")

urlpatterns = [
    path("placement-measures/", apis.MeasuresApi.as_view(), name="placement-measures"),
    path("ssda903/", apis.Ssda903Api.as_view(), name="ssda903"),
    path("ssda903/checks/", apis.ReturnCheckApi.as_view(), name="ssda903-checks"),
    path("ssda903/checks/latest/", apis.ReturnCheckLatestApi.as_view(), name="ssda903-check-latest"),
    *router.urls,
]
