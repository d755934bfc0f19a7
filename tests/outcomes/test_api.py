"""The outcomes API: same access rules as the pages, clear 400s, no leaks in lists."""

import pytest
from rest_framework.test import APIClient

from outcomes import codes
from tests.outcomes.factories import days_ago, default_template, record, start_star

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def star(county):
    star = start_star(county.child, county.worker)
    record(star, county.worker, {"Home": 8, "Money": 5}, days=30)
    record(star, county.worker, {"Home": 4, "Money": 5}, days=30, respondent=codes.Respondent.WORKER)
    return star


def endpoints(star) -> list[str]:
    area, check_in = star.areas.first(), star.check_ins.first()
    return [
        f"/api/v1/stars/{star.pk}/",
        f"/api/v1/stars/{star.pk}/disagreements/",
        f"/api/v1/star-areas/{area.pk}/",
        f"/api/v1/check-ins/{check_in.pk}/",
    ]


@pytest.mark.parametrize("outsider", ["other_worker", "other_manager", "admin"])
def test_outsiders_get_not_found_and_empty_lists(api, county, star, outsider):
    api.force_authenticate(getattr(county, outsider))
    for url in endpoints(star):
        assert api.get(url).status_code == 404, url
    area = star.areas.first()
    assert api.post(f"/api/v1/star-areas/{area.pk}/retire/").status_code == 404
    assert api.patch(f"/api/v1/star-areas/{area.pk}/", {"name": "X"}, format="json").status_code == 404
    for url in ("/api/v1/stars/", "/api/v1/star-areas/", "/api/v1/check-ins/"):
        assert api.get(url).json()["count"] == 0, url
    figures = api.get("/api/v1/outcome-figures/").json()
    assert (figures["areas"], figures["trend"]) == ([], [])
    response = api.post("/api/v1/check-ins/", check_in_body(star), format="json")
    assert response.status_code == 400 and "Choose a star you can see." in response.json()["star"]


def test_anonymous_gets_no_star(api, star):
    for url in endpoints(star):
        assert api.get(url).status_code in (401, 403)


def check_in_body(star, score: int = 7, area=None) -> dict:
    area = area or star.areas.get(name="Home")
    return {
        "star": star.pk,
        "stage": "review",
        "date": days_ago(1).isoformat(),
        "respondent": "child",
        "scores": [{"area": area.pk, "score": score, "comment": "Better now."}],
    }


def test_the_worker_records_a_check_in(api, county, star):
    api.force_authenticate(county.worker)
    response = api.post("/api/v1/check-ins/", check_in_body(star), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["scores"] == [
        {"area": star.areas.get(name="Home").pk, "area_name": "Home", "score": 7, "comment": "Better now.", "next_step": ""}
    ]


def test_a_score_outside_the_scale_is_a_400_keyed_by_field(api, county, star):
    api.force_authenticate(county.worker)
    response = api.post("/api/v1/check-ins/", check_in_body(star, score=11), format="json")
    assert response.status_code == 400
    assert response.json() == {"scores": ["The score for “Home” must be from 1 to 10."]}


def test_a_same_team_worker_reads_but_gets_403_on_every_write(api, county, star):
    api.force_authenticate(county.teammate)
    for url in endpoints(star):
        assert api.get(url).status_code == 200, url
    area = star.areas.get(name="Home")
    writes = [
        api.post("/api/v1/check-ins/", check_in_body(star), format="json"),
        api.post("/api/v1/star-areas/", {"star": star.pk, "name": "Dance"}, format="json"),
        api.patch(f"/api/v1/star-areas/{area.pk}/", {"name": "House"}, format="json"),
        api.post(f"/api/v1/star-areas/{area.pk}/retire/"),
        api.post("/api/v1/stars/", {"child": county.child.pk, "template": default_template().pk}, format="json"),
    ]
    assert [response.status_code for response in writes] == [403] * 5
    assert star.check_ins.count() == 2 and star.areas.count() == 8


def test_areas_are_added_renamed_and_retired_through_the_api(api, county, star):
    api.force_authenticate(county.worker)
    added = api.post("/api/v1/star-areas/", {"star": star.pk, "name": "Dance", "origin": "child"}, format="json")
    assert added.status_code == 201 and added.json()["added_by_child"] is True
    area_id = added.json()["id"]
    renamed = api.patch(f"/api/v1/star-areas/{area_id}/", {"name": "Street dance"}, format="json").json()
    assert (renamed["id"], renamed["name"], renamed["original_name"]) == (area_id, "Street dance", "Dance")
    assert api.post(f"/api/v1/star-areas/{area_id}/retire/").json()["retired_on"] == days_ago(0).isoformat()


def test_disagreements_and_figures(api, county, star):
    api.force_authenticate(county.manager)
    assert api.get(f"/api/v1/stars/{star.pk}/disagreements/").json() == [
        {"date": days_ago(30).isoformat(), "stage": "start", "area": "Home", "child_score": 8, "worker_score": 4}
    ]
    record(star, county.worker, {"Home": 9, "Money": 4}, days=3, stage=codes.Stage.REVIEW)
    figures = api.get("/api/v1/outcome-figures/").json()
    rows = {row["area"]: row for row in figures["areas"]}
    assert rows["Home"] | {"template_area_id": None} == {
        "template_area_id": None,
        "area": "Home",
        "template": "Hearth star",
        "children": 1,
        "mean_first": 8.0,
        "mean_latest": 9.0,
        "improved_percent": 100.0,
    }
    assert rows["Money"]["improved_percent"] == 0.0 and "first and latest" in figures["definition"]


def test_list_endpoints_make_a_fixed_number_of_queries(api, county, star, django_assert_max_num_queries):
    for n in range(3):
        record(star, county.worker, {"Home": 5 + n}, days=10 + n)
    api.force_authenticate(county.worker)
    for url in ("/api/v1/stars/", "/api/v1/star-areas/", "/api/v1/check-ins/", "/api/v1/outcome-templates/"):
        with django_assert_max_num_queries(6):
            assert api.get(url).status_code == 200
