"""The values kept only to make dashboard figures fast have one owner, PostgreSQL's triggers (casework migrations
0008 and 0018). However a record is written or corrected (a service, a full save(), QuerySet.update(), bulk_update, raw SQL,
bulk_create), the kept values are what the records say, so each figure agrees with its drill-down, which works the
definition out afresh. The kept values are bookkeeping: they add no history and leave a visit's version alone."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from psycopg import sql

from casework import codes, contact_due, dashboard, measures, services
from casework.dashboard import Period
from casework.dates import months_before
from casework.models import Allocation, CareEpisode, Child, SiblingContactArrangement, SiblingContactSession, Visit
from tests import factories
from tests.casework import kept

pytestmark = pytest.mark.django_db
d = datetime.date
D = d(2025, 3, 31)
R, S, V, F = codes.WorkerChangeReason, codes.ContactSessionStatus, codes.VisitType, codes.ContactFrequency
SIGNED = codes.VisitStatus.SIGNED
LONDON = timezone.get_default_timezone()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


# Ways to correct a record ----------------------------------------------------------------------------------------


def by_save(row: Model, **fields: Any) -> None:
    """A full save(): Django writes every column, the kept ones too, as the object last read them (often stale)."""
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


def by_update(row: Model, **fields: Any) -> None:
    type(row)._default_manager.filter(pk=row.pk).update(**fields)


def by_bulk_update(row: Model, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(row, name, value)
    type(row)._default_manager.bulk_update([row], list(fields))


def by_raw_sql(row: Model, **fields: Any) -> None:
    meta = type(row)._meta
    fields_of: list[Any] = [meta.get_field(name) for name in fields]
    columns = [sql.SQL("{} = %s").format(sql.Identifier(field.column)) for field in fields_of]
    query = sql.SQL("UPDATE {} SET {} WHERE id = %s").format(sql.Identifier(meta.db_table), sql.SQL(", ").join(columns))
    values = [value.pk if isinstance(value, Model) else value for value in fields.values()]
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(connection.connection), [*values, row.pk])


CORRECTIONS = [by_save, by_update, by_bulk_update, by_raw_sql]
Correct = Callable[..., None]


def by_create(model: type[Model], **fields: Any) -> Any:
    return model._default_manager.create(**fields)


def by_bulk_create(model: type[Model], **fields: Any) -> Any:
    return model._default_manager.bulk_create([model(**fields)])[0]


ADDITIONS = [by_create, by_bulk_create]


# What must hold after every write --------------------------------------------------------------------------------


def in_care_on(day: datetime.date) -> set[int]:
    episodes = CareEpisode.objects.filter(started_on__lte=day).exclude(ended_on__lte=day)
    return set(episodes.values_list("child_id", flat=True))


def change_days(on: datetime.date) -> dict[int, int]:
    """Afresh: for each child in care on `on`, the days in the 24 months to it on which an allocation ended."""
    ends = Allocation.objects.filter(ended_on__gt=months_before(on, 24), ended_on__lte=on, child_id__in=in_care_on(on))
    days: dict[int, set[datetime.date | None]] = {child: set() for child in in_care_on(on)}
    for child, ended_on in ends.values_list("child_id", "ended_on"):
        days[child].add(ended_on)
    return {child: len(changed) for child, changed in days.items()}


def behind(selector: Callable[..., Any], period: Period, part: str = "") -> set[int]:
    return set(selector(children=Child.objects.all(), period=period, part=part).values_list("pk", flat=True))


def assert_worker_changes_agree(periods: list[Period]) -> None:
    figures = measures.social_worker_changes(children=Child.objects.all(), periods=periods)
    for period, figure in zip(periods, figures, strict=True):
        changes = change_days(period.end)
        changed = {child for child, n in changes.items() if n}
        assert behind(measures.children_with_worker_changes, period) == changed, period
        assert (figure.count or 0, figure.total or 0) == (len(changed), len(changes)), period
    rows = {row.part: row.count for row in figures[0].rows if row.part}
    changes = change_days(periods[0].end)
    parts = {"none": {0}, "one": {1}, "two": {2}, "three-or-more": set(range(3, 100))}
    for part, counts in parts.items():
        children = {child for child, n in changes.items() if n in counts}
        assert behind(measures.children_with_worker_changes, periods[0], part) == children, part
        assert (rows.get(part) or 0) == len(children), part


def assert_statutory_visits_agree(periods: list[Period]) -> None:
    figures = measures.statutory_visits(children=Child.objects.all(), periods=periods)
    for period, figure in zip(periods, figures, strict=True):
        visited = behind(measures.children_visited, period)
        assert (figure.count or 0, figure.total or 0) == (len(visited), len(in_care_on(period.end))), period


def assert_sibling_contact_agrees(periods: list[Period]) -> None:
    """The figure's one query agrees with the rule worked out one arrangement at a time (casework.contact_due)."""
    figures = measures.sibling_contact(children=Child.objects.all(), periods=periods)
    asked = list(SiblingContactArrangement.objects.filter(requested_by_child=True).prefetch_related("sessions"))
    today = timezone.localdate()
    for period, figure in zip(periods, figures, strict=True):
        until = min(period.end, today)
        due = [(a.child_id, contact_due.slots(a, a.sessions.all(), since=period.start, until=until)) for a in asked]
        slots = [slot for _, found in due for slot in found]
        assert (figure.count or 0, figure.total or 0) == (sum(slot.met for slot in slots), len(slots)), period
        assert behind(measures.children_with_sibling_contact, period) == {child for child, found in due if found}


