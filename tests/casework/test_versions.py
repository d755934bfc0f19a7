"""Two people saving the same visit: the second is told who changed it and when, and loses nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework import codes, services
from casework.forms import VisitForm
from casework.models import Visit
from casework.versions import RecordChanged
from tests import factories


def form_data(visit: Visit, **changes: str) -> dict[str, str]:
    """What the edit page's form would post, as the page showed it when opened."""
    initial = VisitForm.initial_for(visit)
    data = {name: value for name, value in initial.items() if value not in (None, False)}
    data |= {"visited_on": initial["visited_on"].isoformat(), "visited_time": initial["visited_time"].strftime("%H:%M")}
    return {name: str(value) for name, value in (data | changes).items()}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(county) -> Visit:
    return factories.DraftVisitFactory(child=county.child, author=county.worker, observations="Met at the foster home.")


def test_the_second_person_saving_a_draft_is_told_who_changed_it_and_keeps_their_text(county, draft):
    first, second = signed_in(county.worker), signed_in(county.manager)
    url = reverse("casework:visit-edit", args=[draft.pk])
    first_form, second_form = form_data(draft, observations="First: she showed me her room."), form_data(draft)
    second_form["observations"] = "Second: we talked about school."

    assert first.post(url, first_form).status_code == 302
    response = second.post(url, second_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"This record was changed by {county.worker} at" in page
    assert "Your changes have not been saved; they are shown below so you can copy them." in page
    assert "Second: we talked about school." in page  # their words, echoed back in the form
    draft.refresh_from_db()
    assert draft.observations == "First: she showed me her room."  # the first save is kept whole


def test_saving_again_after_reopening_the_draft_works(county, draft):
    client = signed_in(county.worker)
    url = reverse("casework:visit-edit", args=[draft.pk])
    assert client.post(url, form_data(draft, observations="One.")).status_code == 302
    draft.refresh_from_db()
    assert client.post(url, form_data(draft, observations="Two.")).status_code == 302
    draft.refresh_from_db()
    assert draft.observations == "Two."


def test_the_second_amendment_to_a_signed_visit_is_refused_and_echoed_back(county, draft):
    services.visit_sign(visit=draft, actor=county.worker)
    draft.refresh_from_db()
    url = reverse("casework:visit-amend", args=[draft.pk])
    first = form_data(draft, analysis="Amended first.", reason="Added the analysis")
    second = form_data(draft, analysis="Amended second.", reason="A different view")

    assert signed_in(county.worker).post(url, first).status_code == 302
    response = signed_in(county.manager).post(url, second)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"changed by {county.worker} at" in page and "Amended second." in page and "A different view" in page
    draft.refresh_from_db()
    assert draft.analysis == "Amended first."
    assert draft.history.filter(history_change_reason__startswith="Amended:").count() == 1


def test_the_api_answers_409_when_the_version_sent_is_old(county, draft):
    first, second = APIClient(), APIClient()
    first.force_authenticate(county.worker)
    second.force_authenticate(county.manager)
    read = second.get(f"/api/v1/visits/{draft.pk}/").json()["updated_at"]

    saved = first.patch(f"/api/v1/visits/{draft.pk}/", {"observations": "First.", "version": read}, format="json")
    refused = second.patch(f"/api/v1/visits/{draft.pk}/", {"observations": "Second.", "version": read}, format="json")

    assert saved.status_code == 200
    assert refused.status_code == 409
    body = refused.json()
    assert body["changed_by"] == str(county.worker)
    assert body["detail"].startswith(f"This record was changed by {county.worker} at")
    assert body["updated_at"] == saved.json()["updated_at"]  # the version to read again
    draft.refresh_from_db()
    assert draft.observations == "First."


def test_the_api_amendment_with_an_old_version_is_409(county, draft):
    services.visit_sign(visit=draft, actor=county.worker)
    client = APIClient()
    client.force_authenticate(county.worker)
    read = client.get(f"/api/v1/visits/{draft.pk}/").json()["updated_at"]
    ok = client.post(f"/api/v1/visits/{draft.pk}/amend/", {"reason": "typo", "analysis": "A.", "version": read}, format="json")
    stale = client.post(f"/api/v1/visits/{draft.pk}/amend/", {"reason": "typo", "analysis": "B.", "version": read}, format="json")
    assert (ok.status_code, stale.status_code) == (200, 409)
    draft.refresh_from_db()
    assert draft.analysis == "A."


def test_the_service_refuses_a_stale_version_and_names_the_voice_draft(county, draft):
    opened = draft.updated_at
    services.visit_add_voice_draft(visit=draft, sections={"observations": "Machine words."})
    with pytest.raises(RecordChanged) as refused:
        services.visit_update(visit=draft, actor=county.worker, version=opened, observations="Typed over it.")
    assert "changed by Hearth (an automatic update)" in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.observations.endswith("Machine words.")


def test_a_write_without_a_version_still_saves(county, draft):
    services.visit_update(visit=draft, actor=county.worker, observations="No version sent.", visited_at=timezone.now())
    draft.refresh_from_db()
    assert draft.observations == "No version sent." and draft.status == codes.VisitStatus.DRAFT


def test_after_signing_is_refused_the_saved_draft_can_be_signed_from_the_same_page(county, draft):
    """Saving the draft succeeded and only signing failed: the page must carry the new version."""
    client = signed_in(county.worker)
    url = reverse("casework:visit-edit", args=[draft.pk])
    empty = form_data(draft, observations="", child_said="", analysis="") | {"sign": ""}
    refused = client.post(url, empty)
    assert "before signing" in refused.content.decode()
    draft.refresh_from_db()
    assert refused.context["form"]["version"].value() == draft.updated_at.isoformat()

    again = client.post(url, form_data(draft, observations="Now written.") | {"sign": ""})
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.status == codes.VisitStatus.SIGNED and draft.observations == "Now written."


def test_a_phone_sending_again_a_change_that_is_already_there_is_not_a_conflict(county, draft):
    """The phone's outbox lost the answer to its change and sends it again with the version it was based on."""
    client = APIClient()
    client.force_authenticate(county.worker)
    read = client.get(f"/api/v1/visits/{draft.pk}/").json()["updated_at"]
    change = {"observations": "Typed offline.", "version": read}
    first = client.patch(f"/api/v1/visits/{draft.pk}/", change, format="json")
    again = client.patch(f"/api/v1/visits/{draft.pk}/", change, format="json")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["updated_at"] == first.json()["updated_at"]  # nothing saved twice
    assert draft.history.count() == 2  # made, then changed once


def test_a_different_change_on_an_old_version_is_still_a_conflict(county, draft):
    client = APIClient()
    client.force_authenticate(county.worker)
    read = client.get(f"/api/v1/visits/{draft.pk}/").json()["updated_at"]
    client.patch(f"/api/v1/visits/{draft.pk}/", {"observations": "Typed offline.", "version": read}, format="json")
    other = client.patch(f"/api/v1/visits/{draft.pk}/", {"observations": "Something else.", "version": read}, format="json")
    assert other.status_code == 409
    draft.refresh_from_db()
    assert draft.observations == "Typed offline."
