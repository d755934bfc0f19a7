"""Odd input from users is a clear 400 or a form error, never a server error (500)."""

import datetime
import json

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from casework.ids import parse_id
from tests import factories

pytestmark = pytest.mark.django_db
API = "/api/v1"
TOO_LONG_NAME = "x" * 300


def api_client_for(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


# A username longer than the sign-in log's column ---------------------------------------------


def test_a_too_long_username_on_the_token_api_is_a_clear_400(db):
    client = APIClient(raise_request_exception=False)

    response = client.post(f"{API}/auth/token/", {"username": TOO_LONG_NAME, "password": "whatever"}, format="json")

    assert response.status_code == 400
    assert "username" in response.json()


@pytest.mark.parametrize("page", ["login", "me:sign-in"])
def test_a_too_long_username_on_a_sign_in_page_is_a_form_error(db, page):
    client = Client(raise_request_exception=False)

    response = client.post(reverse(page), {"username": TOO_LONG_NAME, "password": "whatever"})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_too_long_username_leaves_no_broken_sign_in_log_row_even_past_the_forms(db, rf):
    # Any future sign-in route that forgets the length check still must not fail on axes' log.
    from django.contrib.auth import authenticate

    request = rf.post("/sign-in/")
    assert authenticate(request=request, username=TOO_LONG_NAME, password="whatever") is None


# Deeply nested JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_deeply_nested_json_is_a_clear_400(county, body):
    client = api_client_for(county.worker)
    for method, url in (
        ("post", f"{API}/visits/"),
        ("patch", reverse("api:child-about-me", args=[county.child.pk])),
    ):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        assert "nested" in response.json()["detail"]


def test_json_nested_a_little_still_parses(county):
    client = api_client_for(county.worker)
    body = '{"what_matters_to_me": "My dog", "extra": ' + "[" * 20 + "]" * 20 + "}"
    response = client.patch(reverse("api:child-about-me", args=[county.child.pk]), body, content_type="application/json")
    assert response.status_code == 200


# Ids that are digits to str.isdigit() but not to int() ------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("²", None), ("١٢", None), ("", None), ("-1", None), ("0", None), ("99999999999999999999", None), (None, None)],
)
def test_parse_id_accepts_only_plain_ascii_ids_in_range(value, expected):
    assert parse_id(value) == expected


def test_a_superscript_team_on_the_dashboard_pages_and_api_is_not_a_server_error(county):
    client = Client(raise_request_exception=False)
    client.force_login(county.head)
    for url in (reverse("casework:dashboard"), reverse("casework:dashboard-measure", args=["social-worker-changes"])):
        assert client.get(url, {"team": "²"}).status_code in (200, 400), url
    api = api_client_for(county.head)
    assert api.get(f"{API}/dashboard/", {"team": "²"}).status_code in (200, 400)


# Admin history pages ---------------------------------------------------------------------------


def test_every_admin_history_page_opens_for_those_who_may_see_it(county):
    county.head.is_staff = True
    county.head.save(update_fields=["is_staff"])
    factories.VisitFactory(child=county.child, author=county.worker)
    for user in (county.admin, county.head):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for model in admin.site._registry:
            obj = model._default_manager.order_by("pk").first()
            pk = obj.pk if obj is not None else 1  # the history page of a missing row is a 404, not a 500
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[pk])
            assert client.get(url).status_code in (200, 302, 403, 404), (user.username, url)


# Dates far outside any child's life ---------------------------------------------------------------


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31"])
def test_an_out_of_range_date_on_the_placement_measures_api_is_a_clear_400(county, on):
    response = api_client_for(county.manager).get(f"{API}/placement-measures/", {"on": on})

    assert response.status_code == 400
    assert "on" in response.json()


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31"])
def test_an_out_of_range_date_on_the_dashboard_api_is_a_clear_400(county, on):
    response = api_client_for(county.head).get(f"{API}/dashboard/", {"on": on})

    assert response.status_code == 400