def assert_kept(on: datetime.date = D) -> None:
    """The kept values are what the records say, and each figure agrees with its drill-down, on every period."""
    assert kept.kept_now() == kept.expected()
    periods = list(dashboard.periods_for(on=on, months=3).all)
    assert_worker_changes_agree(periods)
    assert_statutory_visits_agree(periods)
    assert_sibling_contact_agrees(periods)


def child_in_care(since: datetime.date, left: datetime.date | None = None) -> Child:
    child = factories.ChildFactory(date_of_birth=d(2012, 6, 1))
    factories.CareEpisodeFactory(child=child, started_on=since, ended_on=left)
    return child


def first_marks(*allocations: Allocation) -> list[bool]:
    marks = dict(Allocation.objects.values_list("pk", "first_change_that_day"))
    return [marks[allocation.pk] for allocation in allocations]


def links(child: Child) -> list[tuple[datetime.date, datetime.date | None, datetime.date | None]]:
    """The child's statutory visits in time order: (local day, next one's local day, end of the care it was in)."""
    visits = child.visits.filter(visit_type=V.STATUTORY).order_by("visited_at")
    rows = visits.values_list("visited_at", "next_statutory_at", "in_care_until")
    return [(timezone.localdate(when), next_at and timezone.localdate(next_at), until) for when, next_at, until in rows]


# Corrections ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("correct", CORRECTIONS)
def test_correcting_an_allocations_end_keeps_each_days_first_change(correct: Correct) -> None:
    child = child_in_care(d(2020, 1, 1))
    first = factories.AllocationFactory(child=child, started_on=d(2020, 1, 1), ended_on=d(2025, 2, 10), end_reason=R.LEFTRL)
    second = factories.AllocationFactory(child=child, started_on=d(2025, 2, 10), ended_on=d(2025, 2, 10), end_reason=R.MANAGE)
    factories.AllocationFactory(child=child, started_on=d(2025, 2, 10))
    assert first_marks(first, second) == [True, False]  # two changes on 10 February: one new worker
    assert_kept()

    correct(first, ended_on=d(2025, 1, 20))  # the first worker in fact left in January
    assert first_marks(first, second) == [True, True]
    assert change_days(D)[child.pk] == 2
    assert_kept()

    correct(first, ended_on=d(2025, 2, 10))
    assert first_marks(first, second) == [True, False]
    correct(first, ended_on=d(2025, 2, 11))
    assert first_marks(first, second) == [True, True]
    assert_kept()


