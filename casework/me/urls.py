"""The pages a child or young person uses, included by config/urls.py under /me/ (namespace "me")."""

from django.urls import path

from casework.me import views

app_name = "me"

urlpatterns = [
    path("", views.journey, name="journey"),
    path("join/", views.join, name="join"),
    path("sign-in/", views.ChildSignInView.as_view(), name="sign-in"),
    path("sign-out/", views.ChildSignOutView.as_view(), name="sign-out"),
    path("words/", views.words, name="words"),
    path("records/", views.records, name="records"),
    path("records/<int:shared_record_id>/", views.record_detail, name="record"),
]
