"""casework's own measures for the dashboard: social worker changes, sibling contact, statutory visits.

Each measure has ONE selector that computes it for any number of periods in a fixed number of queries:
conditional aggregates (COUNT ... FILTER) over the children joined to their records, grouped by child,
then counted. Its drill-down uses the same expressions, so a list always matches its number."""

import datetime
from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, FilteredRelation, IntegerField, Max, Q, QuerySet, Value, When

from casework import codes
from casework.dashboard import Figure, Measure, Period, Row, percent, register_measure, share
from casework.dashboard.sql import (
    check_mask_days,
    children_sql,
    counts_by_day,
    day_run,
    days_before,
    days_open,
    of_children,
    roomy_query,
)
from casework.dates import end_of, months_before, start_of
from casework.models import Allocation, CareEpisode, Child, RecordCheck, SharedRecord, SiblingContactSession, Visit

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
    chosen period also how many changes (0, 1, 2, 3 or more, and in 12 months) and their reasons.

    As `_worker_cohort` (the drill-down) counts, in one query: each child's care episodes give a mask of the days
    they were in care, their allocations a mask of the days a change fell in the 24 months before and, for the
    chosen day, the number of days with a change (`_worker_changes_sql`)."""
    if not periods:
        return []
    ordered = sorted({period.end for period in periods})
    on = periods[0].end
    with roomy_query(hashed=True), connection.cursor() as cursor:
        cursor.execute(*_worker_changes_sql(children, ordered, on))
        rows = cursor.fetchall()
    masks = [(in_care, changed, n) for in_care, changed, _, _, n in rows]
    by_day = counts_by_day([period.end for period in periods], ordered, masks)
    figures = [share(period, count, total) for period, (count, total) in zip(periods, by_day, strict=True)]
    bit = 1 << ordered.index(on)
    cohort = [(changes, recent, n) for in_care, _, changes, recent, n in rows if in_care & bit]
    return [_with_worker_rows(figures[0], children, cohort), *figures[1:]]


def _worker_changes_sql(children: QuerySet[Child], ordered: list[datetime.date], on: datetime.date) -> tuple[str, list]:
    """Rows of (days in care, days with a change in the 24 months before, days with a change in the 24 months to
    `on` (3 for 3 or more), a change in the 12 months to `on`, children). A change is an allocation ending; two
    ending on one day are one change (one new worker), so only the first of them is counted.

    The care episodes and allocations are read as one list and grouped by child once (as the residential share
    does), rather than grouped each on their own and joined: one pass of hashing 330,000 rows, not two and a join."""
    check_mask_days(ordered)
    among, among_params = children_sql(children)
    mine = f"AND child_id {among}" if among else ""
    in_care, in_care_params = days_open(ordered)
    since = [months_before(day, 24) for day in ordered]  # as sorted as the days
    # The days on or after the change, up to the first whose 24 months began after it.
    changed, changed_params = day_run(days_before("a.ended_on", ordered), days_before("a.ended_on", since))
    sql = f"""
        SELECT in_care, in_care & changed, LEAST(changes, 3), recent, COUNT(*)
        FROM (
            SELECT child_id, BIT_OR(in_care) AS in_care, BIT_OR(changed) AS changed,
                COUNT(*) FILTER (WHERE counted) AS changes, BOOL_OR(recent) AS recent
            FROM (
                SELECT e.child_id, {in_care} AS in_care, 0::bigint AS changed, FALSE AS counted, FALSE AS recent
                FROM casework_careepisode e
                WHERE e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on > %s) {mine}
                UNION ALL
                SELECT a.child_id, 0, {changed}, a.first_change_that_day AND a.ended_on > %s AND a.ended_on <= %s,
                    a.ended_on > %s AND a.ended_on <= %s
                FROM casework_allocation a WHERE a.ended_on > %s AND a.ended_on <= %s {mine}
            ) AS records
            GROUP BY child_id
        ) AS per_child
        WHERE in_care <> 0
        GROUP BY 1, 2, 3, 4"""  # noqa: S608 - only this module's fragments; every value is a parameter
    care = [*in_care_params, ordered[-1], ordered[0], *among_params]
    windows = [months_before(on, 24), on, months_before(on, 12), on, since[0], ordered[-1]]
    return sql, [*care, *changed_params, *windows, *among_params]


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
    labels = dict(codes.WorkerChangeReason.choices)
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
    """In care on `on`, and visited (statutory, since coming into care) within the weeks before it, or new to
    care within the last week: exactly the caseload's "next visit due" not yet passed on that day."""
    since, until = _statutory_window(on)
    visited = Q(
        recent_visits__visited_at__gte=since,
        recent_visits__visited_at__lt=until,
        recent_visits__visited_at__date__gte=F("care_episodes__started_on"),
    )
    new_to_care = Q(care_episodes__started_on__gte=on - datetime.timedelta(weeks=VISIT_WEEKS_GRACE))
    return in_care_on(on) & (visited | new_to_care)


