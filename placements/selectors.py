"""Reads of homes, children's homes and decisions, with the access rules, and the placement measures.

Who may see a child's homes and decisions is who may see the child (casework.selectors). Manager
pages (the forum, the review group, sufficiency, the measures) are for team managers, who see their
team's children, and heads of service, who see every child. Measures are worked out in the database."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
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
from casework.models import Child, User
from casework.selectors import children_visible_to
from placements import codes
from placements.measures import (
    ideal_vs_actual,
    long_term_stability,
    mix_of_homes,
    short_term_stability,
    steps_down_from_residential,
    years_before,
)
from placements.models import (
    Adoption,
    AdoptionDecision,
    Home,
    PlacementDecision,
    PlacementEpisode,
    PreviousPermanence,
    ResidentialReview,
    ReturnCheck,
)

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


class Places(TypedDict):
    living_there: int


if TYPE_CHECKING:  # a home with the children living there now; WithAnnotations cannot be subscripted at run time
    from django_stubs_ext import WithAnnotations

    HomeWithPlaces: TypeAlias = WithAnnotations[Home, Places]
else:
    HomeWithPlaces = Home


def homes_for(*, user: User) -> QuerySet[HomeWithPlaces]:
    """Homes are not case records: any member of case staff may look them up."""
    homes = Home.objects.select_related("provider").annotate(living_there=_living_there())
    if not (user.is_authenticated and user.is_active and user.is_case_staff):
        return homes.none()
    return homes


def _living_there() -> Count:
    return Count("episodes", filter=Q(episodes__ended_on__isnull=True))


def homes_to_choose(*, user: User, rung: int | None = None, transition: str = "") -> QuerySet[HomeWithPlaces]:
    homes = homes_for(user=user).filter(active=True, deregistered_on__isnull=True).filter(living_there__lt=F("capacity"))
    homes = homes.exclude(place_code__in=codes.PLACED_FOR_ADOPTION)  # adopters' homes: a placement for adoption instead
    if transition:
        return homes.filter(transition=transition)
    return homes.filter(rung=rung) if rung else homes


# A child's homes ---------------------------------------------------------------------------------


def episodes_visible_to(*, user: User) -> QuerySet[PlacementEpisode]:
    return PlacementEpisode.objects.filter(child__in=children_visible_to(user=user)).select_related("home__provider", "child")


def current_home_names(children: Sequence[Child]) -> dict[int, str]:
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
    last_review: datetime.date | None = None
    last_outcome: str = ""

    @property
    def overdue(self) -> bool:
        return self.next_review is not None and self.next_review < timezone.localdate()

    @property
    def last_outcome_label(self) -> str:
        return codes.ResidentialReviewOutcome(self.last_outcome).label if self.last_outcome else ""


def residential_review(*, user: User, today: datetime.date | None = None) -> list[ResidentialRow]:
    """Every child living in a children's home now: weeks there, cost so far, next review, step-down plan."""
    today = today or timezone.localdate()
    approved = PlacementDecision.objects.filter(
        child=OuterRef("child"), status=codes.DecisionStatus.APPROVED, chosen_rung=codes.Rung.RESIDENTIAL
    ).order_by("-created_at")
    reviews = ResidentialReview.objects.filter(episode=OuterRef("pk")).order_by("-reviewed_on", "-id")
    episodes = (
        PlacementEpisode.objects.filter(
            child__in=managed_children(user=user), ended_on__isnull=True, home__rung=codes.Rung.RESIDENTIAL
        )
        .select_related("child", "home__provider")
        .annotate(
            # The group's own last review sets the next one; before its first, the decision's step-down review.
            next_review=Coalesce(
                Subquery(reviews.values("next_review_on")[:1]), Subquery(approved.values("step_down_review_on")[:1])
            ),
            last_review=Subquery(reviews.values("reviewed_on")[:1]),
            last_outcome=Subquery(reviews.values("outcome")[:1]),
            plan=Subquery(approved.values("step_down_plan")[:1]),
        )
        .order_by("started_on", "id")
    )
    rows = []
    for episode in episodes:
        days = (today - episode.started_on).days
        cost = (episode.home.weekly_cost * days / 7).quantize(Decimal("1"))
        rows.append(
            ResidentialRow(
                episode, days // 7, cost, episode.next_review, episode.plan or "", episode.last_review, episode.last_outcome or ""
            )
        )
    return rows


