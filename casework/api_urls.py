"""The casework API, included by config/urls.py under /api/v1/ in the `api` namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from casework import apis

router = SimpleRouter(use_regex_path=False)  # so ids use the int converter (see CaseworkViewSet)
router.register("children", apis.ChildViewSet, basename="child")
router.register("allocations", apis.AllocationViewSet, basename="allocation")
router.register("visits", apis.VisitViewSet, basename="visit")
router.register("case-notes", apis.CaseNoteViewSet, basename="case-note")
router.register("sibling-contact/arrangements", apis.SiblingContactArrangementViewSet, basename="sibling-contact-arrangement")
router.register("sibling-contact/sessions", apis.SiblingContactSessionViewSet, basename="sibling-contact-session")
router.register("reviews", apis.ReviewViewSet, basename="review")
router.register("missing-episodes", apis.MissingEpisodeViewSet, basename="missing-episode")
router.register("corrections", apis.CorrectionViewSet, basename="correction")
router.register("me/records", apis.MyRecordViewSet, basename="my-record")

urlpatterns = [
    path("auth/token/", apis.TokenObtainApi.as_view(), name="token"),
    path("auth/sign-out/", apis.TokenEndApi.as_view(), name="token-end"),
    path("auth/sign-out-everywhere/", apis.TokensEndApi.as_view(), name="tokens-end"),
    path("dashboard/", apis.DashboardApi.as_view(), name="dashboard"),
    path("dashboard/<slug:key>/", apis.DashboardMeasureApi.as_view(), name="dashboard-measure"),
    path("dashboard/<slug:key>/children/", apis.DashboardChildrenApi.as_view(), name="dashboard-children"),
    path("children/<int:child_id>/family/", apis.ChildFamilyApi.as_view(), name="child-family"),
    path("family/<int:member_id>/", apis.FamilyMemberApi.as_view(), name="family-member"),
    path("me/words/", apis.MyWordsApi.as_view(), name="my-words"),
    *router.urls,
]