def _with_recent_visits(children: QuerySet[Child], periods: Sequence[Period]) -> QuerySet[Child]:
    """Join only the statutory visits that can count for some period, so the join stays small."""
    earliest = min(_statutory_window(period.end)[0] for period in periods)
    latest = max(_statutory_window(period.end)[1] for period in periods)
    recent = Q(visits__visit_type=codes.VisitType.STATUTORY, visits__visited_at__gte=earliest, visits__visited_at__lt=latest)
    return children.annotate(recent_visits=FilteredRelation("visits", condition=recent))


def statutory_visits(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Of children in care on each period's end: how many had their statutory visit in time on that day.

    The same test as `_visited_in_time` (the drill-down), in one raw query shaped for 100,000 children: the days
    each child was in care (a day mask from their care episodes), the children new to care on each day (a few),
    and the children visited in time: each child's latest statutory visit before each day's end, read from the
    index range of that day's window (Visit.next_statutory_at says which visit is the latest, so nothing is
    grouped by child), kept when it was made in care that lasts past the day (Visit.in_care_until, so no visit is
    joined to the care episodes)."""
    if not periods:
        return []
    ordered = sorted({period.end for period in periods})
    with roomy_query(), connection.cursor() as cursor:
        cursor.execute(*_statutory_visits_sql(children, ordered))
        rows = cursor.fetchall()
    care = [(mask, 0, n) for kind, mask, n in rows if kind == "care"]
    counted = {(kind, i): n for kind, i, n in rows if kind != "care"}
    figures = []
    for period, (_, total) in zip(periods, counts_by_day([p.end for p in periods], ordered, care), strict=True):
        new, visited, both = (counted.get((kind, ordered.index(period.end)), 0) for kind in ("new", "visited", "both"))
        figures.append(share(period, new + visited - both, total))
    return [_with_visit_rows(figures[0], children), *figures[1:]]


def _statutory_visits_sql(children: QuerySet[Child], ordered: list[datetime.date]) -> tuple[str, list]:
    """Rows ("care", days in care, children), then for each i: ("new", i, children new to care on ordered[i]),
    ("visited", i, children visited in time on it) and ("both", i, children who are both: counted once). New to
    care: in care on the day in an episode that started in the week before it. Visited: the latest statutory visit
    before the day ends is in the weeks before it, and was made in care that lasts past the day (Visit.in_care_until,
    which is `_visited_in_time`'s "since a care episode open on the day began"). The visited are counted from the
    statutory visits' index alone, one range a day; those also new are looked up one by one from the few new ones
    (LATERAL ... LIMIT 1: as a semi-join the server would hash all two million statutory visits)."""
    check_mask_days(ordered)
    among, among_params = children_sql(children)
    mine = f"AND child_id {among}" if among else ""
    in_care, in_care_params = days_open(ordered)
    in_time = "visit_type = %s AND visited_at >= {since} AND visited_at < {until} AND in_care_until > {day} "
    in_time += "AND (next_statutory_at IS NULL OR next_statutory_at >= {until})"
    days, days_params, visited, visited_params = [], [], [], []
    for i, day in enumerate(ordered):
        since, until = _statutory_window(day)
        days.append(f"({i}, %s::date, %s::date, %s::timestamptz, %s::timestamptz)")
        days_params += [day, day - datetime.timedelta(weeks=VISIT_WEEKS_GRACE), since, until]
        visited.append(
            f"SELECT 'visited', {i}, COUNT(*) FROM casework_visit "  # noqa: S608
            f"WHERE {in_time.format(since='%s', until='%s', day='%s')} {mine}"
        )
        visited_params += [codes.VisitType.STATUTORY, since, until, day, until, *among_params]
    sql = f"""
        WITH new AS MATERIALIZED (
            SELECT DISTINCT d.i, e.child_id, d.day, d.since, d.until
            FROM casework_careepisode e JOIN (VALUES {", ".join(days)}) AS d (i, day, grace, since, until)
                ON e.started_on >= d.grace AND e.started_on <= d.day AND (e.ended_on IS NULL OR e.ended_on > d.day)
            WHERE e.started_on >= %s AND e.started_on <= %s {mine}
        )
        SELECT 'care', in_care, COUNT(*) FROM (
            SELECT e.child_id, BIT_OR({in_care}) AS in_care FROM casework_careepisode e
            WHERE e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on > %s) {mine} GROUP BY e.child_id
        ) AS c GROUP BY 2
        UNION ALL
        SELECT 'new', i, COUNT(*) FROM new GROUP BY 2
        UNION ALL
        {" UNION ALL ".join(visited)}
        UNION ALL
        SELECT 'both', n.i, COUNT(*) FROM new AS n CROSS JOIN LATERAL (
            SELECT 1 FROM casework_visit w WHERE w.child_id = n.child_id
            AND {in_time.format(since="n.since", until="n.until", day="n.day")} LIMIT 1
        ) AS w GROUP BY 2"""  # noqa: S608 - only this module's fragments; every value is a parameter
    new = [*days_params, ordered[0] - datetime.timedelta(weeks=VISIT_WEEKS_GRACE), ordered[-1], *among_params]
    care = [*in_care_params, ordered[-1], ordered[0], *among_params]
    return sql, [*new, *care, *visited_params, codes.VisitType.STATUTORY]


def _with_visit_rows(figure: Figure, children: QuerySet[Child]) -> Figure:
    """Statutory visits made in the period to the children: how many saw the child alone."""
    period = figure.period
    visits = (
        of_children(Visit.objects.all(), children)
        .filter(
            visit_type=codes.VisitType.STATUTORY,
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


def _requested_sessions(children: QuerySet[Child]) -> QuerySet[SiblingContactSession]:
    sessions = of_children(SiblingContactSession.objects.all(), children, path="arrangement__child")
    return sessions.filter(arrangement__requested_by_child=True)


def _planned_in(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}planned_on__gte": period.start, f"{prefix}planned_on__lte": period.end})


HAPPENED = codes.ContactSessionStatus.HAPPENED


def sibling_contact(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Sessions of contact the child asked for, planned in each period: how many happened; for the chosen period,
    who cancelled the rest. One pass over the sessions of every period, counted by day, status and canceller (a
    few thousand rows), added up per period here."""
    if not periods:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*_sessions_sql(children, min(p.start for p in periods), max(p.end for p in periods)))
        rows = cursor.fetchall()
    sessions = [Counter() for _ in periods]  # (status, who cancelled): sessions, for each period
    for day, status, by, n in rows:
        for period, counted in zip(periods, sessions, strict=True):
            if period.start <= day <= period.end:
                counted[status, by] += n
    figures = [
        share(p, sum(n for (status, _), n in counted.items() if status == HAPPENED), sum(counted.values()))
        for p, counted in zip(periods, sessions, strict=True)
    ]
    cancelled = [(by, n) for (status, by), n in sessions[0].items() if status == codes.ContactSessionStatus.CANCELLED and n]
    by_whom = sorted(cancelled, key=lambda item: (-item[1], item[0]))
    return [_with_sibling_rows(figures[0], children, by_whom), *figures[1:]]


