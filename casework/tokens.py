"""API tokens that end, as sessions do (issue 18): django-rest-knox keeps only a hash of each token, each
use pushes its expiry back by a session's length up to a working day after it was made (REST_KNOX in
settings), and a token ends when its owner signs out, is suspended or deactivated, or changes role or team.

Ending tokens on those changes lives on the User model's save, where every one of them starts (the admin,
the child's worker suspending an account, a script), not in each place that makes one."""

from typing import Any

from django.db.models.signals import pre_save
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from casework.models import User

# Live tokens one account may hold (a phone, a laptop, a script or two); a new one ends the oldest.
TOKENS_PER_USER = 5
# What a change to any of these changes: who may see what. A token made before it must not outlive it.
ACCESS_FIELDS = ("role", "team_id", "is_active")


class TokenAuthentication(KnoxTokenAuthentication):  # type: ignore[misc]  # knox has no type hints
    """Knox's, with a token that is not UTF-8 answered as a wrong token (knox would raise UnicodeDecodeError)."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)  # type: ignore[no-any-return]


def token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new token for a signed-in user, and its text (shown once: only its hash is kept)."""
    instance, text = AuthToken.objects.create(user=user)
    older = AuthToken.objects.filter(user=user).order_by("-created").values_list("digest", flat=True)[TOKENS_PER_USER:]
    AuthToken.objects.filter(digest__in=list(older)).delete()
    return instance, text


def tokens_end(*, user: User) -> int:
    """Ends every API token the user holds; returns how many there were."""
    ended: int = AuthToken.objects.filter(user=user).delete()[0]
    return ended


def end_tokens_when_access_changes(
    sender: type[User], instance: User, raw: bool = False, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"role", "team", "team_id", "is_active"} & update_fields:
        return  # e.g. the last sign-in time, saved on every sign-in
    before = User.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS).first()
    if before is not None and any(before[field] != getattr(instance, field) for field in ACCESS_FIELDS):
        tokens_end(user=instance)


def connect() -> None:
    pre_save.connect(end_tokens_when_access_changes, sender=User, dispatch_uid="casework.tokens.access_changes")


class TokenScheme(OpenApiAuthenticationExtension):
    """How the API docs describe the token: `Authorization: Token <token>`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 - a scheme name
