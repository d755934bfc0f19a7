"""casework's dashboard measures on small, hand-computed cases, on D = 31 March 2025."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import codes, dashboard, measures, services
from casework.dashboard import Period
from casework.models import Child, FamilyMember
from tests import factories
from tests.placements import factories as placement_factories

pytestmark = pytest.mark.django_db
d = datetime.date
D = d(2025, 3, 31)
QUARTER = Period(d(2025, 1, 1), D)
R = codes.WorkerChangeReason


def in_care(since: datetime.date, left: datetime.date | None = None, born: datetime.date = datetime.date(2012, 6, 1)) -> Child:
    child = factories.ChildFactory(date_of_birth=born)
    factories.CareEpisodeFactory(child=child, started_on=since, ended_on=left)
    return child


def workers(child: Child, *changes: tuple[datetime.date, str], since: datetime.date = datetime.date(2020, 1, 1)) -> None:
    """Allocations from `since`, ending on each change day with its reason; the last one still open."""
    starts = [since, *(day for day, _ in changes)]
    ends = [*changes, (None, "")]
    for start, (end, reason) in zip(starts, ends, strict=True):
        factories.AllocationFactory(child=child, started_on=start, ended_on=end, end_reason=reason)


def figure(selector, periods=(QUARTER,)) -> dashboard.Figure:
    return selector(children=Child.objects.all(), periods=list(periods))[0]


def behind(selector, part: str = "", period: Period = QUARTER) -> set[int]:
    return set(selector(children=Child.objects.all(), period=period, part=part).values_list("pk", flat=True))


# Social worker changes ---------------------------------------------------------------------------


def test_social_worker_changes_count_children_in_care_with_a_change_in_24_months():
    one = in_care(d(2020, 1, 1))
    workers(one, (d(2024, 6, 1), R.LEFTRL))
    old_change = in_care(d(2020, 1, 1))  # the change was more than 24 months before D
    workers(old_change, (d(2023, 3, 30), R.MANAGE))
    same_day = in_care(d(2020, 1, 1))  # two changes on one day count once: the child met one new worker
    workers(same_day, (d(2024, 1, 10), R.TSPROC), (d(2024, 1, 10), R.ABSENC), (d(2025, 3, 31), R.MANAGE))
    entered = in_care(d(2025, 2, 1))  # came into care inside the period; a change before coming in counts too
    workers(entered, (d(2024, 12, 1), R.PCCHAN), since=d(2024, 6, 1))
    left = in_care(d(2020, 1, 1), left=d(2025, 3, 31))  # left care on D: not in care on D
    workers(left, (d(2024, 6, 1), R.LEFTRL))
    result = figure(measures.social_worker_changes)
    assert (result.count, result.total, result.value) == (3, 4, 75.0)
    rows = {row.label: (row.count, row.total) for row in result.rows}
    assert rows["Had a new social worker in the 12 months to the date"] == (3, 4)  # one, same_day (31 Mar), entered
    assert rows["No change in 24 months"] == (1, 4)
    assert rows["1 change"] == (2, 4)  # one, entered
    assert rows["2 changes"] == (1, 4)  # same_day: 10 Jan (twice) and 31 Mar
    reasons = {row.label: row.value for row in result.rows if row.label.startswith("Reason")}
    assert reasons == {
        "Reason: Worker left the role or the council (LEFTRL)": 1,
        "Reason: Transfer between teams as the usual process (e.g. from assessment to long-term) (TSPROC)": 1,
        "Reason: Worker absent (sickness, leave) (ABSENC)": 1,
        "Reason: Management decision (e.g. caseload balancing) (MANAGE)": 1,
        "Reason: Change in the child's circumstances (PCCHAN)": 1,
    }
    assert behind(measures.children_with_worker_changes) == {one.pk, same_day.pk, entered.pk}
    assert behind(measures.children_with_worker_changes, "none") == {old_change.pk}
    assert behind(measures.children_with_worker_changes, "two") == {same_day.pk}


def test_social_worker_changes_use_the_history_as_corrected_not_as_first_recorded():
    child = in_care(d(2020, 1, 1))
    first = factories.AllocationFactory(child=child, started_on=d(2020, 1, 1), ended_on=d(2025, 3, 1), end_reason=R.MANAGE)
    factories.AllocationFactory(child=child, started_on=d(2022, 6, 1))  # overlapping, as first recorded
    assert figure(measures.social_worker_changes).count == 1
    first.ended_on, first.end_reason = d(2022, 6, 1), R.TSPROC  # corrected later: the change was in 2022
    first.save(update_fields=["ended_on", "end_reason"])  # no screen for it: the database keeps the marks (a trigger)
    result = figure(measures.social_worker_changes)
    assert (result.count, result.total) == (0, 1)
    assert first.history.count() == 2  # the earlier version is kept in the history, and not counted


def test_social_worker_changes_give_each_period_its_own_figure_in_one_query(django_assert_num_queries):
    child = in_care(d(2020, 1, 1))
    workers(child, (d(2024, 6, 1), R.LEFTRL))
    in_care(d(2024, 10, 1))  # not in care at the end of the earlier quarters
    periods = dashboard.periods_for(on=D, months=3).all
    # Every period and the breakdown in one query (with its savepoint and memory settings around it, and the
    # rollback to the savepoint and its release that end the settings), then the reasons.
    with django_assert_num_queries(6):
        figures = measures.social_worker_changes(children=Child.objects.all(), periods=periods)
    by_end = {f.period.end: (f.count, f.total) for f in figures}
    assert by_end[d(2024, 3, 31)] == (0, 1)  # before the change; the second child not yet in care
    assert by_end[d(2024, 6, 30)] == (1, 1)
    assert by_end[D] == (1, 2)


def test_a_measure_of_some_children_counts_only_theirs_whatever_their_query_says():
    """The children's query is Django's, written into the measure's SQL with its placeholders named: its values
    must stay with it, and a percent sign in it (here from startswith) must stay a percent sign."""
    changed, unchanged, someone_elses = in_care(d(2020, 1, 1)), in_care(d(2020, 1, 1)), in_care(d(2020, 1, 1))
    workers(changed, (d(2024, 6, 1), R.LEFTRL))
    workers(someone_elses, (d(2024, 6, 1), R.LEFTRL))
    children = Child.objects.filter(pk__in=[changed.pk, unchanged.pk], first_name__startswith=F("first_name"))
    result = measures.social_worker_changes(children=children, periods=[QUARTER])[0]
    assert (result.count, result.total) == (1, 2)
    behind_it = measures.children_with_worker_changes(children=children, period=QUARTER)
    assert set(behind_it.values_list("pk", flat=True)) == {changed.pk}


# Statutory visits ----------------------------------------------------------------------------------


def visit(
    child: Child, on: datetime.date, *, alone: bool = True, kind: str = codes.VisitType.STATUTORY, signed: bool = True
) -> None:
    at = datetime.datetime(on.year, on.month, on.day, 10, tzinfo=datetime.UTC)
    made = factories.VisitFactory if signed else factories.DraftVisitFactory
    made(child=child, visited_at=at, seen_alone=alone, visit_type=kind)


def moves(child: Child, *days: datetime.date) -> None:
    """The child's homes: one from each day to the next, the last still open."""
    for began, ended in zip(days, [*days[1:], None][: len(days)], strict=True):
        placement_factories.PlacementEpisodeFactory(child=child, started_on=began, ended_on=ended)