@pytest.mark.parametrize("correct", CORRECTIONS)
def test_correcting_a_visits_time_or_type_keeps_each_statutory_visits_links(correct: Correct) -> None:
    child = child_in_care(d(2024, 6, 1))
    factories.CareEpisodeFactory(child=child, started_on=d(2023, 1, 1), ended_on=d(2023, 6, 1))
    made = {
        day: factories.VisitFactory(child=child, visited_at=at(day)) for day in (d(2023, 3, 1), d(2025, 1, 5), d(2025, 2, 20))
    }
    review = factories.VisitFactory(child=child, visited_at=at(d(2025, 3, 1)), visit_type=V.REVIEW)
    # Half past midnight on 1 June in London (British Summer Time) is still 31 May in UTC: the day care began.
    factories.VisitFactory(child=child, visited_at=datetime.datetime(2024, 5, 31, 23, 30, tzinfo=datetime.UTC))
    earlier_care, this_care = d(2023, 6, 1), datetime.date.max
    assert links(child) == [
        (d(2023, 3, 1), d(2024, 6, 1), earlier_care),
        (d(2024, 6, 1), d(2025, 1, 5), this_care),
        (d(2025, 1, 5), d(2025, 2, 20), this_care),
        (d(2025, 2, 20), None, this_care),
    ]
    assert_kept()

    correct(made[d(2025, 2, 20)], visited_at=at(d(2024, 12, 1)))  # typed in with the wrong date
    assert [(day, following) for day, following, _ in links(child)][1:] == [
        (d(2024, 6, 1), d(2024, 12, 1)),
        (d(2024, 12, 1), d(2025, 1, 5)),
        (d(2025, 1, 5), None),
    ]
    assert_kept()

    correct(review, visit_type=V.STATUTORY)  # it was the statutory visit: the child is visited in time on D
    assert links(child)[-2:] == [(d(2025, 1, 5), d(2025, 3, 1), this_care), (d(2025, 3, 1), None, this_care)]
    assert_kept()

    correct(review, visit_type=V.DIRECT_WORK)  # no, it was not
    assert Visit.objects.filter(pk=review.pk).values_list("next_statutory_at", "in_care_until").get() == (None, None)
    assert_kept()


@pytest.mark.parametrize("correct", CORRECTIONS)
def test_correcting_when_care_ended_keeps_the_care_each_visit_was_made_in(correct: Correct) -> None:
    child = factories.ChildFactory(date_of_birth=d(2012, 6, 1))
    stay = factories.CareEpisodeFactory(child=child, started_on=d(2024, 1, 1))
    factories.VisitFactory(child=child, visited_at=at(d(2025, 3, 1)))
    assert [until for _, _, until in links(child)] == [datetime.date.max]
    assert_kept()

    correct(stay, ended_on=d(2025, 3, 10))  # left care in March
    assert [until for _, _, until in links(child)] == [d(2025, 3, 10)]
    assert_kept()

    correct(stay, started_on=d(2025, 3, 5), ended_on=None)  # came into care after the visit, in fact
    assert [until for _, _, until in links(child)] == [None]
    assert_kept()


@pytest.mark.parametrize("correct", CORRECTIONS)
def test_correcting_a_sessions_arrangement_or_whether_the_child_asked_keeps_the_sessions(correct: Correct) -> None:
    child = child_in_care(d(2023, 1, 1))
    asked = factories.SiblingContactArrangementFactory(child=child, requested_by_child=True, started_on=d(2024, 1, 1))
    planned = factories.SiblingContactArrangementFactory(child=child, requested_by_child=False, started_on=d(2024, 1, 1))
    sessions = [
        factories.SiblingContactSessionFactory(arrangement=asked, planned_on=d(2025, 2, 1), status=S.HAPPENED),
        factories.SiblingContactSessionFactory(arrangement=asked, planned_on=d(2025, 3, 1), status=S.CANCELLED),
        factories.SiblingContactSessionFactory(arrangement=planned, planned_on=d(2025, 3, 2), status=S.HAPPENED),
    ]

    def asked_for() -> list[bool]:
        return [SiblingContactSession.objects.get(pk=session.pk).requested_by_child for session in sessions]

    assert asked_for() == [True, True, False]
    assert_kept()

    correct(sessions[1], arrangement=planned)  # recorded against the wrong arrangement
    assert asked_for() == [True, False, False]
    assert_kept()

    correct(planned, requested_by_child=True)  # the child did ask for this one
    assert asked_for() == [True, True, True]
    assert_kept()

    correct(asked, requested_by_child=False)
    assert asked_for() == [False, True, True]
    assert_kept()


