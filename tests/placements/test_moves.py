"""Moves follow decisions (issue 16): a move needs an approved decision for its home's rung, or is an emergency move
the same day whose decision is due within 72 hours; the Residential Review Group's monthly review."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from placements import codes, services
from placements.models import PlacementDecision, PlacementEpisode, ResidentialReview
from tests.placements import factories
from tests.placements.conftest import ready_decision

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def move(county, home, started_on=None, **kwargs):
    return services.placement_start(
        child=county.child, home=home, started_on=started_on or TODAY(), actor=county.worker, **kwargs
    )


def test_a_move_with_no_approved_decision_is_refused_and_saves_nothing(county, homes):
    with pytest.raises(ValidationError) as error:
        move(county, homes[codes.Rung.RESIDENTIAL])
    assert "needs an approved decision" in error.value.message_dict["home"][0]
    assert not PlacementEpisode.objects.filter(child=county.child).exists()


def test_a_move_follows_the_approved_decision_for_its_rung_and_uses_it_up(county, homes):
    decision = factories.approved_decision(county.child, homes[codes.Rung.IN_HOUSE_FOSTER], county.worker)
    with pytest.raises(ValidationError):  # approved for in-house foster care, not for a children's home
        move(county, homes[codes.Rung.RESIDENTIAL])
    episode = move(county, homes[codes.Rung.IN_HOUSE_FOSTER], TODAY() - 5 * DAY)
    decision.refresh_from_db()
    assert decision.episode == episode and not episode.emergency
    other_in_house = factories.HomeFactory(name="Okafor foster carers")
    with pytest.raises(ValidationError, match="approved decision"):  # used up: the next move needs its own
        move(county, other_in_house, reason="CARPL")


def test_a_decision_that_chose_a_home_allows_only_that_home(county, homes):
    factories.PlacementDecisionFactory(
        child=county.child, created_by=county.worker, status=codes.DecisionStatus.APPROVED, chosen_rung=3,
        chosen_home=homes[codes.Rung.IN_HOUSE_FOSTER],
    )  # fmt: skip
    with pytest.raises(ValidationError):
        move(county, factories.HomeFactory(name="Okafor foster carers"))
    assert move(county, homes[codes.Rung.IN_HOUSE_FOSTER]).home == homes[codes.Rung.IN_HOUSE_FOSTER]


def test_an_emergency_move_is_marked_and_due_for_approval_within_72_hours(county, homes):
    before = timezone.now()
    episode = move(county, homes[codes.Rung.IFA], emergency_reason="  Carers in hospital overnight.  ")
    assert episode.emergency and episode.emergency_reason == "Carers in hospital overnight."
    assert episode.approval_due_at is not None
    assert before + datetime.timedelta(hours=72) <= episode.approval_due_at <= timezone.now() + datetime.timedelta(hours=72)
    assert episode.history.latest().history_change_reason == "Emergency move"


@pytest.mark.parametrize("days", [-3, 1, 7])
def test_an_emergency_move_is_only_for_today_or_last_night(county, homes, days):
    with pytest.raises(ValidationError) as error:
        move(county, homes[codes.Rung.IFA], TODAY() + days * DAY, emergency_reason="It was urgent.")
    assert "started_on" in error.value.message_dict
    assert not PlacementEpisode.objects.filter(child=county.child).exists()


def test_last_nights_emergency_move_is_due_72_hours_from_the_end_of_that_day(county, homes):
    episode = move(county, homes[codes.Rung.IFA], TODAY() - DAY, emergency_reason="Police protection at 2am.")
    end_of_yesterday = timezone.make_aware(datetime.datetime.combine(TODAY() - DAY, datetime.time.max))
    assert episode.approval_due_at == end_of_yesterday + datetime.timedelta(hours=72)


def test_an_emergency_move_the_child_has_moved_on_from_still_waits_for_its_approval(client, county, homes):
    emergency = move(county, homes[codes.Rung.IFA], TODAY() - DAY, emergency_reason="Carers in hospital.")
    factories.move(county.child, homes[codes.Rung.KINSHIP], TODAY(), county.worker, reason="CARPL")
    client.force_login(county.manager)
    assert "Emergency moves to approve" in client.get(reverse("casework:caseload")).content.decode()
    decision = services.decision_submit(
        decision=ready_decision(county, homes, codes.Rung.IFA, chosen_home=homes[codes.Rung.IFA], move_on=TODAY() - DAY),
        actor=county.worker,
    )
    services.decision_approve(decision=decision, actor=county.manager)  # approves the emergency: no move back
    decision.refresh_from_db()
    assert decision.episode == emergency
    assert PlacementEpisode.objects.get(child=county.child, ended_on__isnull=True).home == homes[codes.Rung.KINSHIP]
    assert "Emergency moves to approve" not in client.get(reverse("casework:caseload")).content.decode()


def test_the_managers_caseload_lists_emergency_moves_until_their_decision_is_approved(client, county, homes):
    episode = move(county, homes[codes.Rung.IN_HOUSE_FOSTER], emergency_reason="Carers in hospital.")
    client.force_login(county.manager)
    page = client.get(reverse("casework:caseload")).content.decode()
    assert "Emergency moves to approve" in page and "Approve by" in page and county.child.display_name in page
    for outsider in (county.other_manager, county.worker):  # another team's manager; a worker approves nothing
        client.force_login(outsider)
        assert "Emergency moves to approve" not in client.get(reverse("casework:caseload")).content.decode()

    decision = services.decision_submit(
        decision=ready_decision(county, homes, codes.Rung.IN_HOUSE_FOSTER, move_on=None, chosen_home=None),
        actor=county.worker,
    )
    services.decision_approve(decision=decision, actor=county.manager)
    decision.refresh_from_db()
    assert decision.episode == episode  # the approval is the emergency move's: no second move
    assert PlacementEpisode.objects.filter(child=county.child).count() == 1
    client.force_login(county.manager)
    assert "Emergency moves to approve" not in client.get(reverse("casework:caseload")).content.decode()


def test_an_emergency_move_past_its_72_hours_shows_as_overdue(client, county, homes):
    episode = move(county, homes[codes.Rung.IFA], emergency_reason="Carers in hospital.")
    PlacementEpisode.objects.filter(pk=episode.pk).update(approval_due_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(county.head)
    assert "Approval overdue since" in client.get(reverse("casework:caseload")).content.decode()


def test_the_api_records_an_emergency_move_and_refuses_a_move_with_no_decision(county, homes):
    client = APIClient()
    client.force_authenticate(county.worker)
    url = f"/api/v1/placement-episodes/children/{county.child.pk}/start/"
    body = {"home": homes[codes.Rung.IFA].pk, "started_on": TODAY().isoformat()}
    response = client.post(url, body, format="json")
    assert response.status_code == 400 and "home" in response.json()
    response = client.post(url, body | {"emergency_reason": "Carers in hospital."}, format="json")
    assert response.status_code == 201 and response.json()["emergency"] is True


def test_the_first_home_carries_the_category_of_need_recorded_when_care_started(county, homes):
    care = county.child.care_episodes.get()
    care.category_of_need = "N5"
    care.save()
    first = factories.move(county.child, homes[codes.Rung.IN_HOUSE_FOSTER], TODAY() - 10 * DAY, county.worker)
    second = factories.move(county.child, homes[codes.Rung.IFA], TODAY(), county.worker, reason="CARPL")
    assert (first.category_of_need, second.category_of_need) == ("N5", "N5")
    # A period in care from before the need was kept, and no home yet: the worker says which.
    child = county.other_child
    child.care_episodes.update(category_of_need="")
    with pytest.raises(ValidationError) as error:
        factories.move(child, homes[codes.Rung.IN_HOUSE_FOSTER], TODAY(), county.other_worker)
    assert "category_of_need" in error.value.message_dict
    home = factories.move(child, homes[codes.Rung.IN_HOUSE_FOSTER], TODAY(), county.other_worker, category_of_need="N8")
    assert home.category_of_need == "N8"


# The Residential Review Group ------------------------------------------------------------------------------------


@pytest.fixture
def in_a_childrens_home(county, homes):
    return factories.move(county.child, homes[codes.Rung.RESIDENTIAL], TODAY() - 60 * DAY, county.worker)


def review(county, actor, **fields):
    values = {"reviewed_on": TODAY(), "outcome": codes.ResidentialReviewOutcome.SEARCH, "next_review_on": TODAY() + 28 * DAY}
    return services.residential_review_record(child=county.child, actor=actor, **(values | fields))


def test_the_group_records_a_monthly_review_with_history(county, in_a_childrens_home):
    done = review(county, county.manager, notes="Two in-house carers to meet her.")
    assert done.episode == in_a_childrens_home and done.recorded_by == county.manager
    assert done.history.get().history_user == county.manager


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reviewed_on": TODAY() + DAY}, "reviewed_on"),
        ({"reviewed_on": TODAY() - 90 * DAY}, "reviewed_on"),  # before the child moved in
        ({"next_review_on": TODAY() + 50 * DAY}, "next_review_on"),  # the group meets monthly
        ({"next_review_on": TODAY()}, "next_review_on"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_a_review_with_a_wrong_date_or_outcome_is_refused_by_field_and_saves_nothing(county, in_a_childrens_home, fields, field):
    with pytest.raises(ValidationError) as error:
        review(county, county.manager, **fields)
    assert field in error.value.message_dict
    assert not ResidentialReview.objects.exists()


def test_only_a_manager_records_a_review_and_only_of_a_child_in_a_childrens_home(county, homes, in_a_childrens_home):
    with pytest.raises(PermissionDenied):
        review(county, county.worker)
    review(county, county.head)
    with pytest.raises(ValidationError, match="already recorded"):
        review(county, county.manager)
    factories.move(county.child, homes[codes.Rung.IFA], TODAY(), county.worker, reason="CARPL")
    with pytest.raises(ValidationError, match="does not live in a children's home"):
        review(county, county.manager, reviewed_on=TODAY() - DAY)


def test_the_review_page_records_and_the_groups_page_shows_the_last_review(client, county, in_a_childrens_home):
    client.force_login(county.manager)
    url = reverse("placements:residential-review-new", args=[county.child.pk])
    bad = client.post(url, {"reviewed_on": TODAY().isoformat(), "outcome": "stays", "next_review_on": "2099-01-01"})
    assert bad.status_code == 200 and "The group meets monthly" in bad.content.decode()
    body = {"reviewed_on": TODAY().isoformat(), "outcome": "stays", "next_review_on": (TODAY() + 30 * DAY).isoformat()}
    assert client.post(url, body).status_code == 302
    page = client.get(reverse("placements:residential-review")).content.decode()
    assert "Stays: the home meets" in page and "Record a review" in page


def test_the_api_records_a_review_for_a_manager_only(county, in_a_childrens_home):
    client = APIClient()
    url = f"/api/v1/placement-episodes/children/{county.child.pk}/residential-review/"
    body = {"reviewed_on": TODAY().isoformat(), "outcome": "ready", "next_review_on": (TODAY() + 21 * DAY).isoformat()}
    client.force_authenticate(county.worker)
    assert client.post(url, body, format="json").status_code == 403
    client.force_authenticate(county.manager)
    response = client.post(url, body, format="json")
    assert response.status_code == 201 and response.json()["outcome"] == "ready"
    assert PlacementDecision.objects.count() == 1  # the decision that moved her in; nothing else made
