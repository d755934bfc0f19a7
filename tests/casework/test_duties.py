"""Separation of duties and the trail it leaves (issue 18): only a head of service grants a role that sees
case content, nobody changes their own access, every change to an account, team, home or provider is in
its history with who and why, children's sign-ins stay out of the admin, and nothing is cached."""

from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessLog
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from casework import codes
from casework.models import User
from tests import factories
from tests.conftest import County
from tests.placements import factories as placement_factories

pytestmark = pytest.mark.django_db


def in_admin(user: User) -> User:
    user.is_staff = True
    user.save()
    return user


def form_data(client: Client, url: str) -> dict[str, Any]:
    """The admin form's fields as the page shows them, ready to post back (readonly fields are not in it)."""
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value) or ()):
                data[f"{name}_{index}"] = part or ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "" if value is None else value
    return data


def change(client: Client, user: User, **fields: Any) -> Any:
    url = reverse("admin:casework_user_change", args=[user.pk])
    return client.post(url, {**form_data(client, url), **fields})


def test_an_administrator_cannot_give_themselves_a_role_that_sees_case_content(client: Client, county: County) -> None:
    client.force_login(county.admin)
    change(client, county.admin, role=codes.Role.HEAD_OF_SERVICE, change_reason="I need to see everything")
    county.admin.refresh_from_db()
    assert county.admin.role == codes.Role.ADMINISTRATOR


def test_an_administrator_cannot_give_anyone_a_case_role_nor_change_a_workers_role_or_team(
    client: Client, county: County
) -> None:
    client.force_login(county.admin)
    add = reverse("admin:casework_user_add")
    password = "a long enough pass 1"
    page = client.post(add, {"username": "new.sw", "password1": password, "password2": password, "role": "social_worker"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert not User.objects.filter(username="new.sw").exists()

    change(client, county.worker, role=codes.Role.HEAD_OF_SERVICE, team=county.other_team.pk, change_reason="Moving")
    county.worker.refresh_from_db()
    assert (county.worker.role, county.worker.team) == (codes.Role.SOCIAL_WORKER, county.team)
    # Nor set a worker's password, which would let them sign in as the worker.
    assert client.get(reverse("admin:auth_user_password_change", args=[county.worker.pk])).status_code == 403


def test_nobody_changes_their_own_role_or_team_not_even_a_head_of_service(client: Client, county: County) -> None:
    head = in_admin(county.head)
    client.force_login(head)
    change(client, head, role=codes.Role.ADMINISTRATOR, team=county.team.pk, change_reason="Just because")
    head.refresh_from_db()
    assert (head.role, head.team) == (codes.Role.HEAD_OF_SERVICE, None)


def test_a_head_of_service_grants_a_role_saying_why_and_the_history_keeps_who_and_why(client: Client, county: County) -> None:
    head = in_admin(county.head)
    client.force_login(head)
    page = change(client, county.worker, role=codes.Role.TEAM_MANAGER)
    assert page.status_code == 200
    assert "Say why the role, team or access changes." in page.content.decode()

    change(client, county.worker, role=codes.Role.TEAM_MANAGER, change_reason="Promoted to team manager, North")
    county.worker.refresh_from_db()
    assert county.worker.role == codes.Role.TEAM_MANAGER
    latest = county.worker.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (head, "Promoted to team manager, North")
    assert latest.prev_record.role == codes.Role.SOCIAL_WORKER
    history = client.get(reverse("admin:casework_user_history", args=[county.worker.pk]))
    assert "Promoted to team manager, North" in history.content.decode()


def test_signing_in_leaves_no_history_row_on_the_account(client: Client, county: County) -> None:
    before = county.worker.history.count()
    assert client.post(reverse("login"), {"username": "sw.north", "password": factories.PASSWORD}).status_code == 302
    county.worker.refresh_from_db()
    assert county.worker.last_login is not None
    assert county.worker.history.count() == before


def test_a_childs_sign_ins_are_not_in_the_admins_sign_in_log(client: Client, county: County) -> None:
    account = factories.ChildAccountFactory(child=county.child, user__username="young.sign.in")
    for username in ("young.sign.in", "sw.north"):
        AccessLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="phone")
    client.force_login(county.admin)
    body = client.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert "sw.north" in body
    assert account.user.username not in body


def test_a_homes_cost_change_is_in_its_history(client: Client, county: County) -> None:
    home = placement_factories.HomeFactory(weekly_cost=Decimal("900.00"))
    home.weekly_cost = Decimal("1250.00")
    home.save()
    costs = [row.weekly_cost for row in home.history.all()]
    assert costs == [Decimal("1250.00"), Decimal("900.00")]
    client.force_login(county.admin)
    assert client.get(reverse("admin:placements_home_history", args=[home.pk])).status_code == 200
    assert client.get(reverse("admin:casework_team_history", args=[county.team.pk])).status_code == 200


def test_case_pages_and_api_answers_say_no_store(client: Client, county: County) -> None:
    client.force_login(county.worker)
    for url in (reverse("casework:child-detail", args=[county.child.pk]), f"/api/v1/children/{county.child.pk}/", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
