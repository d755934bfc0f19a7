"""The /api/v1/ casework API: access for every endpoint, the write rules, errors as 400s, query counts."""

import datetime
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from rest_framework.response import Response
from rest_framework.test import APIClient

from casework import codes
from casework.apis import validation_error_detail
from casework.models import (
    Allocation,
    Child,
    FamilyMember,
    RecordView,
    SiblingContactArrangement,
    SiblingContactSession,
    User,
    Visit,
)
from tests import factories
from tests.conftest import County

OUTSIDERS = ("other_worker", "other_manager", "admin")


@dataclass
class Records:
    """A visit, a sibling, a contact arrangement and a session for each of the county's two children."""

    visit: Visit
    sibling: FamilyMember
    arrangement: SiblingContactArrangement
    session: SiblingContactSession
    other_visit: Visit
    other_sibling: FamilyMember
    other_arrangement: SiblingContactArrangement
    other_session: SiblingContactSession


def _records_for(child: Child, author: User) -> tuple[Visit, FamilyMember, SiblingContactArrangement, SiblingContactSession]:
    visit = factories.DraftVisitFactory(child=child, author=author)
    sibling = factories.FamilyMemberFactory(child=child, name=f"Sibling of {child.first_name}")
    arrangement = factories.SiblingContactArrangementFactory(child=child, sibling=sibling)
    return visit, sibling, arrangement, factories.SiblingContactSessionFactory(arrangement=arrangement)


@pytest.fixture
def records(county: County) -> Records:
    return Records(*_records_for(county.child, county.worker), *_records_for(county.other_child, county.other_worker))


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(name: str, *args: int) -> str:
    return reverse(f"api:{name}", args=args)


def visit_body(child_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "child": child_id,
        "visit_type": codes.VisitType.STATUTORY,
        "visited_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "location": "Foster home",
        "seen_alone": True,
        "child_said": "I like my new school.",
    }
    return body | overrides


def ids(response: Response) -> set[int]:
    return {row["id"] for row in response.data["results"]}


# Who may ask ------------------------------------------------------------------------------------


LISTS = ("child-list", "allocation-list", "visit-list", "sibling-contact-arrangement-list", "sibling-contact-session-list")


def endpoints_addressing(county: County, records: Records) -> list[tuple[str, str]]:
    """Every endpoint whose URL names one of `county.child`'s records."""
    child, visit = county.child.pk, records.visit.pk
    return [
        ("get", url("child-detail", child)),
        ("patch", url("child-about-me", child)),
        ("get", url("child-family", child)),
        ("post", url("child-change-worker", child)),
        ("get", url("visit-detail", visit)),
        ("patch", url("visit-detail", visit)),
        ("post", url("visit-sign", visit)),
        ("post", url("visit-amend", visit)),
        ("get", url("sibling-contact-arrangement-detail", records.arrangement.pk)),
        ("get", url("sibling-contact-session-detail", records.session.pk)),
    ]


def every_endpoint(county: County, records: Records) -> list[tuple[str, str]]:
    creates = [("post", url(name)) for name in ("visit-list", "sibling-contact-arrangement-list", "sibling-contact-session-list")]
    return [("get", url(name)) for name in LISTS] + creates + endpoints_addressing(county, records)


def test_anonymous_is_refused_by_every_endpoint(county: County, records: Records) -> None:
    client = client_for(None)
    for method, path in every_endpoint(county, records):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code in (401, 403), (method, path, response.status_code)


def test_records_of_another_teams_child_are_not_found_by_outsiders(county: County, records: Records) -> None:
    for outsider in OUTSIDERS:
        client = client_for(getattr(county, outsider))
        for method, path in endpoints_addressing(county, records):
            response = getattr(client, method)(path, {"reason": "MANAGE", "what_matters_to_me": "x"}, format="json")
            assert response.status_code == 404, (outsider, method, path, response.status_code)
    assert not RecordView.objects.exists()
    records.visit.refresh_from_db()
    assert records.visit.status == codes.VisitStatus.DRAFT


