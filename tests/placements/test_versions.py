"""Two people saving the same placement decision: the second is told who changed it and when, and loses nothing."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from placements import codes
from placements.models import PlacementDecision
from tests.placements import factories


def checklist_post(decision: PlacementDecision, **answers: str) -> dict[str, str]:
    """The checklist page's form as it was when the page was opened, with some answers changed."""
    data = {stem: getattr(decision, stem) for stem, _ in codes.CHECKLIST}
    data |= {f"{stem}_reason": getattr(decision, f"{stem}_reason") for stem, _ in codes.CHECKLIST}
    return data | {"version": decision.updated_at.isoformat()} | answers


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_second_person_saving_the_checklist_is_told_who_changed_it_and_keeps_their_answers(county):
    decision = factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    url = reverse("placements:decision-checklist", args=[decision.pk])
    # Both open the page: each form carries the version it showed.
    assert signed_in(county.worker).get(url).content.decode().count(decision.updated_at.isoformat()) == 1
    first = checklist_post(decision, near_home="no", near_home_reason="Nearest carers are 40 miles away.")
    second = checklist_post(decision, in_area="no", in_area_reason="Second worker's reason, typed at length.")

    assert signed_in(county.worker).post(url, first).status_code == 302
    response = signed_in(county.manager).post(url, second)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"This record was changed by {county.worker} at" in page
    assert "Your changes have not been saved; they are shown below so you can copy them." in page
    assert "Second worker&#x27;s reason, typed at length." in page
    decision.refresh_from_db()
    assert (decision.near_home, decision.in_area) == ("no", codes.Answer.YES)
    assert decision.near_home_reason == "Nearest carers are 40 miles away."


def test_the_api_answers_409_to_a_decision_change_from_an_old_version(county):
    decision = factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    worker, manager = APIClient(), APIClient()
    worker.force_authenticate(county.worker)
    manager.force_authenticate(county.manager)
    url = f"/api/v1/placement-decisions/{decision.pk}/"
    read = manager.get(url).json()["updated_at"]

    saved = worker.patch(url, {"needs": "A quiet home.", "version": read}, format="json")
    refused = manager.patch(url, {"needs": "A big family.", "version": read}, format="json")

    assert saved.status_code == 200
    assert refused.status_code == 409
    assert refused.json()["changed_by"] == str(county.worker)
    assert refused.json()["updated_at"] == saved.json()["updated_at"]
    decision.refresh_from_db()
    assert decision.needs == "A quiet home."
    again = manager.patch(url, {"needs": "Both.", "version": saved.json()["updated_at"]}, format="json")
    assert again.status_code == 200
