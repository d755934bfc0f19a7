"""Reads of homes, children's homes and decisions, with the access rules, and the placement measures.

Who may see a child's homes and decisions is who may see the child (casework.selectors). Manager
pages (the forum, the review group, sufficiency, the measures) are for team managers, who see their
team's children, and heads of service, who see every child. Measures are worked out in the database."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from casework import codes as casework_codes
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


def _in_care_on(day: datetime.date) -> Exists:
    return Exists(
        CareEpisode.objects.filter(child=OuterRef("pk"), started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )
    )


def _years_before(day: datetime.date, years: float) -> datetime.date:
    months = round(years * 12)
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    try:
        return day.replace(year=year, month=month + 1)
    except ValueError:  # 29th-31st of a shorter month
        return (day.replace(day=1, year=year, month=month + 1) + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(
            days=1
        )


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.count / self.total, 1) if self.total else None


def short_term_stability(*, children: QuerySet[Child], on: datetime.date) -> Share:
    """Of children in care on `on`: how many had 3 or more homes in the 12 months before (DfE; England ~11%)."""
    since = _years_before(on, 1)
    homes_in_year = (
        PlacementEpisode.objects.filter(child=OuterRef("pk"), started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=since))
        .values("child")
        .annotate(n=Count("id"))
        .values("n")
    )
    counted = children.filter(_in_care_on(on)).annotate(homes=Coalesce(Subquery(homes_in_year, output_field=IntegerField()), 0))
    result = counted.aggregate(total=Count("pk"), moved=Count("pk", filter=Q(homes__gte=3)))
    return Share(result["moved"], result["total"])


def long_term_stability(*, children: QuerySet[Child], on: datetime.date) -> Share:
    """Of children in care on `on`, under 16, in care continuously for 2.5 years or more: how many have
    lived in the same home for 2 years or more (England ~68%)."""
    long_in_care = Exists(
        CareEpisode.objects.filter(child=OuterRef("pk"), started_on__lte=_years_before(on, 2.5)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )
    )
    settled = Exists(
        PlacementEpisode.objects.filter(child=OuterRef("pk"), started_on__lte=_years_before(on, 2)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )
    )
    cohort = children.filter(long_in_care, date_of_birth__gt=_years_before(on, 16))
    result = cohort.aggregate(total=Count("pk"), stable=Count("pk", filter=settled))
    return Share(result["stable"], result["total"])


def mix_of_homes(*, children: QuerySet[Child], on: datetime.date) -> list[dict]:
    """Children living in each rung's homes on `on`, with the weekly cost; transitions count as their own row."""
    episodes = PlacementEpisode.objects.filter(child__in=children.filter(_in_care_on(on)), started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    rows = list(
        episodes.values("home__rung")
        .annotate(
            children=Count("child", distinct=True),
            weekly_cost=Coalesce(Sum("home__weekly_cost"), Value(0), output_field=DecimalField()),
        )
        .order_by(F("home__rung").asc(nulls_last=True))
    )
    total = sum(row["children"] for row in rows)
    for row in rows:
        row["rung"] = row.pop("home__rung")
        row["label"] = codes.Rung(row["rung"]).label if row["rung"] else "Moving on (16+)"
        row["percent"] = round(100 * row["children"] / total, 1) if total else None
    return rows


def ideal_vs_actual(*, children: QuerySet[Child], since: datetime.date, until: datetime.date) -> dict:
    """Approved decisions in the period whose home is lower on the ladder than the ideal, by ideal rung and reason."""
    from placements.models import RungConsideration

    decisions = PlacementDecision.objects.filter(
        child__in=children, status=codes.DecisionStatus.APPROVED, chosen_rung__isnull=False, ideal_rung__isnull=False,
        manager_approved_at__date__gte=since, manager_approved_at__date__lte=until,
    )  # fmt: skip
    why_not_ideal = RungConsideration.objects.filter(decision=OuterRef("pk"), rung=OuterRef("ideal_rung")).values("why_not")
    gaps = decisions.filter(chosen_rung__gt=F("ideal_rung")).annotate(reason=Subquery(why_not_ideal[:1]))
    rows = list(
        gaps.values("ideal_rung", "chosen_rung", "reason")
        .annotate(decisions=Count("pk"))
        .order_by("ideal_rung", "chosen_rung", "reason")
    )
    for row in rows:
        row["reason_label"] = codes.WhyNot(row["reason"]).label if row["reason"] else "Not recorded"
    totals = decisions.aggregate(total=Count("pk"), gaps=Count("pk", filter=Q(chosen_rung__gt=F("ideal_rung"))))
    return {"share": Share(totals["gaps"], totals["total"]), "rows": rows}


def steps_down_from_residential(*, children: QuerySet[Child], since: datetime.date, until: datetime.date) -> Share:
    """Moves in the period from a children's home to a family (a lower-numbered rung), out of all moves out of one."""
    came_from_residential = Exists(
        PlacementEpisode.objects.filter(
            child=OuterRef("child"), ended_on=OuterRef("started_on"), home__rung=codes.Rung.RESIDENTIAL
        ).exclude(pk=OuterRef("pk"))
    )
    moves = PlacementEpisode.objects.filter(child__in=children, started_on__gte=since, started_on__lte=until).filter(
        came_from_residential
    )
    result = moves.aggregate(total=Count("pk"), down=Count("pk", filter=Q(home__rung__lt=codes.Rung.RESIDENTIAL)))
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
