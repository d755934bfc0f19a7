"""casework's own measures for the dashboard: social worker changes, statutory visits, sibling contact and records
checked by the child.

Each measure has ONE selector that computes it for any number of periods in a fixed number of queries: an ORM
aggregate with a filter a period where that is fast enough, else one query composed with psycopg.sql
(casework.dashboard.sql) in named CTEs that reads each child's records once and answers every period with a day
mask, or counts each period from an index. Its drill-down states the same definition with the ORM, and the tests
hold the two to each other, so a list always matches its number."""

import datetime
from collections.abc import Sequence
from dataclasses import astuple
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Case, Count, F, FilteredRelation, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from psycopg import sql

from casework import codes, contact_due
from casework.dashboard import Figure, Measure, Period, Row, percent, register_measure, share
from casework.dashboard.sql import (
    NOTHING,
    ChildrenSQL,
    Params,
    Query,
    children_sql,
    counts_by_day,
    day_run,
    days_before,
    days_open,
    fetch,
    mask_days,
    of_children,
    roomy_query,
)
from casework.dates import end_of, months_before, start_of
from casework.homes import A_MOVE, HOMES_ON_DAY, homes_on, moved_between, together
from casework.models import (
    Allocation,
    CareEpisode,
    Child,
    FamilyMember,
    RecordCheck,
    SharedRecord,
    SiblingContactArrangement,
    SiblingContactSession,
    Visit,
)

DAY = datetime.timedelta(days=1)


def in_care_on(day: datetime.date, path: str = "care_episodes__") -> Q:
    """A care episode open at the end of `day` (one that ended on `day` is not: the child left that day)."""
    ongoing = Q(**{f"{path}ended_on__isnull": True}) | Q(**{f"{path}ended_on__gt": day})
    return Q(**{f"{path}started_on__lte": day}) & ongoing


def flag(condition: Q) -> Max:
    """1 if any of a child's joined rows meets the condition, else 0."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def children_in_care_on(children: QuerySet[Child], day: datetime.date) -> QuerySet[Child]:
    return children.filter(pk__in=CareEpisode.objects.filter(in_care_on(day, path="")).values("child_id"))


# Social worker changes ---------------------------------------------------------------------------


def _changes(since: datetime.date, until: datetime.date) -> Count:
    """Days in (since, until] on which an allocation ended: changes on one day count once (one new worker), so
    only the allocation that was the first to end that day (Allocation.first_change_that_day) is counted."""
    window = Q(allocations__ended_on__gt=since, allocations__ended_on__lte=until, allocations__first_change_that_day=True)
    return Count("allocations", filter=window)


def _worker_cohort(children: QuerySet[Child], on: datetime.date) -> QuerySet[Child]:
    return children_in_care_on(children, on).annotate(
        in_24=_changes(months_before(on, 24), on), in_12=_changes(months_before(on, 12), on)
    )


WORKER_PARTS = {
    "": Q(in_24__gte=1),
    "12-months": Q(in_12__gte=1),
    "none": Q(in_24=0),
    "one": Q(in_24=1),
    "two": Q(in_24=2),
    "three-or-more": Q(in_24__gte=3),
}


def social_worker_changes(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Of children in care on each period's end: how many had a new social worker in the 24 months to it; for the
    chosen period also how many changes (0, 1, 2, 3 or more, and in 12 months) and their reasons. As
    `_worker_cohort` (the drill-down) counts, in one query (`_worker_changes_sql`), then the reasons."""
    if not periods:
        return []
    ordered = mask_days(period.end for period in periods)
    on = periods[0].end
    with roomy_query(hashed=True, parallel=False):
        rows = fetch(*_worker_changes_sql(children, ordered, on))
    masks = [(in_care, changed, n) for in_care, changed, _, _, n in rows]
    by_day = counts_by_day([period.end for period in periods], ordered, masks)
    figures = [share(period, count, total) for period, (count, total) in zip(periods, by_day, strict=True)]
    bit = 1 << ordered.index(on)
    cohort = [(changes, recent, n) for in_care, _, changes, recent, n in rows if in_care & bit]
    return [_with_worker_rows(figures[0], children, cohort), *figures[1:]]


