"""Hearth's URLs: staff pages, the API under /api/v1/, and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from outcomes import urls as outcomes_urls
from voice import views as voice_views

api_v1: list[URLPattern | URLResolver] = [
    path("", include("casework.api_urls")),
    path("", include("voice.api_urls")),
    path("", include("placements.api_urls")),
    path("", include("outcomes.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the Content Security Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

# A database outage is a clear 503 page (or JSON under /api/), not a stack trace.
handler500 = "casework.views.server_error"

urlpatterns = [
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("voice/", include("voice.urls")),
    path("placements/", include("placements.urls")),
    path("outcomes/", include("outcomes.urls")),
    # A child's own pages: their star (outcomes) under /me/star/, everything else from casework.
    path("me/star/", include((outcomes_urls.child_urls, "my-star"))),
    path("me/", include("casework.me.urls")),
    path("sw.js", voice_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", voice_views.manifest, name="manifest"),
    path("api/v1/", include((api_v1, "api"))),
    path("", include("casework.urls")),
]
