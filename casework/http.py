"""The requests of a signed-in user, typed so that `request.user` is a Hearth `User`.

Pages behind `login_required` take a `SignedInRequest`. Every API view requires a signed-in user
(IsAuthenticated is the default permission), so API views declare `request: ApiRequest`. Types only:
Django and DRF build the real request objects."""

from django.http import HttpRequest
from rest_framework.request import Request

from casework.models import User


class SignedInRequest(HttpRequest):
    user: User


class ApiRequest(Request):
    user: User
