"""The rules that casework writes keep: allocations, visits, sibling contact, care and closing."""

import datetime
import threading
import uuid
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from casework import codes, dashboard, measures, services
from casework.dashboard import Period
from casework.models import Allocation, Child, RecordView, SiblingContactSession, User, Visit
from tests import factories

NFA = codes.ClosureReason.NO_FURTHER_ACTION

CARE = {"legal_status": "C1", "category_of_need": "N1"}  # care_start needs both, chosen by the worker


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def error_fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


def own_child(worker: User, **fields: object) -> Child:
    """Another child allocated to `worker`, not in care."""
    child = factories.ChildFactory(**fields)
    factories.AllocationFactory(child=child, worker=worker)
    return child


def new_visit(child: Child, author: User, **fields: Any) -> Visit:
    values: dict[str, Any] = {
        "visited_at": timezone.now() - datetime.timedelta(hours=2),
        "observations": "Calm; showed me her room.",
    }
    return services.visit_create(child=child, author=author, **(values | fields))


# allocation_change ---------------------------------------------------------------------------


def test_changing_worker_ends_the_old_allocation_with_the_reason_and_starts_a_new_one(county):
    old = county.child.allocations.get()

    new = services.allocation_change(
        child=county.child,
        worker=county.teammate,
        started_on=timezone.localdate(),
        reason=codes.WorkerChangeReason.LEFTRL,
        actor=county.manager,
    )

    old.refresh_from_db()
    assert (old.ended_on, old.end_reason) == (timezone.localdate(), codes.WorkerChangeReason.LEFTRL)
    assert (new.worker, new.started_on, new.ended_on, new.end_reason) == (county.teammate, timezone.localdate(), None, "")
    assert list(Allocation.objects.filter(child=county.child, ended_on__isnull=True)) == [new]


def test_two_changes_of_worker_on_one_day_count_as_one_new_worker(county):
    """The day's first ending is marked as its change (Allocation.first_change_that_day, kept by the database), and
    social worker changes and its drill-down count those: one new worker that day, whatever the number of changes."""
    today, child, R = timezone.localdate(), county.child, codes.WorkerChangeReason
    services.allocation_change(child=child, worker=county.teammate, started_on=today, reason=R.LEFTRL, actor=county.manager)
    services.allocation_change(child=child, worker=county.worker, started_on=today, reason=R.MANAGE, actor=county.manager)

    ended = child.allocations.filter(ended_on=today).order_by("pk")
    assert [(a.end_reason, a.first_change_that_day) for a in ended] == [(R.LEFTRL, True), (R.MANAGE, False)]
    period = dashboard.periods_for(on=today, months=3).current
    figure = measures.social_worker_changes(children=Child.objects.filter(pk=child.pk), periods=[period])[0]
    rows = {row.part: row.count for row in figure.rows if row.part}
    assert (figure.count, rows["one"], rows["two"]) == (1, 1, 0)
    assert list(measures.children_with_worker_changes(children=Child.objects.all(), period=period, part="one")) == [child]
    reasons = [row.value for row in figure.rows if row.unit == "changes"]
    assert reasons == [1, 1]  # both changes still have their reason


def test_first_allocation_needs_no_reason(county):
    child = factories.ChildFactory()

    allocation = services.allocation_change(
        child=child, worker=county.worker, started_on=days_ago(5), reason="", actor=county.head
    )

    assert list(child.allocations.all()) == [allocation]


def test_head_of_service_can_move_a_child_to_another_team(county):
    services.allocation_change(
        child=county.child,
        worker=county.other_worker,
        started_on=timezone.localdate(),
        reason=codes.WorkerChangeReason.TSPROC,
        actor=county.head,
    )

    assert county.child.allocations.get(ended_on__isnull=True).worker == county.other_worker


