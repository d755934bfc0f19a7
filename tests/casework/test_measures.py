"""casework's dashboard measures on small, hand-computed cases, on D = 31 March 2025."""

import datetime

import pytest
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import codes, dashboard, measures, services
from casework.dashboard import Period
from casework.models import Child
from tests import factories

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
    workers(same_day, (d(2024, 1, 10), R.FCONTA), (d(2024, 1, 10), R.ABSENC), (d(2025, 3, 31), R.MANAGE))
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
        "Reason: Transfer between teams (e.g. from assessment to long-term) (FCONTA)": 1,
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
    first.ended_on, first.end_reason = d(2022, 6, 1), R.FCONTA  # corrected later: the change was in 2022
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


def visit(child: Child, on: datetime.date, *, alone: bool = True, kind: str = codes.VisitType.STATUTORY) -> None:
    at = datetime.datetime(on.year, on.month, on.day, 10, tzinfo=datetime.UTC)
    factories.VisitFactory(child=child, visited_at=at, seen_alone=alone, visit_type=kind)


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
    later = services.visit_create(child=child, author=worker, visited_at=at(20), **statutory)
    services.visit_create(child=child, author=worker, visited_at=at(5), **statutory)  # typed in late
    assert pointers() == [(at(5), at(20)), (at(20), None)]
    version, history = later.updated_at, later.history.count()
    middle = services.visit_create(child=child, author=worker, visited_at=at(28), **statutory)
    later.refresh_from_db()
    assert (later.updated_at, later.history.count()) == (version, history)  # bookkeeping, not anyone's change
    services.visit_update(visit=middle, actor=worker, visited_at=at(12))  # the time was wrong
    assert pointers() == [(at(5), at(12)), (at(12), at(20)), (at(20), None)]
    services.visit_update(visit=middle, actor=worker, visit_type=codes.VisitType.REVIEW)  # not statutory after all
    assert pointers() == [(at(5), at(20)), (at(20), None)]
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
    visits=st.lists(st.tuples(visit_days, st.sampled_from([codes.VisitType.STATUTORY, codes.VisitType.REVIEW])), max_size=8),
    visits_first=st.booleans(),
)
def test_statutory_visits_match_their_drill_down_definition_for_any_history(end, stays, visits, visits_first):
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
            for offset, kind in visits:
                visit(child, min(end + datetime.timedelta(days=offset), D), kind=kind)

        for record in (record_visits, record_stays) if visits_first else (record_stays, record_visits):
            record()
        periods = dashboard.periods_for(on=D, months=3).all
        figures = measures.statutory_visits(children=Child.objects.all(), periods=periods)
        for period, result in zip(periods, figures, strict=True):
            in_care = measures.children_in_care_on(Child.objects.all(), period.end).count()
            assert (result.count, result.total) == (len(behind(measures.children_visited, period=period)), in_care), period
        transaction.set_rollback(True)


# Sibling contact -----------------------------------------------------------------------------------


def session(arrangement, on: datetime.date, status: str, by: str = "") -> None:
    factories.SiblingContactSessionFactory(arrangement=arrangement, planned_on=on, status=status, cancelled_by=by)


def test_sibling_contact_counts_sessions_the_child_asked_for_that_happened():
    S = codes.ContactSessionStatus
    child = in_care(d(2023, 1, 1))
    asked = factories.SiblingContactArrangementFactory(child=child, requested_by_child=True)
    session(asked, d(2025, 1, 5), S.HAPPENED)
    session(asked, d(2025, 2, 5), S.CANCELLED, codes.CancelledBy.CARER)
    session(asked, d(2025, 3, 5), S.HAPPENED)
    session(asked, d(2025, 3, 31), S.PLANNED)  # planned for D and not recorded: not delivered
    session(asked, d(2024, 12, 31), S.HAPPENED)  # before the period
    session(asked, d(2025, 4, 1), S.PLANNED)  # after it
    other = in_care(d(2023, 1, 1))
    plan_only = factories.SiblingContactArrangementFactory(child=other, requested_by_child=False)
    session(plan_only, d(2025, 2, 1), S.CANCELLED)  # not asked for by the child: not counted
    result = figure(measures.sibling_contact)
    assert (result.count, result.total, result.value) == (2, 4, 50.0)
    rows = {row.label: (row.count, row.total) for row in result.rows}
    assert rows["Cancelled by a carer"] == (1, 4)
    assert behind(measures.children_with_sibling_contact) == {child.pk}
    assert behind(measures.children_with_sibling_contact, "missed") == {child.pk}


def test_sibling_contact_counts_brothers_and_sisters_in_care_living_together_or_apart():
    ava, ben, cal = in_care(d(2023, 1, 1)), in_care(d(2023, 1, 1)), in_care(d(2023, 1, 1))
    dee = in_care(d(2023, 1, 1), left=d(2025, 1, 1))  # no longer in care: does not count as a sibling in care
    factories.FamilyMemberFactory(child=ava, own_record=ben, lives_with_child=True)
    factories.FamilyMemberFactory(child=ben, own_record=ava, lives_with_child=True)
    factories.FamilyMemberFactory(child=ava, own_record=cal, lives_with_child=False)
    factories.FamilyMemberFactory(child=cal, own_record=ava, lives_with_child=False)
    factories.FamilyMemberFactory(child=cal, own_record=dee, lives_with_child=False)
    rows = {row.part: (row.count, row.total) for row in figure(measures.sibling_contact).rows if row.part}
    assert rows == {"together": (1, 3), "apart": (2, 3)}  # ben lives with ava; ava and cal live apart
    assert behind(measures.children_with_sibling_contact, "apart") == {ava.pk, cal.pk}


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
    factories.VisitFactory(child=county.child, author=county.worker)  # a draft: not counted
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
