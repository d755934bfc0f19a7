"""Placement measures: short- and long-term stability, the mix of homes, ideal against actual, steps down from
residential and the child's views in decisions. Each is counted here for any number of dates or periods at once,
turned into dashboard figures (registered in PlacementsConfig.ready()), and drills down to the children behind
it. Whose children are counted is the caller's: the dashboard's filters, or placements.selectors.measures."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from psycopg import sql

from casework.dashboard import ChildFilter, Figure, Measure, Period, Row, percent, register_child_filter, register_measure, share
from casework.dashboard.sql import (
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
from casework.measures import children_in_care_on, flag, in_care_on
from casework.models import Child
from placements import codes
from placements.models import PlacementDecision, PlacementEpisode

# Measures ----------------------------------------------------------------------------------------
# Each measure is one selector over any number of dates or periods. Stability and the mix of homes are one query
# each, composed with psycopg.sql (casework.dashboard.sql): care and homes read per child, a day mask a child, then
# the few distinct masks counted by day; the decisions are ORM aggregates with a filter a period. The one-date forms
# the 903 summary and the API use are the same selectors asked about one date.


def years_before(day: datetime.date, years: float) -> datetime.date:
    return months_before(day, round(years * 12))


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.count / self.total, 1) if self.total else None


def open_on(day: datetime.date, path: str = "placement_episodes__") -> Q:
    return Q(**{f"{path}started_on__lte": day}) & (Q(**{f"{path}ended_on__isnull": True}) | Q(**{f"{path}ended_on__gt": day}))


def _shares_sql(children: QuerySet[Child], ordered: list[datetime.date], homes: Query) -> Query:
    """Children in care on each of the `ordered` days (the total) and how many of them meet the measure (the count),
    as rows of (counted, met, children). `homes` is SQL over a child's placement episodes `e` naming `met`, a mask of
    the days the child meets the measure, and its parameters.

    The care episodes and the placement episodes are each grouped by child on their own first, then joined one row
    a child: far cheaper than grouping the children joined to both. Only episodes open at some time from a year
    before the first day to the last day are read (every measure here looks at most a year back), and only the
    children's own. Each side is grouped in child order (ORDER BY child_id, from the child_id indexes), which needs
    no memory to hash: the query stays within the server's default memory, so it has no settings around it."""
    mine = children_sql(children)
    query = sql.SQL("""
        WITH care AS (
            SELECT e.child_id, BIT_OR({in_care}) AS in_care
            FROM casework_careepisode AS e
            WHERE e.started_on <= %(last_day)s AND (e.ended_on IS NULL OR e.ended_on > %(year_before)s) {mine}
            GROUP BY e.child_id ORDER BY e.child_id
        ), homes AS (
            SELECT e.child_id, {homes}
            FROM {episodes}
            GROUP BY e.child_id ORDER BY e.child_id
        )
        SELECT care.in_care AS counted, care.in_care & COALESCE(homes.met, 0) AS met, COUNT(*)
        FROM care LEFT JOIN homes ON homes.child_id = care.child_id
        GROUP BY 1, 2""").format(
        in_care=days_open(),
        homes=homes[0],
        mine=mine.only("e.child_id"),
        episodes=sql.SQL(EPISODES_WITH_MOVES.replace("{where}", "{}")).format(
            sql.SQL("e.started_on <= %(last_day)s AND (e.ended_on IS NULL OR e.ended_on > %(year_before)s) {}").format(
                mine.only("e.child_id")
            )
        ),
    )
    bounds = {"days": ordered, "last_day": ordered[-1], "year_before": years_before(ordered[0], 1)}
    return query, bounds | homes[1] | mine.params