def test_a_move_makes_the_next_visit_due_a_week_after_it_and_only_a_signed_visit_counts():
    """DESIGN.md: due 6 weeks after the last visit, or a week after moving home when not visited since."""
    moved_long_ago = in_care(d(2023, 1, 1))  # last seen 12 Mar, moved 20 Mar: due 27 Mar, overdue on the 31st
    moves(moved_long_ago, d(2023, 1, 1), d(2025, 3, 20))
    visit(moved_long_ago, d(2025, 3, 12))
    moved_this_week = in_care(d(2023, 1, 1))  # last seen 7 weeks ago, moved on the 26th: due 2 Apr, in time
    moves(moved_this_week, d(2023, 1, 1), d(2025, 3, 26))
    visit(moved_this_week, d(2025, 2, 10))
    seen_after_moving = in_care(d(2023, 1, 1))  # moved 1 Mar, seen 3 Mar: due 14 Apr
    moves(seen_after_moving, d(2023, 1, 1), d(2025, 3, 1))
    visit(seen_after_moving, d(2025, 3, 3))
    seen_the_day_of_the_move = in_care(d(2023, 1, 1))  # a visit on the day of the move is after it
    moves(seen_the_day_of_the_move, d(2023, 1, 1), d(2025, 3, 10))
    visit(seen_the_day_of_the_move, d(2025, 3, 10))
    only_a_draft = in_care(d(2023, 1, 1))  # seen 10 Feb and signed; a draft from the 25th is not yet a visit
    visit(only_a_draft, d(2025, 2, 10))
    visit(only_a_draft, d(2025, 3, 25), signed=False)
    draft_hides_nothing = in_care(d(2023, 1, 1))  # a draft after the last signed visit does not hide it
    visit(draft_hides_nothing, d(2025, 3, 1))
    visit(draft_hides_nothing, d(2025, 3, 20), signed=False)
    home_changed_type = in_care(d(2023, 1, 1))  # same carers, now kinship on the 20th: not a move, due 12 Apr
    same = placement_factories.HomeFactory()
    placement_factories.PlacementEpisodeFactory(
        child=home_changed_type, home=same, started_on=d(2023, 1, 1), ended_on=d(2025, 3, 20)
    )
    placement_factories.PlacementEpisodeFactory(child=home_changed_type, home=same, started_on=d(2025, 3, 20))
    visit(home_changed_type, d(2025, 3, 1))
    [figure] = measures.statutory_visits(children=Child.objects.all(), periods=[Period(d(2025, 1, 1), D)])
    in_time = {moved_this_week, seen_after_moving, seen_the_day_of_the_move, draft_hides_nothing, home_changed_type}
    assert behind(measures.children_visited) == {child.pk for child in in_time}
    assert behind(measures.children_visited, "overdue") == {moved_long_ago.pk, only_a_draft.pk}
    assert (figure.count, figure.total) == (5, 7)


