"""Every read of case content is in the access log (issue 18): a record, a list (one row per request, with
every child it showed), an export and the admin's case pages; heads of service filter it by child."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import RecordView, User
from placements import export
from tests import factories
from tests.conftest import County

pytestmark = pytest.mark.django_db


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def latest_log(user: User) -> RecordView:
    return RecordView.objects.filter(user=user).latest("viewed_at")


def shown(view: RecordView) -> set[int]:
    return set(view.children.values_list("pk", flat=True))


def test_a_list_read_writes_one_row_with_every_child_it_showed(county: County) -> None:
    factories.VisitFactory(child=county.child, author=county.worker)
    factories.VisitFactory(child=county.child, author=county.worker)
    response = api_as(county.manager).get("/api/v1/visits/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    view = RecordView.objects.get(user=county.manager)
    assert (view.child, shown(view), view.page) == (None, {county.child.pk}, "api:/api/v1/visits/")


def test_a_list_that_shows_nobody_writes_no_row(county: County) -> None:
    assert api_as(county.worker).get("/api/v1/visits/").json()["results"] == []
    assert not RecordView.objects.filter(user=county.worker).exists()


def test_the_caseload_and_the_children_list_are_logged(client: Client, county: County) -> None:
    client.force_login(county.worker)
    assert client.get("/").status_code == 200
    assert shown(latest_log(county.worker)) == {county.child.pk}
    api_as(county.head).get("/api/v1/children/")
    assert shown(latest_log(county.head)) == {county.child.pk, county.other_child.pk}


def test_an_export_of_the_children_behind_a_figure_is_logged(client: Client, county: County) -> None:
    client.force_login(county.manager)
    response = client.get(reverse("casework:dashboard-children-csv", args=["statutory-visits"]), {"part": "overdue"})
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    view = latest_log(county.manager)
    assert shown(view) == {county.child.pk}
    assert view.page.startswith("/dashboard/statutory-visits/children.csv")


def test_the_903_download_is_logged_with_everyone_in_the_return(county: County) -> None:
    year = timezone.localdate().year - 1
    in_return = set(export.ssda903_build(user=county.head, year=year).child_ids())
    assert in_return
    assert api_as(county.head).get("/api/v1/ssda903/", {"year": str(year), "table": "header"}).status_code == 200
    assert shown(latest_log(county.head)) == in_return


def test_the_admins_case_pages_are_logged_and_heads_filter_the_log_by_child(client: Client, county: County) -> None:
    visit = factories.VisitFactory(child=county.child, author=county.worker)
    county.head.is_staff = True
    county.head.save()
    client.force_login(county.head)
    assert client.get(reverse("admin:casework_visit_changelist")).status_code == 200
    assert shown(latest_log(county.head)) == {county.child.pk}
    assert client.get(reverse("admin:casework_visit_change", args=[visit.pk])).status_code == 200
    assert client.get(reverse("admin:casework_visit_history", args=[visit.pk])).status_code == 200
    assert RecordView.objects.filter(user=county.head, page__startswith="admin:").count() == 3

    api_as(county.teammate).get("/api/v1/visits/")  # the teammate reads a list with the child on it
    api_as(county.other_worker).get(f"/api/v1/children/{county.other_child.pk}/")  # and someone else, another child
    log = client.get(reverse("admin:casework_recordview_changelist"), {"child": county.child.pk}).content.decode()
    assert "api:/api/v1/visits/" in log
    assert "api:child-detail" not in log
    assert RecordView.objects.filter(user=county.head).count() == 3  # reading the log is not itself logged


def test_the_childs_access_log_page_shows_the_lists_they_were_on(client: Client, county: County) -> None:
    factories.VisitFactory(child=county.child, author=county.worker)
    api_as(county.teammate).get("/api/v1/visits/")
    client.force_login(county.head)
    page = client.get(reverse("casework:child-access-log", args=[county.child.pk])).content.decode()
    assert "The API: /api/v1/visits/" in page