def _worker_changes_sql(children: QuerySet[Child], ordered: list[datetime.date], on: datetime.date) -> Query:
    """Social worker changes: of the children in care on each of the `ordered` days, those whose worker changed in
    the 24 months before it; and for `on`, how many changes (3 for 3 or more) and whether one was in the 12 months
    to it. A change is an allocation ending; two ending on one day are one change (one new worker), so only the
    first of them counts (Allocation.first_change_that_day).

    Rows of (days in care, days with a change in the 24 months before, changes to `on`, a change in the 12 months
    to `on`, children). The care episodes and allocations are read as one list and grouped by child once (as the
    mix of homes does), rather than grouped each on their own and joined: one pass of hashing 330,000 rows, not two
    and a join."""
    mine = children_sql(children)
    windows = [months_before(day, 24) for day in ordered]  # as sorted as the days
    # A change is on the days from the first on or after it, up to the first whose 24 months began after it.
    changed = day_run(days_before("a.ended_on", "days"), days_before("a.ended_on", "windows"))
    query = sql.SQL("""
        WITH care AS (
            SELECT e.child_id, {in_care} AS in_care, 0::bigint AS changed, FALSE AS counted, FALSE AS recent
            FROM casework_careepisode AS e
            WHERE e.started_on <= %(last_day)s AND (e.ended_on IS NULL OR e.ended_on > %(first_day)s) {mine_e}
        ), changes AS (
            SELECT a.child_id, 0::bigint AS in_care, {changed} AS changed,
                a.first_change_that_day AND a.ended_on > %(since_24)s AND a.ended_on <= %(on)s AS counted,
                a.ended_on > %(since_12)s AND a.ended_on <= %(on)s AS recent
            FROM casework_allocation AS a
            WHERE a.ended_on > %(first_window)s AND a.ended_on <= %(last_day)s {mine_a}
        ), per_child AS (
            SELECT child_id, BIT_OR(in_care) AS in_care, BIT_OR(changed) AS changed,
                COUNT(*) FILTER (WHERE counted) AS changes, BOOL_OR(recent) AS recent
            FROM (SELECT * FROM care UNION ALL SELECT * FROM changes) AS records
            GROUP BY child_id
        )
        SELECT in_care, in_care & changed, LEAST(changes, 3), recent, COUNT(*)
        FROM per_child
        WHERE in_care <> 0
        GROUP BY 1, 2, 3, 4""").format(
        in_care=days_open(), changed=changed, mine_e=mine.only("e.child_id"), mine_a=mine.only("a.child_id")
    )
    days = {"days": ordered, "first_day": ordered[0], "last_day": ordered[-1], "windows": windows, "first_window": windows[0]}
    on_params = {"on": on, "since_24": months_before(on, 24), "since_12": months_before(on, 12)}
    return query, days | on_params | mine.params


