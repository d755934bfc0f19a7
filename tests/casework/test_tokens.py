"""API tokens end (issue 18): after a session's length unused, on sign-out, and when who may see what changes."""

import datetime

from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from casework import codes, services
from tests import factories
from tests.conftest import County


def url(name: str) -> str:
    return reverse(f"api:{name}")


def signed_in(username: str) -> tuple[APIClient, str]:
    client = APIClient()
    response = client.post(url("token"), {"username": username, "password": factories.PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client, response.json()["token"]


def works(client: APIClient) -> bool:
    status = client.get(url("child-list")).status_code
    assert status in (200, 401), status
    return status == 200


def test_only_a_hash_of_the_token_is_kept_and_its_expiry_is_a_session_away(county: County) -> None:
    client, text = signed_in("sw.north")
    token = AuthToken.objects.get(user=county.worker)
    assert text not in (token.digest, token.token_key)
    assert token.expiry is not None
    assert datetime.timedelta(minutes=29) < token.expiry - timezone.now() <= datetime.timedelta(minutes=30)
    assert works(client)


def test_a_token_stops_working_once_it_expires(county: County) -> None:
    client, _ = signed_in("sw.north")
    AuthToken.objects.filter(user=county.worker).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert not works(client)
    assert not AuthToken.objects.filter(user=county.worker).exists()


def test_using_a_token_moves_its_expiry_on_but_not_past_a_working_day(county: County) -> None:
    client, _ = signed_in("sw.north")
    soon = timezone.now() + datetime.timedelta(minutes=5)
    AuthToken.objects.filter(user=county.worker).update(expiry=soon)
    assert works(client)
    assert AuthToken.objects.get(user=county.worker).expiry > soon + datetime.timedelta(minutes=20)
    AuthToken.objects.filter(user=county.worker).update(created=timezone.now() - datetime.timedelta(hours=10), expiry=soon)
    assert works(client)
    assert AuthToken.objects.get(user=county.worker).expiry <= soon


def test_signing_out_ends_that_token_only_and_signing_out_everywhere_ends_them_all(county: County) -> None:
    phone, _ = signed_in("sw.north")
    laptop, _ = signed_in("sw.north")
    assert phone.post(url("token-end")).status_code == 204
    assert not works(phone)
    assert works(laptop)
    other, _ = signed_in("sw.north")
    assert laptop.post(url("tokens-end")).status_code == 204
    assert not works(laptop)
    assert not works(other)


def test_suspending_a_childs_account_ends_their_token(county: County) -> None:
    account = factories.ChildAccountFactory(child=county.child)
    client, _ = signed_in(account.user.username)
    assert client.get(url("my-record-list")).status_code == 200
    services.child_account_suspend(child=county.child, actor=county.worker, reason="Shared the password at school.")
    assert client.get(url("my-record-list")).status_code == 401
    assert not AuthToken.objects.filter(user=account.user).exists()


def test_a_change_of_role_or_team_or_deactivation_ends_the_tokens(county: County) -> None:
    for change in (
        {"role": codes.Role.TEAM_MANAGER},
        {"team": county.other_team},
        {"is_active": False},
    ):
        worker = factories.UserFactory(team=county.team)
        client, _ = signed_in(worker.username)
        assert works(client)
        for field, value in change.items():
            setattr(worker, field, value)
        worker.save()
        assert not works(client), change


def test_an_unrelated_change_to_the_account_keeps_the_token(county: County) -> None:
    client, _ = signed_in("sw.north")
    county.worker.job_title = "Senior practitioner"
    county.worker.save()
    assert works(client)


def test_a_new_token_ends_the_oldest_beyond_five(county: County) -> None:
    first, _ = signed_in("sw.north")
    for _ in range(5):
        signed_in("sw.north")
    assert AuthToken.objects.filter(user=county.worker).count() == 5
    assert not works(first)


def test_a_token_that_is_not_utf8_is_a_wrong_token_not_a_server_error(county: County) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token \xff\xfe")
    assert client.get(url("child-list")).status_code == 401