def slots_of(*sessions: SiblingContactSession) -> list[tuple[datetime.date | None, bool]]:
    """(slot_ends, stands_for_slot) of each session, as the database keeps them."""
    kept_slots = dict(SiblingContactSession.objects.values_list("pk", "slot_ends"))
    standing = dict(SiblingContactSession.objects.values_list("pk", "stands_for_slot"))
    return [(kept_slots[session.pk], standing[session.pk]) for session in sessions]


@pytest.mark.parametrize("correct", CORRECTIONS)
def test_correcting_a_session_or_its_arrangements_frequency_start_or_end_keeps_each_sessions_slot(correct: Correct) -> None:
    child = child_in_care(d(2023, 1, 1))
    contact = factories.SiblingContactArrangementFactory(child=child, frequency=F.MONTHLY, started_on=d(2024, 12, 31))
    # Monthly from 31 Dec: slots 31 Dec-30 Jan, 31 Jan-27 Feb, 28 Feb-30 Mar.
    cancelled, held, later = (
        factories.SiblingContactSessionFactory(arrangement=contact, planned_on=day, status=status)
        for day, status in ((d(2025, 1, 5), S.CANCELLED), (d(2025, 1, 20), S.HAPPENED), (d(2025, 2, 27), S.HAPPENED))
    )
    # One session stands for each slot: in January the one that happened, though it was recorded second.
    assert slots_of(cancelled, held, later) == [(d(2025, 1, 30), False), (d(2025, 1, 30), True), (d(2025, 2, 27), True)]
    assert_kept()

    correct(later, planned_on=d(2025, 2, 28))  # in fact on 28 February: the first day of the third slot
    assert slots_of(later) == [(d(2025, 3, 30), True)]
    assert_kept()

    correct(held, status=S.CANCELLED, cancelled_by=codes.CancelledBy.CARER)  # it did not happen after all
    assert slots_of(cancelled, held) == [(d(2025, 1, 30), True), (d(2025, 1, 30), False)]  # the first recorded
    assert_kept()

    correct(contact, frequency=F.WEEKLY)  # weekly from Tuesday 31 Dec: weeks end on Mondays
    assert slots_of(cancelled, held, later) == [(d(2025, 1, 6), True), (d(2025, 1, 20), True), (d(2025, 3, 3), True)]
    assert_kept()

    correct(contact, started_on=d(2025, 1, 10))  # it began on Friday 10 January: the first session was before it
    assert slots_of(cancelled, held, later) == [(None, False), (d(2025, 1, 23), True), (d(2025, 3, 6), True)]
    assert_kept()

    correct(contact, ended_on=d(2025, 3, 2))  # ended in the week of the last session: that week is never due
    assert slots_of(held, later) == [(d(2025, 1, 23), True), (None, False)]
    assert_kept()

    correct(contact, frequency=F.OTHER)  # 'other' expects no sessions: no slots
    assert slots_of(cancelled, held, later) == [(None, False)] * 3
    assert_kept()


@pytest.mark.parametrize("add", ADDITIONS)
def test_a_session_added_to_a_slot_or_deleted_from_it_hands_the_slot_to_the_right_session(add: Callable[..., Any]) -> None:
    contact = factories.SiblingContactArrangementFactory(
        child=child_in_care(d(2023, 1, 1)), frequency=F.WEEKLY, started_on=d(2025, 3, 3)
    )  # Mondays: the first week is 3-9 March
    cancelled = add(SiblingContactSession, arrangement=contact, planned_on=d(2025, 3, 4), status=S.CANCELLED)
    assert slots_of(cancelled) == [(d(2025, 3, 9), True)]
    held = add(SiblingContactSession, arrangement=contact, planned_on=d(2025, 3, 8), status=S.HAPPENED)
    assert slots_of(cancelled, held) == [(d(2025, 3, 9), False), (d(2025, 3, 9), True)]  # the week was met
    assert_kept()

    SiblingContactSession.objects.filter(pk=held.pk).delete()  # recorded in error
    assert slots_of(cancelled) == [(d(2025, 3, 9), True)]
    assert_kept()