# A child's placement episodes with `moved_in`: whether each began a move, a change of carer or address. An episode
# in the same home as the one before, from the day it ended (the home's type or provider changed), did not; going
# back to an earlier home after living elsewhere did. Read by the measures as `e`, after their own WHERE.
EPISODES_WITH_MOVES = """(
    SELECT e.*, (lag(e.home_id) OVER w IS DISTINCT FROM e.home_id OR lag(e.ended_on) OVER w IS DISTINCT FROM e.started_on)
        AS moved_in
    FROM placements_placementepisode AS e WHERE {where}
    WINDOW w AS (PARTITION BY e.child_id ORDER BY e.started_on, e.id)
) AS e"""
# The homes lived in in the year to a day: the one the child was in when the year began, and each move after it.
HOMES_IN_YEAR = sql.SQL(
    "COUNT(*) FILTER (WHERE e.started_on <= {day} AND (e.ended_on IS NULL OR e.ended_on > {since}) "
    "AND (e.moved_in OR e.started_on <= {since}))"
)


def children_with_three_homes(on: datetime.date) -> Q:
    """Children who lived in 3 or more homes in the 12 months to `on`, counted as `_three_homes_by` counts them."""
    since = years_before(on, 1)
    episodes = EPISODES_WITH_MOVES.format(where="e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on > %s)")
    count = HOMES_IN_YEAR.format(day=sql.Literal(on), since=sql.Literal(since)).as_string()
    query = f"SELECT e.child_id FROM {episodes} GROUP BY e.child_id HAVING {count} >= 3"  # noqa: S608 - constants
    return Q(pk__in=RawSQL(query, (on, since)))  # noqa: S611 - constant SQL, days bound


def short_term_stability_over(*, children: QuerySet[Child], days: Sequence[datetime.date]) -> list[Share]:
    """Of children in care on each day: how many had 3 or more homes in the 12 months before (DfE; England ~11%).

    The homes are counted as `children_with_three_homes` counts them (HOMES_IN_YEAR: a move is a change of carer or
    address), per child from the placement episodes on their own: a bit
    for each day on which the child had lived in 3 or more homes in the year to it (`_three_homes_by`)."""
    if not days:
        return []
    ordered = mask_days(days)
    met = sql.SQL("({})::bigint AS met").format(sql.SQL(" | ").join(_three_homes_by(i) for i in range(len(ordered))))
    years = {f"day_{i}": on for i, on in enumerate(ordered)} | {f"since_{i}": years_before(on, 1) for i, on in enumerate(ordered)}
    return _by_day(days, ordered, fetch(*_shares_sql(children, ordered, (met, years))))


def _three_homes_by(i: int) -> sql.Composed:
    """Bit i when the child lived in 3 or more homes in the year to the i-th day, from their placement episodes `e`."""
    homes = HOMES_IN_YEAR.format(day=sql.Placeholder(f"day_{i}"), since=sql.Placeholder(f"since_{i}"))
    return sql.SQL("CASE WHEN {} >= 3 THEN {} ELSE 0 END").format(homes, sql.Literal(1 << i))


def short_term_stability(*, children: QuerySet[Child], on: datetime.date) -> Share:
    return short_term_stability_over(children=children, days=[on])[0]


def long_in_care_under_16(on: datetime.date) -> Q:
    long_in_care = Q(care_episodes__started_on__lte=years_before(on, 2.5)) & in_care_on(on)
    return long_in_care & Q(date_of_birth__gt=years_before(on, 16))


def settled_in_home(on: datetime.date) -> Q:
    return Q(placement_episodes__started_on__lte=years_before(on, 2)) & open_on(on)


def long_term_stability_over(*, children: QuerySet[Child], days: Sequence[datetime.date]) -> list[Share]:
    """Of children in care on each day, under 16, in care continuously for 2.5 years or more: how many have
    lived in the same home for 2 years or more (England ~68%). As `long_in_care_under_16` and `settled_in_home`
    say (the drill-down), in one query (`_long_term_sql`)."""
    if not days:
        return []
    ordered = mask_days(days)
    with roomy_query():
        rows = fetch(*_long_term_sql(children, ordered))
    return _by_day(days, ordered, rows)