def test_a_visit_form_refuses_a_year_one_date_with_a_clear_message(county):
    client = Client(raise_request_exception=False)
    client.force_login(county.worker)
    url = reverse("casework:visit-new", args=[county.child.pk])

    response = client.post(url, {"visit_type": "statutory", "visited_on": "0001-01-01", "observations": "Fine."})

    assert response.status_code == 200
    assert "Enter a date between 1 January 1900 and 31 December 2100." in response.content.decode()


def test_a_placement_decision_cannot_be_saved_with_a_year_one_date(county):
    from tests.placements import factories as placement_factories

    decision = placement_factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    client = api_client_for(county.worker)

    response = client.patch(f"{API}/placement-decisions/{decision.pk}/", {"move_on": "0001-01-01"}, format="json")

    assert response.status_code == 400
    assert "move_on" in response.json()
    decision.refresh_from_db()
    assert decision.move_on is None


# The range lives on the models' dates, so dates a serializer, form or admin page builds from the model
# are refused too (with the same message), not only the ones declared with casework's DateField.


@pytest.mark.parametrize("planned_on", ["0001-01-01", "9999-12-31"])
def test_a_sibling_session_sent_with_a_date_out_of_range_is_refused_and_nothing_is_saved(county, planned_on):
    arrangement = factories.SiblingContactArrangementFactory(child=county.child)
    body = {"arrangement": arrangement.pk, "planned_on": planned_on, "status": "planned"}

    response = api_client_for(county.worker).post(f"{API}/sibling-contact/sessions/", body, format="json")

    assert response.status_code == 400
    assert response.json()["planned_on"] == ["Enter a date between 1 January 1900 and 31 December 2100."]
    assert not arrangement.sessions.exists()


def test_a_visit_sent_in_year_one_is_refused(county):
    body = {
        "child": county.child.pk,
        "visit_type": "statutory",
        "visited_at": "0001-01-01T10:00:00Z",
        "idempotency_key": "6f0b1c1e-8d3a-4c61-9d8e-6c0b2a4c9b11",
    }

    response = api_client_for(county.worker).post(f"{API}/visits/", body, format="json")

    assert response.status_code == 400
    assert "visited_at" in response.json()


def test_the_admin_refuses_a_home_leaving_in_year_one(county):
    from placements.models import Home
    from tests.placements import factories as placement_factories

    home = placement_factories.HomeFactory()
    field = Home._meta.get_field("deregistered_on")
    with pytest.raises(ValidationError, match="between 1 January 1900"):
        field.clean(datetime.date(1, 1, 1), home)


def test_a_json_body_over_the_size_limit_is_a_400_and_nothing_is_saved(county, settings):
    # DRF reads JSON through request.body, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB in settings) holds.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"child": county.child.pk, "visit_type": "statutory", "observations": "x" * 2000})

    response = api_client_for(county.worker).post(f"{API}/visits/", body, content_type="application/json")

    assert response.status_code == 400
    assert not county.child.visits.exists()


# The admin: odd ids in its URLs and forms (found by tests/test_page_fuzz.py) ----------------------------


@pytest.mark.parametrize("path", ["child/abc/history/", "child/1/history/abc/", "team/²/history/", "visit/1/history/1.0/"])
def test_an_admin_history_page_with_an_id_that_is_not_a_number_is_a_404(county, path):
    county.head.is_staff = True
    county.head.save()
    for user in (county.admin, county.head):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        assert client.get(f"/admin/casework/{path}").status_code in (403, 404), (user.username, path)


def test_an_admin_change_page_with_an_empty_to_field_is_the_record(county):
    client = Client(raise_request_exception=False)
    client.force_login(county.admin)
    assert client.get(reverse("admin:casework_team_change", args=[county.team.pk]), {"_to_field": ""}).status_code == 200


def test_an_admin_action_on_ids_that_are_not_numbers_is_a_message_and_changes_nothing(county):
    client = Client(raise_request_exception=False)
    client.force_login(county.admin)
    url = reverse("admin:casework_team_changelist")
    response = client.post(url, {"action": "delete_selected", "_selected_action": ["abc", str(county.team.pk)]}, follow=True)
    assert response.status_code == 200
    assert "Choose records from the list" in response.content.decode()
    assert county.team.__class__.objects.filter(pk=county.team.pk).exists()