# Records added, and deleted ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("add", ADDITIONS)
def test_records_added_one_at_a_time_or_in_bulk_are_kept(add: Callable[..., Any]) -> None:
    child, other = child_in_care(d(2020, 1, 1)), child_in_care(d(2020, 1, 1))
    worker = factories.UserFactory()
    add(Allocation, child=child, worker=worker, started_on=d(2020, 1, 1), ended_on=d(2025, 1, 10), end_reason=R.MANAGE)
    add(Allocation, child=child, worker=worker, started_on=d(2025, 1, 10), ended_on=d(2025, 1, 10), end_reason=R.LEFTRL)
    add(Allocation, child=child, worker=worker, started_on=d(2025, 1, 10))
    Visit.objects.bulk_create(  # several children's visits in one statement, in no particular order
        Visit(child=kid, author=worker, visited_at=at(day), visit_type=V.STATUTORY, status=SIGNED)
        for kid, day in ((child, d(2025, 3, 20)), (other, d(2025, 1, 2)), (child, d(2025, 1, 3)), (other, d(2025, 3, 25)))
    )
    add(Visit, child=child, author=worker, visited_at=at(d(2025, 2, 1)), status=SIGNED)
    add(CareEpisode, child=other, started_on=d(2013, 1, 1), ended_on=d(2015, 1, 1))  # an earlier stay, found later
    arrangement = add(SiblingContactArrangement, child=child, sibling=factories.FamilyMemberFactory(child=child),
                      frequency=codes.ContactFrequency.MONTHLY, requested_by_child=True, started_on=d(2024, 1, 1))  # fmt: skip
    add(SiblingContactSession, arrangement=arrangement, planned_on=d(2025, 3, 1), status=S.HAPPENED)
    assert any(kept.first_changes().values())
    assert links(child)[:2] == [
        (d(2025, 1, 3), d(2025, 2, 1), datetime.date.max),
        (d(2025, 2, 1), d(2025, 3, 20), datetime.date.max),
    ]
    assert links(other) == [(d(2025, 1, 2), d(2025, 3, 25), datetime.date.max), (d(2025, 3, 25), None, datetime.date.max)]
    assert_kept()


def test_deleting_a_statutory_visit_links_the_one_before_to_the_one_after() -> None:
    child = child_in_care(d(2024, 1, 1))
    visits = [factories.VisitFactory(child=child, visited_at=at(day)) for day in (d(2025, 1, 5), d(2025, 2, 5), d(2025, 3, 5))]
    visits[1].delete()
    assert [(day, following) for day, following, _ in links(child)] == [(d(2025, 1, 5), d(2025, 3, 5)), (d(2025, 3, 5), None)]
    assert_kept()


# Through the services ---------------------------------------------------------------------------------------------


def test_the_services_leave_the_kept_values_to_the_database(county) -> None:
    child, worker, today = county.child, county.worker, timezone.localdate()
    day = datetime.timedelta(days=1)
    services.allocation_change(child=child, worker=county.teammate, started_on=today - day, reason=R.LEFTRL, actor=county.manager)
    services.allocation_change(child=child, worker=worker, started_on=today - day, reason=R.MANAGE, actor=county.manager)
    assert sorted(child.allocations.filter(ended_on=today - day).values_list("first_change_that_day", flat=True)) == [False, True]

    def visit(days_ago: int, **fields: Any) -> Visit:
        fields = {"visit_type": V.STATUTORY, "observations": "Seen at home."} | fields
        when = timezone.now() - days_ago * day
        return services.visit_create(child=child, author=worker, visited_at=when, **fields)

    first, second = visit(50), visit(20)
    services.visit_update(visit=second, actor=worker, visited_at=timezone.now() - 60 * day)  # before the first, in fact
    services.visit_update(visit=visit(10, visit_type=V.REVIEW), actor=worker, visit_type=V.STATUTORY)
    services.visit_sign(visit=first, actor=worker)
    services.visit_amend(visit=first, actor=worker, reason="Wrong day.", visited_at=timezone.now() - 40 * day)
    assert len(links(child)) == 3 and links(child)[-1][1] is None
    arrangement = services.sibling_contact_arrangement_create(
        child=child, sibling=factories.FamilyMemberFactory(child=child), frequency=codes.ContactFrequency.MONTHLY,
        requested_by_child=True, plan="", started_on=today - 90 * day, actor=worker,
    )  # fmt: skip
    session = services.sibling_contact_session_record(
        arrangement=arrangement, planned_on=today - day, status=S.HAPPENED, actor=worker
    )
    assert SiblingContactSession.objects.get(pk=session.pk).requested_by_child
    assert_kept(on=today)