def test_ids_in_a_body_that_the_user_cannot_see_are_field_errors(county: County, records: Records) -> None:
    client = client_for(county.other_worker)
    today = timezone.localdate().isoformat()
    arrangement = {"child": county.child.pk, "sibling": records.sibling.pk, "frequency": "monthly", "started_on": today}
    session = {"arrangement": records.arrangement.pk, "planned_on": today, "status": "planned"}
    answers = [
        (client.post(url("visit-list"), visit_body(county.child.pk), format="json"), "child"),
        (client.post(url("sibling-contact-arrangement-list"), arrangement, format="json"), "child"),
        (client.post(url("sibling-contact-session-list"), session, format="json"), "arrangement"),
    ]
    for response, field in answers:
        assert response.status_code == 400
        assert field in response.json()
    assert "sibling" in answers[1][0].json()
    assert Visit.objects.filter(child=county.child).count() == 1
    assert SiblingContactArrangement.objects.filter(child=county.child).count() == 1


def test_outsider_lists_never_include_another_teams_child(county: County, records: Records) -> None:
    client = client_for(county.other_worker)
    assert ids(client.get(url("child-list"))) == {county.other_child.pk}
    assert ids(client.get(url("visit-list"))) == {records.other_visit.pk}
    assert ids(client.get(url("visit-list"), {"child": county.child.pk})) == set()
    assert {row["child"] for row in client.get(url("allocation-list")).json()["results"]} == {county.other_child.pk}
    assert ids(client.get(url("sibling-contact-arrangement-list"))) == {records.other_arrangement.pk}
    assert ids(client.get(url("sibling-contact-session-list"))) == {records.other_session.pk}
    # The search forgives spelling ("Testchild" is like their own "Otherchild"), but never reaches past what they may see.
    assert county.child.pk not in ids(client.get(url("child-list"), {"search": "Ava Testchild"}))


def test_administrator_sees_no_case_records(county: County, records: Records) -> None:
    client = client_for(county.admin)
    for name in LISTS:
        response = client.get(url(name))
        assert response.status_code == 200
        assert response.json()["count"] == 0, name


def test_head_of_service_sees_both_teams(county: County) -> None:
    response = client_for(county.head).get(url("child-list"))
    assert ids(response) == {county.child.pk, county.other_child.pk}


def test_same_team_worker_can_read_a_colleagues_child(county: County, records: Records) -> None:
    client = client_for(county.teammate)
    assert client.get(url("child-detail", county.child.pk)).status_code == 200
    assert client.get(url("visit-detail", records.visit.pk)).status_code == 200
    assert client.get(url("child-family", county.child.pk)).json()["count"] == 1
    assert ids(client.get(url("visit-list"))) == {records.visit.pk}


def test_same_team_worker_cannot_change_a_colleagues_child(county: County, records: Records) -> None:
    client = client_for(county.teammate)
    today = timezone.localdate().isoformat()
    writes = [
        client.patch(url("child-about-me", county.child.pk), {"what_matters_to_me": "My dog"}, format="json"),
        client.post(
            url("child-change-worker", county.child.pk),
            {"worker": county.teammate.pk, "started_on": today, "reason": "MANAGE"},
            format="json",
        ),
        client.post(url("visit-list"), visit_body(county.child.pk), format="json"),
        client.patch(url("visit-detail", records.visit.pk), {"location": "Park"}, format="json"),
        client.post(url("visit-sign", records.visit.pk)),
        client.post(url("visit-amend", records.visit.pk), {"reason": "typo"}, format="json"),
        client.post(
            url("sibling-contact-arrangement-list"),
            {"child": county.child.pk, "sibling": records.sibling.pk, "frequency": "weekly", "started_on": today},
            format="json",
        ),
        client.post(
            url("sibling-contact-session-list"),
            {"arrangement": records.arrangement.pk, "planned_on": today, "status": "planned"},
            format="json",
        ),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)
    assert writes[0].json() == {"detail": "You can read this child's record but not change it."}
    assert Visit.objects.count() == 2
    assert Allocation.objects.get(child=county.child, ended_on__isnull=True).worker == county.worker


def test_delete_is_never_allowed(county: County, records: Records) -> None:
    client = client_for(county.head)
    paths = [
        url("child-list"),
        url("child-detail", county.child.pk),
        url("visit-detail", records.visit.pk),
        url("allocation-list"),
        url("sibling-contact-arrangement-detail", records.arrangement.pk),
        url("sibling-contact-session-detail", records.session.pk),
    ]
    assert [client.delete(path).status_code for path in paths] == [405] * len(paths)
    assert client.put(url("visit-detail", records.visit.pk), visit_body(county.child.pk), format="json").status_code == 405
    assert Visit.objects.filter(pk=records.visit.pk).exists()


# Children ---------------------------------------------------------------------------------------


