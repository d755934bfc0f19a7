"""The voice API, included by config/urls.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from voice import apis

router = SimpleRouter(use_regex_path=False)
router.register("recordings", apis.RecordingViewSet, basename="recording")

urlpatterns = [
    path("visits/<int:visit_id>/recordings/", apis.RecordingUploadApi.as_view(), name="visit-recordings"),
    *router.urls,
]