def test_several_changes_keep_one_current_allocation_and_the_whole_history(county):
    for days, worker in ((20, county.teammate), (10, county.manager), (0, county.worker)):
        services.allocation_change(
            child=county.child,
            worker=worker,
            started_on=days_ago(days),
            reason=codes.WorkerChangeReason.MANAGE,
            actor=county.head,
        )

    allocations = list(county.child.allocations.order_by("started_on", "id"))
    assert [a.worker for a in allocations] == [county.worker, county.teammate, county.manager, county.worker]
    assert [a.ended_on for a in allocations] == [days_ago(20), days_ago(10), days_ago(0), None]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days_ago": 301}, "started_on"),  # the current worker started 300 days ago
        ({"days_ago": -1}, "started_on"),
        ({"worker": "worker"}, "worker"),
        ({"reason": "NOTACODE"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"worker": "other_worker"}, "worker"),
    ],
    ids=["before-current-start", "future", "same-worker", "unknown-reason", "no-reason", "outside-managers-team"],
)
def test_allocation_change_refuses(county, change, field):
    values = {"worker": "teammate", "days_ago": 0, "reason": codes.WorkerChangeReason.MANAGE} | change
    values["worker"] = getattr(county, values["worker"])
    values["started_on"] = days_ago(values.pop("days_ago"))

    with pytest.raises(ValidationError) as excinfo:
        services.allocation_change(child=county.child, actor=county.manager, **values)

    assert field in error_fields(excinfo)
    current = county.child.allocations.get()
    assert (current.worker, current.ended_on) == (county.worker, None)


def test_allocation_cannot_start_before_the_child_was_born(county):
    child = factories.ChildFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.allocation_change(
            child=child,
            worker=county.worker,
            started_on=child.date_of_birth - datetime.timedelta(days=1),
            reason="",
            actor=county.head,
        )

    assert "started_on" in error_fields(excinfo)
    assert not child.allocations.exists()


def test_worker_cannot_be_an_administrator_or_inactive(county):
    county.teammate.is_active = False
    county.teammate.save(update_fields=["is_active"])
    for worker in (county.admin, county.teammate):
        with pytest.raises(ValidationError) as excinfo:
            services.allocation_change(
                child=county.child,
                worker=worker,
                started_on=timezone.localdate(),
                reason=codes.WorkerChangeReason.MANAGE,
                actor=county.head,
            )
        assert "worker" in error_fields(excinfo)


@pytest.mark.parametrize("who", ["teammate", "other_manager", "other_worker", "admin"])
def test_read_only_or_outside_actor_cannot_change_the_worker(county, who):
    with pytest.raises(PermissionDenied):
        services.allocation_change(
            child=county.child,
            worker=county.teammate,
            started_on=timezone.localdate(),
            reason=codes.WorkerChangeReason.MANAGE,
            actor=getattr(county, who),
        )

    assert county.child.allocations.get().worker == county.worker


# visit_create --------------------------------------------------------------------------------


def test_allocated_worker_records_a_draft_visit(county):
    visit = new_visit(county.child, county.worker, child_said="I like my new school.", seen_alone=True)

    visit.refresh_from_db()
    assert (visit.child, visit.author, visit.status) == (county.child, county.worker, codes.VisitStatus.DRAFT)
    assert (visit.child_said, visit.seen_alone, visit.signed_at) == ("I like my new school.", True, None)


def test_same_team_worker_cannot_record_a_visit(county):
    with pytest.raises(PermissionDenied):
        new_visit(county.child, county.teammate)

    assert not Visit.objects.exists()


def test_visit_in_the_future_is_refused_on_visited_at(county):
    with pytest.raises(ValidationError) as excinfo:
        new_visit(county.child, county.worker, visited_at=timezone.now() + datetime.timedelta(hours=1))

    assert error_fields(excinfo) == {"visited_at"}
    assert not Visit.objects.exists()


def test_visit_before_the_child_was_born_is_refused_on_visited_at(county):
    born = county.child.date_of_birth
    before = timezone.make_aware(datetime.datetime.combine(born - datetime.timedelta(days=1), datetime.time(12)))

    with pytest.raises(ValidationError) as excinfo:
        new_visit(county.child, county.worker, visited_at=before)

    assert error_fields(excinfo) == {"visited_at"}


def test_visit_time_without_a_time_zone_is_refused_on_visited_at(county):
    naive = datetime.datetime.now() - datetime.timedelta(hours=1)  # noqa: DTZ005 - the point of the test

    with pytest.raises(ValidationError) as excinfo:
        new_visit(county.child, county.worker, visited_at=naive)

    assert error_fields(excinfo) == {"visited_at"}