def test_child_list_shows_the_record_ordered_by_name(county: County) -> None:
    other = factories.ChildFactory(first_name="Bea", last_name="Abbott", preferred_name="Bee")
    factories.AllocationFactory(child=other, worker=county.worker)
    response = client_for(county.worker).get(url("child-list"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["display_name"] for row in rows] == ["Bee Abbott", "Ava Testchild"]
    assert rows[1]["current_worker"] == {"id": county.worker.pk, "name": str(county.worker)}
    assert (rows[0]["in_care"], rows[1]["in_care"]) == (False, True)
    assert rows[1]["status"] == codes.CaseStatus.OPEN


def test_child_list_filters_by_in_care_status_and_search(county: County) -> None:
    home = factories.ChildFactory(first_name="Cal", last_name="Athome", status=codes.CaseStatus.CLOSED)
    factories.AllocationFactory(child=home, worker=county.worker)
    client = client_for(county.worker)
    assert ids(client.get(url("child-list"), {"in_care": "false"})) == {home.pk}
    assert ids(client.get(url("child-list"), {"in_care": "true"})) == {county.child.pk}
    assert ids(client.get(url("child-list"), {"status": "closed"})) == {home.pk}
    assert ids(client.get(url("child-list"), {"search": "ava test"})) == {county.child.pk}
    assert ids(client.get(url("child-list"), {"search": "Zed"})) == set()


def test_child_list_refuses_unknown_status_codes(county: County) -> None:
    response = client_for(county.worker).get(url("child-list"), {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_child_detail_logs_the_view(county: County) -> None:
    response = client_for(county.worker).get(url("child-detail", county.child.pk))
    assert response.status_code == 200
    assert response.json()["display_name"] == "Ava Testchild"
    view = RecordView.objects.get()
    assert (view.user, view.child, view.page) == (county.worker, county.child, "api:child-detail")


def test_child_detail_of_a_record_that_does_not_exist_is_not_found(county: County) -> None:
    client = client_for(county.head)
    assert client.get(url("child-detail", 10**9)).status_code == 404
    assert client.get(f"{url('child-list')}{'9' * 25}/").status_code == 404
    assert client.get(f"{url('child-list')}abc/").status_code == 404


def test_about_me_keeps_the_childs_words_and_the_other_field(county: County) -> None:
    county.child.how_i_like_to_be_spoken_to = "Quietly, please."
    county.child.save()
    words = "My dog Biscuit and football on Saturdays"
    response = client_for(county.worker).patch(
        url("child-about-me", county.child.pk), {"what_matters_to_me": words}, format="json"
    )
    assert response.status_code == 200
    county.child.refresh_from_db()
    assert (county.child.what_matters_to_me, county.child.how_i_like_to_be_spoken_to) == (words, "Quietly, please.")
    assert county.child.history.first().history_user == county.worker


def test_about_me_refuses_over_long_text(county: County) -> None:
    response = client_for(county.worker).patch(
        url("child-about-me", county.child.pk), {"what_matters_to_me": "x" * 4001}, format="json"
    )
    assert response.status_code == 400
    assert "what_matters_to_me" in response.json()


def test_family_lists_only_that_childs_network(county: County, records: Records) -> None:
    response = client_for(county.worker).get(url("child-family", county.child.pk))
    assert response.status_code == 200
    assert ids(response) == {records.sibling.pk}
    assert response.json()["results"][0]["is_sibling"] is True
    assert client_for(county.worker).get(url("child-family", county.other_child.pk)).status_code == 404


# Allocations ------------------------------------------------------------------------------------


def change_worker(client: APIClient, child_id: int, **body: Any) -> Response:
    body = {"started_on": timezone.localdate().isoformat(), "reason": "MANAGE"} | body
    return client.post(url("child-change-worker", child_id), body, format="json")


def test_manager_changes_the_worker(county: County) -> None:
    response = change_worker(client_for(county.manager), county.child.pk, worker=county.teammate.pk, reason="LEFTRL")
    assert response.status_code == 201
    assert response.data["worker"]["id"] == county.teammate.pk
    assert response.data["team"] == "North"
    old, new = Allocation.objects.filter(child=county.child).order_by("id")
    assert (old.worker, old.ended_on, old.end_reason) == (county.worker, timezone.localdate(), "LEFTRL")
    assert (new.worker, new.ended_on, new.pk) == (county.teammate, None, response.data["id"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "BORED"}, "reason"),
        ({"started_on": "not a date"}, "started_on"),
        ({"started_on": "2999-01-01"}, "started_on"),
        ({"started_on": "1990-01-01"}, "started_on"),
        ({"worker": 10**9}, "worker"),
        ({"worker": "me"}, "worker"),
    ],
)
def test_change_worker_refuses_bad_input(county: County, body: dict[str, Any], field: str) -> None:
    body = {"worker": county.teammate.pk} | body
    response = change_worker(client_for(county.manager), county.child.pk, **body)
    assert response.status_code == 400
    assert list(response.data) == [field]
    assert Allocation.objects.filter(child=county.child).count() == 1


def test_change_worker_refuses_a_worker_in_another_team(county: County) -> None:
    response = change_worker(client_for(county.manager), county.child.pk, worker=county.other_worker.pk)
    assert response.status_code == 400
    assert response.data == {"worker": ["Choose a social worker you can allocate children to."]}
    assert Allocation.objects.get(child=county.child, ended_on__isnull=True).worker == county.worker


def test_allocation_list_filters_by_child(county: County) -> None:
    change_worker(client_for(county.head), county.other_child.pk, worker=county.other_manager.pk)
    response = client_for(county.head).get(url("allocation-list"), {"child": county.other_child.pk})
    rows = response.json()["results"]
    assert [(row["worker"]["id"], row["end_reason"]) for row in rows] == [
        (county.other_worker.pk, "MANAGE"),
        (county.other_manager.pk, ""),
    ]
    assert client_for(county.head).get(url("allocation-list"), {"child": "one"}).status_code == 400


# Visits -----------------------------------------------------------------------------------------


def test_allocated_worker_records_signs_and_amends_a_visit(county: County) -> None:
    client = client_for(county.worker)
    created = client.post(url("visit-list"), visit_body(county.child.pk), format="json")
    assert created.status_code == 201
    visit_id = created.json()["id"]
    assert created.json()["status"] == codes.VisitStatus.DRAFT
    assert created.json()["author"]["id"] == county.worker.pk

    changed = client.patch(url("visit-detail", visit_id), {"observations": "Calm and settled."}, format="json")
    assert changed.status_code == 200
    assert changed.json()["observations"] == "Calm and settled."

    signed = client.post(url("visit-sign", visit_id))
    assert signed.status_code == 200
    assert signed.json()["status"] == codes.VisitStatus.SIGNED
    assert signed.json()["signed_by"]["id"] == county.worker.pk

    amended = client.post(url("visit-amend", visit_id), {"reason": "Wrong room", "location": "Kitchen"}, format="json")
    assert amended.status_code == 200
    visit = Visit.objects.get(pk=visit_id)
    assert (visit.location, visit.observations, visit.status) == ("Kitchen", "Calm and settled.", codes.VisitStatus.SIGNED)
    assert visit.history.first().history_change_reason == "Amended: Wrong room"


def test_head_of_service_may_record_for_any_child(county: County) -> None:
    response = client_for(county.head).post(url("visit-list"), visit_body(county.other_child.pk), format="json")
    assert response.status_code == 201
    assert Visit.objects.get().author == county.head


def test_a_signed_visit_changes_only_by_amendment_with_a_reason(county: County, records: Records) -> None:
    client = client_for(county.worker)
    assert client.post(url("visit-sign", records.visit.pk)).status_code == 200
    patched = client.patch(url("visit-detail", records.visit.pk), {"location": "Park"}, format="json")
    assert patched.status_code == 400
    assert "non_field_errors" in patched.json()
    unexplained = client.post(url("visit-amend", records.visit.pk), {"location": "Park"}, format="json")
    assert unexplained.status_code == 400
    assert list(unexplained.json()) == ["reason"]
    records.visit.refresh_from_db()
    assert records.visit.location == ""


def test_amending_a_draft_and_signing_an_empty_visit_are_refused(county: County, records: Records) -> None:
    client = client_for(county.worker)
    amend = client.post(url("visit-amend", records.visit.pk), {"reason": "typo"}, format="json")
    assert amend.status_code == 400
    assert amend.json() == {"non_field_errors": ["This visit is still a draft: change it directly."]}
    empty = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="")
    sign = client.post(url("visit-sign", empty.pk))
    assert sign.status_code == 400
    assert "non_field_errors" in sign.json()


