"""Hearth's URLs: staff pages, the API under /api/v1/, and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from voice import views as voice_views

api_v1 = [
    path("", include("casework.api_urls")),
    path("", include("voice.api_urls")),
    path("", include("placements.api_urls")),
    path("", include("outcomes.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("voice/", include("voice.urls")),
    path("placements/", include("placements.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("sw.js", voice_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", voice_views.manifest, name="manifest"),
    path("api/v1/", include((api_v1, "api"))),
    path("", include("casework.urls")),
]
