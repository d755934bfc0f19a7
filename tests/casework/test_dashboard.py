"""The dashboard pages, exports and API: who sees which children, filters, drill-downs, query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from casework import codes, dashboard
from tests import factories

pytestmark = pytest.mark.django_db
MEASURE = "social-worker-changes"


def signed_in(client, user):
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def drill_ids(client, key: str = MEASURE, **params) -> set[int]:
    response = client.get(reverse("casework:dashboard-children", args=[key]), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["rows"]}


def test_every_registered_measure_is_on_the_page_with_definition_comparator_and_trend(client, county):
    response = signed_in(client, county.head).get(reverse("casework:dashboard"))
    assert response.status_code == 200
    keys = {measure.key for measure in dashboard.all_measures()}
    expected = "social-worker-changes short-term-stability long-term-stability mix-of-homes ideal-vs-actual sibling-contact"
    expected += " statutory-visits outcome-stars decisions-child-views records-checked recording-time"
    assert keys == set(expected.split())
    page = response.content.decode()
    for measure in dashboard.all_measures():
        assert f'id="{measure.key}"' in page
        assert f'aria-labelledby="trend-{measure.key}-title trend-{measure.key}-desc"' in page
    assert "England: 82% of children in care had a social worker change in two years." in page
    assert 'role="img"' in page and "The trend as a table" in page
    assert "40 words a minute" in page  # the typing speed assumption, in words


def test_the_head_of_service_sees_every_child_and_a_team_manager_only_their_teams(client, county):
    signed_in(client, county.head)
    assert drill_ids(client, "statutory-visits", part="overdue") == {county.child.pk, county.other_child.pk}
    signed_in(client, county.manager)
    assert drill_ids(client, "statutory-visits", part="overdue") == {county.child.pk}
    signed_in(client, county.other_manager)
    assert drill_ids(client, "statutory-visits", part="overdue") == {county.other_child.pk}


def test_a_social_worker_sees_only_their_own_children_not_their_teams(client, county):
    teammates_child = factories.ChildFactory()
    factories.AllocationFactory(child=teammates_child, worker=county.teammate)
    factories.CareEpisodeFactory(child=teammates_child)
    signed_in(client, county.worker)
    response = client.get(reverse("casework:dashboard"))
    assert response.status_code == 200 and "My figures" in response.content.decode()
    assert "team" not in response.context["form"].fields and "worker" not in response.context["form"].fields
    assert drill_ids(client, "statutory-visits", part="overdue") == {county.child.pk}


@pytest.mark.parametrize("who", ["admin", None])
def test_outsiders_get_no_dashboard_list_or_export(client, county, who):
    if who:
        signed_in(client, getattr(county, who))
    urls = [
        reverse("casework:dashboard"),
        reverse("casework:dashboard-measure", args=[MEASURE]),
        reverse("casework:dashboard-children", args=[MEASURE]),
        reverse("casework:dashboard-children-csv", args=[MEASURE]),
        reverse("casework:dashboard-measure-csv", args=[MEASURE]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (403 if who else 302), url


def test_a_team_manager_cannot_filter_to_another_teams_worker(client, county):
    signed_in(client, county.manager)
    response = client.get(reverse("casework:dashboard"), {"worker": county.other_worker.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert drill_ids(client, "statutory-visits", part="overdue", worker=county.worker.pk) == {county.child.pk}


def test_bad_filters_are_explained_not_a_server_error(client, county):
    signed_in(client, county.head)
    for params in ({"on": "31/02/2025"}, {"on": "2999-01-01"}, {"period": "7"}, {"age_band": "ancient"}, {"team": "x"}):
        response = client.get(reverse("casework:dashboard"), params)
        assert response.status_code == 400, params
        assert "There is a problem" in response.content.decode()
    assert client.get(reverse("casework:dashboard-measure", args=["no-such-measure"])).status_code == 404
    assert client.get(reverse("casework:dashboard-children", args=[MEASURE]), {"part": "nonsense"}).status_code == 404


def test_filters_by_team_worker_and_age_band(client, county):
    signed_in(client, county.head)
    assert drill_ids(client, "statutory-visits", part="overdue", team=county.other_team.pk) == {county.other_child.pk}
    assert drill_ids(client, "statutory-visits", part="overdue", team=county.team.pk, worker=county.worker.pk) == {
        county.child.pk
    }
    # The factory makes 9-year-olds (ten years of 365 days before today).
    assert drill_ids(client, "statutory-visits", part="overdue", age_band="5-9") == {county.child.pk, county.other_child.pk}
    assert drill_ids(client, "statutory-visits", part="overdue", age_band="10-15") == set()
    assert drill_ids(client, "statutory-visits", part="overdue", age_band="0-4") == set()


def test_the_drill_down_is_paginated_and_says_when_it_is_empty(client, county):
    for _ in range(30):
        child = factories.ChildFactory()
        factories.AllocationFactory(child=child, worker=county.worker)
        factories.CareEpisodeFactory(child=child)
    signed_in(client, county.manager)
    url = reverse("casework:dashboard-children", args=["statutory-visits"])
    first = client.get(url, {"part": "overdue"})
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.count == 31
    assert len(client.get(url, {"part": "overdue", "page": 2}).context["rows"]) == 6
    empty = client.get(url)
    assert "No children are counted in this figure" in empty.content.decode()


def test_csv_exports_of_a_measure_and_its_children_respect_access(client, county):
    signed_in(client, county.manager)
    measure = csv_rows(client.get(reverse("casework:dashboard-measure-csv", args=["statutory-visits"])))
    assert measure[0][:5] == ["measure", "figure", "from", "to", "value"]
    assert [row[1] for row in measure[1:3]] == ["chosen period", "period before"]
    assert sum(row[1] == "trend quarter" for row in measure) == 8
    assert measure[1][6:8] == ["0", "1"]  # the team manager's one child, not visited
    children = csv_rows(client.get(reverse("casework:dashboard-children-csv", args=["statutory-visits"]), {"part": "overdue"}))
    assert [row[0] for row in children[1:]] == [str(county.child.pk)]


def test_a_name_cannot_become_a_spreadsheet_formula(client, county):
    county.child.first_name, county.child.preferred_name = "=HYPERLINK(1)", ""
    county.child.save(update_fields=["first_name", "preferred_name"])
    signed_in(client, county.manager)
    rows = csv_rows(client.get(reverse("casework:dashboard-children-csv", args=["statutory-visits"]), {"part": "overdue"}))
    assert rows[1][1].startswith("'=")


def _more_children(county, n: int) -> None:
    for _ in range(n):
        child = factories.ChildFactory()
        factories.AllocationFactory(child=child, worker=county.worker, started_on=datetime.date(2024, 1, 1))
        factories.CareEpisodeFactory(child=child)
        factories.VisitFactory(child=child, author=county.worker)
        factories.AllocationFactory(
            child=child,
            worker=county.teammate,
            started_on=datetime.date(2023, 1, 1),
            ended_on=datetime.date(2024, 1, 1),
            end_reason=codes.WorkerChangeReason.MANAGE,
        )


def test_the_dashboard_makes_the_same_number_of_queries_whatever_the_number_of_children(
    client, county, django_assert_max_num_queries
):
    signed_in(client, county.head)
    client.get(reverse("casework:dashboard"))  # sessions and the like, once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("casework:dashboard")).status_code == 200
    _more_children(county, 15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("casework:dashboard")).status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse("casework:dashboard-children", args=["statutory-visits"]))


def test_the_api_gives_the_same_figures_and_children_with_the_same_access(county):
    api = APIClient()
    api.force_authenticate(county.manager)
    measures = api.get("/api/v1/dashboard/").json()
    visits = next(m for m in measures if m["key"] == "statutory-visits")
    assert (visits["current"]["count"], visits["current"]["total"]) == (0, 1)
    assert len(visits["trend"]) == 8 and visits["comparator"] is None
    one = api.get("/api/v1/dashboard/social-worker-changes/").json()
    assert one["comparator"] == 82 and one["current"]["rows"]
    children = api.get("/api/v1/dashboard/statutory-visits/children/", {"part": "overdue"}).json()
    assert [row["id"] for row in children["results"]] == [county.child.pk]
    assert api.get("/api/v1/dashboard/", {"on": "not-a-date"}).status_code == 400
    assert "on" in api.get("/api/v1/dashboard/", {"on": "not-a-date"}).json()
    api.force_authenticate(county.admin)
    assert api.get("/api/v1/dashboard/").status_code == 403
    assert APIClient().get("/api/v1/dashboard/").status_code in (401, 403)


def test_the_dashboard_api_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/dashboard/", "/api/v1/dashboard/{key}/", "/api/v1/dashboard/{key}/children/"):
        assert path in schema


def test_the_old_placement_measures_page_leads_to_the_dashboard(client, county):
    signed_in(client, county.manager)
    response = client.get(reverse("placements:measures"))
    assert response.status_code == 302 and response["Location"] == reverse("casework:dashboard")