def test_statutory_visits_count_children_visited_within_six_weeks_or_new_to_care():
    recent = in_care(d(2023, 1, 1))
    visit(recent, d(2025, 2, 20))  # 39 days before D
    six_weeks = in_care(d(2023, 1, 1))
    visit(six_weeks, d(2025, 2, 17), alone=False)  # exactly 6 weeks before D: still in time
    overdue = in_care(d(2023, 1, 1))
    visit(overdue, d(2025, 2, 16))  # 43 days
    visit(overdue, d(2025, 3, 20), kind=codes.VisitType.REVIEW)  # a review is not a statutory visit
    new = in_care(d(2025, 3, 26))  # in care 5 days, not visited yet: not due
    new_and_seen = in_care(d(2025, 3, 25))  # new to care and visited already: counted once
    visit(new_and_seen, d(2025, 3, 27))
    late_first = in_care(d(2025, 3, 20))  # in care 11 days and never visited: overdue
    back = in_care(d(2025, 3, 1))  # visited during an earlier stay in care only: overdue
    factories.CareEpisodeFactory(child=back, started_on=d(2024, 1, 1), ended_on=d(2024, 6, 1))
    visit(back, d(2025, 2, 25))
    left = in_care(d(2023, 1, 1), left=d(2025, 3, 15))
    visit(left, d(2025, 3, 1))
    result = figure(measures.statutory_visits)
    assert (result.count, result.total) == (4, 7)
    alone = {row.label: (row.count, row.total) for row in result.rows}
    # Statutory visits in the quarter: recent, six_weeks, overdue (16 Feb), new_and_seen, back, left.
    assert alone["Statutory visits in the period where the child was seen alone"] == (5, 6)
    assert behind(measures.children_visited) == {recent.pk, six_weeks.pk, new.pk, new_and_seen.pk}
    assert behind(measures.children_visited, "overdue") == {overdue.pk, late_first.pk, back.pk}