def _long_term_sql(children: QuerySet[Child], ordered: list[datetime.date]) -> Query:
    """Long-term stability: of the children in care on each of the `ordered` days in a care episode that began 2.5
    years before it, and under 16 on it (counted), those living in a home on it that began 2 years before it (met):
    rows of (counted, met, children). Each is a run of the days, from the first whose threshold is on or after the
    start to the last before the end; care and homes are grouped by child on their own, then joined one row a child."""
    mine = children_sql(children)
    query = sql.SQL("""
        WITH care AS (
            SELECT e.child_id, BIT_OR({long_in_care}) AS long_in_care
            FROM casework_careepisode AS e
            WHERE e.started_on <= %(last_care_start)s AND (e.ended_on IS NULL OR e.ended_on > %(first_day)s) {mine}
            GROUP BY e.child_id
        ), homes AS (
            SELECT e.child_id, BIT_OR({settled}) AS settled
            FROM placements_placementepisode AS e
            WHERE e.started_on <= %(last_home_start)s AND (e.ended_on IS NULL OR e.ended_on > %(first_day)s) {mine}
            GROUP BY e.child_id
        ), per_child AS (
            SELECT care.long_in_care & {under_16} AS counted, homes.settled
            FROM care
            JOIN casework_child AS ch ON ch.id = care.child_id
            LEFT JOIN homes ON homes.child_id = care.child_id
        )
        SELECT counted, counted & COALESCE(settled, 0), COUNT(*) FROM per_child GROUP BY 1, 2""").format(
        long_in_care=_open_since("care_since"),
        settled=_open_since("home_since"),
        under_16=day_run(sql.SQL("0"), days_before("ch.date_of_birth", "born_after")),
        mine=mine.only("e.child_id"),
    )
    return query, _long_term_params(ordered) | mine.params


def _long_term_params(ordered: list[datetime.date]) -> Params:
    care_since, home_since = [years_before(day, 2.5) for day in ordered], [years_before(day, 2) for day in ordered]
    born_after = [years_before(day, 16) for day in ordered]
    starts = {"last_care_start": care_since[-1], "last_home_start": home_since[-1], "first_day": ordered[0]}
    return {"days": ordered, "care_since": care_since, "home_since": home_since, "born_after": born_after} | starts


def _open_since(since: str) -> sql.Composed:
    """A day mask: the days on which the episode `e` is open and began on or before the day's `since` (an array
    parameter as sorted as the days)."""
    ended = sql.SQL("COALESCE({}, cardinality(%(days)s::date[]))").format(days_before("e.ended_on", "days"))
    # A stay that ended within the years asked for opens no day: the run is empty.
    return day_run(days_before("e.started_on", since), ended, may_be_empty=True)


def long_term_stability(*, children: QuerySet[Child], on: datetime.date) -> Share:
    return long_term_stability_over(children=children, days=[on])[0]


@dataclass(frozen=True)
class HomesMix:
    """Mix of homes: the residential share on each day asked for, and the children in each rung's homes on one."""

    shares: list[Share]
    rungs: list[dict[str, Any]]


def mix_of_homes_over(*, children: QuerySet[Child], days: Sequence[datetime.date], on: datetime.date) -> HomesMix:
    """Of children in care living in a home on each day: how many live in a children's home; and on `on` (one of
    the days), the children living in each rung's homes, with the homes' weekly cost. In one query (`_mix_sql`)."""
    if not days:
        return HomesMix([], [])
    ordered = mask_days(days)
    with roomy_query(hashed=True):
        rows = fetch(*_mix_sql(children, ordered, on))
    shares = _by_day(days, ordered, [(counted, met, n) for counted, met, _, n, _ in rows])
    return HomesMix(shares, _rung_rows([(rungs, n, pence) for _, _, rungs, n, pence in rows if rungs]))