def _sessions_sql(children: QuerySet[Child], first: datetime.date, last: datetime.date) -> tuple[str, list]:
    """(day, status, who cancelled, sessions) for the sessions the child asked for, as `_requested_sessions` and
    `_planned_in` pick them, from the first day to the last. SiblingContactSession.requested_by_child is the
    arrangement's, so for every child this reads the partial index of asked-for sessions alone; for some children
    it goes through their arrangements."""
    only, only_params = children_sql(children)
    arrangements = f"SELECT id FROM casework_siblingcontactarrangement WHERE child_id {only}"  # noqa: S608
    mine = f"AND s.arrangement_id IN ({arrangements})" if only else ""
    sql = f"""
        SELECT s.planned_on, s.status, s.cancelled_by, COUNT(*) FROM casework_siblingcontactsession s
        WHERE s.requested_by_child AND s.planned_on >= %s AND s.planned_on <= %s {mine}
        GROUP BY 1, 2, 3"""  # noqa: S608 - only this module's fragments; every value is a parameter
    return sql, [first, last, *only_params]


def _siblings_in_care(on: datetime.date) -> Q:
    """A brother or sister in the child's network who is in our care on `on` too."""
    return (
        Q(family__relationship__in=codes.SIBLING_RELATIONSHIPS)
        & in_care_on(on, path="family__own_record__care_episodes__")
        & (Q(family__ended_on__isnull=True) | Q(family__ended_on__gt=on))
    )


def _sibling_cohort(children: QuerySet[Child], on: datetime.date) -> QuerySet[Child]:
    siblings = _siblings_in_care(on)
    return children_in_care_on(children, on).annotate(
        in_care_siblings=Count("family", filter=siblings, distinct=True),
        apart=Count("family", filter=siblings & Q(family__lives_with_child=False), distinct=True),
    )