def test_each_statutory_visit_points_at_the_childs_next_whatever_order_they_are_written_in(county):
    child, worker = county.child, county.worker

    def at(day: int) -> datetime.datetime:
        return datetime.datetime(2025, 3, day, 10, tzinfo=datetime.UTC)

    def pointers() -> list[tuple[datetime.datetime, datetime.datetime | None]]:
        visits = child.visits.filter(visit_type=codes.VisitType.STATUTORY).order_by("visited_at")
        return list(visits.values_list("visited_at", "next_statutory_at"))

    statutory = {"visit_type": codes.VisitType.STATUTORY, "observations": "Seen at home."}

    def signed(day: int):  # only a signed record is a visit, and only visits point at each other
        made = services.visit_create(child=child, author=worker, visited_at=at(day), **statutory)
        return services.visit_sign(visit=made, actor=worker)

    later = signed(20)
    signed(5)  # typed in late
    assert pointers() == [(at(5), at(20)), (at(20), None)]
    draft = services.visit_create(child=child, author=worker, visited_at=at(12), **statutory)
    assert pointers() == [(at(5), at(20)), (at(12), None), (at(20), None)]  # a draft is passed over
    services.visit_sign(visit=draft, actor=worker)
    assert pointers() == [(at(5), at(12)), (at(12), at(20)), (at(20), None)]
    version, history = later.updated_at, later.history.count()
    middle = signed(28)
    later.refresh_from_db()
    assert (later.updated_at, later.history.count()) == (version, history)  # bookkeeping, not anyone's change
    services.visit_amend(visit=middle, actor=worker, reason="Wrong day", visited_at=at(14))  # the time was wrong
    assert pointers() == [(at(5), at(12)), (at(12), at(14)), (at(14), at(20)), (at(20), None)]
    services.visit_amend(visit=middle, actor=worker, reason="A review", visit_type=codes.VisitType.REVIEW)
    assert pointers() == [(at(5), at(12)), (at(12), at(20)), (at(20), None)]
    assert child.visits.get(pk=middle.pk).next_statutory_at is None


QUARTER_ENDS = [period.end for period in dashboard.periods_for(on=D, months=3).trend]
# Days around one quarter end, where the rules bite (a window's first day, a week into care, a stay ending), with
# stays long enough to span the ends before and after it.
days_from_the_end = st.integers(-150, 8)
visit_days = st.integers(-60, 8)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    end=st.sampled_from(QUARTER_ENDS),
    stays=st.lists(st.tuples(days_from_the_end, st.one_of(st.none(), st.integers(1, 200))), min_size=1, max_size=3),
    visits=st.lists(
        st.tuples(visit_days, st.sampled_from([codes.VisitType.STATUTORY, codes.VisitType.REVIEW]), st.booleans()), max_size=8
    ),
    moved=st.lists(days_from_the_end, max_size=3, unique=True),
    visits_first=st.booleans(),
)
def test_statutory_visits_match_their_drill_down_definition_for_any_history(end, stays, visits, moved, visits_first):
    """The measure finds each child's latest visit by its pointer, and whether it was made in the care the child is
    in by its care's end, and counts by day masks; the drill-down joins visits and care episodes afresh. For any
    stays in care (overlapping too) and visits, written in either order, both must agree."""
    with transaction.atomic():  # every example runs in the one test transaction: each is undone when it ends
        child = factories.ChildFactory(date_of_birth=d(2010, 1, 1))

        def record_stays() -> None:
            for i, (offset, length) in enumerate(stays):  # only the first may still be open
                began = end + datetime.timedelta(days=offset)
                ended = None if length is None and i == 0 else began + datetime.timedelta(days=length or 30)
                factories.CareEpisodeFactory(child=child, started_on=began, ended_on=ended)

        def record_visits() -> None:
            for offset, kind, signed in visits:
                visit(child, min(end + datetime.timedelta(days=offset), D), kind=kind, signed=signed)

        def record_moves() -> None:
            moves(child, *sorted(end + datetime.timedelta(days=offset) for offset in moved))

        order = (record_visits, record_stays, record_moves) if visits_first else (record_moves, record_stays, record_visits)
        for record in order:
            record()
        periods = dashboard.periods_for(on=D, months=3).all
        figures = measures.statutory_visits(children=Child.objects.all(), periods=periods)
        for period, result in zip(periods, figures, strict=True):
            in_care = measures.children_in_care_on(Child.objects.all(), period.end).count()
            assert (result.count, result.total) == (len(behind(measures.children_visited, period=period)), in_care), period
        transaction.set_rollback(True)


