"""Reads of homes, children's homes and decisions, with the access rules, and the placement measures.

Who may see a child's homes and decisions is who may see the child (casework.selectors). Manager
pages (the forum, the review group, sufficiency, the measures) are for team managers, who see their
team's children, and heads of service, who see every child. Measures are worked out in the database."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from casework import codes as casework_codes
from casework.dates import end_of, months_before, start_of
from casework.measures import (
    check_mask_days,
    children_sql,
    counts_by_day,
    day_run,
    days_before,
    days_open,
    in_care_on,
    of_children,
    roomy_query,
)
from casework.models import CareEpisode, Child, User
from casework.selectors import children_visible_to
from placements import codes
from placements.models import Home, PlacementDecision, PlacementEpisode

MANAGERS = (casework_codes.Role.TEAM_MANAGER, casework_codes.Role.HEAD_OF_SERVICE)


def is_manager(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in MANAGERS


def may_produce_903(user: User) -> bool:
    """The statutory return covers every child in care, so only a head of service may produce it."""
    return user.is_authenticated and user.is_active and user.role == casework_codes.Role.HEAD_OF_SERVICE


def managed_children(*, user: User) -> QuerySet[Child]:
    """The children behind a manager's figures: their team's, or every child for a head of service."""
    if not is_manager(user):
        raise PermissionDenied("Only team managers and heads of service see these figures.")
    return children_visible_to(user=user)


# Homes -------------------------------------------------------------------------------------------


def homes_for(*, user: User) -> QuerySet[Home]:
    """Homes are not case records: any member of case staff may look them up."""
    if not (user.is_authenticated and user.is_active and user.is_case_staff):
        return Home.objects.none()
    return Home.objects.select_related("provider").annotate(living_there=_living_there())


def _living_there() -> Count:
    return Count("episodes", filter=Q(episodes__ended_on__isnull=True))


def homes_to_choose(*, user: User, rung: int | None = None, transition: str = "") -> QuerySet[Home]:
    homes = homes_for(user=user).filter(active=True, deregistered_on__isnull=True).filter(living_there__lt=F("capacity"))
    if transition:
        return homes.filter(transition=transition)
    return homes.filter(rung=rung) if rung else homes


# A child's homes ---------------------------------------------------------------------------------


def episodes_visible_to(*, user: User) -> QuerySet[PlacementEpisode]:
    return PlacementEpisode.objects.filter(child__in=children_visible_to(user=user)).select_related("home__provider", "child")


def current_home_names(children: list[Child]) -> dict[int, str]:
    """The caseload column: each child's current home by its staff name, for a page of children in one query."""
    rows = PlacementEpisode.objects.filter(child__in=[child.pk for child in children], ended_on__isnull=True)
    return dict(rows.values_list("child_id", "home__name"))


# Decisions ---------------------------------------------------------------------------------------


def decisions_visible_to(*, user: User) -> QuerySet[PlacementDecision]:
    return (
        PlacementDecision.objects.filter(child__in=children_visible_to(user=user))
        .select_related("child", "created_by", "chosen_home", "manager_approved_by", "head_approved_by")
        .prefetch_related("rungs")
    )


def decision_get(*, user: User, decision_id: int) -> PlacementDecision:
    decision = decisions_visible_to(user=user).filter(pk=decision_id).first()
    if decision is None:
        raise Http404("No decision found")
    return decision


def at_risk_of_residential(*, user: User) -> QuerySet[PlacementDecision]:
    """Open decisions heading for a children's home: residential chosen, or every family rung ruled out."""
    family_rungs_out = Q(rungs__rung=codes.Rung.IFA)
    decisions = PlacementDecision.objects.filter(child__in=managed_children(user=user), status__in=["draft", "submitted"])
    ids = decisions.filter(Q(chosen_rung=codes.Rung.RESIDENTIAL) | family_rungs_out).values("pk")
    return (
        PlacementDecision.objects.filter(pk__in=ids)
        .select_related("child", "created_by", "chosen_home")
        .order_by("ror_reviewed_on", "created_at")
    )


