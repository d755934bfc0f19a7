"""The placement services: one home at a time, the ladder order, who approves, and the residential rules."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework import codes as casework_codes
from casework import measures
from casework import services as casework_services
from casework.dashboard import Period
from casework.models import CareEpisode, Child, Visit
from placements import codes, services
from placements.models import PlacementEpisode
from tests import factories as casework_factories
from tests.placements import factories
from tests.placements.conftest import ready_decision, residential_ready, walk_down

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def start(county, home, days_ago: int, **kwargs):
    return factories.move(county.child, home, TODAY() - days_ago * DAY, county.worker, **kwargs)


# A child's homes --------------------------------------------------------------------------------


def test_a_move_ends_the_current_home_the_day_the_next_starts(county, homes):
    first = start(county, homes[3], 100)
    second = start(county, homes[2], 10, reason="CARPL")
    first.refresh_from_db()
    assert first.ended_on == second.started_on == TODAY() - 10 * DAY
    assert (second.place, second.place_provider, second.reason_place_change) == ("U3", "PR1", "CARPL")
    assert PlacementEpisode.objects.filter(child=county.child, ended_on__isnull=True).get() == second
    assert first.history.latest().history_user == county.worker


def test_the_legal_status_at_the_start_is_kept_with_the_home(county, homes):
    casework_factories.LegalStatusFactory(child=county.child, code="C1", started_on=TODAY() - 200 * DAY)
    assert start(county, homes[3], 100).legal_status == "C1"


def test_a_move_before_the_current_home_started_is_refused_as_an_overlap(county, homes):
    start(county, homes[3], 100)
    with pytest.raises(ValidationError, match="overlaps"):
        start(county, homes[2], 150, reason="CARPL")
    assert PlacementEpisode.objects.filter(child=county.child).count() == 1


def test_a_move_needs_a_reason(county, homes):
    start(county, homes[3], 100)
    with pytest.raises(ValidationError) as error:
        start(county, homes[2], 10)
    assert "reason" in error.value.message_dict


def test_a_full_home_takes_no_more_children(county, homes):
    homes[3].capacity = 1
    homes[3].save()
    factories.move(county.other_child, homes[3], TODAY() - 5 * DAY, county.other_worker)
    with pytest.raises(ValidationError, match="no vacancy"):
        start(county, homes[3], 1)


def test_a_same_team_worker_cannot_record_a_move(county, homes):
    with pytest.raises(PermissionDenied):
        services.placement_start(child=county.child, home=homes[3], started_on=TODAY(), actor=county.teammate)


def test_leaving_care_ends_the_home_and_the_period_in_care_with_history(county, homes):
    start(county, homes[3], 100)
    episode = services.placement_end_care(child=county.child, ended_on=TODAY() - DAY, rec_code="E4A", actor=county.worker)
    care = CareEpisode.objects.get(child=county.child)
    assert (episode.ended_on, episode.rec, care.ended_on) == (TODAY() - DAY, "E4A", TODAY() - DAY)
    assert care.history.latest().history_user == county.worker


def test_care_cannot_end_before_the_current_home_started(county, homes):
    start(county, homes[3], 10)
    with pytest.raises(ValidationError) as error:
        services.placement_end_care(child=county.child, ended_on=TODAY() - 20 * DAY, rec_code="E4A", actor=county.worker)
    assert "ended_on" in error.value.message_dict
    assert CareEpisode.objects.get(child=county.child).ended_on is None


# The ladder -------------------------------------------------------------------------------------


def test_a_lower_rung_cannot_be_chosen_while_a_higher_one_has_no_reason(county):
    decision = factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    services.decision_rung_record(decision=decision, rung=1, why_not="safety", detail="Not safe at home.", actor=county.worker)
    with pytest.raises(ValidationError, match="Kinship"):
        services.decision_choose_rung(decision=decision, rung=3, actor=county.worker)
    services.decision_rung_record(decision=decision, rung=2, why_not="no_capacity", detail="Nan is 90.", actor=county.worker)
    assert services.decision_choose_rung(decision=decision, rung=3, actor=county.worker).chosen_rung == 3


def test_a_rung_needs_a_written_reason(county):
    decision = factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    with pytest.raises(ValidationError):
        services.decision_rung_record(decision=decision, rung=1, why_not="safety", detail="  ", actor=county.worker)


def test_every_no_on_the_checklist_needs_a_reason(county, homes):
    decision = ready_decision(county, homes, near_home=codes.Answer.NO)
    with pytest.raises(ValidationError) as error:
        services.decision_submit(decision=decision, actor=county.worker)
    assert "near_home_reason" in error.value.message_dict
    services.decision_update(decision=decision, actor=county.worker, near_home_reason="The carers live 20 miles away.")
    assert services.decision_submit(decision=decision, actor=county.worker).status == "submitted"


def test_the_childs_team_manager_approves_and_the_move_starts(county, homes):
    decision = services.decision_submit(decision=ready_decision(county, homes), actor=county.worker)
    approved = services.decision_approve(decision=decision, actor=county.manager)
    assert approved.status == "approved" and approved.manager_approved_by == county.manager
    assert approved.episode.home == homes[3] and approved.episode.ended_on is None


@pytest.mark.parametrize("approver", ["worker", "teammate", "other_manager"])
def test_only_the_childs_team_manager_or_a_head_of_service_approves(county, homes, approver):
    decision = services.decision_submit(decision=ready_decision(county, homes), actor=county.worker)
    with pytest.raises(PermissionDenied):
        services.decision_approve(decision=decision, actor=getattr(county, approver))
    decision.refresh_from_db()
    assert decision.status == "submitted"


def test_residential_needs_the_risk_of_residential_forum(county, homes):
    decision = residential_ready(county, homes, ror_outcome="")
    with pytest.raises(ValidationError) as error:
        services.decision_submit(decision=decision, actor=county.worker)
    assert "ror_outcome" in error.value.message_dict


def test_residential_needs_a_step_down_review_within_twelve_weeks(county, homes):
    decision = residential_ready(county, homes, step_down_review_on=TODAY() + datetime.timedelta(weeks=13))
    with pytest.raises(ValidationError) as error:
        services.decision_submit(decision=decision, actor=county.worker)
    assert "step_down_review_on" in error.value.message_dict


def test_residential_waits_for_a_head_of_service_after_the_team_manager(county, homes):
    decision = services.decision_submit(decision=residential_ready(county, homes), actor=county.worker)
    decision = services.decision_approve(decision=decision, actor=county.manager)
    assert decision.status == "submitted" and decision.episode is None
    decision = services.decision_approve(decision=decision, actor=county.head)
    assert decision.status == "approved" and decision.head_approved_by == county.head
    assert decision.episode.home.rung == codes.Rung.RESIDENTIAL


def test_a_move_to_independence_is_only_for_a_young_person_of_sixteen(county, homes):
    lodgings = factories.HomeFactory(rung=None, transition="supported_lodgings", place_code="H5")
    decision = factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    services.decision_update(decision=decision, actor=county.worker, transition="supported_lodgings", chosen_home=lodgings)
    with pytest.raises(ValidationError) as error:
        services.decision_submit(decision=decision, actor=county.worker)
    assert "transition" in error.value.message_dict
    county.child.date_of_birth = TODAY() - datetime.timedelta(days=365 * 17)
    county.child.save()
    assert services.decision_submit(decision=decision, actor=county.worker).status == "submitted"


def test_ruling_out_the_chosen_rung_clears_the_choice(county, homes):
    decision = walk_down(factories.PlacementDecisionFactory(child=county.child, created_by=county.worker), 3, county.worker)
    services.decision_rung_record(decision=decision, rung=3, why_not="no_capacity", detail="None free.", actor=county.worker)
    decision.refresh_from_db()
    assert decision.chosen_rung is None


def test_a_statutory_visit_counts_only_while_the_care_it_was_made_in_lasts(county, homes):
    """Visit.in_care_until, kept as care ends and begins again: a visit from an earlier stay in care does not make
    the child's visit in time in the next one (the measure and its drill-down agree)."""
    child, worker = county.child, county.worker
    when = timezone.make_aware(datetime.datetime.combine(TODAY() - 30 * DAY, datetime.time(10)))
    visit = casework_services.visit_create(
        child=child, author=worker, visited_at=when, visit_type=casework_codes.VisitType.STATUTORY, observations="Seen."
    )
    visit = casework_services.visit_sign(visit=visit, actor=worker)
    period = Period(TODAY() - 90 * DAY, TODAY())

    def in_time() -> tuple[int | None, set[int]]:
        figure = measures.statutory_visits(children=Child.objects.all(), periods=[period])[0]
        visited = measures.children_visited(children=Child.objects.all(), period=period)
        return figure.count, set(visited.values_list("pk", flat=True))

    def kept() -> datetime.date | None:
        return Visit.objects.get(pk=visit.pk).in_care_until

    assert (kept(), in_time()) == (datetime.date.max, (1, {child.pk}))
    start(county, homes[3], 100)
    services.placement_end_care(child=child, ended_on=TODAY() - 20 * DAY, rec_code="E4A", actor=worker)
    assert kept() == TODAY() - 20 * DAY
    casework_services.care_start(
        child=child, actor=worker, started_on=TODAY() - 10 * DAY, legal_status="V2", category_of_need="N4"
    )
    assert (kept(), in_time()) == (TODAY() - 20 * DAY, (0, set()))  # back in care 10 days: overdue
    assert Visit.objects.get(pk=visit.pk).updated_at == visit.updated_at  # bookkeeping, not anyone's change
    again = casework_services.visit_create(
        child=child, author=worker, visited_at=timezone.now() - DAY, visit_type=casework_codes.VisitType.STATUTORY,
        observations="Seen at the new home.",
    )  # fmt: skip
    assert in_time() == (0, set())  # a draft is not yet a visit
    casework_services.visit_sign(visit=again, actor=worker)
    assert in_time() == (1, {child.pk})