# Sibling contact -----------------------------------------------------------------------------------
# Sessions due come from each arrangement's frequency (casework.contact_due): one a slot, counted from its start.


def session(arrangement, on: datetime.date, status: str, by: str = "") -> None:
    factories.SiblingContactSessionFactory(arrangement=arrangement, planned_on=on, status=status, cancelled_by=by)


def asked_for(child: Child, frequency: str, started_on: datetime.date, ended_on: datetime.date | None = None):
    return factories.SiblingContactArrangementFactory(
        child=child, frequency=frequency, started_on=started_on, ended_on=ended_on, requested_by_child=True
    )


def test_sibling_contact_counts_the_sessions_due_from_the_frequency_that_happened():
    S, F = codes.ContactSessionStatus, codes.ContactFrequency
    child = in_care(d(2023, 1, 1))
    # Monthly from 31 Dec 2024: slots 31 Dec-30 Jan, 31 Jan-27 Feb, 28 Feb-30 Mar, 31 Mar-29 Apr. Due in the quarter
    # (last day 1 Jan to 31 Mar): the first three. The fourth ends after D.
    monthly = asked_for(child, F.MONTHLY, d(2024, 12, 31))
    session(monthly, d(2025, 1, 5), S.HAPPENED)  # meets the first slot
    session(monthly, d(2025, 1, 20), S.HAPPENED)  # the same slot again: met once
    session(monthly, d(2025, 2, 10), S.CANCELLED, codes.CancelledBy.CARER)  # the second slot is missed
    session(monthly, d(2025, 3, 31), S.HAPPENED)  # in the fourth slot, not yet due: the third was never planned
    # Weekly from Mon 3 Mar, ended on Sun 16 Mar (mid-period): two whole weeks due, both held.
    weekly = asked_for(child, F.WEEKLY, d(2025, 3, 3), ended_on=d(2025, 3, 16))
    session(weekly, d(2025, 3, 4), S.HAPPENED)
    session(weekly, d(2025, 3, 14), S.HAPPENED)
    asked_for(child, F.OTHER, d(2024, 1, 1))  # "other" expects none
    other = in_care(d(2023, 1, 1))
    plan_only = factories.SiblingContactArrangementFactory(
        child=other, requested_by_child=False, frequency=F.WEEKLY, started_on=d(2024, 1, 1)
    )
    session(plan_only, d(2025, 2, 1), S.CANCELLED)  # not asked for by the child: not counted
    result = figure(measures.sibling_contact)
    assert (result.count, result.total, result.value) == (3, 5, 60.0)
    rows = {row.label: (row.value, row.count, row.total) for row in result.rows}
    assert rows["Due sessions missed: cancelled, or not recorded as held"] == (20.0, 1, 5)
    assert rows["Due sessions missed: nothing planned or recorded"] == (20.0, 1, 5)
    assert rows["Sessions cancelled by a carer"] == (1, None, None)
    assert behind(measures.children_with_sibling_contact) == {child.pk}
    assert behind(measures.children_with_sibling_contact, "missed") == {child.pk}