@dataclass(frozen=True)
class ResidentialRow:
    episode: PlacementEpisode
    weeks: int
    cost_so_far: Decimal
    next_review: datetime.date | None
    step_down_plan: str


def residential_review(*, user: User, today: datetime.date | None = None) -> list[ResidentialRow]:
    """Every child living in a children's home now: weeks there, cost so far, next review, step-down plan."""
    today = today or timezone.localdate()
    approved = PlacementDecision.objects.filter(
        child=OuterRef("child"), status=codes.DecisionStatus.APPROVED, chosen_rung=codes.Rung.RESIDENTIAL
    ).order_by("-created_at")
    episodes = (
        PlacementEpisode.objects.filter(
            child__in=managed_children(user=user), ended_on__isnull=True, home__rung=codes.Rung.RESIDENTIAL
        )
        .select_related("child", "home__provider")
        .annotate(
            next_review=Subquery(approved.values("step_down_review_on")[:1]),
            plan=Subquery(approved.values("step_down_plan")[:1]),
        )
        .order_by("started_on", "id")
    )
    rows = []
    for episode in episodes:
        days = (today - episode.started_on).days
        cost = (episode.home.weekly_cost * days / 7).quantize(Decimal("1"))
        rows.append(ResidentialRow(episode, days // 7, cost, episode.next_review, episode.plan or ""))
    return rows


# Sufficiency -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sufficiency:
    homes: int
    places: int
    children: int
    vacancies: int
    leavers: int
    by_rung: list[dict]

    @property
    def utilisation(self) -> float | None:
        return round(100 * self.children / self.places, 1) if self.places else None


def foster_sufficiency(*, user: User, today: datetime.date | None = None) -> Sufficiency:
    """Foster carers: approved places, children living there, vacancies, and carers who left in the last year."""
    if not is_manager(user):
        raise PermissionDenied("Only team managers and heads of service see sufficiency.")
    today = today or timezone.localdate()
    fostering = Home.objects.filter(rung__in=[codes.Rung.KINSHIP, codes.Rung.IN_HOUSE_FOSTER, codes.Rung.IFA])
    current = fostering.filter(active=True, deregistered_on__isnull=True)
    living = PlacementEpisode.objects.filter(home=OuterRef("pk"), ended_on__isnull=True).values("home")
    living = living.annotate(n=Count("id")).values("n")
    per_home = current.annotate(n=Coalesce(Subquery(living, output_field=IntegerField()), 0))
    by_rung = list(
        per_home.values("rung")
        .annotate(homes=Count("id"), places=Sum("capacity"), children=Sum("n"), vacancies=Sum(F("capacity") - F("n")))
        .order_by("rung")
    )
    leavers = fostering.filter(deregistered_on__gt=today - datetime.timedelta(days=365), deregistered_on__lte=today).count()
    totals = {key: sum(row[key] or 0 for row in by_rung) for key in ("homes", "places", "children", "vacancies")}
    for row in by_rung:
        row["label"] = codes.Rung(row["rung"]).label
    return Sufficiency(leavers=leavers, by_rung=by_rung, **totals)


# Measures ----------------------------------------------------------------------------------------
# Each measure is one selector over any number of dates or periods, in one query: care and homes grouped by
# child on their own, a day mask a child (casework.measures.days_open), then the few distinct masks counted by
# day. The one-date forms the 903 summary and the API use are the same selectors asked about one date.


def _years_before(day: datetime.date, years: float) -> datetime.date:
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


def _shares_sql(
    children: QuerySet[Child],
    days: Sequence[datetime.date],
    placements: tuple[str, list],
    counted: str,
) -> list[Share]:
    """Children in care on each day (the total) and how many of them meet the measure (the count), in one query.

    The care episodes and the placement episodes `e` are each grouped by child on their own first, then joined
    one row a child: far cheaper than grouping the children joined to both. Care gives `c.in_care`, a mask of
    the days the child was in care (`casework.measures.days_open`); `placements` is SQL (and parameters) over a child's placement
    episodes naming `met`, a mask of the days the child meets the measure; `counted` says which of the days are
    counted. Only episodes open at some time from a year before the first day to the last day are read, and only
    the children's own (the access rule). Each side is grouped in child order (from the child_id indexes), which
    needs no memory to hash: the query stays within the server's default memory, so it is one query with no
    settings around it. Each child is one (counted, met) pair of masks: the query returns the distinct pairs, a
    handful, with how many children had each, and they are counted by day here."""
    if not days:
        return []
    ordered = sorted(set(days))
    among, among_params = children_sql(children)
    # Every measure here looks at most a year back from a day: older episodes can't count.
    spans = "e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on > %s)"
    span_params = [ordered[-1], _years_before(ordered[0], 1)]
    mine = f"AND e.child_id {among}" if among else ""
    in_care, in_care_params = days_open(ordered)
    sql = f"""
        SELECT {counted} AS counted, {counted} & COALESCE(p.met, 0) AS met, COUNT(*)
        FROM (
            SELECT e.child_id, BIT_OR({in_care}) AS in_care FROM {CareEpisode._meta.db_table} AS e
            WHERE {spans} {mine} GROUP BY e.child_id ORDER BY e.child_id
        ) AS c
        LEFT JOIN (
            SELECT e.child_id, {placements[0]} FROM {PlacementEpisode._meta.db_table} AS e
            WHERE {spans} {mine} GROUP BY e.child_id ORDER BY e.child_id
        ) AS p ON p.child_id = c.child_id
        GROUP BY 1, 2"""  # noqa: S608 - only our own expressions are formatted in; values are parameters
    params = [*in_care_params, *span_params, *among_params, *placements[1], *span_params, *among_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _by_day(days, ordered, rows)


def homes_in_year(on: datetime.date) -> Count:
    """Homes lived in at any time in the 12 months to `on` (started by it, not ended before the year began)."""
    since = _years_before(on, 1)
    lived = Q(placement_episodes__started_on__lte=on) & (
        Q(placement_episodes__ended_on__isnull=True) | Q(placement_episodes__ended_on__gt=since)
    )
    return Count("placement_episodes", filter=lived, distinct=True)


def short_term_stability_over(*, children: QuerySet[Child], days: Sequence[datetime.date]) -> list[Share]:
    """Of children in care on each day: how many had 3 or more homes in the 12 months before (DfE; England ~11%).

    The homes are counted as `homes_in_year` counts them, per child from the placement episodes on their own."""
    ordered = sorted(set(days))
    lived = "e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on > %s)"
    bits = [f"CASE WHEN COUNT(*) FILTER (WHERE {lived}) >= 3 THEN {1 << i} ELSE 0 END" for i in range(len(ordered))]
    params = [param for on in ordered for param in (on, _years_before(on, 1))]
    return _shares_sql(children, days, (f"({' | '.join(bits) or '0'})::bigint AS met", params), counted="c.in_care")


def short_term_stability(*, children: QuerySet[Child], on: datetime.date) -> Share:
    return short_term_stability_over(children=children, days=[on])[0]


def long_in_care_under_16(on: datetime.date) -> Q:
    long_in_care = Q(care_episodes__started_on__lte=_years_before(on, 2.5)) & in_care_on(on)
    return long_in_care & Q(date_of_birth__gt=_years_before(on, 16))


def settled_in_home(on: datetime.date) -> Q:
    return Q(placement_episodes__started_on__lte=_years_before(on, 2)) & open_on(on)


def long_term_stability_over(*, children: QuerySet[Child], days: Sequence[datetime.date]) -> list[Share]:
    """Of children in care on each day, under 16, in care continuously for 2.5 years or more: how many have
    lived in the same home for 2 years or more (England ~68%).

    As `long_in_care_under_16` and `settled_in_home` say (the drill-down), in one query of day masks: a care
    episode open on a day that began 2.5 years before it, a child under 16 on it, a home open on it that began
    2 years before it. Each is a run of the sorted days, from the first whose threshold is on or after the start
    to the last before the end; care and homes are grouped by child on their own, then joined one row a child."""
    if not days:
        return []
    ordered = sorted(set(days))
    check_mask_days(ordered)
    among, among_params = children_sql(children)
    mine = f"AND e.child_id {among}" if among else ""
    long_in_care = _open_since(ordered, [_years_before(day, 2.5) for day in ordered])
    settled = _open_since(ordered, [_years_before(day, 2) for day in ordered])
    under_16, under_16_params = day_run(("0", []), days_before("ch.date_of_birth", [_years_before(day, 16) for day in ordered]))
    spans = "e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on > %s)"
    sql = f"""
        SELECT c.counted & {under_16}, c.counted & {under_16} & COALESCE(p.settled, 0), COUNT(*)
        FROM (
            SELECT e.child_id, BIT_OR({long_in_care[0]}) AS counted FROM {CareEpisode._meta.db_table} AS e
            WHERE {spans} {mine} GROUP BY e.child_id
        ) AS c
        JOIN {Child._meta.db_table} AS ch ON ch.id = c.child_id
        LEFT JOIN (
            SELECT e.child_id, BIT_OR({settled[0]}) AS settled FROM {PlacementEpisode._meta.db_table} AS e
            WHERE {spans} {mine} GROUP BY e.child_id
        ) AS p ON p.child_id = c.child_id
        GROUP BY 1, 2"""  # noqa: S608 - only our own expressions are formatted in; values are parameters
    care = [*long_in_care[1], _years_before(ordered[-1], 2.5), ordered[0], *among_params]
    homes = [*settled[1], _years_before(ordered[-1], 2), ordered[0], *among_params]
    with roomy_query(), connection.cursor() as cursor:
        cursor.execute(sql, [*under_16_params, *under_16_params, *care, *homes])
        rows = cursor.fetchall()
    return _by_day(days, ordered, rows)


def _open_since(ordered: list[datetime.date], since: list[datetime.date]) -> tuple[str, list]:
    """A day mask: the days on which the episode `e` is open and began on or before the day's `since`."""
    ended, ended_params = days_before("e.ended_on", ordered)
    # A stay that ended within the years asked for opens no day: the run is empty.
    return day_run(days_before("e.started_on", since), (f"COALESCE({ended}, {len(ordered)})", ended_params), may_be_empty=True)


def long_term_stability(*, children: QuerySet[Child], on: datetime.date) -> Share:
    return long_term_stability_over(children=children, days=[on])[0]


@dataclass(frozen=True)
class HomesMix:
    """Mix of homes: the residential share on each day asked for, and the children in each rung's homes on one."""

    shares: list[Share]
    rungs: list[dict]


def mix_of_homes_over(*, children: QuerySet[Child], days: Sequence[datetime.date], on: datetime.date) -> HomesMix:
    """Of children in care living in a home on each day: how many live in a children's home; and on `on` (one of
    the days), the children living in each rung's homes, with the homes' weekly cost.

    Counted: the child has a care episode and a home open on the day (`in_care_on`, `open_on`); met: that home is
    a children's home. The care and placement episodes are read as one list (masks of the days each is open, as
    in `_shares_sql`) and grouped by child once; each child is then one (counted, met) pair of masks, with the
    rungs of their homes on `on` (a bit for each) and those homes' cost in pence. A child has one home at a time
    (the services refuse overlaps); one whose recorded homes overlap on `on` counts on each of their rungs, and
    their cost goes to the rung furthest down the ladder."""
    if not days:
        return HomesMix([], [])
    ordered = sorted(set(days))
    on_day = 1 << ordered.index(on)
    among, among_params = children_sql(children)
    mine = f"AND e.child_id {among}" if among else ""
    spans = "e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on > %s)"
    span_params = [ordered[-1], ordered[0]]
    open_days, open_params = days_open(ordered)
    sql = f"""
        SELECT in_care & living, in_care & met, CASE WHEN in_care & {on_day} <> 0 THEN rungs ELSE 0 END, COUNT(*),
            SUM(pence) FILTER (WHERE in_care & {on_day} <> 0)
        FROM (
            SELECT child_id, BIT_OR(in_care) AS in_care, BIT_OR(living) AS living, BIT_OR(met) AS met,
                BIT_OR(rungs) AS rungs, SUM(pence) AS pence
            FROM (
                SELECT e.child_id, {open_days} AS in_care, 0::bigint AS living, 0::bigint AS met, 0::bigint AS rungs,
                    NULL::int AS pence
                FROM {CareEpisode._meta.db_table} AS e WHERE {spans} {mine}
                UNION ALL
                SELECT child_id, 0, open, CASE WHEN rung = %s THEN open ELSE 0 END,
                    CASE WHEN open & {on_day} <> 0 THEN 1::bigint << COALESCE(rung, 0) ELSE 0 END,
                    CASE WHEN open & {on_day} <> 0 THEN pence END
                FROM (
                    SELECT e.child_id, {open_days} AS open, h.rung, (h.weekly_cost * 100)::int AS pence
                    FROM {PlacementEpisode._meta.db_table} AS e JOIN {Home._meta.db_table} AS h ON h.id = e.home_id
                    WHERE {spans} {mine}
                    OFFSET 0
                ) AS homes  -- OFFSET 0: the day mask is worked out once a home, not once for each use of it
            ) AS episodes
            GROUP BY child_id
        ) AS per_child
        GROUP BY 1, 2, 3"""  # noqa: S608 - only our own expressions are formatted in; values are parameters
    care = [*open_params, *span_params, *among_params]
    homes = [int(codes.Rung.RESIDENTIAL), *open_params, *span_params, *among_params]
    with roomy_query(hashed=True), connection.cursor() as cursor:
        cursor.execute(sql, [*care, *homes])
        rows = cursor.fetchall()
    shares = _by_day(days, ordered, [(counted, met, n) for counted, met, _, n, _ in rows])
    return HomesMix(shares, _rung_rows([(rungs, n, pence) for _, _, rungs, n, pence in rows if rungs]))


def _rung_rows(rows: list[tuple[int, int, int | None]]) -> list[dict]:
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


def _by_day(days: Sequence[datetime.date], ordered: list[datetime.date], rows: list[tuple]) -> list[Share]:
    return [Share(count, total) for count, total in counts_by_day(days, ordered, rows)]


def mix_of_homes(*, children: QuerySet[Child], on: datetime.date) -> list[dict]:
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


def ideal_vs_actual(*, children: QuerySet[Child], since: datetime.date, until: datetime.date) -> dict:
    """Approved decisions in the period whose home is lower on the ladder than the ideal, by ideal rung and reason."""
    from placements.models import RungConsideration

    why_not_ideal = RungConsideration.objects.filter(decision=OuterRef("pk"), rung=OuterRef("ideal_rung")).values("why_not")
    gaps = decisions_for(children).filter(approved_in(since, until) & LOWER_THAN_IDEAL)
    rows = list(
        gaps.annotate(reason=Subquery(why_not_ideal[:1]))
        .values("ideal_rung", "chosen_rung", "reason")
        .annotate(decisions=Count("pk"))
        .order_by("ideal_rung", "chosen_rung", "reason")
    )
    for row in rows:
        row["reason_label"] = codes.WhyNot(row["reason"]).label if row["reason"] else "Not recorded"
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


def measures(*, user: User, on: datetime.date) -> dict:
    """Every placement measure for the children behind this manager's figures, on one date (a year to it)."""
    children = managed_children(user=user)
    since = _years_before(on, 1)
    return {
        "on": on,
        "short_term_stability": short_term_stability(children=children, on=on),
        "long_term_stability": long_term_stability(children=children, on=on),
        "mix_of_homes": mix_of_homes(children=children, on=on),
        "ideal_vs_actual": ideal_vs_actual(children=children, since=since, until=on),
        "steps_down": steps_down_from_residential(children=children, since=since, until=on),
    }


# A child's own homes (their journey) -------------------------------------------------------------


def homes_of_child(*, child: Child) -> QuerySet[PlacementEpisode]:
    """The homes a child has lived in, oldest first, for the child's own journey: only the child-facing
    name and the dates are loaded (never the staff name, address, cost or 903 codes)."""
    return (
        PlacementEpisode.objects.filter(child=child)
        .select_related("home")
        .only("id", "child_id", "started_on", "ended_on", "home__id", "home__child_facing_name")
        .order_by("started_on", "id")
    )
