"""Homes, placement decisions and the Risk of Residential forum in a child's chronology (casework.chronology).
Registered in PlacementsConfig.ready(): casework never imports this app."""

from collections.abc import Iterable

from django.urls import reverse

from casework.chronology import ChronologySource, Entry, ended, first_recorded, history_rows, short
from casework.models import Child
from placements import codes
from placements.models import Adoption, AdoptionDecision, PlacementDecision, PlacementEpisode, ResidentialReview


def home_entries(child: Child) -> Iterable[Entry]:
    """Each move in and out. A move is a change of carer or address: a new episode in the same home from the day the
    last ended (its type or provider changed) is said as that, not as leaving and moving in."""
    rows = history_rows(PlacementEpisode.history.filter(child_id=child.pk))
    started_by, ended_by = first_recorded(rows), first_recorded(rows, when=ended)
    link = reverse("placements:child-homes", args=[child.pk])
    episodes = list(PlacementEpisode.objects.filter(child=child).select_related("home").order_by("started_on", "id"))
    for before, episode, after in zip([None, *episodes], episodes, [*episodes[1:], None], strict=False):
        why = episode.get_reason_place_change_display() if episode.reason_place_change else ""
        emergency = f"Emergency move: {episode.emergency_reason}" if episode.emergency else ""
        detail = short("; ".join(part for part in (episode.get_place_display(), why, emergency) if part))
        title = f"{episode.home} became {episode.get_place_display().lower()}" if _same_home(before, episode) else (
            f"Moved to {episode.home}")  # fmt: skip
        yield Entry(episode.started_on, "home", title, detail, link, started_by.get(episode.pk, ""))
        if episode.ended_on and not _same_home(episode, after):
            left = episode.get_rec_display() if episode.rec else ""
            yield Entry(episode.ended_on, "home", f"Left {episode.home}", left, link, ended_by.get(episode.pk, ""))


def _same_home(before: PlacementEpisode | None, after: PlacementEpisode | None) -> bool:
    return before is not None and after is not None and before.home_id == after.home_id and before.ended_on == after.started_on


def residential_review_entries(child: Child) -> Iterable[Entry]:
    """The Residential Review Group's monthly reviews of the child's stays in children's homes."""
    link = reverse("placements:child-homes", args=[child.pk])
    reviews = ResidentialReview.objects.filter(episode__child=child).select_related("recorded_by")
    for review in reviews:
        title = f"Residential Review Group: {review.get_outcome_display()}"
        detail = short(f"{review.notes} Next review {review.next_review_on:%-d %b %Y}.".strip())
        yield Entry(review.reviewed_on, "residential-review", title, detail, link, str(review.recorded_by))


def decision_entries(child: Child) -> Iterable[Entry]:
    """A decision when it was started, and each approval or refusal after it."""
    decisions = PlacementDecision.objects.filter(child=child).select_related(
        "created_by", "chosen_home", "manager_approved_by", "head_approved_by"
    )
    rows = history_rows(PlacementDecision.history.filter(child_id=child.pk))
    refused_by = first_recorded(rows, when=lambda row: row.status == codes.DecisionStatus.REJECTED)
    for decision in decisions:
        link = reverse("placements:decision-detail", args=[decision.pk])
        rung = f" Chosen: {decision.get_chosen_rung_display()}." if decision.chosen_rung else ""
        title = f"Placement decision started ({decision.get_status_display().lower()})"
        yield Entry(decision.created_at, "decision", title, short(decision.why_needed + rung), link, str(decision.created_by))
        home = f"{decision.chosen_home}" if decision.chosen_home else ""
        if decision.manager_approved_at:
            by = str(decision.manager_approved_by)
            yield Entry(
                decision.manager_approved_at, "decision", "Placement decision approved by the team manager", home, link, by
            )
        if decision.head_approved_at:
            by = str(decision.head_approved_by)
            yield Entry(decision.head_approved_at, "decision", "Placement decision approved by a head of service", home, link, by)
        if decision.status == codes.DecisionStatus.REJECTED:
            yield Entry(decision.updated_at, "decision", "Placement decision not approved", short(decision.rejected_reason),
                        link, refused_by.get(decision.pk, ""))  # fmt: skip


def forum_entries(child: Child) -> Iterable[Entry]:
    """What the Risk of Residential forum decided, on the day it reviewed the decision."""
    decisions = PlacementDecision.objects.filter(child=child, ror_reviewed_on__isnull=False).exclude(ror_outcome="")
    rows = history_rows(PlacementDecision.history.filter(child_id=child.pk).exclude(ror_outcome=""))
    recorded_by = first_recorded(rows)
    for decision in decisions:
        if decision.ror_reviewed_on is None:
            continue  # filtered out above; says so to the type checker
        link = reverse("placements:decision-detail", args=[decision.pk])
        title = f"Risk of Residential forum: {decision.get_ror_outcome_display().lower()}"
        yield Entry(decision.ror_reviewed_on, "forum", title, short(decision.ror_actions), link, recorded_by.get(decision.pk, ""))


def adoption_entries(child: Child) -> Iterable[Entry]:
    """The decision to place for adoption, the match, a reversal, and the adoption order, each on its day."""
    link = reverse("placements:child-adoption", args=[child.pk])
    for decision in AdoptionDecision.objects.filter(child=child).select_related("recorded_by"):
        by = str(decision.recorded_by)
        yield Entry(decision.decided_on, "adoption", "Decision: to be placed for adoption", "", link, by)
        if decision.matched_on:
            yield Entry(decision.matched_on, "adoption", "Matched with adopters", "", link, by)
        if decision.ceased_on:
            title = "Decision to place for adoption reversed"
            yield Entry(decision.ceased_on, "adoption", title, decision.get_ceased_reason_display(), link, by)
    adoption = Adoption.objects.filter(child=child).select_related("recorded_by").first()
    if adoption is not None:
        detail = f"{adoption.get_rec_display()}; {adoption.get_adopters_display().lower()}"
        yield Entry(adoption.adopted_on, "adoption", "Adopted", detail, link, str(adoption.recorded_by))


SOURCES = (
    ChronologySource("home", "Homes", 30, home_entries),
    ChronologySource("decision", "Placement decisions", 70, decision_entries),
    ChronologySource("forum", "Risk of Residential forum", 75, forum_entries),
    ChronologySource("residential-review", "Residential Review Group", 76, residential_review_entries),
    ChronologySource("adoption", "Adoption", 77, adoption_entries),
)