def _mix_sql(children: QuerySet[Child], ordered: list[datetime.date], on: datetime.date) -> Query:
    """Mix of homes: of the children in care and living in a home on each of the `ordered` days (`in_care_on`,
    `open_on`), those whose home is a children's home; and for `on`, the rungs of their homes (a bit for each) and
    those homes' weekly cost in pence. Rows of (counted, met, rungs on `on`, children, pence).

    The care and placement episodes are read as one list (each with a mask of the days it is open) and grouped by
    child once. A child has one home at a time (the services refuse overlaps); one whose recorded homes overlap on
    `on` counts on each of their rungs, and their cost goes to the rung furthest down the ladder."""
    mine = children_sql(children)
    query = sql.SQL("""
        WITH care AS (
            SELECT e.child_id, {open_days} AS in_care, 0::bigint AS living, 0::bigint AS met, 0::bigint AS rungs,
                NULL::int AS pence
            FROM casework_careepisode AS e
            WHERE e.started_on <= %(last_day)s AND (e.ended_on IS NULL OR e.ended_on > %(first_day)s) {mine}
        ), homes AS (
            SELECT e.child_id, {open_days} AS open, h.rung, (h.weekly_cost * 100)::int AS pence
            FROM placements_placementepisode AS e JOIN placements_home AS h ON h.id = e.home_id
            WHERE e.started_on <= %(last_day)s AND (e.ended_on IS NULL OR e.ended_on > %(first_day)s) {mine}
            OFFSET 0  -- the day mask worked out once a home, not once for each use of it below
        ), living AS (
            SELECT child_id, 0::bigint AS in_care, open AS living, CASE WHEN rung = %(residential)s THEN open ELSE 0 END AS met,
                CASE WHEN open & %(on_day)s <> 0 THEN 1::bigint << COALESCE(rung, 0) ELSE 0 END AS rungs,
                CASE WHEN open & %(on_day)s <> 0 THEN pence END AS pence
            FROM homes
        ), per_child AS (
            SELECT child_id, BIT_OR(in_care) AS in_care, BIT_OR(living) AS living, BIT_OR(met) AS met,
                BIT_OR(rungs) AS rungs, SUM(pence) AS pence
            FROM (SELECT * FROM care UNION ALL SELECT * FROM living) AS episodes
            GROUP BY child_id
        )
        SELECT in_care & living, in_care & met, CASE WHEN in_care & %(on_day)s <> 0 THEN rungs ELSE 0 END, COUNT(*),
            SUM(pence) FILTER (WHERE in_care & %(on_day)s <> 0)
        FROM per_child
        GROUP BY 1, 2, 3""").format(open_days=days_open(), mine=mine.only("e.child_id"))
    days = {"days": ordered, "first_day": ordered[0], "last_day": ordered[-1], "on_day": 1 << ordered.index(on)}
    return query, days | {"residential": int(codes.Rung.RESIDENTIAL)} | mine.params


def _rung_rows(rows: list[tuple[int, int, int | None]]) -> list[dict[str, Any]]:
    """The rows of mix_of_homes from (rungs as bits, children, their homes' cost in pence): one a rung, transitions
    (no rung, bit 0) last, with the share of all the children counted."""
    children: dict[int, int] = {}
    pence: dict[int, int] = {}
    for rungs, n, cost in rows:
        for rung in (r for r in range(rungs.bit_length()) if rungs >> r & 1):
            children[rung] = children.get(rung, 0) + n
        furthest = rungs.bit_length() - 1
        pence[furthest] = pence.get(furthest, 0) + (cost or 0)
    total = sum(children.values())
    return [
        {
            "rung": rung or None,
            "label": codes.Rung(rung).label if rung else "Moving on (16+)",
            "children": children[rung],
            "weekly_cost": Decimal(pence.get(rung, 0)).scaleb(-2),
            "percent": round(100 * children[rung] / total, 1),
        }
        for rung in sorted(children, key=lambda rung: rung or len(codes.Rung) + 1)
    ]


def _by_day(days: Sequence[datetime.date], ordered: list[datetime.date], rows: Sequence[tuple[Any, ...]]) -> list[Share]:
    return [Share(count, total) for count, total in counts_by_day(days, ordered, rows)]


def mix_of_homes(*, children: QuerySet[Child], on: datetime.date) -> list[dict[str, Any]]:
    """Children living in each rung's homes on `on`, with the weekly cost; transitions count as their own row."""
    return mix_of_homes_over(children=children, days=[on], on=on).rungs


