"""The pages a child or young person uses, included by config/urls.py under /me/ (namespace "me")."""

from django.urls import path

from casework import child_pages

app_name = "me"

urlpatterns = [
    path("", child_pages.journey, name="journey"),
    path("join/", child_pages.join, name="join"),
    path("sign-in/", child_pages.ChildSignInView.as_view(), name="sign-in"),
    path("sign-out/", child_pages.ChildSignOutView.as_view(), name="sign-out"),
    path("words/", child_pages.words, name="words"),
    path("records/", child_pages.records, name="records"),
    path("records/<int:shared_record_id>/", child_pages.record_detail, name="record"),
]
