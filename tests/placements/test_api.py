"""The placements API: the ladder rules hold through it, access for every endpoint, and query counts."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from placements import services
from tests.placements import factories
from tests.placements.conftest import ready_decision, residential_ready

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
API = "/api/v1"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_decision(client: APIClient, child_id: int):
    return client.post(f"{API}/placement-decisions/", {"child": child_id, "why_needed": "Carers retiring."}, format="json")


def test_a_worker_walks_down_the_ladder_through_the_api(county, homes):
    client = client_for(county.worker)
    decision = new_decision(client, county.child.pk).json()
    url = f"{API}/placement-decisions/{decision['id']}"
    assert client.post(f"{url}/choose/", {"rung": 2}, format="json").status_code == 400  # own family not ruled out
    response = client.post(f"{url}/rung/", {"rung": 1, "why_not": "safety", "detail": "Not safe."}, format="json")
    assert response.status_code == 200 and response.json()["rungs"][0]["why_not"] == "safety"
    response = client.post(f"{url}/choose/", {"rung": 2}, format="json")
    assert response.status_code == 200 and response.json()["chosen_rung"] == 2


def test_the_api_cannot_set_the_rung_directly(county, homes):
    client = client_for(county.worker)
    decision = new_decision(client, county.child.pk).json()
    client.patch(f"{API}/placement-decisions/{decision['id']}/", {"chosen_rung": 5}, format="json")
    assert client.get(f"{API}/placement-decisions/{decision['id']}/").json()["chosen_rung"] is None


def test_a_social_worker_cannot_approve_through_the_api(county, homes):
    decision = services.decision_submit(decision=ready_decision(county, homes), actor=county.worker)
    response = client_for(county.worker).post(f"{API}/placement-decisions/{decision.pk}/approve/")
    assert response.status_code == 403
    response = client_for(county.manager).post(f"{API}/placement-decisions/{decision.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"ror_outcome": ""}, "ror_outcome"),
        ({"step_down_review_on": TODAY() + datetime.timedelta(weeks=13)}, "step_down_review_on"),
    ],
)
def test_residential_rules_hold_through_the_api(county, homes, fields, error):
    decision = residential_ready(county, homes, **fields)
    response = client_for(county.worker).post(f"{API}/placement-decisions/{decision.pk}/submit/")
    assert response.status_code == 400 and error in response.json()


def test_residential_without_a_head_of_service_stays_unapproved(county, homes):
    decision = services.decision_submit(decision=residential_ready(county, homes), actor=county.worker)
    response = client_for(county.manager).post(f"{API}/placement-decisions/{decision.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "submitted" and response.json()["episode"] is None


def test_overlapping_homes_and_care_ending_before_the_home_are_refused(county, homes):
    client = client_for(county.worker)
    url = f"{API}/placement-episodes/children/{county.child.pk}"
    ten_days_ago = (TODAY() - datetime.timedelta(days=10)).isoformat()
    factories.approved_decision(county.child, homes[3], county.worker)
    assert client.post(f"{url}/start/", {"home": homes[3].pk, "started_on": ten_days_ago}, format="json").status_code == 201
    earlier = (TODAY() - datetime.timedelta(days=20)).isoformat()
    response = client.post(f"{url}/start/", {"home": homes[2].pk, "started_on": earlier, "reason_place_change": "CARPL"})
    assert response.status_code == 400 and "started_on" in response.json()
    response = client.post(f"{url}/end-care/", {"ended_on": earlier, "rec_code": "E4A"}, format="json")
    assert response.status_code == 400 and "ended_on" in response.json()


def child_endpoints(county, homes) -> list[tuple[str, str, dict]]:
    decision = ready_decision(county, homes)
    d = f"{API}/placement-decisions/{decision.pk}"
    c = f"{API}/placement-episodes/children/{county.child.pk}"
    return [
        ("get", f"{d}/", {}),
        ("patch", f"{d}/", {"needs": "x"}),
        ("post", f"{d}/rung/", {"rung": 1, "why_not": "safety", "detail": "x"}),
        ("post", f"{d}/choose/", {"rung": 3}),
        ("post", f"{d}/submit/", {}),
        ("post", f"{c}/start/", {"home": homes[2].pk, "started_on": TODAY().isoformat()}),
        ("post", f"{c}/end-care/", {"ended_on": TODAY().isoformat(), "rec_code": "E4A"}),
    ]


@pytest.mark.parametrize("outsider", ["other_worker", "other_manager", "admin"])
def test_outsiders_get_not_found_on_every_child_endpoint(county, homes, outsider):
    client = client_for(getattr(county, outsider))
    for method, url, data in child_endpoints(county, homes):
        assert getattr(client, method)(url, data, format="json").status_code == 404, url
    assert client.get(f"{API}/placement-episodes/", {"child": county.child.pk}).json()["count"] == 0
    assert client.get(f"{API}/placement-decisions/", {"child": county.child.pk}).json()["count"] == 0


def test_a_same_team_worker_reads_but_cannot_write(county, homes):
    client = client_for(county.teammate)
    for method, url, data in child_endpoints(county, homes):
        expected = 200 if method == "get" else 403
        assert getattr(client, method)(url, data, format="json").status_code == expected, url
    assert new_decision(client, county.child.pk).status_code == 403


def test_measures_are_for_managers_and_the_903_for_heads_of_service(county, homes):
    assert client_for(county.worker).get(f"{API}/placement-measures/").status_code == 403
    assert client_for(county.manager).get(f"{API}/placement-measures/").status_code == 200
    for user in (county.worker, county.manager, county.admin):
        assert client_for(user).get(f"{API}/ssda903/", {"year": 2024}).status_code == 403
    response = client_for(county.head).get(f"{API}/ssda903/", {"year": 2024, "table": "header"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0] == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"


def test_anonymous_requests_are_refused(county, homes):
    for url in (f"{API}/homes/", f"{API}/placement-episodes/", f"{API}/placement-decisions/", f"{API}/placement-measures/"):
        assert APIClient().get(url).status_code in (401, 403)


def test_lists_take_a_fixed_number_of_queries(county, homes, django_assert_max_num_queries):
    for _ in range(5):
        factories.HomeFactory()
        ready_decision(county, homes).delete()
    for i, rung in enumerate((3, 2, 4)):
        factories.move(county.child, homes[rung], TODAY() - datetime.timedelta(days=30 - i), county.worker, reason="CARPL")
    ready_decision(county, homes)
    ready_decision(county, homes)
    client = client_for(county.head)
    for url, at_most in ((f"{API}/homes/", 4), (f"{API}/placement-episodes/", 4), (f"{API}/placement-decisions/", 5)):
        with django_assert_max_num_queries(at_most):
            response = client.get(url)
        assert response.status_code == 200 and response.json()["count"] >= 2