def test_contact_nobody_planned_counts_as_missed():
    child = in_care(d(2023, 1, 1))
    asked_for(child, codes.ContactFrequency.QUARTERLY, d(2024, 11, 15))  # slot 15 Nov-14 Feb due; 15 Feb-14 May not yet
    result = figure(measures.sibling_contact)
    assert (result.count, result.total, result.value) == (0, 1, 0.0)
    assert behind(measures.children_with_sibling_contact, "missed") == {child.pk}


def test_sibling_contact_for_past_periods_counts_each_periods_own_slots():
    child = in_care(d(2023, 1, 1))
    fortnightly = asked_for(child, codes.ContactFrequency.FORTNIGHTLY, d(2024, 10, 1))
    for day in (d(2024, 10, 2), d(2024, 10, 16), d(2024, 11, 20), d(2025, 1, 10)):
        session(fortnightly, day, codes.ContactSessionStatus.HAPPENED)
    autumn = Period(d(2024, 10, 1), d(2024, 12, 31))  # slots ending 14 Oct ... 23 Dec: 6 due, 3 met
    results = measures.sibling_contact(children=Child.objects.all(), periods=[QUARTER, autumn])
    assert [(r.count, r.total) for r in results] == [(1, 7), (3, 6)]  # 24 Dec-6 Jan ... 18-31 Mar: 7 slots, one held


def sibling_in_care(child: Child, sibling: Child) -> None:
    factories.FamilyMemberFactory(child=child, own_record=sibling, relationship=codes.Relationship.FULL_SIBLING)
    factories.FamilyMemberFactory(child=sibling, own_record=child, relationship=codes.Relationship.FULL_SIBLING)


def lives(child: Child, home, since: datetime.date, until: datetime.date | None = None) -> None:
    placement_factories.PlacementEpisodeFactory(child=child, home=home, started_on=since, ended_on=until)


def test_brothers_and_sisters_live_together_when_they_lived_in_the_same_home_that_day():
    ava, ben, cal = in_care(d(2023, 1, 1)), in_care(d(2023, 1, 1)), in_care(d(2023, 1, 1))
    dee = in_care(d(2023, 1, 1), left=d(2025, 1, 1))  # no longer in care: does not count as a sibling in care
    farm, town, flat = (placement_factories.HomeFactory() for _ in range(3))
    lives(ava, farm, d(2023, 1, 1))
    lives(ben, farm, d(2023, 1, 1))
    lives(cal, town, d(2023, 1, 1), d(2025, 3, 31))  # cal moved to the farm on D: together on D, apart before
    lives(cal, farm, d(2025, 3, 31))
    lives(dee, flat, d(2023, 1, 1), d(2025, 1, 1))
    # The flags say otherwise, and are wrong: nobody updated them when cal moved.
    sibling_in_care(ava, ben)
    sibling_in_care(ava, cal)
    sibling_in_care(cal, dee)
    assert set(FamilyMember.objects.values_list("lives_with_child", flat=True)) == {False}
    rows = {row.part: (row.count, row.total) for row in figure(measures.sibling_contact).rows if row.part}
    assert rows == {"together": (3, 3), "apart": (0, 3)}
    assert behind(measures.children_with_sibling_contact, "together") == {ava.pk, ben.pk, cal.pk}
    last_year = Period(d(2024, 1, 1), d(2024, 12, 31))  # on 31 Dec 2024 cal lived in town, apart from ava and dee
    rows = {row.part: (row.count, row.total) for row in figure(measures.sibling_contact, [last_year]).rows if row.part}
    assert rows == {"together": (1, 4), "apart": (3, 4)}
    assert behind(measures.children_with_sibling_contact, "apart", last_year) == {ava.pk, cal.pk, dee.pk}
    assert behind(measures.children_with_sibling_contact, "together", last_year) == {ben.pk}