def residential_stay_of(*, child: Child) -> PlacementEpisode | None:
    """The child's stay in a children's home now, if they live in one (access is the caller's to check)."""
    current = PlacementEpisode.objects.filter(child=child, ended_on__isnull=True, home__rung=codes.Rung.RESIDENTIAL)
    return current.select_related("home").first()


def decisions_waiting_for_move(*, child: Child) -> QuerySet[PlacementDecision]:
    """Approved decisions for the child that no move has followed yet."""
    return PlacementDecision.objects.filter(
        child=child, status=codes.DecisionStatus.APPROVED, episode__isnull=True
    ).select_related("chosen_home")


def emergency_moves_waiting(*, user: User) -> QuerySet[PlacementEpisode]:
    """Emergency moves of the manager's children whose decision is not approved yet, the most urgent first."""
    return (
        PlacementEpisode.objects.filter(child__in=managed_children(user=user), emergency=True, decision__isnull=True)
        .select_related("child", "home")
        .order_by("approval_due_at", "id")
    )


# Sufficiency -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RungPlaces:
    label: str
    homes: int
    places: int
    children: int
    vacancies: int


@dataclass(frozen=True)
class Sufficiency:
    homes: int
    places: int
    children: int
    vacancies: int
    leavers: int
    by_rung: list[RungPlaces]

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
    open_episodes = PlacementEpisode.objects.filter(home=OuterRef("pk"), ended_on__isnull=True).values("home")
    living = open_episodes.annotate(n=Count("id")).values("n")
    per_home = current.annotate(n=Coalesce(Subquery(living, output_field=IntegerField()), 0))
    rows = (
        per_home.values("rung")
        .annotate(homes=Count("id"), places=Sum("capacity"), children=Sum("n"), vacancies=Sum(F("capacity") - F("n")))
        .order_by("rung")
    )
    by_rung = [
        RungPlaces(
            codes.Rung(row["rung"]).label if row["rung"] else "", row["homes"], row["places"], row["children"], row["vacancies"]
        )
        for row in rows
    ]
    leavers = fostering.filter(deregistered_on__gt=today - datetime.timedelta(days=365), deregistered_on__lte=today).count()
    return Sufficiency(
        homes=sum(row.homes for row in by_rung),
        places=sum(row.places for row in by_rung),
        children=sum(row.children for row in by_rung),
        vacancies=sum(row.vacancies for row in by_rung),
        leavers=leavers,
        by_rung=by_rung,
    )


def measures(*, user: User, on: datetime.date) -> dict[str, Any]:
    """Every placement measure for the children behind this manager's figures, on one date (a year to it)."""
    children = managed_children(user=user)
    since = years_before(on, 1)
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


# Checks of the return ------------------------------------------------------------------------------


def return_checks(*, user: User, year: int) -> QuerySet[ReturnCheck]:
    """The checks of the return for a collection year (by its start), latest first: heads of service only, as the
    issues name every child in the return."""
    if not may_produce_903(user):
        raise PermissionDenied("Only a head of service may check the SSDA903 return.")
    return ReturnCheck.objects.filter(year=year).select_related("requested_by").order_by("-requested_at", "-id")


def return_check_latest(*, user: User, year: int) -> ReturnCheck | None:
    """The last check that finished with the validator's answer."""
    return return_checks(user=user, year=year).filter(status=codes.ReturnCheckStatus.DONE).first()