def _with_sibling_rows(figure: Figure, children: QuerySet[Child], by_whom: list[tuple[str, int]]) -> Figure:
    period = figure.period
    labels = dict(codes.CancelledBy.choices)
    rows = [
        Row(f"Cancelled by {labels.get(by, 'someone not recorded').lower()}", percent(n, figure.total), n, figure.total)
        for by, n in by_whom
    ]
    with_siblings, apart = _sibling_groups(children, period.end)
    together = with_siblings - apart
    rows += [
        Row("Children in care with a brother or sister in care, living with all of them",
            percent(together, with_siblings), together, with_siblings, part="together"),
        Row("… living apart from at least one of them", percent(apart, with_siblings), apart, with_siblings, part="apart"),
    ]  # fmt: skip
    return Figure(period, figure.value, figure.count, figure.total, tuple(rows))


def _sibling_groups(children: QuerySet[Child], on: datetime.date) -> tuple[int, int]:
    """Of the children in care on `on`: how many have a brother or sister in care then (`_siblings_in_care`), and
    how many live apart from one; as `_sibling_cohort` counts them, but from the family table on its own."""
    only, only_params = children_sql(children)
    child_filter = f"AND f.child_id {only}" if only else ""
    open_on = "SELECT child_id FROM casework_careepisode WHERE started_on <= %s AND (ended_on IS NULL OR ended_on > %s)"
    sql = f"""
        SELECT count(DISTINCT f.child_id), count(DISTINCT f.child_id) FILTER (WHERE NOT f.lives_with_child)
        FROM casework_familymember f
        WHERE f.relationship = ANY(%s) AND (f.ended_on IS NULL OR f.ended_on > %s)
            AND f.own_record_id IN ({open_on}) AND f.child_id IN ({open_on}) {child_filter}
    """  # noqa: S608 - fragments of this module; every value is a parameter
    params = [list(codes.SIBLING_RELATIONSHIPS), on, on, on, on, on, *only_params]
    with roomy_query(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        with_siblings, apart = cursor.fetchone()
    return with_siblings, apart


def children_with_sibling_contact(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    if part in ("together", "apart"):
        cohort = _sibling_cohort(children, period.end).filter(in_care_siblings__gte=1)
        cohort = cohort.filter(apart__gte=1) if part == "apart" else cohort.filter(apart=0)
        return Child.objects.filter(pk__in=cohort.values("pk"))
    sessions = _requested_sessions(children).filter(_planned_in(period))
    if part == "missed":
        sessions = sessions.exclude(status=HAPPENED)
    return Child.objects.filter(pk__in=sessions.values("arrangement__child_id"))


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
    """Visits signed in each period (`_signed_in`): one count per period, each a range scan of the partial index
    on signed visits' signing time that reads the index alone (one OR of the ranges would read the table)."""
    only, only_params = children_sql(children)
    child_filter = f" AND child_id {only}" if only else ""
    counts, params = [], []
    for period in periods:
        where = f"status = %s AND signed_at >= %s AND signed_at < %s{child_filter}"
        counts.append(f"(SELECT count(*) FROM casework_visit WHERE {where})")  # noqa: S608
        params += [codes.VisitStatus.SIGNED, start_of(period.start), end_of(period.end), *only_params]
    with roomy_query(parallel=False), connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(counts)}", params)  # noqa: S608 - fragments of this module; values are parameters
        return list(cursor.fetchone())


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
        definition="Of the sessions of contact with a brother or sister that the child asked for, planned in the period, "
        "the share that happened; cancellations by who cancelled; and of children in care on the as-at date with a brother "
        "or sister also in our care, how many live with all of them and how many apart.",
        headline="of sessions the child asked for happened",
        figures=sibling_contact,
        children_behind=children_with_sibling_contact,
        parts=(
            ("", "Children with contact they asked for planned in the period"),
            ("missed", "Children with a session they asked for that did not happen"),
            ("together", "Children living with their brothers and sisters in care"),
            ("apart", "Children living apart from a brother or sister in care"),
        ),
        order=60,
    ),
    Measure(
        key="statutory-visits",
        title="Statutory visits",
        definition="Of children in care on the as-at date, the share whose statutory visit was in time on that day: "
        "visited since coming into care within the 6 weeks before it (HEARTH_STATUTORY_VISIT_WEEKS), or in care for "
        "under a week and so not yet due. Also, of statutory visits made in the period, the share where the child was "
        "seen alone.",
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
