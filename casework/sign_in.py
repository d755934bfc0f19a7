"""How django-axes names the username it logs and locks for every sign-in (pages, the child's page, the API)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

# axes keeps usernames in varchar(255) columns; a longer one would make the sign-in a server error.
AXES_USERNAME_LENGTH = 255


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username tried (axes' own rule: the credentials, else the posted form), cut to fit its log.

    Cutting is safe: no account's username is longer than 150 characters, so a longer one never signs in,
    and it is locked out like any other wrong name."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    data = credentials if credentials else getattr(request, "data", request.POST)
    username = data.get(field)
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username
