"""Adoption and previous permanence on the child's pages and through the API: the whole path, bad input that loses
nothing, who gets in, and query counts."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from placements.models import Adoption, AdoptionDecision, PreviousPermanence
from tests.placements import factories
from tests.placements.test_adoption import in_care

pytestmark = pytest.mark.django_db
d = datetime.date
API = "/api/v1"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_child_page_shows_adoption_and_permanence_with_empty_states(client, county, django_assert_max_num_queries):
    child = in_care(county, d(2025, 6, 2))
    client.force_login(county.worker)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("placements:child-adoption", args=[child.pk])).content.decode()
    assert "No decision recorded." in page and "Not placed for adoption." in page and "Not recorded yet." in page
    assert reverse("placements:adoption-decision-new", args=[child.pk]) in page
    record = client.get(reverse("casework:child-detail", args=[child.pk])).content.decode()
    assert "Adoption and permanence" in record and "Previous permanence: <strong>not recorded yet</strong>" in record


def test_a_worker_records_an_adoption_on_the_pages(client, county):
    child = in_care(county, d(2025, 6, 2))
    client.force_login(county.worker)
    post = client.post
    assert post(reverse("placements:adoption-decision-new", args=[child.pk]), {"decided_on": "2025-07-01"}).status_code == 302
    decision = AdoptionDecision.objects.get(child=child)
    update = {"decided_on": "2025-07-01", "matched_on": "2025-08-01", "ceased_on": "", "ceased_reason": "", "reason": ""}
    assert post(reverse("placements:adoption-decision", args=[decision.pk]), update).status_code == 302
    assert (
        post(reverse("placements:adoption-placement-new", args=[child.pk]), {"started_on": "2025-09-01", "home": ""}).status_code
        == 302
    )
    adopted = {"adopted_on": "2025-12-01", "rec": "E11", "adopters": "L3", "adopters_sex": "MF"}
    assert post(reverse("placements:adoption-new", args=[child.pk]), adopted).status_code == 302
    page = client.get(reverse("placements:child-adoption", args=[child.pk])).content.decode()
    assert "Adopted on 1 Dec 2025" in page and "an unmarried couple of different sexes" in page


def test_bad_input_on_the_pages_is_said_and_nothing_is_saved(client, county):
    child = in_care(county, d(2025, 6, 2))
    client.force_login(county.worker)
    page = client.post(reverse("placements:adoption-decision-new", args=[child.pk]), {"decided_on": "2025-05-01"})
    assert page.status_code == 200 and "was not in care on 01/05/2025" in page.content.decode()
    page = client.post(reverse("placements:adoption-decision-new", args=[child.pk]), {"decided_on": "31/02/2025"})
    assert page.status_code == 200 and "Enter a real date." in page.content.decode()
    bad_council = {
        "option": "P2",
        "local_authority": "ABC",
        "order_day": "",
        "order_month": "",
        "order_year": "2019",
        "reason": "",
    }
    page = client.post(reverse("placements:previous-permanence", args=[child.pk]), bad_council)
    assert page.status_code == 200 and "council&#x27;s code" in page.content.decode()
    assert not AdoptionDecision.objects.filter(child=child).exists()
    assert not PreviousPermanence.objects.filter(child=child).exists()
    good = bad_council | {"local_authority": "885"}
    assert client.post(reverse("placements:previous-permanence", args=[child.pk]), good).status_code == 302
    assert PreviousPermanence.objects.get(child=child).order_date == "ZZ/ZZ/2019"


@pytest.mark.parametrize("outsider", ["other_worker", "other_manager"])
def test_another_teams_staff_cannot_see_a_childs_adoption(client, county, outsider):
    child = in_care(county, d(2025, 6, 2))
    decision = AdoptionDecision.objects.create(child=child, decided_on=d(2025, 7, 1), recorded_by=county.worker)
    client.force_login(getattr(county, outsider))
    assert client.get(reverse("placements:child-adoption", args=[child.pk])).status_code == 404
    assert client.get(reverse("placements:adoption-decision", args=[decision.pk])).status_code == 404
    assert api(getattr(county, outsider)).get(f"{API}/adoption-decisions/{decision.pk}/").status_code == 404
    assert api(getattr(county, outsider)).get(f"{API}/adoption-decisions/").json()["results"] == []


def test_a_teammate_reads_but_cannot_record(client, county):
    child = in_care(county, d(2025, 6, 2))
    client.force_login(county.teammate)
    assert client.get(reverse("placements:child-adoption", args=[child.pk])).status_code == 200
    assert (
        client.post(reverse("placements:adoption-decision-new", args=[child.pk]), {"decided_on": "2025-07-01"}).status_code == 403
    )
    response = api(county.teammate).post(f"{API}/adoption-decisions/", {"child": child.pk, "decided_on": "2025-07-01"})
    assert response.status_code == 403
    assert not AdoptionDecision.objects.exists()


def test_an_adoption_through_the_api(county):
    child = in_care(county, d(2025, 6, 2))
    client = api(county.worker)
    decision = client.post(f"{API}/adoption-decisions/", {"child": child.pk, "decided_on": "2025-07-01"}, format="json")
    assert decision.status_code == 201
    url = f"{API}/adoption-decisions/{decision.json()['id']}/"
    early = client.patch(url, {"matched_on": "2025-06-01"}, format="json")
    assert early.status_code == 400 and "matched_on" in early.json()
    assert client.patch(url, {"matched_on": "2025-08-01"}, format="json").json()["matched_on"] == "2025-08-01"
    adopters = factories.adopters_home(place_code="A4")
    placed = client.post(f"{API}/placement-episodes/children/{child.pk}/placed-for-adoption/",
                         {"started_on": "2025-09-01", "home": adopters.pk}, format="json")  # fmt: skip
    assert placed.status_code == 201 and placed.json()["place"] == "A4"
    body = {"child": child.pk, "adopted_on": "2025-12-01", "rec": "E11", "adopters": "L0", "adopters_sex": "MF"}
    mismatch = client.post(f"{API}/adoptions/", body, format="json")
    assert mismatch.status_code == 400 and "adopters_sex" in mismatch.json()
    adoption = client.post(f"{API}/adoptions/", body | {"adopters_sex": "M1"}, format="json")
    assert adoption.status_code == 201 and adoption.json()["adopters_count"] == 1
    correction = {"rec": "E12", "adopters": "L0", "adopters_sex": "M1", "reason": "Order re-read."}
    fixed = client.patch(f"{API}/adoptions/{adoption.json()['id']}/", correction, format="json")
    assert fixed.status_code == 200 and Adoption.objects.get().rec == "E12"


def test_previous_permanence_through_the_api(county):
    child = in_care(county, d(2025, 6, 2), born=d(2014, 1, 1))
    client = api(county.worker)
    body = {"child": child.pk, "option": "P1", "local_authority": "SCO", "order_month": 3, "order_year": 2018}
    made = client.post(f"{API}/previous-permanence/", body, format="json")
    assert made.status_code == 201 and made.json()["order_date"] == "ZZ/03/2018"
    again = client.post(f"{API}/previous-permanence/", body | {"option": "P2"}, format="json")
    assert again.status_code == 400 and "reason" in again.json()
    listed = client.get(f"{API}/previous-permanence/", {"child": child.pk}).json()["results"]
    assert [(row["option"], row["local_authority"]) for row in listed] == [("P1", "SCO")]


def test_the_schema_names_the_adoption_endpoints(db):
    paths = APIClient().get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    assert {
        "/api/v1/adoption-decisions/", "/api/v1/adoption-decisions/{id}/", "/api/v1/adoptions/", "/api/v1/adoptions/{id}/",
        "/api/v1/previous-permanence/", "/api/v1/placement-episodes/children/{child_id}/placed-for-adoption/",
    } <= set(paths)  # fmt: skip


def test_lists_through_the_api_take_a_fixed_number_of_queries(county, django_assert_max_num_queries):
    for n in range(5):
        child = in_care(county, d(2025, 6, 2) + datetime.timedelta(days=n))
        AdoptionDecision.objects.create(child=child, decided_on=d(2025, 7, 1), recorded_by=county.worker)
        PreviousPermanence.objects.create(child=child, option="Z1", recorded_by=county.worker)
    client = api(county.worker)
    for path in ("adoption-decisions", "previous-permanence", "adoptions"):
        with django_assert_max_num_queries(12):
            assert client.get(f"{API}/{path}/").status_code == 200


def test_adopters_homes_are_offered_for_a_placement_for_adoption_not_for_an_ordinary_move(client, county):
    child = in_care(county, d(2025, 6, 2))
    adopters = factories.adopters_home(name="Okafor adopters")
    client.force_login(county.worker)
    move = client.get(reverse("placements:move-new", args=[child.pk])).content.decode()
    placement = client.get(reverse("placements:adoption-placement-new", args=[child.pk])).content.decode()
    assert adopters.name not in move and adopters.name in placement