def test_repeating_a_create_with_the_same_key_makes_one_visit(county: County) -> None:
    client = client_for(county.worker)
    body = visit_body(county.child.pk, idempotency_key=str(uuid.uuid4()))
    first = client.post(url("visit-list"), body, format="json")
    second = client.post(url("visit-list"), body, format="json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Visit.objects.filter(idempotency_key=body["idempotency_key"]).count() == 1


def test_a_key_used_for_another_childs_visit_is_refused(county: County) -> None:
    key = str(uuid.uuid4())
    client_for(county.other_worker).post(url("visit-list"), visit_body(county.other_child.pk, idempotency_key=key), format="json")
    response = client_for(county.worker).post(url("visit-list"), visit_body(county.child.pk, idempotency_key=key), format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize(
    ("visited_at", "message"),
    [
        (lambda: timezone.now() + datetime.timedelta(days=1), "A visit cannot be recorded in the future."),
        (lambda: timezone.now() - datetime.timedelta(days=365 * 11), "A visit cannot be before the child was born."),
    ],
)
def test_visit_dates_must_be_possible(county: County, visited_at: Callable[[], datetime.datetime], message: str) -> None:
    body = visit_body(county.child.pk, visited_at=visited_at().isoformat())
    response = client_for(county.worker).post(url("visit-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"visited_at": [message]}
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visit_type": "home_visit"}, "visit_type"),
        ({"visited_at": "last Tuesday"}, "visited_at"),
        ({"visited_at": None}, "visited_at"),
        ({"location": "x" * 201}, "location"),
        ({"child_said": "nul\x00byte"}, "child_said"),
        ({"child": "abc"}, "child"),
        ({"child": 10**30}, "child"),
        ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
        ({"seen_alone": "perhaps"}, "seen_alone"),
    ],
)
def test_visit_create_answers_bad_input_with_field_errors(county: County, overrides: dict[str, Any], field: str) -> None:
    response = client_for(county.worker).post(url("visit-list"), visit_body(county.child.pk, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Visit.objects.exists()


def test_malformed_json_is_a_bad_request(county: County, records: Records) -> None:
    client = client_for(county.worker)
    for path in (url("visit-list"), url("child-change-worker", county.child.pk), url("visit-amend", records.visit.pk)):
        response = client.post(path, '{"child": 1,', content_type="application/json")
        assert response.status_code == 400, path
        assert "JSON parse error" in response.json()["detail"]
    not_an_object = client.post(url("visit-list"), "[1, 2]", content_type="application/json")
    assert not_an_object.status_code == 400
    assert "non_field_errors" in not_an_object.json()


def test_visit_list_filters_by_child_type_and_status(county: County, records: Records) -> None:
    direct = factories.DraftVisitFactory(child=county.child, author=county.worker, visit_type=codes.VisitType.DIRECT_WORK)
    client = client_for(county.head)
    assert ids(client.get(url("visit-list"), {"child": county.child.pk})) == {records.visit.pk, direct.pk}
    assert ids(client.get(url("visit-list"), {"visit_type": "direct_work"})) == {direct.pk}
    assert ids(client.get(url("visit-list"), {"status": "signed"})) == set()
    assert client.get(url("visit-list"), {"visit_type": "home_visit"}).status_code == 400


def test_visit_detail_logs_the_view_and_hides_other_teams(county: County, records: Records) -> None:
    client = client_for(county.worker)
    response = client.get(url("visit-detail", records.visit.pk))
    assert response.status_code == 200
    assert response.json()["child_name"] == "Ava Testchild"
    assert RecordView.objects.get().page == "api:visit-detail"
    assert client.get(url("visit-detail", records.other_visit.pk)).status_code == 404


# Sibling contact --------------------------------------------------------------------------------


def test_worker_arranges_sibling_contact_and_records_sessions(county: County, records: Records) -> None:
    client = client_for(county.worker)
    started = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    body = {"child": county.child.pk, "sibling": records.sibling.pk, "frequency": "fortnightly", "started_on": started}
    arrangement = client.post(url("sibling-contact-arrangement-list"), body, format="json")
    assert arrangement.status_code == 201
    assert arrangement.json()["sibling"]["name"] == "Sibling of Ava"
    assert arrangement.json()["requested_by_child"] is False

    session = {"arrangement": arrangement.json()["id"], "planned_on": started, "status": "happened", "child_comment": "Fun!"}
    recorded = client.post(url("sibling-contact-session-list"), session, format="json")
    assert recorded.status_code == 201
    listed = client.get(url("sibling-contact-session-list"), {"arrangement": arrangement.json()["id"]})
    assert ids(listed) == {recorded.json()["id"]}
    detail = client.get(url("sibling-contact-arrangement-detail", arrangement.json()["id"]))
    assert [row["child_comment"] for row in detail.json()["sessions"]] == ["Fun!"]


def test_sibling_contact_needs_a_brother_or_sister_of_that_child(county: County, records: Records) -> None:
    parent = factories.FamilyMemberFactory(child=county.child, relationship=codes.Relationship.MOTHER)
    today = timezone.localdate().isoformat()
    body = {"child": county.child.pk, "sibling": parent.pk, "frequency": "monthly", "started_on": today}
    response = client_for(county.worker).post(url("sibling-contact-arrangement-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"sibling": ["Choose one of this child's brothers or sisters."]}
    unknown = client_for(county.worker).post(
        url("sibling-contact-arrangement-list"), body | {"frequency": "daily"}, format="json"
    )
    assert list(unknown.json()) == ["frequency"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "cancelled", "cancelled_by": "carer"}, "cancel_reason"),
        ({"status": "happened", "planned_on": "2099-01-01"}, "status"),
        ({"status": "postponed"}, "status"),
        ({"status": "planned", "planned_on": "2000-01-01"}, "planned_on"),
        ({"status": "cancelled", "cancelled_by": "dog", "cancel_reason": "Ill"}, "cancelled_by"),
    ],
)
def test_session_recording_refuses_bad_input(county: County, records: Records, body: dict[str, Any], field: str) -> None:
    body = {"arrangement": records.arrangement.pk, "planned_on": timezone.localdate().isoformat()} | body
    response = client_for(county.worker).post(url("sibling-contact-session-list"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert records.arrangement.sessions.count() == 1


# Tokens, schema and errors ----------------------------------------------------------------------


def test_a_token_from_username_and_password_authenticates(county: County) -> None:
    client = APIClient()
    response = client.post(url("token"), {"username": "sw.north", "password": factories.PASSWORD}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert ids(client.get(url("child-list"))) == {county.child.pk}


def test_a_wrong_password_gets_no_token(county: County) -> None:
    client = APIClient()
    response = client.post(url("token"), {"username": "sw.north", "password": "not-the-password"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(url("child-list")).status_code in (401, 403)


def test_the_schema_and_docs_are_served(db) -> None:
    schema = APIClient().get(url("schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/visits/{id}/amend/", "/api/v1/children/{id}/change-worker/", "/api/v1/auth/token/"} <= set(paths)
    assert not [path for path, operations in paths.items() if "delete" in operations or "put" in operations]
    assert APIClient().get(url("docs")).status_code == 200


def test_django_validation_errors_become_field_errors() -> None:
    error = ValidationError({"__all__": ["Both at once."], "visited_at": "Too late."})
    assert validation_error_detail(error) == {"non_field_errors": ["Both at once."], "visited_at": ["Too late."]}
    assert validation_error_detail(ValidationError("Plain.")) == {"non_field_errors": ["Plain."]}


# Query counts -----------------------------------------------------------------------------------


def _many_records(county: County, count: int) -> None:
    for _ in range(count):
        child = factories.ChildFactory()
        factories.AllocationFactory(child=child, worker=county.worker)
        factories.CareEpisodeFactory(child=child)
        _records_for(child, county.worker)
        factories.SiblingContactSessionFactory(arrangement=child.sibling_contact.get())


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize(
    ("name", "most"),
    # Each list also writes its access-log row and the children it showed: two queries, however many rows.
    [
        ("child-list", 3 + 2),
        ("allocation-list", 2 + 2),
        ("visit-list", 2 + 2),
        ("sibling-contact-arrangement-list", 3 + 2),
        ("sibling-contact-session-list", 2 + 2),
    ],
)
def test_list_queries_do_not_grow_with_rows(
    county: County, django_assert_max_num_queries: DjangoAssertNumQueries, rows: int, name: str, most: int
) -> None:
    _many_records(county, rows)
    client = client_for(county.worker)
    with django_assert_max_num_queries(most):
        response = client.get(url(name))
    assert response.json()["count"] >= rows


def test_family_list_queries_do_not_grow_with_rows(county: County, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    for _ in range(12):
        factories.FamilyMemberFactory(child=county.child, own_record=factories.ChildFactory())
    with django_assert_max_num_queries(4):  # the child, the access log (the read is logged), the count, the page
        response = client_for(county.worker).get(url("child-family", county.child.pk))
    assert response.json()["count"] == 12


def test_the_schema_generates_without_a_warning(db) -> None:
    """A warning (two names for one set of choices, a field it cannot type) is a schema clients would misread."""
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO(), stderr=io.StringIO())