def test_a_brother_or_sister_with_no_home_recorded_that_day_counts_as_apart():
    ava, ben = in_care(d(2023, 1, 1)), in_care(d(2023, 1, 1))
    lives(ava, placement_factories.HomeFactory(), d(2023, 1, 1))
    sibling_in_care(ava, ben)
    rows = {row.part: (row.count, row.total) for row in figure(measures.sibling_contact).rows if row.part}
    assert rows == {"together": (0, 2), "apart": (2, 2)}


def test_the_sibling_contact_measure_takes_the_same_queries_for_any_number_of_children():
    def county_of(n: int) -> None:
        for _ in range(n):
            ava, ben = in_care(d(2023, 1, 1)), in_care(d(2023, 1, 1))
            sibling_in_care(ava, ben)
            lives(ava, placement_factories.HomeFactory(), d(2023, 1, 1))
            weekly = asked_for(ava, codes.ContactFrequency.WEEKLY, d(2024, 6, 1))
            session(weekly, d(2025, 2, 2), codes.ContactSessionStatus.HAPPENED)

    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            figure(measures.sibling_contact, dashboard.periods_for(on=D, months=3).all)
            behind(measures.children_with_sibling_contact, "missed")
            behind(measures.children_with_sibling_contact, "apart")
        return len(run.captured_queries)

    county_of(1)
    few = queries()
    county_of(5)
    assert queries() == few <= 17  # with the savepoints and settings of two roomy queries


def test_an_empty_county_has_no_figures_rather_than_zero_percent():
    for selector in (measures.social_worker_changes, measures.statutory_visits, measures.sibling_contact):
        result = figure(selector)
        assert (result.value, result.count, result.total) == (None, 0, 0)


# Records checked by the child ---------------------------------------------------------------------


def test_records_checked_count_signed_visits_shared_and_checked_and_what_became_of_corrections(county):
    from django.utils import timezone

    from casework.models import RecordCheck, SharedRecord

    now = timezone.now()
    signed = {"status": codes.VisitStatus.SIGNED, "signed_at": now - datetime.timedelta(days=3)}
    checked_right = factories.VisitFactory(child=county.child, author=county.worker, **signed)
    corrected = factories.VisitFactory(child=county.child, author=county.worker, **signed)
    shared_only = factories.VisitFactory(child=county.child, author=county.worker, **signed)
    factories.VisitFactory(child=county.child, author=county.worker, **signed)  # not shared
    factories.DraftVisitFactory(child=county.child, author=county.worker)  # a draft: not counted
    old = factories.VisitFactory(
        child=county.child, author=county.worker, status="signed", signed_at=now - datetime.timedelta(days=200)
    )
    for visit, verdict, status in (
        (checked_right, "right", "agreed"),
        (corrected, "not_right", "amended"),
        (old, "not_right", "open"),
    ):
        share_ = SharedRecord.objects.create(visit=visit, sections=["child_said"], shared_by=county.worker)
        RecordCheck.objects.create(shared_record=share_, verdict=verdict, status=status)
    SharedRecord.objects.create(visit=shared_only, sections=["child_said"], shared_by=county.worker)
    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=89), today)
    result = measures.records_checked(children=Child.objects.all(), periods=[period])[0]
    assert (result.count, result.total, result.value) == (2, 4, 50.0)
    rows = {row.label: (row.value, row.count, row.total) for row in result.rows}
    assert rows["Signed visits shared with the child"] == (75.0, 3, 4)
    assert rows["Corrections the child asked for in the period"][0] == 2  # checked now, though one visit is old
    assert rows["… the record was changed"] == (50.0, 1, 2)
    assert rows["… waiting for the worker's answer"] == (50.0, 1, 2)
    assert behind(measures.children_with_checked_records, period=period) == {county.child.pk}
    assert behind(measures.children_with_checked_records, "waiting", period=period) == {county.child.pk}
    assert measures.records_checked(children=Child.objects.filter(pk=county.other_child.pk), periods=[period])[0].value is None