def test_unknown_visit_field_is_refused(county):
    with pytest.raises(ValidationError):
        new_visit(county.child, county.worker, status=codes.VisitStatus.SIGNED)

    assert not Visit.objects.exists()


def test_same_idempotency_key_makes_one_visit(county):
    key = uuid.uuid4()

    first = new_visit(county.child, county.worker, idempotency_key=key)
    second = new_visit(county.child, county.worker, idempotency_key=key, observations="Resent")

    assert second.pk == first.pk
    assert Visit.objects.get().observations == "Calm; showed me her room."


def test_idempotency_key_reused_for_a_different_child_is_refused(county):
    key = uuid.uuid4()
    second_child = own_child(county.worker)
    new_visit(county.child, county.worker, idempotency_key=key)

    with pytest.raises(ValidationError):
        new_visit(second_child, county.worker, idempotency_key=key)

    assert list(Visit.objects.values_list("child", flat=True)) == [county.child.pk]


def test_idempotency_key_reused_by_a_different_author_is_refused(county):
    key = uuid.uuid4()
    new_visit(county.child, county.worker, idempotency_key=key)

    with pytest.raises(ValidationError):
        new_visit(county.child, county.manager, idempotency_key=key)

    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_with_the_same_key_make_one_visit(county):
    """Both requests pass the 'already made?' check before either saves, so the database has to decide."""
    key = uuid.uuid4()
    both_checked = threading.Barrier(2, timeout=10)
    check_visit_time = services._check_visit_time
    results: list[int] = []
    errors: list[Exception] = []

    def check_then_wait(**kwargs: object) -> None:
        check_visit_time(**kwargs)
        both_checked.wait()

    def record() -> None:
        try:
            results.append(new_visit(county.child, county.worker, idempotency_key=key).pk)
        except Exception as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(services, "_check_visit_time", check_then_wait):
        threads = [threading.Thread(target=record) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    assert Visit.objects.filter(idempotency_key=key).count() == 1
    assert Visit.history.filter(idempotency_key=key).count() == 1


# visit_update, visit_sign, visit_amend -------------------------------------------------------


def test_draft_visit_can_be_updated(county):
    visit = new_visit(county.child, county.worker)

    services.visit_update(visit=visit, actor=county.worker, observations="Quieter than last time.", seen_alone=True)

    visit.refresh_from_db()
    assert (visit.observations, visit.seen_alone) == ("Quieter than last time.", True)


def test_update_refuses_a_future_time(county):
    visit = new_visit(county.child, county.worker)

    with pytest.raises(ValidationError) as excinfo:
        services.visit_update(visit=visit, actor=county.worker, visited_at=timezone.now() + datetime.timedelta(days=1))

    assert error_fields(excinfo) == {"visited_at"}


def test_signed_visit_cannot_be_updated(county):
    visit = services.visit_sign(visit=new_visit(county.child, county.worker), actor=county.worker)

    with pytest.raises(ValidationError):
        services.visit_update(visit=visit, actor=county.worker, observations="Rewritten quietly")

    visit.refresh_from_db()
    assert visit.observations == "Calm; showed me her room."


def test_same_team_worker_cannot_update_a_visit(county):
    visit = new_visit(county.child, county.worker)

    with pytest.raises(PermissionDenied):
        services.visit_update(visit=visit, actor=county.teammate, observations="Not mine to change")


def test_signing_records_who_and_when(county):
    visit = new_visit(county.child, county.worker)
    before = timezone.now()

    services.visit_sign(visit=visit, actor=county.worker)

    visit.refresh_from_db()
    assert visit.status == codes.VisitStatus.SIGNED
    assert visit.signed_by == county.worker
    assert before <= visit.signed_at <= timezone.now()


@pytest.mark.parametrize("blank", ["", "   \n "])
def test_visit_with_nothing_written_cannot_be_signed(county, blank):
    visit = new_visit(county.child, county.worker, observations=blank, actions="Book the next visit")

    with pytest.raises(ValidationError):
        services.visit_sign(visit=visit, actor=county.worker)

    visit.refresh_from_db()
    assert (visit.status, visit.signed_at, visit.signed_by) == (codes.VisitStatus.DRAFT, None, None)


def test_visit_with_only_what_the_child_said_can_be_signed(county):
    visit = new_visit(county.child, county.worker, observations="", child_said="I want to see my brother more.")

    assert services.visit_sign(visit=visit, actor=county.worker).is_signed


def test_signing_twice_changes_nothing(county):
    first = services.visit_sign(visit=new_visit(county.child, county.worker), actor=county.worker)
    versions = first.history.count()

    second = services.visit_sign(visit=first, actor=county.manager)

    second.refresh_from_db()
    assert (second.signed_by, second.signed_at) == (county.worker, first.signed_at)
    assert second.history.count() == versions


def test_amending_a_signed_visit_keeps_both_versions_and_the_reason(county):
    visit = services.visit_sign(visit=new_visit(county.child, county.worker), actor=county.worker)

    services.visit_amend(
        visit=visit, actor=county.manager, reason="Wrong room recorded", observations="Calm; showed me the garden."
    )

    visit.refresh_from_db()
    assert visit.observations == "Calm; showed me the garden."
    assert visit.is_signed
    latest, signed = visit.history.order_by("-history_id")[:2]
    assert (latest.observations, latest.history_user, latest.history_change_reason) == (
        "Calm; showed me the garden.",
        county.manager,
        "Amended: Wrong room recorded",
    )
    assert (signed.observations, signed.history_user, signed.history_change_reason) == (
        "Calm; showed me her room.",
        county.worker,
        "Signed",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_amending_needs_a_reason(county, reason):
    visit = services.visit_sign(visit=new_visit(county.child, county.worker), actor=county.worker)

    with pytest.raises(ValidationError) as excinfo:
        services.visit_amend(visit=visit, actor=county.worker, reason=reason, observations="Changed")

    assert "reason" in error_fields(excinfo)
    visit.refresh_from_db()
    assert visit.observations == "Calm; showed me her room."


def test_draft_visit_cannot_be_amended(county):
    visit = new_visit(county.child, county.worker)

    with pytest.raises(ValidationError):
        services.visit_amend(visit=visit, actor=county.worker, reason="Typo", observations="Changed")

    visit.refresh_from_db()
    assert visit.observations == "Calm; showed me her room."


# Sibling contact -----------------------------------------------------------------------------


def arrange(county, **fields: object):
    values = {
        "child": county.child,
        "sibling": factories.FamilyMemberFactory(child=county.child),
        "frequency": codes.ContactFrequency.MONTHLY,
        "requested_by_child": True,
        "plan": "Tea at the family centre",
        "started_on": days_ago(60),
        "actor": county.worker,
    }
    return services.sibling_contact_arrangement_create(**(values | fields))


def test_contact_with_a_sibling_is_arranged(county):
    arrangement = arrange(county)

    arrangement.refresh_from_db()
    assert (arrangement.child, arrangement.requested_by_child, arrangement.started_on) == (county.child, True, days_ago(60))


@pytest.mark.parametrize("relationship", [codes.Relationship.MOTHER, codes.Relationship.COUSIN, codes.Relationship.FRIEND])
def test_contact_arrangement_refuses_someone_who_is_not_a_sibling(county, relationship):
    with pytest.raises(ValidationError) as excinfo:
        arrange(county, sibling=factories.FamilyMemberFactory(child=county.child, relationship=relationship))

    assert "sibling" in error_fields(excinfo)


def test_contact_arrangement_refuses_another_childs_sibling(county):
    with pytest.raises(ValidationError) as excinfo:
        arrange(county, sibling=factories.FamilyMemberFactory(child=county.other_child))

    assert "sibling" in error_fields(excinfo)


def test_contact_arrangement_refuses_a_start_before_birth(county):
    with pytest.raises(ValidationError) as excinfo:
        arrange(county, started_on=county.child.date_of_birth - datetime.timedelta(days=1))

    assert "started_on" in error_fields(excinfo)


def test_same_team_worker_cannot_arrange_contact(county):
    with pytest.raises(PermissionDenied):
        arrange(county, actor=county.teammate)


def record_session(arrangement, actor, **fields: Any) -> SiblingContactSession:
    values: dict[str, Any] = {"planned_on": days_ago(7), "status": codes.ContactSessionStatus.HAPPENED}
    return services.sibling_contact_session_record(arrangement=arrangement, actor=actor, **(values | fields))


def test_session_that_happened_is_recorded_with_the_childs_comment(county):
    session = record_session(arrange(county), county.worker, child_comment="We played football.", cancelled_by="child")

    session.refresh_from_db()
    assert (session.status, session.child_comment) == (codes.ContactSessionStatus.HAPPENED, "We played football.")
    assert (session.cancelled_by, session.cancel_reason) == ("", "")


@pytest.mark.parametrize("asked", [True, False])
def test_a_session_is_counted_as_asked_for_when_its_arrangement_was(county, asked):
    """The session keeps its arrangement's requested_by_child, which the sibling contact measure counts by."""
    session = record_session(arrange(county, requested_by_child=asked), county.worker)

    session.refresh_from_db()
    assert session.requested_by_child is asked
    period = Period(days_ago(30), days_ago(0))
    for children in (Child.objects.all(), Child.objects.filter(pk=county.child.pk)):  # everyone, and a team's few
        figure = measures.sibling_contact(children=children, periods=[period])[0]
        # held in the monthly slot it falls in; the slots due are the arrangement's (casework.contact_due)
        assert (figure.count, figure.total and figure.total >= 1) == ((1, True) if asked else (0, 0))


@pytest.mark.parametrize(
    ("cancelled_by", "cancel_reason"), [("", ""), (codes.CancelledBy.CARER, ""), (codes.CancelledBy.CARER, "  "), ("", "Ill")]
)
def test_cancelled_session_needs_who_and_why(county, cancelled_by, cancel_reason):
    arrangement = arrange(county)

    with pytest.raises(ValidationError) as excinfo:
        record_session(
            arrangement,
            county.worker,
            status=codes.ContactSessionStatus.CANCELLED,
            cancelled_by=cancelled_by,
            cancel_reason=cancel_reason,
        )

    missing = {"cancelled_by"} if not cancelled_by else set()
    assert set(error_fields(excinfo)) == missing | ({"cancel_reason"} if not cancel_reason.strip() else set())
    assert not arrangement.sessions.exists()


def test_cancelled_session_keeps_who_and_why(county):
    session = record_session(
        arrange(county),
        county.worker,
        status=codes.ContactSessionStatus.CANCELLED,
        cancelled_by=codes.CancelledBy.SIBLING,
        cancel_reason="Exams",
    )

    session.refresh_from_db()
    assert (session.cancelled_by, session.cancel_reason) == (codes.CancelledBy.SIBLING, "Exams")


def test_session_before_the_arrangement_started_is_refused(county):
    with pytest.raises(ValidationError) as excinfo:
        record_session(arrange(county), county.worker, planned_on=days_ago(61))

    assert "planned_on" in error_fields(excinfo)


def test_session_in_the_future_cannot_have_happened(county):
    arrangement = arrange(county)

    with pytest.raises(ValidationError) as excinfo:
        record_session(arrangement, county.worker, planned_on=days_ago(-1))

    assert "status" in error_fields(excinfo)
    assert record_session(arrangement, county.worker, planned_on=days_ago(-1), status=codes.ContactSessionStatus.PLANNED).pk


def test_same_team_worker_cannot_record_a_session(county):
    with pytest.raises(PermissionDenied):
        record_session(arrange(county), county.teammate)


# Care episodes and closing -------------------------------------------------------------------


def test_care_episode_starts_for_a_child_not_in_care(county):
    child = own_child(county.worker)

    episode = services.care_start(child=child, actor=county.worker, started_on=days_ago(3), **CARE)

    assert list(child.care_episodes.all()) == [episode]
    assert episode.ended_on is None


def test_care_episode_refused_while_already_in_care(county):
    with pytest.raises(ValidationError) as excinfo:
        services.care_start(child=county.child, actor=county.worker, started_on=days_ago(1), **CARE)

    assert "started_on" in error_fields(excinfo)
    assert county.child.care_episodes.count() == 1


def test_care_episode_refused_when_it_overlaps_an_earlier_one(county):
    child = own_child(county.worker)
    factories.CareEpisodeFactory(child=child, started_on=days_ago(400), ended_on=days_ago(100))

    for started_on in (days_ago(200), days_ago(500)):
        with pytest.raises(ValidationError) as excinfo:
            services.care_start(child=child, actor=county.worker, started_on=started_on, **CARE)
        assert "started_on" in error_fields(excinfo)

    services.care_start(child=child, actor=county.worker, started_on=days_ago(50), **CARE)
    assert child.care_episodes.count() == 2


def test_care_episode_refused_in_the_future_or_before_birth(county):
    child = own_child(county.worker)

    for started_on in (days_ago(-1), child.date_of_birth - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as excinfo:
            services.care_start(child=child, actor=county.worker, started_on=started_on, **CARE)
        assert "started_on" in error_fields(excinfo)
    assert not child.care_episodes.exists()


def test_child_in_care_cannot_be_closed(county):
    with pytest.raises(ValidationError):
        services.child_close(
            child=county.child, actor=county.worker, closed_on=timezone.localdate(), reason=codes.ClosureReason.NO_FURTHER_ACTION
        )

    county.child.refresh_from_db()
    assert (county.child.status, county.child.closed_on) == (codes.CaseStatus.OPEN, None)


def test_child_not_in_care_is_closed_not_deleted(county):
    child = own_child(county.worker)
    factories.CareEpisodeFactory(child=child, started_on=days_ago(400), ended_on=days_ago(10))

    services.child_close(child=child, actor=county.worker, closed_on=days_ago(1), reason=NFA)

    child.refresh_from_db()
    assert (child.status, child.closed_on) == (codes.CaseStatus.CLOSED, days_ago(1))


def test_closing_date_cannot_be_in_the_future(county):
    child = own_child(county.worker)

    with pytest.raises(ValidationError) as excinfo:
        services.child_close(
            child=child, actor=county.worker, closed_on=days_ago(-1), reason=codes.ClosureReason.NO_FURTHER_ACTION
        )

    assert "closed_on" in error_fields(excinfo)
    child.refresh_from_db()
    assert child.status == codes.CaseStatus.OPEN


def test_same_team_worker_cannot_close_a_record(county):
    child = own_child(county.worker)

    with pytest.raises(PermissionDenied):
        services.child_close(
            child=child, actor=county.teammate, closed_on=timezone.localdate(), reason=codes.ClosureReason.NO_FURTHER_ACTION
        )


# The child's own words and the access log ----------------------------------------------------


def test_about_me_keeps_earlier_words_in_the_history(county):
    services.child_words_update(
        child=county.child, actor=county.worker, what_matters_to_me="My dog, Biscuit.", how_i_like_to_be_spoken_to="Call me Ava."
    )
    services.child_words_update(
        child=county.child,
        actor=county.worker,
        what_matters_to_me="Football and my dog.",
        how_i_like_to_be_spoken_to="Call me Ava.",
    )

    county.child.refresh_from_db()
    assert county.child.what_matters_to_me == "Football and my dog."
    words = [h.what_matters_to_me for h in county.child.history.order_by("history_id")]
    assert words[-2:] == ["My dog, Biscuit.", "Football and my dog."]


def test_same_team_worker_cannot_change_about_me(county):
    with pytest.raises(PermissionDenied):
        services.child_words_update(
            child=county.child, actor=county.teammate, what_matters_to_me="Not my words", how_i_like_to_be_spoken_to=""
        )

    county.child.refresh_from_db()
    assert county.child.what_matters_to_me == ""


def test_viewing_a_record_is_logged(county):
    services.record_view_log(user=county.teammate, child=county.child, page="x" * 250)

    view = RecordView.objects.get()
    assert (view.user, view.child, view.page) == (county.teammate, county.child, "x" * 200)
    assert view.viewed_at is not None
