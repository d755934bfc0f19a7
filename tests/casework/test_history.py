"""Every change a service makes to a case record is kept, with the person who made it."""

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casework import codes, services
from casework.models import User
from casework.versions import Versioned
from tests import factories

NFA = codes.ClosureReason.NO_FURTHER_ACTION

CARE = {"legal_status": "C1", "category_of_need": "N1"}  # care_start needs both, chosen by the worker


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def latest_history(record: Versioned) -> Any:
    return record.history.order_by("-history_id").first()


def assert_change_kept(record: Versioned, *, actor: User, kind: str, versions_before: int = 0) -> None:
    """The newest history row is this change, by `actor`; `kind` is simple-history's + (created) or ~ (changed)."""
    latest = latest_history(record)
    assert record.history.count() == versions_before + 1
    assert (latest.history_type, latest.history_user) == (kind, actor)


def _visit(county, **fields: Any):
    values: dict[str, Any] = {"visited_at": timezone.now() - datetime.timedelta(hours=1), "observations": "Settled at school."}
    return services.visit_create(child=county.child, author=county.worker, **(values | fields))


def test_visit_create_history_names_the_author(county):
    visit = _visit(county)

    assert_change_kept(visit, actor=county.worker, kind="+")


def test_repeated_visit_create_adds_no_history(county):
    visit = _visit(county, idempotency_key=uuid.uuid4())

    _visit(county, idempotency_key=visit.idempotency_key)

    assert_change_kept(visit, actor=county.worker, kind="+")


@pytest.mark.parametrize("who", ["worker", "manager", "head"])
def test_visit_update_sign_and_amend_history_name_the_actor(county, who):
    actor = getattr(county, who)
    visit = _visit(county)

    services.visit_update(visit=visit, actor=actor, observations="Settled; new friends.")
    assert_change_kept(visit, actor=actor, kind="~", versions_before=1)
    services.visit_sign(visit=visit, actor=actor)
    assert_change_kept(visit, actor=actor, kind="~", versions_before=2)
    assert latest_history(visit).history_change_reason == "Signed"
    services.visit_amend(visit=visit, actor=actor, reason="Spelling", observations="Settled; new friends at school.")
    assert_change_kept(visit, actor=actor, kind="~", versions_before=3)


def test_allocation_change_history_names_the_actor_on_both_rows(county):
    old = county.child.allocations.get()
    before = old.history.count()

    new = services.allocation_change(
        child=county.child,
        worker=county.teammate,
        started_on=timezone.localdate(),
        reason=codes.WorkerChangeReason.MANAGE,
        actor=county.manager,
    )

    assert_change_kept(old, actor=county.manager, kind="~", versions_before=before)
    assert latest_history(old).end_reason == codes.WorkerChangeReason.MANAGE
    assert_change_kept(new, actor=county.manager, kind="+")


def test_care_episode_start_history_names_the_actor(county):
    child = factories.ChildFactory()
    factories.AllocationFactory(child=child, worker=county.worker)

    episode = services.care_start(child=child, actor=county.worker, started_on=days_ago(2), **CARE)

    assert_change_kept(episode, actor=county.worker, kind="+")


def test_child_close_history_names_the_actor(county):
    child = factories.ChildFactory()
    factories.AllocationFactory(child=child, worker=county.worker)
    before = child.history.count()

    services.child_close(
        child=child, actor=county.manager, closed_on=timezone.localdate(), reason=codes.ClosureReason.NO_FURTHER_ACTION
    )

    assert_change_kept(child, actor=county.manager, kind="~", versions_before=before)
    assert latest_history(child).status == codes.CaseStatus.CLOSED


def test_about_me_update_history_names_the_actor(county):
    before = county.child.history.count()

    services.child_words_update(
        child=county.child, actor=county.worker, what_matters_to_me="My sister.", how_i_like_to_be_spoken_to="Slowly."
    )

    assert_change_kept(county.child, actor=county.worker, kind="~", versions_before=before)
    assert latest_history(county.child).what_matters_to_me == "My sister."


def test_sibling_contact_history_names_the_actor(county):
    arrangement = services.sibling_contact_arrangement_create(
        child=county.child,
        sibling=factories.FamilyMemberFactory(child=county.child),
        frequency=codes.ContactFrequency.FORTNIGHTLY,
        requested_by_child=True,
        plan="Park on Saturdays",
        started_on=days_ago(30),
        actor=county.worker,
    )
    session = services.sibling_contact_session_record(
        arrangement=arrangement,
        planned_on=days_ago(3),
        status=codes.ContactSessionStatus.CANCELLED,
        cancelled_by=codes.CancelledBy.CARER,
        cancel_reason="Car broke down",
        actor=county.manager,
    )

    assert_change_kept(arrangement, actor=county.worker, kind="+")
    assert_change_kept(session, actor=county.manager, kind="+")


def test_refused_change_leaves_no_history(county):
    visit = services.visit_sign(visit=_visit(county), actor=county.worker)
    versions = visit.history.count()

    with pytest.raises(ValidationError):
        services.visit_update(visit=visit, actor=county.worker, observations="Quiet rewrite")
    with pytest.raises(PermissionDenied):
        services.visit_amend(visit=visit, actor=county.teammate, reason="Not mine", observations="Quiet rewrite")

    assert visit.history.count() == versions


def test_history_is_kept_for_each_visit_version_in_order(county):
    visit = _visit(county, observations="First")
    services.visit_update(visit=visit, actor=county.worker, observations="Second")
    services.visit_sign(visit=visit, actor=county.worker)
    services.visit_amend(visit=visit, actor=county.manager, reason="Added detail", observations="Third")

    rows = list(visit.history.order_by("history_id"))

    assert [(h.observations, h.status, h.history_user) for h in rows] == [
        ("First", codes.VisitStatus.DRAFT, county.worker),
        ("Second", codes.VisitStatus.DRAFT, county.worker),
        ("Second", codes.VisitStatus.SIGNED, county.worker),
        ("Third", codes.VisitStatus.SIGNED, county.manager),
    ]
    assert [h.history_change_reason for h in rows] == [None, None, "Signed", "Amended: Added detail"]
    assert all(h.history_date <= timezone.now() for h in rows)
