"""How django-axes names the username it logs and locks for every sign-in (pages, the child's page, the API)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import timezone

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


def record_sign_in_time(sender: type[Any], request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Django's update_last_login, without a save(): the account's history keeps changes to who may see
    what, not a row for every sign-in (axes' log has those)."""
    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


def connect() -> None:
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(record_sign_in_time, dispatch_uid="casework.sign_in.record_sign_in_time")
