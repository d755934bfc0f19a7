"""Who sees which child, and what the caseload shows them."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import codes, selectors, services
from casework.models import Child, User
from tests import factories


def visible(user: User | AnonymousUser) -> set[Child]:
    return set(selectors.children_visible_to(user=user))  # type: ignore[arg-type]  # signed out too: the selector's guard


def in_care_child(worker: User, *, in_care_days: int | None = 400, **fields: object) -> Child:
    """A child allocated to `worker`; in care for `in_care_days` (None: not in care)."""
    child = factories.ChildFactory(**fields)
    factories.AllocationFactory(child=child, worker=worker)
    if in_care_days is not None:
        factories.CareEpisodeFactory(child=child, started_on=timezone.localdate() - datetime.timedelta(days=in_care_days))
    return child


def row_for(child: Child, worker: User) -> selectors.CaseloadRow:
    rows = {row.child.pk: row for row in selectors.caseload_rows(children=selectors.my_caseload(user=worker))}
    return rows[child.pk]


# children_visible_to -------------------------------------------------------------------------


def test_allocated_worker_sees_own_and_teams_children_but_not_another_teams(county):
    teammates_child = in_care_child(county.teammate)

    assert visible(county.worker) == {county.child, teammates_child}


def test_worker_in_another_team_does_not_see_the_child(county):
    assert visible(county.other_worker) == {county.other_child}


def test_team_manager_sees_only_their_teams_children(county):
    assert visible(county.manager) == {county.child}
    assert visible(county.other_manager) == {county.other_child}


def test_head_of_service_sees_every_child_including_unallocated(county):
    unallocated = factories.ChildFactory()

    assert visible(county.head) == {county.child, county.other_child, unallocated}


def test_administrator_sees_no_children(county):
    assert visible(county.admin) == set()


def test_inactive_user_sees_no_children(county):
    for user in (county.worker, county.manager, county.head):
        user.is_active = False
        user.save(update_fields=["is_active"])

        assert visible(user) == set()


def test_anonymous_user_sees_no_children(county):
    assert visible(AnonymousUser()) == set()


def test_worker_without_a_team_still_sees_their_own_children(county):
    loner = factories.UserFactory(team=None)
    own = in_care_child(loner)

    assert visible(loner) == {own}


def test_child_visible_once_even_with_many_allocations(county):
    services.allocation_change(
        child=county.child,
        worker=county.teammate,
        started_on=timezone.localdate(),
        reason=codes.WorkerChangeReason.MANAGE,
        actor=county.manager,
    )

    for user in (county.worker, county.teammate, county.manager):
        assert list(selectors.children_visible_to(user=user)) == [county.child]


# child_get -----------------------------------------------------------------------------------


def test_child_get_returns_a_visible_child(county):
    assert selectors.child_get(user=county.teammate, child_id=county.child.pk) == county.child


@pytest.mark.parametrize("who", ["other_worker", "other_manager", "admin"])
def test_child_get_is_404_for_a_child_the_user_cannot_see(county, who):
    with pytest.raises(Http404):
        selectors.child_get(user=getattr(county, who), child_id=county.child.pk)


def test_child_get_is_404_for_a_child_that_does_not_exist(county):
    with pytest.raises(Http404):
        selectors.child_get(user=county.head, child_id=county.child.pk + 10_000)


# child_can_record ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "can_record"),
    [
        ("worker", True),
        ("teammate", False),
        ("manager", True),
        ("other_worker", False),
        ("other_manager", False),
        ("head", True),
        ("admin", False),
    ],
)
def test_who_can_record_for_the_child(county, who, can_record):
    assert selectors.child_can_record(user=getattr(county, who), child=county.child) is can_record


def test_same_team_worker_can_read_but_not_record(county):
    assert county.child in visible(county.teammate)
    assert selectors.child_can_record(user=county.teammate, child=county.child) is False


def test_team_manager_cannot_record_for_an_unallocated_child(county):
    unallocated = factories.ChildFactory()

    assert selectors.child_can_record(user=county.manager, child=unallocated) is False
    assert selectors.child_can_record(user=county.head, child=unallocated) is True


def test_inactive_worker_cannot_record(county):
    county.worker.is_active = False
    county.worker.save(update_fields=["is_active"])

    assert selectors.child_can_record(user=county.worker, child=county.child) is False


def test_anonymous_user_cannot_record(county):
    assert selectors.child_can_record(user=AnonymousUser(), child=county.child) is False


# Rows of other record types ------------------------------------------------------------------


def test_visits_of_another_teams_child_are_never_visible(county):
    own = factories.VisitFactory(child=county.child, author=county.worker)
    other = factories.VisitFactory(child=county.other_child, author=county.other_worker)

    assert list(selectors.visits_visible_to(user=county.worker)) == [own]
    assert list(selectors.visits_visible_to(user=county.manager)) == [own]
    assert list(selectors.visits_visible_to(user=county.other_manager)) == [other]
    assert set(selectors.visits_visible_to(user=county.head)) == {own, other}
    assert list(selectors.visits_visible_to(user=county.admin)) == []


def test_visit_get_is_404_for_another_teams_visit(county):
    other = factories.VisitFactory(child=county.other_child, author=county.other_worker)

    with pytest.raises(Http404):
        selectors.visit_get(user=county.worker, visit_id=other.pk)
    assert selectors.visit_get(user=county.other_manager, visit_id=other.pk) == other


def test_allocations_of_another_teams_child_are_never_visible(county):
    assert {a.child for a in selectors.allocations_visible_to(user=county.worker)} == {county.child}
    assert {a.child for a in selectors.allocations_visible_to(user=county.other_manager)} == {county.other_child}
    assert list(selectors.allocations_visible_to(user=county.admin)) == []


def test_family_of_another_teams_child_is_never_visible(county):
    own = factories.FamilyMemberFactory(child=county.child)
    factories.FamilyMemberFactory(child=county.other_child)

    assert list(selectors.family_visible_to(user=county.teammate)) == [own]
    assert list(selectors.family_visible_to(user=county.admin)) == []


def test_sibling_contact_of_another_teams_child_is_never_visible(county):
    own = factories.SiblingContactArrangementFactory(child=county.child)
    other = factories.SiblingContactArrangementFactory(child=county.other_child)
    own_session = factories.SiblingContactSessionFactory(arrangement=own)
    factories.SiblingContactSessionFactory(arrangement=other)

    arrangements = list(selectors.sibling_contact_visible_to(user=county.worker))

    assert arrangements == [own]
    assert list(arrangements[0].sessions.all()) == [own_session]
    assert list(selectors.sibling_contact_sessions_visible_to(user=county.worker)) == [own_session]
    assert list(selectors.sibling_contact_visible_to(user=county.other_manager)) == [other]


def test_sibling_contact_list_query_count_does_not_grow_with_sessions(county, django_assert_max_num_queries):
    for _ in range(5):
        arrangement = factories.SiblingContactArrangementFactory(child=county.child)
        factories.SiblingContactSessionFactory.create_batch(3, arrangement=arrangement)

    with django_assert_max_num_queries(2):
        shown = [
            (a.sibling.name, a.child.display_name, [s.status for s in a.sessions.all()])
            for a in selectors.sibling_contact_visible_to(user=county.worker)
        ]

    assert [len(sessions) for _, _, sessions in shown] == [3] * 5


def test_visibility_follows_the_child_to_their_new_team(county):
    visit = factories.VisitFactory(child=county.child, author=county.worker)

    services.allocation_change(
        child=county.child,
        worker=county.other_worker,
        started_on=timezone.localdate(),
        reason=codes.WorkerChangeReason.TSPROC,
        actor=county.head,
    )

    for former in (county.worker, county.teammate, county.manager):
        assert county.child not in visible(former)
        assert list(selectors.visits_visible_to(user=former)) == []
    assert selectors.child_can_record(user=county.worker, child=county.child) is False
    assert selectors.child_can_record(user=county.manager, child=county.child) is False
    assert county.child in visible(county.other_manager)
    assert list(selectors.visits_visible_to(user=county.other_worker)) == [visit]
    assert selectors.child_can_record(user=county.other_worker, child=county.child) is True
    assert selectors.child_can_record(user=county.other_manager, child=county.child) is True


SIGNED = codes.VisitStatus.SIGNED


# The caseload --------------------------------------------------------------------------------


def test_next_statutory_visit_is_six_weeks_after_the_last_one(county):
    child = in_care_child(county.worker)
    visited_at = timezone.now() - datetime.timedelta(days=10)
    factories.VisitFactory(child=child, author=county.worker, status=SIGNED, visited_at=visited_at - datetime.timedelta(days=30))
    factories.VisitFactory(child=child, author=county.worker, status=SIGNED, visited_at=visited_at)

    row = row_for(child, county.worker)

    assert row.in_care is True
    assert row.last_visit_at == visited_at
    assert row.next_visit_due == timezone.localdate(visited_at) + datetime.timedelta(weeks=6)
    assert row.visit_overdue is False


def test_visit_is_overdue_more_than_six_weeks_after_the_last_one(county):
    child = in_care_child(county.worker)
    visited_at = timezone.now() - datetime.timedelta(days=50)
    factories.VisitFactory(child=child, author=county.worker, status=SIGNED, visited_at=visited_at)

    row = row_for(child, county.worker)

    assert row.next_visit_due == timezone.localdate(visited_at) + datetime.timedelta(weeks=6)
    assert row.visit_overdue is True


def test_other_kinds_of_visit_do_not_count_as_statutory(county):
    child = in_care_child(county.worker, in_care_days=3)
    recent = timezone.now() - datetime.timedelta(days=1)
    factories.VisitFactory(
        child=child, author=county.worker, status=SIGNED, visit_type=codes.VisitType.DIRECT_WORK, visited_at=recent
    )

    row = row_for(child, county.worker)

    assert row.last_visit_at == recent
    assert row.next_visit_due == timezone.localdate() - datetime.timedelta(days=3) + datetime.timedelta(weeks=1)


def test_a_move_since_the_last_visit_makes_the_next_one_due_a_week_after_it(county):
    """DESIGN.md: due 6 weeks after the last visit, or a week after moving home when not visited since."""
    from tests.placements.factories import PlacementEpisodeFactory

    today = timezone.localdate()
    child = in_care_child(county.worker, in_care_days=400)
    factories.VisitFactory(child=child, author=county.worker, visited_at=timezone.now() - datetime.timedelta(days=20))
    PlacementEpisodeFactory(
        child=child, started_on=today - datetime.timedelta(days=400), ended_on=today - datetime.timedelta(days=10)
    )
    PlacementEpisodeFactory(child=child, started_on=today - datetime.timedelta(days=10))
    row = row_for(child, county.worker)
    assert (row.next_visit_due, row.visit_overdue) == (today - datetime.timedelta(days=3), True)
    factories.VisitFactory(child=child, author=county.worker, visited_at=timezone.now() - datetime.timedelta(days=2))
    row = row_for(child, county.worker)  # seen in the new home: six weeks from that visit
    assert (row.next_visit_due, row.visit_overdue) == (today + datetime.timedelta(days=40), False)


def test_a_draft_is_not_yet_a_visit(county):
    """Only a signed record is a visit: a draft does not move the next visit on, nor count as the last one."""
    child = in_care_child(county.worker, in_care_days=60)
    factories.DraftVisitFactory(child=child, author=county.worker, visited_at=timezone.now() - datetime.timedelta(days=1))

    row = row_for(child, county.worker)

    assert row.last_visit_at is None
    assert row.visit_overdue is True


def test_child_new_to_care_without_a_visit_is_due_one_week_after_coming_into_care(county):
    child = in_care_child(county.worker, in_care_days=3)

    row = row_for(child, county.worker)

    assert row.last_visit_at is None
    assert row.next_visit_due == timezone.localdate() + datetime.timedelta(days=4)
    assert row.visit_overdue is False


def test_visit_due_today_is_not_yet_overdue(county):
    child = in_care_child(county.worker, in_care_days=7)

    row = row_for(child, county.worker)

    assert row.next_visit_due == timezone.localdate()
    assert row.visit_overdue is False


def test_child_in_care_for_over_a_week_without_a_visit_is_overdue(county):
    child = in_care_child(county.worker, in_care_days=10)

    row = row_for(child, county.worker)

    assert row.next_visit_due == timezone.localdate() - datetime.timedelta(days=3)
    assert row.visit_overdue is True


def test_child_back_in_care_is_due_one_week_after_coming_back_not_after_an_old_visit(county):
    child = in_care_child(county.worker, in_care_days=None)
    today = timezone.localdate()
    factories.CareEpisodeFactory(
        child=child, started_on=today - datetime.timedelta(days=400), ended_on=today - datetime.timedelta(days=100)
    )
    factories.VisitFactory(child=child, author=county.worker, visited_at=timezone.now() - datetime.timedelta(days=200))
    factories.CareEpisodeFactory(child=child, started_on=today - datetime.timedelta(days=2))

    row = row_for(child, county.worker)

    assert row.next_visit_due == today + datetime.timedelta(days=5)
    assert row.visit_overdue is False


def test_children_not_in_care_have_no_visit_due(county):
    never = in_care_child(county.worker, in_care_days=None)
    left = in_care_child(county.worker, in_care_days=None)
    today = timezone.localdate()
    factories.CareEpisodeFactory(
        child=left, started_on=today - datetime.timedelta(days=400), ended_on=today - datetime.timedelta(days=30)
    )
    factories.VisitFactory(child=left, author=county.worker, visited_at=timezone.now() - datetime.timedelta(days=90))

    for child in (never, left):
        row = row_for(child, county.worker)
        assert row.in_care is False
        assert row.next_visit_due is None
        assert row.visit_overdue is False


def test_caseload_row_shows_age_and_flags(county):
    today = timezone.localdate()
    child = in_care_child(
        county.worker,
        date_of_birth=today - datetime.timedelta(days=365 * 12 + 30),
        uasc=True,
        disability=True,
        send=codes.SendNeed.EHCP,
    )
    plain = in_care_child(county.worker)

    assert row_for(child, county.worker).age == 12
    assert row_for(child, county.worker).flags == ["UASC", "Disability", "EHCP"]
    assert row_for(plain, county.worker).flags == []


def test_my_caseload_has_only_the_workers_own_open_children(county):
    closed = in_care_child(county.worker, in_care_days=None, status=codes.CaseStatus.CLOSED)
    in_care_child(county.teammate)
    moved = in_care_child(county.worker)
    services.allocation_change(
        child=moved,
        worker=county.teammate,
        started_on=timezone.localdate(),
        reason=codes.WorkerChangeReason.MANAGE,
        actor=county.manager,
    )

    caseload = list(selectors.my_caseload(user=county.worker))

    assert caseload == [county.child]
    assert closed not in caseload


def test_team_caseload_is_the_teams_open_children(county):
    teammates = in_care_child(county.teammate)
    in_care_child(county.teammate, in_care_days=None, status=codes.CaseStatus.CLOSED)

    assert set(selectors.team_caseload(user=county.manager)) == {county.child, teammates}


def _caseload_queries(worker: User) -> tuple[int, int]:
    """(children shown, queries run) for rendering the worker's caseload."""
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.caseload_rows(children=selectors.my_caseload(user=worker))
        shown = [(row.child.display_name, row.age, row.flags, row.visit_overdue, row.last_visit_at) for row in rows]
    return len(shown), len(queries)


def test_caseload_query_count_does_not_grow_with_the_number_of_children(county, django_assert_max_num_queries):
    shown, few_queries = _caseload_queries(county.worker)
    assert shown == 1
    for _ in range(25):
        child = in_care_child(county.worker)
        factories.VisitFactory(child=child, author=county.worker)
        factories.VisitFactory(child=child, author=county.worker, visit_type=codes.VisitType.DIRECT_WORK)

    with django_assert_max_num_queries(2):
        rows = selectors.caseload_rows(children=selectors.my_caseload(user=county.worker))
        assert [row.next_visit_due is not None for row in rows] == [True] * 26

    assert _caseload_queries(county.worker) == (26, few_queries)


# The access log ------------------------------------------------------------------------------


def test_only_head_of_service_can_see_who_viewed_a_record(county):
    services.record_view_log(user=county.worker, child=county.child, page="child-detail")

    assert [view.user for view in selectors.record_views_of(user=county.head, child=county.child)] == [county.worker]
    for who in (county.worker, county.manager, county.admin):
        with pytest.raises(PermissionDenied):
            selectors.record_views_of(user=who, child=county.child)
