"""A child new to the council, and correcting who they are (issue 16): one service under the page and the API,
with clear messages keyed by field, nothing saved on bad input, a possible duplicate shown before a second
record is made, optimistic locking and history."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework import codes, selectors, services
from casework.models import Child, RecordCheck, RecordView, User
from casework.versions import RecordChanged
from tests import factories
from tests.conftest import County

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def details(**changes: Any) -> dict[str, Any]:
    return {
        "first_name": "Robin",
        "last_name": "Newchild",
        "date_of_birth": datetime.date(2016, 4, 2),
        "sex": codes.Sex.FEMALE,
        "ethnicity": codes.Ethnicity.WBRI,
        "upn": "A123456789012",
        "home_postcode": "wr5 3da",
        **changes,
    }


def create(county: County, **changes: Any) -> Child:
    return services.child_create(actor=county.worker, worker=county.worker, allocated_on=TODAY, **details(**changes))


def test_a_new_child_is_on_their_workers_caseload_with_history(county: County) -> None:
    child = create(county)
    assert child.allocations.get().worker == county.worker
    assert child.home_postcode == "WR5 3DA"
    assert child.history.get().history_user == county.worker
    assert child.history.get().history_change_reason == "New child"
    assert services.child_possible_duplicates(
        first_name="Robyn", last_name="Newchild", date_of_birth=child.date_of_birth, upn=""
    ) == [child]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"upn": ""}, "upn"),
        ({"upn": "123"}, "upn"),
        ({"upn_unknown": codes.UpnUnknown.UN4}, "upn_unknown"),
        ({"date_of_birth": TODAY + datetime.timedelta(days=3)}, "date_of_birth"),
        ({"date_of_birth": TODAY + datetime.timedelta(days=400), "date_of_birth_expected": True, "upn": ""}, "date_of_birth"),
        ({"home_postcode": "not a postcode"}, "home_postcode"),
        ({"sex": "9"}, "sex"),
        ({"first_name": ""}, "first_name"),
        ({"disability_details": "Uses a wheelchair"}, "disability"),
    ],
)
def test_a_new_child_with_bad_details_is_refused_by_field_and_nothing_is_saved(county: County, changes, field) -> None:
    before = Child.objects.count()
    with pytest.raises(ValidationError) as refused:
        create(county, **changes)
    assert field in refused.value.message_dict
    assert Child.objects.count() == before


def test_an_unborn_child_needs_no_upn(county: County) -> None:
    child = create(county, upn="", date_of_birth=TODAY + datetime.timedelta(days=60), date_of_birth_expected=True)
    assert child.date_of_birth_expected


def test_a_possible_duplicate_is_named_before_a_second_record_is_made(county: County) -> None:
    first = create(county)
    with pytest.raises(services.PossibleDuplicate) as refused:
        create(county, first_name="Robyn", upn="B123456789012")  # a name spelled alike, the same birthday
    assert refused.value.visible == [first]
    assert "Hearth id" in refused.value.message_dict["not_a_duplicate"][0]
    twin = create(county, first_name="Robyn", upn="B123456789012", not_a_duplicate=True)
    assert twin.pk != first.pk


def test_a_duplicate_in_another_team_is_counted_but_not_named(county: County) -> None:
    services.child_create(actor=county.other_worker, worker=county.other_worker, allocated_on=TODAY, **details())
    with pytest.raises(services.PossibleDuplicate) as refused:
        create(county)
    assert (refused.value.visible, refused.value.hidden) == ([], 1)
    assert "Newchild" not in str(refused.value)


def test_only_case_staff_add_children_and_only_to_a_worker_they_may_allocate_to(county: County) -> None:
    with pytest.raises(PermissionDenied):
        services.child_create(actor=county.admin, worker=county.worker, allocated_on=TODAY, **details())
    with pytest.raises(ValidationError) as refused:
        services.child_create(actor=county.worker, worker=county.other_worker, allocated_on=TODAY, **details())
    assert "worker" in refused.value.message_dict


def test_editing_a_childs_details_keeps_history_and_refuses_a_stale_version(county: County) -> None:
    child = create(county)
    read = child.updated_at
    services.child_update(child=child, actor=county.worker, version=read, school="Hill Primary")
    with pytest.raises(RecordChanged):
        services.child_update(child=child, actor=county.worker, version=read, school="Vale Academy")
    child.refresh_from_db()
    assert child.school == "Hill Primary"
    assert [row.school for row in child.history.all()] == ["Hill Primary", ""]
    with pytest.raises(PermissionDenied):
        services.child_update(child=child, actor=county.teammate, school="Vale Academy")


def test_a_upn_already_on_another_record_is_refused(county: County) -> None:
    create(county)
    with pytest.raises(ValidationError) as refused:
        services.child_update(child=county.child, actor=county.worker, upn="A123456789012", upn_unknown="")
    assert "upn" in refused.value.message_dict


# The pages ---------------------------------------------------------------------------------------


def form(**changes: Any) -> dict[str, Any]:
    body = details(**changes)
    return {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in body.items()} | {
        "send": codes.SendNeed.NONE
    }


def test_a_worker_adds_a_child_from_their_phone_and_a_duplicate_is_shown_with_a_link(client: Client, county: County) -> None:
    client.force_login(county.worker)
    page = client.get(reverse("casework:child-new"))
    assert page.status_code == 200
    assert "I have checked" not in page.content.decode()
    body = form() | {"worker": county.worker.pk, "allocated_on": TODAY.isoformat()}
    response = client.post(reverse("casework:child-new"), body)
    child = Child.objects.get(last_name="Newchild")
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:child-detail", args=[child.pk])

    again = client.post(reverse("casework:child-new"), body | {"upn": "C123456789012"})
    text = again.content.decode()
    assert again.status_code == 200
    assert reverse("casework:child-detail", args=[child.pk]) in text
    assert "I have checked: this is a different child" in text
    assert Child.objects.filter(last_name="Newchild").count() == 1


def test_the_details_page_saves_only_what_changed_and_says_who_changed_it_meanwhile(client: Client, county: County) -> None:
    client.force_login(county.worker)
    url = reverse("casework:child-edit", args=[county.child.pk])
    page = client.get(url)
    version = page.context["form"].initial["version"]
    services.child_update(child=county.child, actor=county.manager, school="Vale Academy")
    stale = client.post(url, form(first_name="Ava", last_name="Testchild", upn="", upn_unknown="UN5") | {"version": version})
    assert stale.status_code == 200
    assert "since you opened it" in stale.content.decode()
    county.child.refresh_from_db()
    assert county.child.school == "Vale Academy"


def test_the_details_page_is_for_who_may_record(client: Client, county: County) -> None:
    for user, expected in ((county.teammate, 403), (county.other_worker, 404), (county.admin, 404)):
        client.force_login(user)
        assert client.get(reverse("casework:child-edit", args=[county.child.pk])).status_code == expected, user


# The API -----------------------------------------------------------------------------------------


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_adds_a_child_and_refuses_a_possible_duplicate_until_told(county: County) -> None:
    body = form() | {"worker": county.worker.pk, "allocated_on": TODAY.isoformat()}
    made = api_as(county.worker).post("/api/v1/children/", body, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["current_worker"]["id"] == county.worker.pk
    again = api_as(county.worker).post("/api/v1/children/", body | {"upn": "C123456789012"}, format="json")
    assert again.status_code == 400
    assert list(again.json()) == ["not_a_duplicate"]
    told = api_as(county.worker).post(
        "/api/v1/children/", body | {"upn": "C123456789012", "not_a_duplicate": True}, format="json"
    )
    assert told.status_code == 201


def test_the_api_corrects_details_with_a_version_and_answers_409_when_stale(county: County) -> None:
    url = f"/api/v1/children/{county.child.pk}/"
    read = api_as(county.worker).get(url).json()["updated_at"]
    assert api_as(county.worker).patch(url, {"school": "Hill Primary", "version": read}, format="json").status_code == 200
    stale = api_as(county.worker).patch(url, {"school": "Vale Academy", "version": read}, format="json")
    assert stale.status_code == 409
    assert api_as(county.teammate).patch(url, {"school": "X"}, format="json").status_code == 403
    assert api_as(county.other_worker).patch(url, {"school": "X"}, format="json").status_code == 404
    assert RecordView.objects.filter(user=county.worker, child=county.child).exists()


# Finding a child ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Jon Smyth", "smyth", "JOHN SMITH", "Johnny"])
def test_a_name_spelled_as_it_sounds_finds_the_child(county: County, typed: str) -> None:
    john = create(county, first_name="John", last_name="Smith", preferred_name="Johnny")
    assert john in selectors.children_found(user=county.worker, query=typed)


def test_a_date_of_birth_a_upn_or_an_id_finds_the_child_and_nobody_else(county: County) -> None:
    child = create(county)
    for typed in ("02/04/2016", "2016-04-02", "a123456789012", str(child.pk)):
        assert list(selectors.children_found(user=county.worker, query=typed)) == [child], typed
    assert not selectors.children_found(user=county.worker, query="31/02/2016").exists()
    assert not selectors.children_found(user=county.worker, query="Zzzz Qqqq").exists()


def test_finding_covers_only_the_children_the_user_may_see(county: County) -> None:
    assert not selectors.children_found(user=county.worker, query="Zed Otherchild").exists()
    assert list(selectors.children_found(user=county.other_worker, query="Zed Otherchild")) == [county.other_child]
    assert not selectors.children_found(user=county.admin, query="Zed Otherchild").exists()


def test_the_caseload_search_box_and_the_api_find_by_a_misspelled_name(client: Client, county: County) -> None:
    client.force_login(county.worker)
    page = client.get(reverse("casework:caseload"), {"q": "Ava Testchilde"}).content.decode()
    assert "found for “Ava Testchilde”" in page
    assert reverse("casework:child-detail", args=[county.child.pk]) in page
    empty = client.get(reverse("casework:caseload"), {"q": "Zed Otherchild"}).content.decode()
    assert "No child you may see matches" in empty
    found = api_as(county.worker).get("/api/v1/children/", {"search": "Eva Testchild"}).json()["results"]
    assert [row["id"] for row in found] == [county.child.pk]


# The caseload: what to show and in which order ------------------------------------------------------


def _in_care_since(child: Child, days_ago: int) -> None:
    episode = child.care_episodes.get()
    episode.started_on = TODAY - datetime.timedelta(days=days_ago)
    episode.save()


def test_the_caseload_shows_overdue_or_due_this_week_and_a_draft_is_not_a_visit(client: Client, county: County) -> None:
    due_soon = create(county, first_name="Soon", upn="", upn_unknown="UN5")  # never visited, in care 3 days: due in 4 days
    factories.CareEpisodeFactory(child=due_soon, started_on=TODAY - datetime.timedelta(days=3))
    _in_care_since(county.child, 60)  # in care 60 days, visited only in a draft: overdue
    factories.DraftVisitFactory(child=county.child, author=county.worker, visited_at=timezone.now() - datetime.timedelta(days=2))
    client.force_login(county.worker)

    def names(**query: str) -> list[str]:
        page = client.get(reverse("casework:caseload"), query)
        return [row.child.first_name for row, _ in page.context["rows"]]

    assert names(show="overdue") == ["Ava"]
    assert names(show="due-this-week") == ["Soon"]
    assert names(sort="next-visit")[:2] == ["Ava", "Soon"]  # overdue first; children not in care last
    assert names(show="in-care") == ["Soon", "Ava"]  # by last name: Newchild, Testchild
    assert names(show="nonsense") == names()


def test_the_caseload_shows_the_children_asking_for_a_correction_and_those_leaving_care(client: Client, county: County) -> None:
    shared = factories.SharedRecordFactory(visit__child=county.child, visit__author=county.worker)
    RecordCheck.objects.create(shared_record=shared, verdict=codes.Verdict.NOT_RIGHT, status=codes.CheckStatus.OPEN)
    older = create(county, first_name="Older", date_of_birth=TODAY.replace(year=TODAY.year - 17), upn="", upn_unknown="UN5")
    factories.CareEpisodeFactory(child=older, started_on=TODAY - datetime.timedelta(days=30))
    client.force_login(county.worker)
    rows = client.get(reverse("casework:caseload"), {"show": "correction"}).context["rows"]
    assert [row.child for row, _ in rows] == [county.child]
    rows = client.get(reverse("casework:caseload"), {"show": "leaving-care"}).context["rows"]
    assert [row.child for row, _ in rows] == [older]


# Closing a case and opening it again ----------------------------------------------------------------


def test_a_case_closes_with_a_reason_leaves_the_team_and_a_head_opens_it_again(client: Client, county: County) -> None:
    child = create(county)
    with pytest.raises(ValidationError) as refused:
        services.child_close(child=child, actor=county.worker, closed_on=TODAY, reason="")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.child_close(child=child, actor=county.worker, closed_on=TODAY, reason=codes.ClosureReason.OTHER)
    assert "note" in refused.value.message_dict
    child.refresh_from_db()
    assert child.status == codes.CaseStatus.OPEN

    client.force_login(county.worker)
    url = reverse("casework:child-close", args=[child.pk])
    response = client.post(url, {"closed_on": TODAY.isoformat(), "reason": codes.ClosureReason.MOVED_AWAY})
    assert response["Location"] == reverse("casework:caseload")  # the record has left the worker's team
    child.refresh_from_db()
    assert (child.status, child.closed_reason) == (codes.CaseStatus.CLOSED, codes.ClosureReason.MOVED_AWAY)
    assert child.allocations.get().end_reason == codes.WorkerChangeReason.PCCHAN
    assert client.get(reverse("casework:child-detail", args=[child.pk])).status_code == 404

    client.force_login(county.head)
    assert "Open the case again" in client.get(reverse("casework:child-detail", args=[child.pk])).content.decode()
    reopen = reverse("casework:child-reopen", args=[child.pk])
    assert client.post(reopen, {"reason": "", "worker": county.teammate.pk}).status_code == 200
    body = {"reason": "A new referral from school", "worker": county.teammate.pk, "allocated_on": TODAY.isoformat()}
    assert client.post(reopen, body).status_code == 302
    child.refresh_from_db()
    assert (child.status, child.closed_on, child.closed_reason) == (codes.CaseStatus.OPEN, None, "")
    assert child.allocations.get(ended_on__isnull=True).worker == county.teammate
    reasons = [row.history_change_reason for row in child.history.order_by("history_date")]
    assert reasons[-2:] == ["Case closed", "Reopened: A new referral from school"]


def test_a_child_in_care_is_not_closed_and_only_who_may_record_closes(county: County) -> None:
    url = f"/api/v1/children/{county.child.pk}/close/"
    body = {"closed_on": TODAY.isoformat(), "reason": codes.ClosureReason.NO_FURTHER_ACTION}
    in_care = api_as(county.worker).post(url, body, format="json")
    assert in_care.status_code == 400
    assert "still in care" in in_care.json()["non_field_errors"][0]
    assert api_as(county.teammate).post(url, body, format="json").status_code == 403
    assert api_as(county.other_worker).post(url, body, format="json").status_code == 404
    child = create(county)
    closed = api_as(county.worker).post(f"/api/v1/children/{child.pk}/close/", body, format="json")
    assert (closed.status_code, closed.json()["closed_reason"]) == (200, "nfa")
    assert api_as(county.worker).get(f"/api/v1/children/{child.pk}/").status_code == 404
    reopen = {"reason": "New referral", "worker": county.worker.pk, "allocated_on": TODAY.isoformat()}
    again = api_as(county.head).post(f"/api/v1/children/{child.pk}/reopen/", reopen, format="json")
    assert (again.status_code, again.json()["status"]) == (200, "open")
    assert again.json()["current_worker"]["id"] == county.worker.pk


# The family network -----------------------------------------------------------------------------------


def test_a_brother_with_his_own_record_is_linked_both_ways_and_each_change_is_kept(county: County) -> None:
    brother = create(county, first_name="Sam", upn="B123456789012", date_of_birth=datetime.date(2014, 1, 5))
    member = services.family_member_add(
        child=county.child, actor=county.worker, name="Sam Newchild", relationship=codes.Relationship.FULL_SIBLING,
        own_record=brother, lives_with_child=True,
    )  # fmt: skip
    back = brother.family.get()
    assert (back.own_record, back.relationship, back.lives_with_child) == (county.child, codes.Relationship.FULL_SIBLING, True)
    read = member.updated_at
    services.family_member_update(member=member, actor=county.worker, version=read, lives_with_child=False)
    with pytest.raises(RecordChanged):
        services.family_member_update(member=member, actor=county.worker, version=read, phone="01905 111111")
    services.family_member_update(member=member, actor=county.worker, ended_on=TODAY)
    assert [row.lives_with_child for row in member.history.all()] == [False, False, True]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "relationship": codes.Relationship.MOTHER}, "name"),
        ({"name": "Jo", "relationship": "cat"}, "relationship"),
        (
            {"name": "Jo", "relationship": codes.Relationship.MOTHER, "date_of_birth": TODAY + datetime.timedelta(days=1)},
            "date_of_birth",
        ),
        (
            {
                "name": "Jo",
                "relationship": codes.Relationship.MOTHER,
                "started_on": TODAY,
                "ended_on": TODAY - datetime.timedelta(days=1),
            },
            "ended_on",
        ),
    ],
)
def test_someone_added_with_bad_details_is_refused_by_field_and_nothing_is_saved(county: County, fields, field) -> None:
    with pytest.raises(ValidationError) as refused:
        services.family_member_add(child=county.child, actor=county.worker, **fields)
    assert field in refused.value.message_dict
    assert not county.child.family.exists()


def test_only_a_sibling_the_worker_may_see_and_change_is_linked(county: County) -> None:
    sibling = codes.Relationship.HALF_SIBLING
    with pytest.raises(ValidationError) as refused:  # another team's child: not even named
        services.family_member_add(
            child=county.child, actor=county.worker, name="Zed", relationship=sibling, own_record=county.other_child
        )
    assert "own_record" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.family_member_add(
            child=county.child, actor=county.worker, name="Mum", relationship=codes.Relationship.MOTHER, own_record=create(county)
        )
    assert "own_record" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.family_member_add(
            child=county.child, actor=county.teammate, name="Gran", relationship=codes.Relationship.GRANDPARENT
        )


def test_the_network_pages_and_api_add_and_change_someone(client: Client, county: County) -> None:
    client.force_login(county.worker)
    url = reverse("casework:family-member-new", args=[county.child.pk])
    response = client.post(url, {"name": "Gran Smith", "relationship": "grandparent", "parental_responsibility": "on"})
    assert response.status_code == 302
    gran = county.child.family.get()
    assert gran.parental_responsibility
    assert "Gran Smith" in client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    edit = client.post(
        reverse("casework:family-member-edit", args=[gran.pk]),
        {"name": "Gran Smith", "relationship": "grandparent", "phone": "01905 222222", "version": gran.updated_at.isoformat()},
    )
    assert edit.status_code == 302
    gran.refresh_from_db()
    assert (gran.phone, gran.parental_responsibility) == ("01905 222222", False)

    api = f"/api/v1/children/{county.child.pk}/family/"
    made = api_as(county.worker).post(api, {"name": "Uncle Bo", "relationship": "aunt_uncle"}, format="json")
    assert made.status_code == 201
    bo = made.json()["id"]
    assert api_as(county.worker).patch(f"/api/v1/family/{bo}/", {"ended_on": TODAY.isoformat()}, format="json").status_code == 200
    assert api_as(county.teammate).patch(f"/api/v1/family/{bo}/", {"phone": "1"}, format="json").status_code == 403
    assert api_as(county.other_worker).patch(f"/api/v1/family/{bo}/", {"phone": "1"}, format="json").status_code == 404
    assert api_as(county.worker).post(api, {"name": "", "relationship": "cat"}, format="json").status_code == 400