def _with_worker_rows(figure: Figure, children: QuerySet[Child], cohort: list[tuple[int, bool, int]]) -> Figure:
    """The chosen day's breakdown, from (changes in 24 months, a change in 12 months, children) of those in care."""
    on = figure.period.end
    total = sum(n for _, _, n in cohort)
    counts = {
        "12-months": sum(n for _, recent, n in cohort if recent),
        "none": sum(n for changes, _, n in cohort if changes == 0),
        "one": sum(n for changes, _, n in cohort if changes == 1),
        "two": sum(n for changes, _, n in cohort if changes == 2),
        "three-or-more": sum(n for changes, _, n in cohort if changes >= 3),
    }
    labels = {
        "12-months": "Had a new social worker in the 12 months to the date",
        "none": "No change in 24 months",
        "one": "1 change",
        "two": "2 changes",
        "three-or-more": "3 or more changes",
    }
    rows = [Row(label, percent(counts[part], total), counts[part], total, part=part) for part, label in labels.items()]
    reasons = (
        of_children(Allocation.objects.all(), children)
        .filter(
            child__in=CareEpisode.objects.filter(in_care_on(on, path="")).values("child_id"),
            ended_on__gt=months_before(on, 24),
            ended_on__lte=on,
        )
        .values("end_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "end_reason")
    )
    labels = {code: str(label) for code, label in codes.WorkerChangeReason.choices}
    reason_rows = [reason_row(labels.get(r["end_reason"], "No reason recorded"), r["n"], r["end_reason"]) for r in reasons]
    return Figure(figure.period, figure.value, figure.count, figure.total, tuple(rows + reason_rows))


def reason_row(label: str, n: int, code: str) -> Row:
    return Row(f"Reason: {label} ({code or 'none'})", n, unit="changes")


def children_with_worker_changes(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    cohort = _worker_cohort(children, period.end).filter(WORKER_PARTS[part])
    return Child.objects.filter(pk__in=cohort.values("pk"))


# Statutory visits ----------------------------------------------------------------------------------

VISIT_WEEKS_GRACE = 1  # a child new to care is due a first visit within a week


def _statutory_window(on: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    weeks = settings.HEARTH_STATUTORY_VISIT_WEEKS
    return start_of(on - datetime.timedelta(weeks=weeks)), end_of(on)


def _visited_in_time(on: datetime.date) -> Q:
    """In care on `on`, and visited (a signed statutory visit, since coming into care, not followed by a move by the
    day) within the weeks before it, or new to care or to a home within the last week: exactly the caseload's "next
    visit due" not yet passed on that day."""
    since, until = _statutory_window(on)
    visited = Q(
        recent_visits__visited_at__gte=since,
        recent_visits__visited_at__lt=until,
        recent_visits__visited_at__date__gte=F("care_episodes__started_on"),
    ) & (Q(recent_visits__moved_after_on__isnull=True) | Q(recent_visits__moved_after_on__gt=on))
    week_before = on - datetime.timedelta(weeks=VISIT_WEEKS_GRACE)
    new_to_care = Q(care_episodes__started_on__gte=week_before)
    new_home = moved_between(week_before, on)
    return in_care_on(on) & (visited | new_to_care | new_home)


def _with_recent_visits(children: QuerySet[Child], periods: Sequence[Period]) -> QuerySet[Child]:
    """Join only the statutory visits that can count for some period, so the join stays small."""
    earliest = min(_statutory_window(period.end)[0] for period in periods)
    latest = max(_statutory_window(period.end)[1] for period in periods)
    recent = Q(
        visits__visit_type=codes.VisitType.STATUTORY,
        visits__status=codes.VisitStatus.SIGNED,
        visits__visited_at__gte=earliest,
        visits__visited_at__lt=latest,
    )
    return children.annotate(recent_visits=FilteredRelation("visits", condition=recent))


def statutory_visits(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Of children in care on each period's end: how many had their statutory visit in time on that day. The same
    test as `_visited_in_time` (the drill-down), in one query shaped for 100,000 children (`_statutory_visits_sql`)."""
    if not periods:
        return []
    ordered = mask_days(period.end for period in periods)
    with roomy_query():
        rows = fetch(*_statutory_visits_sql(children, ordered))
    care = [(mask, 0, n) for kind, mask, n in rows if kind == "care"]
    counted = {(kind, i): n for kind, i, n in rows if kind != "care"}
    figures = []
    for period, (_, total) in zip(periods, counts_by_day([p.end for p in periods], ordered, care), strict=True):
        new, visited, both = (counted.get((kind, ordered.index(period.end)), 0) for kind in ("new", "visited", "both"))
        figures.append(share(period, new + visited - both, total))
    return [_with_visit_rows(figures[0], children), *figures[1:]]


def _statutory_visits_sql(children: QuerySet[Child], ordered: list[datetime.date]) -> Query:
    """Statutory visits in time: of the children in care on each of the `ordered` days, those whose latest signed
    statutory visit before the day ends was in the weeks before it, made in care that lasts past the day and not
    followed by a move by the day, and those new to care or to a home (in care on the day, and in care or moved home
    in the week before it, so not yet due); counted once if both. A home's table is placements', read by name as
    casework/homes.py reads it: casework does not import placements.

    Rows ("care", days in care, children), then for each day i: ("new", i, children), ("visited", i, children) and
    ("both", i, children). The visited are counted from the statutory visits' index alone, a range a day
    (`_visited_on`); those also new are looked up one by one from the few new ones (LATERAL ... LIMIT 1: as a
    semi-join the server would hash all two million statutory visits). `new` is read twice, so worked out once."""
    among = children_sql(children)
    query = sql.SQL("""
        WITH days (i, day, grace, since, until) AS (
            VALUES {days}
        ), new AS MATERIALIZED (
            SELECT DISTINCT d.i, e.child_id, d.day, d.since, d.until
            FROM casework_careepisode AS e JOIN days AS d
                ON e.started_on >= d.grace AND e.started_on <= d.day AND (e.ended_on IS NULL OR e.ended_on > d.day)
            WHERE e.started_on >= %(first_grace)s AND e.started_on <= %(last_day)s {mine}
            UNION
            SELECT d.i, p.child_id, d.day, d.since, d.until
            FROM days AS d CROSS JOIN LATERAL (  -- each day's week of moves, from the index by day
                SELECT p.child_id FROM placements_placementepisode AS p
                WHERE p.started_on + 0 >= d.grace AND p.started_on + 0 <= d.day AND {a_move} {moved}
            ) AS p
            JOIN casework_careepisode AS e
                ON e.child_id = p.child_id AND e.started_on <= d.day AND (e.ended_on IS NULL OR e.ended_on > d.day)
        ), care AS (
            SELECT e.child_id, BIT_OR({in_care}) AS in_care
            FROM casework_careepisode AS e
            WHERE e.started_on <= %(last_day)s AND (e.ended_on IS NULL OR e.ended_on > %(first_day)s) {mine}
            GROUP BY e.child_id
        ), new_and_visited AS (
            SELECT n.i FROM new AS n CROSS JOIN LATERAL (
                SELECT 1 FROM casework_visit AS v WHERE v.child_id = n.child_id AND {in_time} LIMIT 1
            ) AS visit
        )
        SELECT 'care', in_care, COUNT(*) FROM care GROUP BY 2
        UNION ALL
        SELECT 'new', i, COUNT(*) FROM new GROUP BY 2
        UNION ALL
        {visited}
        UNION ALL
        SELECT 'both', i, COUNT(*) FROM new_and_visited GROUP BY 2""").format(
        days=sql.SQL(", ").join(_day_row(i) for i in range(len(ordered))),
        mine=among.only("e.child_id"),
        moved=among.only("p.child_id"),
        a_move=sql.SQL(A_MOVE),
        in_care=days_open(),
        visited=sql.SQL(" UNION ALL ").join(_visited_on(i, among.only("child_id")) for i in range(len(ordered))),
        in_time=_in_time(sql.SQL("n.day"), sql.SQL("n.since"), sql.SQL("n.until")),
    )
    first_grace = ordered[0] - datetime.timedelta(weeks=VISIT_WEEKS_GRACE)
    bounds = {"days": ordered, "first_day": ordered[0], "last_day": ordered[-1], "first_grace": first_grace}
    kinds = {"statutory": codes.VisitType.STATUTORY, "signed": codes.VisitStatus.SIGNED}
    return query, bounds | _day_params(ordered) | kinds | among.params


def _in_time(day: sql.Composable, since: sql.Composable, until: sql.Composable) -> sql.Composed:
    """A signed statutory visit made from `since` to `until` (the weeks before `day` and `day` itself) that is the
    latest before `until`, made in care that lasts past the day, with no move after it by the day:
    `_visited_in_time`'s "since a care episode open on the day began" and "not moved since". Visit.next_statutory_at
    says which is the latest, so nothing is grouped by child; Visit.in_care_until when the care it was made in
    ended, and Visit.moved_after_on when the child next moved, so no visit is joined to care or homes."""
    return sql.SQL(
        "visit_type = %(statutory)s AND status = %(signed)s AND visited_at >= {since} AND visited_at < {until} "
        "AND in_care_until > {day} AND (next_statutory_at IS NULL OR next_statutory_at >= {until}) "
        "AND (moved_after_on IS NULL OR moved_after_on > {day})"
    ).format(day=day, since=since, until=until)


def _day_row(i: int) -> sql.Composed:
    """The i-th day, in the `days` of `_statutory_visits_sql`: (i, day, grace, since, until)."""
    day, grace, since, until = (sql.Placeholder(f"{name}_{i}") for name in ("day", "grace", "since", "until"))
    return sql.SQL("({}, {}::date, {}::date, {}::timestamptz, {}::timestamptz)").format(sql.Literal(i), day, grace, since, until)


def _visited_on(i: int, mine: sql.Composable) -> sql.Composed:
    """('visited', i, the children visited in time on the i-th day), from a range of the statutory visits' index."""
    in_time = _in_time(*(sql.Placeholder(f"{name}_{i}") for name in ("day", "since", "until")))
    return sql.SQL("SELECT 'visited', {}, COUNT(*) FROM casework_visit WHERE {} {}").format(sql.Literal(i), in_time, mine)


def _day_params(ordered: list[datetime.date]) -> Params:
    """The parameters of each day's row (`_day_row`): the day, a week before it, and its visits' window."""
    params: Params = {}
    for i, day in enumerate(ordered):
        since, until = _statutory_window(day)
        grace = day - datetime.timedelta(weeks=VISIT_WEEKS_GRACE)
        params |= {f"day_{i}": day, f"grace_{i}": grace, f"since_{i}": since, f"until_{i}": until}
    return params


def _with_visit_rows(figure: Figure, children: QuerySet[Child]) -> Figure:
    """Statutory visits made in the period to the children: how many saw the child alone."""
    period = figure.period
    visits = (
        of_children(Visit.objects.all(), children)
        .filter(
            visit_type=codes.VisitType.STATUTORY,
            status=codes.VisitStatus.SIGNED,
            visited_at__gte=start_of(period.start),
            visited_at__lt=end_of(period.end),
        )
        .aggregate(total=Count("child"), alone=Count("child", filter=Q(seen_alone=True)))
    )  # child: read from the index
    not_in_time = (figure.total or 0) - (figure.count or 0)
    rows = (
        Row("Not visited in time", percent(not_in_time, figure.total), not_in_time, figure.total, part="overdue"),
        Row("Statutory visits in the period where the child was seen alone", percent(visits["alone"], visits["total"]),
            visits["alone"], visits["total"]),
    )  # fmt: skip
    return Figure(period, figure.value, figure.count, figure.total, rows)


def children_visited(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    on = period.end
    cohort = _with_recent_visits(children_in_care_on(children, on), [period]).annotate(in_time=flag(_visited_in_time(on)))
    return Child.objects.filter(pk__in=cohort.filter(in_time=0 if part == "overdue" else 1).values("pk"))


# Sibling contact -----------------------------------------------------------------------------------
# Contact is counted against what each arrangement's frequency expects (casework.contact_due has the rule), so
# contact nobody planned still counts as missed; brothers and sisters live together when they lived in the same
# home that day (casework.homes), so a past quarter is answered from where they lived then.

HAPPENED = codes.ContactSessionStatus.HAPPENED
CANCELLED = codes.ContactSessionStatus.CANCELLED
# A slot ending on a period's first day began at most this long before it (a quarter, the longest slot).
LONGEST_SLOT = datetime.timedelta(days=max(step.longest for step in contact_due.STEPS.values()))


class ContactCounts(NamedTuple):
    due: int = 0  # slots due
    met: int = 0  # of which a session happened
    recorded: int = 0  # of which some session was recorded (happened, cancelled or still planned)


def sibling_contact(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Sessions of contact the child asked for due in each period (a slot of the arrangement's frequency ending in
    it, `contact_due`): how many happened. For the chosen period also how the rest were missed, who cancelled
    sessions, and the brothers and sisters in care living together or apart. A fixed number of queries: the slots
    of every period in one (`_slots_sql`, a few hundred rows by day), added up per period here."""
    if not periods:
        return []
    today = timezone.localdate()
    first, last = min(p.start for p in periods), min(max(p.end for p in periods), today)
    with roomy_query(hashed=True):
        rows = fetch(*_slots_sql(children, first, last, today)) if first <= last else []
    counts = [_contact_in(period, rows) for period in periods]
    figures = [share(period, c.met, c.due) for period, c in zip(periods, counts, strict=True)]
    return [_with_sibling_rows(figures[0], children, counts[0]), *figures[1:]]


def _contact_in(period: Period, rows: Sequence[tuple[Any, ...]]) -> ContactCounts:
    """The slots due in the period, from (last day of the slots, due, met, recorded) rows."""
    inside = [row for row in rows if period.start <= row[0] <= period.end]
    return ContactCounts(*(sum(row[i] for row in inside) for i in (1, 2, 3)))


def _steps_sql() -> sql.Composed:
    """contact_due.STEPS as the rows of a VALUES list: (frequency, months, days, shortest, longest)."""
    return sql.SQL(", ").join(
        sql.SQL("({}, {}, {}, {}, {})").format(*map(sql.Literal, (str(frequency), *astuple(step))))
        for frequency, step in contact_due.STEPS.items()
    )


def _slots_sql(children: QuerySet[Child], first: datetime.date, last: datetime.date, today: datetime.date) -> Query:
    """Sibling contact due: the slots of contact the child asked for (casework.contact_due) whose last day is from
    `first` to `last`, by then and by the arrangement's end; as rows of (last day, slots due, slots met, slots with
    some session recorded).

    Due: arrangements with the same start, frequency and end have the same slots, so they are grouped first (a few
    thousand groups) and each group's slots are generated once and multiplied. Met and recorded: each session keeps
    the last day of the due slot it falls in and whether it stands for that slot, one session a slot and one that
    happened if any did (SiblingContactSession.slot_ends and stands_for_slot, kept by the database: casework migration
    0018), so they are counted by the slot's last day from the partial index of the sessions that stand for a slot,
    reading the index alone, rather than working out the slot of every session on every request."""
    mine = children_sql(children)
    query = sql.SQL("""
        WITH steps (frequency, months, days, shortest, longest) AS (
            VALUES {steps}
        ), asked AS (
            SELECT a.started_on, a.frequency, LEAST(COALESCE(a.ended_on, %(last)s), %(last)s) AS until, COUNT(*) AS arrangements
            FROM casework_siblingcontactarrangement AS a
            WHERE a.requested_by_child AND a.started_on <= %(last)s AND (a.ended_on IS NULL OR a.ended_on >= %(first)s)
                {mine}
            GROUP BY 1, 2, 3
        ), alike AS (
            SELECT asked.started_on, asked.until, asked.arrangements, s.months, s.days, s.shortest, s.longest
            FROM asked JOIN steps AS s ON s.frequency = asked.frequency
        ), due AS (
            SELECT slot.ends, SUM(alike.arrangements)::bigint AS due
            FROM alike CROSS JOIN LATERAL (
                SELECT (alike.started_on + make_interval(months => (k + 1) * alike.months, days => (k + 1) * alike.days))::date
                    - 1 AS ends
                FROM generate_series(
                    GREATEST(0, (%(first)s - alike.started_on) / alike.longest - 1),
                    (alike.until - alike.started_on) / alike.shortest + 1
                ) AS k
                OFFSET 0  -- each slot's last day worked out once, not again in the WHERE below (60,000 slots)
            ) AS slot
            WHERE slot.ends >= %(first)s AND slot.ends <= alike.until
            GROUP BY 1
        ), recorded AS (
            SELECT s.slot_ends AS ends, COUNT(*) FILTER (WHERE s.status = %(happened)s) AS met, COUNT(*) AS recorded
            FROM casework_siblingcontactsession AS s
            WHERE s.requested_by_child AND s.stands_for_slot AND s.slot_ends >= %(first)s AND s.slot_ends <= %(last)s
                {arrangements}
            GROUP BY 1
        )
        SELECT ends, 0, met, recorded FROM recorded
        UNION ALL
        SELECT ends, due, 0, 0 FROM due""").format(
        steps=_steps_sql(), mine=mine.only("a.child_id"), arrangements=_arrangements_of(mine)
    )
    return query, {"first": first, "last": min(last, today), "happened": HAPPENED} | mine.params


def _arrangements_of(mine: ChildrenSQL) -> sql.Composable:
    """`AND s.arrangement_id IN (<the children's arrangements>)` for a session `s`, or nothing for everyone."""
    if mine.ids is None:
        return NOTHING
    return sql.SQL(
        "AND s.arrangement_id IN (SELECT a.id FROM casework_siblingcontactarrangement AS a WHERE a.child_id IN {})"
    ).format(mine.ids)


def _cancellations_sql(children: QuerySet[Child], period: Period) -> Query:
    """Sessions of contact the child asked for, planned in the period and cancelled: (who cancelled, sessions).
    SiblingContactSession.requested_by_child is a copy of the arrangement's, so this reads the partial index of
    asked-for sessions alone."""
    mine = children_sql(children)
    query = sql.SQL("""
        SELECT s.cancelled_by, COUNT(*)
        FROM casework_siblingcontactsession AS s
        WHERE s.requested_by_child AND s.status = %(cancelled)s AND s.planned_on >= %(first)s AND s.planned_on <= %(last)s
            {arrangements}
        GROUP BY 1""").format(arrangements=_arrangements_of(mine))
    return query, {"first": period.start, "last": period.end, "cancelled": CANCELLED, **mine.params}


def _with_sibling_rows(figure: Figure, children: QuerySet[Child], counts: ContactCounts) -> Figure:
    period = figure.period
    not_held, unplanned = counts.recorded - counts.met, counts.due - counts.recorded
    rows = [
        Row("Due sessions missed: cancelled, or not recorded as held", percent(not_held, counts.due), not_held, counts.due),
        Row("Due sessions missed: nothing planned or recorded", percent(unplanned, counts.due), unplanned, counts.due),
    ]
    labels = dict(codes.CancelledBy.choices)
    cancelled = sorted(fetch(*_cancellations_sql(children, period)), key=lambda row: (-row[1], row[0]))
    rows += [Row(f"Sessions cancelled by {labels.get(by, 'someone not recorded').lower()}", n, unit="sessions")
             for by, n in cancelled]  # fmt: skip
    with_siblings, apart = _sibling_groups(children, period.end)
    together = with_siblings - apart
    rows += [
        Row("Children in care with a brother or sister in care, living with all of them",
            percent(together, with_siblings), together, with_siblings, part="together"),
        Row("… living apart from at least one of them", percent(apart, with_siblings), apart, with_siblings, part="apart"),
    ]  # fmt: skip
    return Figure(period, figure.value, figure.count, figure.total, tuple(rows))


def _sibling_groups(children: QuerySet[Child], on: datetime.date) -> tuple[int, int]:
    with roomy_query():
        [(with_siblings, apart)] = fetch(*_sibling_groups_sql(children, on))
    return with_siblings, apart


def _sibling_groups_sql(children: QuerySet[Child], on: datetime.date) -> Query:
    """Brothers and sisters in care: of the children in care on `on`, how many have a brother or sister in their
    network who is in our care then too, and how many of those lived apart from one that day: in another home, or
    either of them with no home recorded (casework.homes). As `_sibling_pairs` and `children_with_sibling_contact`
    work it out, but in one pass over the family table. `in_care` is read twice, as a semi-join each time (NOT
    MATERIALIZED: a CTE read twice would otherwise be worked out once into a table and scanned)."""
    mine = children_sql(children)
    query = sql.SQL("""
        WITH in_care AS NOT MATERIALIZED (
            SELECT child_id FROM casework_careepisode
            WHERE started_on <= %(on)s AND (ended_on IS NULL OR ended_on > %(on)s)
        ), homes AS (
            {homes_on_day}
        ), siblings_in_care AS (
            SELECT f.child_id, f.own_record_id
            FROM casework_familymember AS f
            WHERE f.relationship = ANY(%(siblings)s) AND (f.ended_on IS NULL OR f.ended_on > %(on)s)
                AND f.own_record_id IN (SELECT child_id FROM in_care) AND f.child_id IN (SELECT child_id FROM in_care) {mine}
        ), pairs AS (
            SELECT s.child_id, COALESCE(theirs.home_id = mine.home_id, FALSE) AS together  -- no home: apart
            FROM siblings_in_care AS s
                LEFT JOIN homes AS mine ON mine.child_id = s.child_id
                LEFT JOIN homes AS theirs ON theirs.child_id = s.own_record_id
        )
        SELECT count(DISTINCT child_id), count(DISTINCT child_id) FILTER (WHERE NOT together)
        FROM pairs""").format(homes_on_day=HOMES_ON_DAY, mine=mine.only("f.child_id"))
    return query, {"on": on, "siblings": list(codes.SIBLING_RELATIONSHIPS), **mine.params}


def _sibling_pairs(children: QuerySet[Child], on: datetime.date) -> list[tuple[int, int]]:
    """(child, brother or sister) for each child in care on `on` with a brother or sister in their network (not
    ended by then) who is in our care then too."""
    in_care = CareEpisode.objects.filter(in_care_on(on, path="")).values("child_id")
    siblings = FamilyMember.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        relationship__in=codes.SIBLING_RELATIONSHIPS, child__in=in_care, own_record__in=in_care,
    )  # fmt: skip
    return list(of_children(siblings, children).values_list("child_id", "own_record_id"))


def _children_living_apart(children: QuerySet[Child], on: datetime.date, *, apart: bool) -> list[int]:
    """Children with a brother or sister in care on `on`, living apart from at least one of them that day (or with
    all of them, `apart` False), from where each lived (casework.homes)."""
    pairs = _sibling_pairs(children, on)
    homes = homes_on(on, {child for pair in pairs for child in pair})
    apart_from_one = {child for child, sibling in pairs if not together(homes, child, sibling)}
    return sorted(apart_from_one if apart else {child for child, _ in pairs} - apart_from_one)


def _slots_of_children(children: QuerySet[Child], period: Period) -> dict[int, list[contact_due.Slot]]:
    """{child id: the slots of contact they asked for due in the period}, worked out by contact_due, one arrangement
    at a time (the definition the dashboard's one query is held to)."""
    today = timezone.localdate()
    sessions = SiblingContactSession.objects.filter(planned_on__gte=period.start - LONGEST_SLOT, planned_on__lte=period.end)
    arrangements = (
        of_children(SiblingContactArrangement.objects.filter(requested_by_child=True), children)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start), started_on__lte=period.end)
        .prefetch_related(Prefetch("sessions", queryset=sessions))
    )
    found: dict[int, list[contact_due.Slot]] = {}
    for arrangement in arrangements:
        due = contact_due.slots(arrangement, arrangement.sessions.all(), since=period.start, until=min(period.end, today))
        found.setdefault(arrangement.child_id, []).extend(due)
    return {child: due for child, due in found.items() if due}


def children_with_sibling_contact(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    if part in ("together", "apart"):
        ids = _children_living_apart(children, period.end, apart=part == "apart")
    else:
        due = _slots_of_children(children, period)
        ids = [child for child, slots in due.items() if part != "missed" or not all(slot.met for slot in slots)]
    return Child.objects.filter(pk__in=ids)


# Records checked by the child ----------------------------------------------------------------------


def _signed_in(period: Period, path: str = "") -> Q:
    signed = {f"{path}signed_at__gte": start_of(period.start), f"{path}signed_at__lt": end_of(period.end)}
    return Q(**{f"{path}status": codes.VisitStatus.SIGNED, **signed})


def _shares_of(children: QuerySet[Child]) -> QuerySet[SharedRecord]:
    """Visits shared with the children; a visit shared twice counts once (the counts are of distinct visits)."""
    return of_children(SharedRecord.objects.all(), children, path="visit__child")


def records_checked(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Visits signed in each period: how many were shared with the child and checked by them.

    Two queries whatever the number of periods: signed visits counted per period, then the (few) shared
    records that have a check, joined to their visit, counted per period as distinct visits."""
    if not periods:
        return []
    signed = _signed_counts(children, periods)
    checked = (
        _shares_of(children)
        .filter(checks__isnull=False)
        .aggregate(
            **{f"checked_{i}": Count("visit", filter=_signed_in(p, "visit__"), distinct=True) for i, p in enumerate(periods)}
        )
    )
    figures = [share(p, checked[f"checked_{i}"], signed[i]) for i, p in enumerate(periods)]
    return [_with_check_rows(figures[0], children), *figures[1:]]


def _signed_counts(children: QuerySet[Child], periods: Sequence[Period]) -> list[int]:
    with roomy_query(parallel=False):
        [counts] = fetch(*_signed_counts_sql(children, periods))
    return list(counts)


def _signed_counts_sql(children: QuerySet[Child], periods: Sequence[Period]) -> Query:
    """Signed visits: the visits signed in each period (`_signed_in`), one column a period. Each is a count of its
    own, a range scan of the partial index on signed visits' signing time that reads the index alone (one OR of the
    ranges would read the table)."""
    mine = children_sql(children)
    counts = sql.SQL(", ").join(_signed_in_period(i, mine.only("v.child_id")) for i in range(len(periods)))
    windows = {f"since_{i}": start_of(p.start) for i, p in enumerate(periods)}
    windows |= {f"until_{i}": end_of(p.end) for i, p in enumerate(periods)}
    return sql.SQL("SELECT {}").format(counts), {"signed": codes.VisitStatus.SIGNED, **windows, **mine.params}


def _signed_in_period(i: int, mine: sql.Composable) -> sql.Composed:
    """The visits signed in the i-th period."""
    since, until = sql.Placeholder(f"since_{i}"), sql.Placeholder(f"until_{i}")
    return sql.SQL(
        "(SELECT count(*) FROM casework_visit AS v "
        "WHERE v.status = %(signed)s AND v.signed_at >= {since} AND v.signed_at < {until} {mine})"
    ).format(since=since, until=until, mine=mine)


def _with_check_rows(figure: Figure, children: QuerySet[Child]) -> Figure:
    period = figure.period
    shared = _shares_of(children).filter(_signed_in(period, "visit__")).aggregate(n=Count("visit", distinct=True))["n"]
    checks = (
        of_children(RecordCheck.objects.all(), children, path="shared_record__visit__child")
        .filter(
            checked_at__gte=start_of(period.start),
            checked_at__lt=end_of(period.end),
        )
        .aggregate(
            asked=Count("pk", filter=Q(verdict=codes.Verdict.NOT_RIGHT)),
            amended=Count("pk", filter=Q(verdict=codes.Verdict.NOT_RIGHT, status=codes.CheckStatus.AMENDED)),
            explained=Count("pk", filter=Q(verdict=codes.Verdict.NOT_RIGHT, status=codes.CheckStatus.EXPLAINED)),
            waiting=Count("pk", filter=Q(verdict=codes.Verdict.NOT_RIGHT, status=codes.CheckStatus.OPEN)),
        )
    )
    asked = checks["asked"]
    rows = (
        Row("Signed visits shared with the child", percent(shared, figure.total), shared, figure.total),
        Row("Corrections the child asked for in the period", asked, unit="corrections"),
        Row("… the record was changed", percent(checks["amended"], asked), checks["amended"], asked),
        Row("… the worker explained why it stays", percent(checks["explained"], asked), checks["explained"], asked),
        Row("… waiting for the worker's answer", percent(checks["waiting"], asked), checks["waiting"], asked, part="waiting"),
    )
    return Figure(period, figure.value, figure.count, figure.total, rows)


def children_with_checked_records(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    if part == "waiting":
        open_checks = RecordCheck.objects.filter(
            shared_record__visit__child__in=children.values("pk"), verdict=codes.Verdict.NOT_RIGHT, status=codes.CheckStatus.OPEN,
            checked_at__gte=start_of(period.start), checked_at__lt=end_of(period.end),
        )  # fmt: skip
        return Child.objects.filter(pk__in=open_checks.values("shared_record__visit__child_id"))
    checked = _shares_of(children).filter(_signed_in(period, "visit__"), checks__isnull=False)
    return Child.objects.filter(pk__in=checked.values("visit__child_id"))


# Registration --------------------------------------------------------------------------------------

MEASURES = (
    Measure(
        key="social-worker-changes",
        title="Social worker changes",
        definition="Of children in care on the as-at date, the share who had at least one change of allocated social "
        "worker in the 24 months to it (also 12 months), how many changes (0, 1, 2, 3 or more) and the reasons recorded "
        "(903 SW_REASON codes). Changes recorded on the same day count once for the child, who met one new worker; "
        "the reasons count every change recorded.",
        headline="had a new social worker in the 24 months to the date",
        figures=social_worker_changes,
        children_behind=children_with_worker_changes,
        comparator=82,
        comparator_text="England: 82% of children in care had a social worker change in two years.",
        better="lower",
        parts=(
            ("", "Children with a new social worker in 24 months"),
            ("12-months", "Children with a new social worker in 12 months"),
            ("none", "Children with no change in 24 months"),
            ("one", "Children with 1 change in 24 months"),
            ("two", "Children with 2 changes in 24 months"),
            ("three-or-more", "Children with 3 or more changes in 24 months"),
        ),
        order=10,
    ),
    Measure(
        key="sibling-contact",
        title="Sibling contact",
        definition="Of the sessions of contact with a brother or sister that the child asked for and that were due in the "
        "period, the share that happened. Sessions are due from each arrangement's frequency, whether or not anyone "
        "planned them: one in each week, fortnight, month or quarter counted from the day contact started (a month runs "
        "to the day before the same day next month; 'other' expects none), due by that slot's last day, while the "
        "arrangement lasts to it. A due session is met by one recorded as happened on a day in its slot; each slot is met "
        "at most once, and one not met is missed (cancelled, not recorded as held, or never planned). Also sessions "
        "cancelled in the period by who cancelled; and of children in care on the as-at date with a brother or sister "
        "also in our care, how many lived with all of them and how many apart that day, from the homes each of them "
        "lived in (apart when either home is not recorded).",
        headline="of sessions due that the child asked for happened",
        figures=sibling_contact,
        children_behind=children_with_sibling_contact,
        parts=(
            ("", "Children with contact they asked for due in the period"),
            ("missed", "Children with a session they asked for due in the period that did not happen"),
            ("together", "Children living with their brothers and sisters in care"),
            ("apart", "Children living apart from a brother or sister in care"),
        ),
        order=60,
    ),
    Measure(
        key="statutory-visits",
        title="Statutory visits",
        definition="Of children in care on the as-at date, the share whose next statutory visit was not overdue on that "
        "day: it is due 6 weeks after the last visit since coming into care (HEARTH_STATUTORY_VISIT_WEEKS), or a week "
        "after coming into care or moving home when not visited since. Only a signed record is a visit: a draft does "
        "not count until it is signed. Also, of signed statutory visits made in the period, the share where the child "
        "was seen alone.",
        headline="visited in time",
        figures=statutory_visits,
        children_behind=children_visited,
        parts=(("", "Children visited in time"), ("overdue", "Children not visited in time")),
        order=70,
    ),
    Measure(
        key="records-checked",
        title="Voice of the child: records checked",
        definition="Of visits signed in the period, the share shared with the child (all or part) and checked by them "
        "(they said it is right, or that it is not); also how many were shared, the corrections the child asked for "
        "in the period, and what became of them: the record changed, the worker explained, or still waiting.",
        headline="of signed visits were checked by the child",
        figures=records_checked,
        children_behind=children_with_checked_records,
        parts=(
            ("", "Children who checked a record of a visit signed in the period"),
            ("waiting", "Children waiting for an answer to a correction they asked for"),
        ),  # fmt: skip
        order=85,
    ),
)


def register() -> None:
    for measure in MEASURES:
        register_measure(measure)