def approved_in(since: datetime.date, until: datetime.date) -> Q:
    approved = Q(manager_approved_at__gte=start_of(since), manager_approved_at__lt=end_of(until))
    return Q(status=codes.DecisionStatus.APPROVED) & approved


def decisions_for(children: QuerySet[Child]) -> QuerySet[PlacementDecision]:
    return of_children(PlacementDecision.objects.all(), children)


LOWER_THAN_IDEAL = Q(chosen_rung__isnull=False, ideal_rung__isnull=False, chosen_rung__gt=F("ideal_rung"))
WITH_IDEAL = Q(chosen_rung__isnull=False, ideal_rung__isnull=False)


def ideal_vs_actual_over(*, children: QuerySet[Child], periods: Sequence[tuple[datetime.date, datetime.date]]) -> list[Share]:
    """Decisions approved in each period with an ideal and a chosen rung: how many found a home lower on the ladder."""
    result = decisions_for(children).aggregate(
        **{f"total_{i}": Count("pk", filter=approved_in(*p) & WITH_IDEAL) for i, p in enumerate(periods)},
        **{f"count_{i}": Count("pk", filter=approved_in(*p) & LOWER_THAN_IDEAL) for i, p in enumerate(periods)},
    )
    return [Share(result[f"count_{i}"], result[f"total_{i}"]) for i in range(len(periods))]


def ideal_vs_actual(*, children: QuerySet[Child], since: datetime.date, until: datetime.date) -> dict[str, Any]:
    """Approved decisions in the period whose home is lower on the ladder than the ideal, by ideal rung and reason."""
    from placements.models import RungConsideration

    why_not_ideal = RungConsideration.objects.filter(decision=OuterRef("pk"), rung=OuterRef("ideal_rung")).values("why_not")
    gaps = decisions_for(children).filter(approved_in(since, until) & LOWER_THAN_IDEAL)
    decisions = (
        gaps.annotate(reason=Subquery(why_not_ideal[:1]))
        .values("ideal_rung", "chosen_rung", "reason")
        .annotate(decisions=Count("pk"))
        .order_by("ideal_rung", "chosen_rung", "reason")
    )
    rows = [{**row, "reason_label": codes.WhyNot(row["reason"]).label if row["reason"] else "Not recorded"} for row in decisions]
    return {"share": ideal_vs_actual_over(children=children, periods=[(since, until)])[0], "rows": rows}


CHILD_VIEWS_RECORDED = ~Q(child_views__regex=r"^\s*$")


def decisions_with_child_views_over(
    *, children: QuerySet[Child], periods: Sequence[tuple[datetime.date, datetime.date]]
) -> list[Share]:
    """Decisions approved in each period: how many recorded the child's views in their words."""
    result = decisions_for(children).aggregate(
        **{f"total_{i}": Count("pk", filter=approved_in(*p)) for i, p in enumerate(periods)},
        **{f"count_{i}": Count("pk", filter=approved_in(*p) & CHILD_VIEWS_RECORDED) for i, p in enumerate(periods)},
    )
    return [Share(result[f"count_{i}"], result[f"total_{i}"]) for i in range(len(periods))]


def _steps_down(children: QuerySet[Child], since: datetime.date, until: datetime.date) -> QuerySet[PlacementEpisode]:
    # The home before ended the day the move began, so in the period too: said again, so that PostgreSQL looks only
    # at the children's homes that ended in the period (a few thousand) instead of hashing every one ever left.
    came_from_residential = Exists(
        PlacementEpisode.objects.filter(
            child=OuterRef("child"), ended_on=OuterRef("started_on"), ended_on__gte=since, ended_on__lte=until,
            home__rung=codes.Rung.RESIDENTIAL,
        ).exclude(pk=OuterRef("pk"))
    )  # fmt: skip
    moves = of_children(PlacementEpisode.objects.filter(started_on__gte=since, started_on__lte=until), children)
    return moves.filter(came_from_residential)