# A check being run holds a PostgreSQL advisory lock (placements.services.return_check_run), which PostgreSQL lets go
# when the runner's connection dies: a check that says it is running while nobody holds its lock lost its worker.
CHECK_LOCK = 903  # the advisory locks' first key for checks being run (voice's claims use another)
CHECK_LOCK_HELD = """
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND classid::bigint = %(space)s AND objid::bigint = %(key)s AND objsubid = 2
"""
RESEND_AFTER = datetime.timedelta(minutes=1)  # a check still waiting this long lost its message


def return_check_runner_alive(check_id: int) -> bool:
    """Whether a live connection holds the check's lock: its runner's."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({CHECK_LOCK_HELD})", {"space": CHECK_LOCK, "key": check_id % 2**31})
        row = cursor.fetchone()
    return bool(row and row[0])


def return_check_stuck(check: ReturnCheck) -> bool:
    """A check under way that nothing is working on: still waiting after RESEND_AFTER (its message was lost), or
    running while nobody holds its lock (its worker died). Asking again sends it again or starts another."""
    if check.status == codes.ReturnCheckStatus.QUEUED:
        return check.requested_at < timezone.now() - RESEND_AFTER
    if check.status == codes.ReturnCheckStatus.RUNNING:
        return not return_check_runner_alive(check.pk)
    return False


# Adoption and previous permanence ------------------------------------------------------------------


def adoption_decisions_visible_to(*, user: User) -> QuerySet[AdoptionDecision]:
    children = children_visible_to(user=user)
    return (
        AdoptionDecision.objects.filter(child__in=children).select_related("child", "recorded_by").order_by("-decided_on", "-id")
    )


def adoption_decision_get(*, user: User, decision_id: int) -> AdoptionDecision:
    decision = adoption_decisions_visible_to(user=user).filter(pk=decision_id).first()
    if decision is None:
        raise Http404("No decision found")
    return decision


def adoptions_visible_to(*, user: User) -> QuerySet[Adoption]:
    children = children_visible_to(user=user)
    return Adoption.objects.filter(child__in=children).select_related("child", "decision", "recorded_by").order_by("-adopted_on")


def adoption_get(*, user: User, adoption_id: int) -> Adoption:
    adoption = adoptions_visible_to(user=user).filter(pk=adoption_id).first()
    if adoption is None:
        raise Http404("No adoption found")
    return adoption


def previous_permanence_visible_to(*, user: User) -> QuerySet[PreviousPermanence]:
    children = children_visible_to(user=user)
    return PreviousPermanence.objects.filter(child__in=children).select_related("child", "recorded_by").order_by("child_id")


def previous_permanence_get(*, user: User, record_id: int) -> PreviousPermanence:
    record = previous_permanence_visible_to(user=user).filter(pk=record_id).first()
    if record is None:
        raise Http404("No previous permanence found")
    return record


@dataclass(frozen=True)
class Permanence:
    """A child's adoption and previous permanence, for their page (the child's visibility is checked by the caller)."""

    decisions: list[AdoptionDecision]
    adoption: Adoption | None
    previous: PreviousPermanence | None
    placed_for_adoption: PlacementEpisode | None  # their current home, if it is a placement for adoption

    @property
    def open_decision(self) -> AdoptionDecision | None:
        return next((decision for decision in self.decisions if decision.is_open), None)


def permanence_of(*, child: Child) -> Permanence:
    current = PlacementEpisode.objects.filter(child=child, ended_on__isnull=True, place__in=codes.PLACED_FOR_ADOPTION)
    return Permanence(
        decisions=list(AdoptionDecision.objects.filter(child=child).order_by("-decided_on", "-id")),
        adoption=Adoption.objects.filter(child=child).select_related("decision").first(),
        previous=PreviousPermanence.objects.filter(child=child).first(),
        placed_for_adoption=current.select_related("home").first(),
    )


def adopters_homes(*, user: User) -> QuerySet[HomeWithPlaces]:
    """Approved adopters' homes taking a child now, for placing a child for adoption."""
    homes = homes_for(user=user).filter(active=True, deregistered_on__isnull=True, place_code__in=codes.PLACED_FOR_ADOPTION)
    return homes.filter(living_there__lt=F("capacity")).order_by("name")
