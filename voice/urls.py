from django.urls import path

from voice import views

app_name = "voice"

urlpatterns = [
    path("visits/<int:visit_id>/upload/", views.upload, name="upload"),
    path("visits/<int:visit_id>/voice-sections/", views.move_sentences, name="move-sentences"),
    path("recordings/<int:recording_id>/audio/", views.audio, name="audio"),
    path("recordings/<int:recording_id>/retry/", views.retry, name="retry"),
]