def steps_down_from_residential(*, children: QuerySet[Child], since: datetime.date, until: datetime.date) -> Share:
    """Moves in the period from a children's home to a family (a lower-numbered rung), out of all moves out of one."""
    result = _steps_down(children, since, until).aggregate(
        total=Count("pk"), down=Count("pk", filter=Q(home__rung__lt=codes.Rung.RESIDENTIAL))
    )
    return Share(result["down"], result["total"])


# Dashboard figures --------------------------------------------------------------------------------


def _days(periods: Sequence[Period]) -> list[datetime.date]:
    return [period.end for period in periods]


def _spans(periods: Sequence[Period]) -> list[tuple[datetime.date, datetime.date]]:
    return [(period.start, period.end) for period in periods]


def _figures(periods: Sequence[Period], shares: list[Share]) -> list[Figure]:
    return [share(period, s.count, s.total) for period, s in zip(periods, shares, strict=True)]


def _ids(children: QuerySet[Child]) -> QuerySet[Child]:
    return Child.objects.filter(pk__in=children.values("pk"))


# Short-term stability ----------------------------------------------------------------------------


def short_term(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    return _figures(periods, short_term_stability_over(children=children, days=_days(periods)))


def children_short_term(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    cohort = children.annotate(in_care=flag(in_care_on(period.end))).filter(children_with_three_homes(period.end))
    return _ids(cohort.filter(in_care=1))


# Long-term stability -----------------------------------------------------------------------------


def long_term(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    return _figures(periods, long_term_stability_over(children=children, days=_days(periods)))


def children_long_term(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    on = period.end
    cohort = children.annotate(counted=flag(long_in_care_under_16(on)), settled=flag(settled_in_home(on)))
    return _ids(cohort.filter(counted=1, settled=0 if part == "moved" else 1))


# Mix of homes --------------------------------------------------------------------------------------


def mix(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    if not periods:
        return []
    on = periods[0].end
    homes = mix_of_homes_over(children=children, days=_days(periods), on=on)
    figures = _figures(periods, homes.shares)
    current = figures[0]
    rows = [
        Row(f"{row['label']}: weekly cost £{row['weekly_cost']:,.0f}", row["percent"], row["children"], None,
            part=f"rung-{row['rung'] or 0}")
        for row in homes.rungs
    ]  # fmt: skip
    steps = steps_down_from_residential(children=children, since=current.period.start, until=on)
    rows.append(
        Row("Moves out of a children's home in the period that were to a family", steps.percent, steps.count, steps.total)
    )
    return [Figure(current.period, current.value, current.count, current.total, tuple(rows)), *figures[1:]]


def children_in_homes(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    on = period.end
    rung = part.removeprefix("rung-") if part else str(codes.Rung.RESIDENTIAL)
    home = Q(home__rung__isnull=True) if rung == "0" else Q(home__rung=int(rung))
    living = PlacementEpisode.objects.filter(open_on(on, path=""), home).values("child_id")
    return _ids(children_in_care_on(children, on).filter(pk__in=living))


MIX_PARTS = (
    (("", "Children living in a children's home"),)
    + tuple((f"rung-{rung.value}", f"Children living in homes on this rung: {rung.label}") for rung in codes.Rung)
    + (("rung-0", "Children moving on (16+)"),)
)


# Ideal vs actual, and the child's views in decisions ---------------------------------------------------


def ideal_vs_actual_figures(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    figures = _figures(periods, ideal_vs_actual_over(children=children, periods=_spans(periods)))
    if not figures:
        return []
    current = figures[0]
    detail = ideal_vs_actual(children=children, since=current.period.start, until=current.period.end)
    rows = tuple(
        Row(f"Ideal: {codes.Rung(r['ideal_rung']).label}; found: {codes.Rung(r['chosen_rung']).label}; why: {r['reason_label']}",
            percent(r["decisions"], current.total), r["decisions"], current.total)
        for r in detail["rows"]
    )  # fmt: skip
    return [Figure(current.period, current.value, current.count, current.total, rows), *figures[1:]]


def _decided_children(children: QuerySet[Child], period: Period, condition: Q) -> QuerySet[Child]:
    decisions = decisions_for(children).filter(approved_in(period.start, period.end) & condition)
    return Child.objects.filter(pk__in=decisions.values("child_id"))


def children_ideal_vs_actual(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    return _decided_children(children, period, LOWER_THAN_IDEAL)


def child_views(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    return _figures(periods, decisions_with_child_views_over(children=children, periods=_spans(periods)))


def children_child_views(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    recorded = CHILD_VIEWS_RECORDED
    return _decided_children(children, period, ~recorded if part == "missing" else recorded)


# The ladder rung filter ------------------------------------------------------------------------------


def _rung_choices() -> list[tuple[str, str]]:
    return [(str(rung.value), str(rung.label)) for rung in codes.Rung] + [("0", "Moving on (16+)")]


def _living_on_rung(children: QuerySet[Child], value: str, on: datetime.date) -> QuerySet[Child]:
    home = Q(home__rung__isnull=True) if value == "0" else Q(home__rung=int(value))
    return children.filter(pk__in=PlacementEpisode.objects.filter(open_on(on, path=""), home).values("child_id"))


RUNG_FILTER = ChildFilter(key="rung", label="Home on the ladder", choices=_rung_choices, apply=_living_on_rung)

MEASURES = (
    Measure(
        key="short-term-stability",
        title="Short-term placement stability",
        definition="Of children in care on the as-at date, the share who lived in 3 or more homes during the 12 months "
        "before it (the DfE definition, usually taken on 31 March). A child who came into care during the year counts "
        "the homes since; a child who left care before the date is not counted.",
        headline="had 3 or more homes in 12 months",
        figures=short_term,
        children_behind=children_short_term,
        comparator=11,
        comparator_text="England: about 11% of children in care have three or more homes in a year.",
        better="lower",
        parts=(("", "Children with 3 or more homes in 12 months"),),
        order=20,
    ),
    Measure(
        key="long-term-stability",
        title="Long-term placement stability",
        definition="Of children in care on the as-at date who are under 16 and have been in care continuously for 2½ "
        "years or more, the share who have lived in the same home for 2 years or more.",
        headline="in the same home for 2 years or more",
        figures=long_term,
        children_behind=children_long_term,
        comparator=68,
        comparator_text="England: 68% of these children have been in the same home for at least two years.",
        parts=(("", "Children in the same home for 2 years"), ("moved", "Children not in the same home for 2 years")),
        order=30,
    ),
    Measure(
        key="mix-of-homes",
        title="Mix of homes",
        definition="Children in care on the as-at date by the rung of the ladder their home is on, with the weekly cost; "
        "the headline is the share living in a children's home. Also the moves out of a children's home in the period "
        "that were to a family (a step down).",
        headline="live in a children's home",
        figures=mix,
        children_behind=children_in_homes,
        better="lower",
        parts=MIX_PARTS,
        order=40,
    ),
    Measure(
        key="ideal-vs-actual",
        title="Ideal home and the home found",
        definition="Of placement decisions approved in the period with both an ideal and a chosen rung, the share where "
        "the home found is lower on the ladder than the ideal, by rung and by why the ideal was not possible.",
        headline="of decisions found a home lower on the ladder than the ideal",
        figures=ideal_vs_actual_figures,
        children_behind=children_ideal_vs_actual,
        better="lower",
        parts=(("", "Children whose home was lower on the ladder than the ideal"),),
        order=50,
    ),
    Measure(
        key="decisions-child-views",
        title="Voice of the child: decisions",
        definition="Of placement decisions approved in the period, the share that record the child's views in their own words.",
        headline="of decisions record the child's views",
        figures=child_views,
        children_behind=children_child_views,
        parts=(("", "Children whose decision records their views"), ("missing", "Children whose decision does not")),
        order=90,
    ),
)


def register() -> None:
    register_child_filter(RUNG_FILTER)
    for measure in MEASURES:
        register_measure(measure)