# Bookkeeping, not anyone's change ---------------------------------------------------------------------------------


def test_a_value_the_database_keeps_adds_no_history_and_leaves_the_version(county) -> None:
    child, worker = county.child, county.worker
    statutory: dict[str, Any] = {"visit_type": V.STATUTORY, "observations": "Seen at home."}
    earlier = services.visit_create(
        child=child, author=worker, visited_at=timezone.now() - datetime.timedelta(days=9), **statutory
    )
    earlier = services.visit_sign(visit=earlier, actor=worker)  # only signed visits are linked
    earlier.refresh_from_db()
    version, history = earlier.updated_at, earlier.history.count()
    later = services.visit_create(child=child, author=worker, visited_at=timezone.now() - datetime.timedelta(days=2), **statutory)
    services.visit_sign(visit=later, actor=worker)
    earlier.refresh_from_db()
    assert earlier.next_statutory_at is not None  # it now points at the later visit...
    assert (earlier.updated_at, earlier.history.count()) == (version, history)  # ...without anyone having changed it

    first = factories.AllocationFactory(child=child, started_on=d(2020, 1, 1), ended_on=d(2021, 1, 1), end_reason=R.MANAGE)
    later = factories.AllocationFactory(child=child, started_on=d(2020, 6, 1), ended_on=d(2021, 1, 1), end_reason=R.MANAGE)
    history = later.history.count()
    Allocation.objects.filter(pk=first.pk).update(ended_on=d(2020, 12, 1))  # the later one becomes the day's first
    assert first_marks(later) == [True] and later.history.count() == history

    arrangement = factories.SiblingContactArrangementFactory(child=child, requested_by_child=False)
    session = factories.SiblingContactSessionFactory(arrangement=arrangement)
    history = session.history.count()
    SiblingContactArrangement.objects.filter(pk=arrangement.pk).update(requested_by_child=True)
    session.refresh_from_db()
    assert session.requested_by_child and session.history.count() == history


def test_a_kept_value_written_over_by_hand_is_put_back() -> None:
    child = child_in_care(d(2024, 1, 1))
    visits = [factories.VisitFactory(child=child, visited_at=at(day)) for day in (d(2025, 1, 5), d(2025, 2, 5))]
    Visit.objects.filter(pk=visits[0].pk).update(next_statutory_at=None, in_care_until=d(2000, 1, 1))
    allocation = factories.AllocationFactory(child=child, started_on=d(2024, 1, 1), ended_on=d(2025, 1, 1), end_reason=R.MANAGE)
    Allocation.objects.filter(pk=allocation.pk).update(first_change_that_day=False)
    session = factories.SiblingContactSessionFactory(arrangement=factories.SiblingContactArrangementFactory(child=child))
    kept_slot = slots_of(session)
    assert kept_slot[0][0] is not None
    SiblingContactSession.objects.filter(pk=session.pk).update(requested_by_child=False, slot_ends=None, stands_for_slot=False)
    assert links(child)[0] == (d(2025, 1, 5), d(2025, 2, 5), datetime.date.max)
    assert first_marks(allocation) == [True]
    assert SiblingContactSession.objects.get(pk=session.pk).requested_by_child
    assert slots_of(session) == kept_slot
    assert_kept()


def test_a_full_save_of_a_visit_read_before_its_links_changed_does_not_write_them_back() -> None:
    """Django's save() writes every column: an object read before a later visit was made still says it has no next
    visit, and saving it for another reason (its notes) must not make that true again."""
    child = child_in_care(d(2024, 1, 1))
    earlier = factories.VisitFactory(child=child, visited_at=at(d(2025, 1, 5)))
    earlier.refresh_from_db()
    factories.VisitFactory(child=child, visited_at=at(d(2025, 2, 5)))
    assert earlier.next_statutory_at is None  # as read, before the later visit
    earlier.observations = "Settled; asked about her brother."
    earlier.save()
    assert links(child)[0] == (d(2025, 1, 5), d(2025, 2, 5), datetime.date.max)
