"""Writes for homes and placement decisions. Keyword-only, atomic, validated with full_clean().

The ladder rules live here, so the pages, the API and the admin cannot skip them. A service raises
ValidationError for something a person got wrong, or PermissionDenied for anything they may not do."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from casework import codes as casework_codes
from casework import postcodes
from casework import selectors as casework_selectors
from casework.models import CareEpisode, Child, LegalStatus, User
from casework.services import require_recorder, save_with_history
from casework.versions import check_version
from placements import codes
from placements.models import Home, PlacementDecision, PlacementEpisode, ResidentialReview, RungConsideration
from placements.selectors import residential_stay_of

Status = codes.DecisionStatus
DECISION_FIELDS = (
    "why_needed", "needs", "child_views", "ideal_rung", "ideal_description", "transition", "chosen_home", "move_on",
    "reason_place_change", "ror_outcome", "ror_actions", "ror_reviewed_on", "step_down_review_on", "step_down_plan",
    *(f"{stem}{suffix}" for stem, _ in codes.CHECKLIST for suffix in ("", "_reason")),
)  # fmt: skip


# A child's homes -------------------------------------------------------------------------------


@transaction.atomic
def placement_start(
    *,
    child: Child,
    home: Home,
    started_on: datetime.date,
    actor: User,
    reason: str = "",
    school_changed: bool = False,
    category_of_need: str = "",
    decision: PlacementDecision | None = None,
    emergency_reason: str = "",
) -> PlacementEpisode:
    """Move the child: end their current home (if any) the day the next one starts, and start the next.

    A move follows an approved decision for the new home's rung of the ladder (or its late-teen transition). An
    emergency move, the same day, goes first: it is marked, and its decision must be approved within 72 hours
    (decision_approve links it). A child has one home at a time: an overlap with an earlier home is refused."""
    require_recorder(actor=actor, child=child)
    current = PlacementEpisode.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    _check_start(child=child, home=home, started_on=started_on, current=current, reason=reason)
    decision = decision or _decision_for_move(child=child, home=home)
    if decision is None:
        _check_emergency(home=home, started_on=started_on, emergency_reason=emergency_reason)
    if current is not None:
        current.ended_on = started_on
        save_with_history(current, actor=actor, update_fields=["ended_on"])
    episode = PlacementEpisode(
        child=child, home=home, started_on=started_on, place=home.place_code, place_provider=home.provider.provider_code,
        legal_status=_legal_status_on(child, started_on), reason_place_change=reason if current else "",
        distance_miles=_distance(child, home), school_changed=school_changed,
        category_of_need=category_of_need or _category_of_need(child, current),
    )  # fmt: skip
    if decision is None:
        episode.emergency, episode.emergency_reason = True, emergency_reason.strip()
        episode.approval_due_at = _approval_due(started_on)
    try:
        with transaction.atomic():
            save_with_history(episode, actor=actor, reason="Emergency move" if episode.emergency else "Moved")
    except IntegrityError as error:
        raise ValidationError(
            "Someone else recorded a move for this child at the same time. Please check and try again."
        ) from error
    if decision is not None:
        decision.episode = episode
        save_with_history(decision, actor=actor, reason="Move recorded", update_fields=["episode", "updated_at"])
    return episode


def _distance(child: Child, home: Home) -> Decimal | None:
    """Miles from the child's home postcode to the home's, as the DfE's guidance measures them; None if either
    postcode is not recorded (or not in the reference data)."""
    there, away = postcodes.find(child.home_postcode), postcodes.find(home.postcode)
    return postcodes.distance_miles(there, away) if there and away else None


def _fits(decision: PlacementDecision, home: Home) -> bool:
    """The decision chose this home, or a rung (or transition) this home is on and no particular home."""
    if decision.chosen_home_id is not None:
        return decision.chosen_home_id == home.pk
    if home.transition:
        return decision.transition == home.transition
    return decision.chosen_rung is not None and decision.chosen_rung == home.rung


def _decision_for_move(*, child: Child, home: Home) -> PlacementDecision | None:
    """The approved decision, not yet used for a move, that this move to `home` follows."""
    approved = PlacementDecision.objects.select_for_update().filter(child=child, status=Status.APPROVED, episode__isnull=True)
    return next((decision for decision in approved.order_by("-manager_approved_at", "-id") if _fits(decision, home)), None)


def _check_emergency(*, home: Home, started_on: datetime.date, emergency_reason: str) -> None:
    if not emergency_reason.strip():
        where = home.get_transition_display() if home.transition else home.get_rung_display()
        raise ValidationError({
            "home": f"A move to {where.lower()} needs an approved decision for it. Start a decision, or, if the child "
            "cannot wait, record an emergency move and say why.",
        })  # fmt: skip
    today = timezone.localdate()
    if not today - datetime.timedelta(days=1) <= started_on <= today:
        raise ValidationError({
            "started_on": "An emergency move is recorded the day it happens (or the next morning). "
            "Any other move needs its approved decision first.",
        })  # fmt: skip


def _approval_due(moved_on: datetime.date) -> datetime.datetime:
    """72 hours from the move: from now for a move today, from the end of the day for one last night."""
    start = timezone.now() if moved_on == timezone.localdate() else timezone.make_aware(
        datetime.datetime.combine(moved_on, datetime.time.max))  # fmt: skip
    return start + datetime.timedelta(hours=codes.EMERGENCY_APPROVAL_HOURS)


def _category_of_need(child: Child, current: PlacementEpisode | None) -> str:
    """The CIN the worker recorded when care started, carried from home to home."""
    if current is not None and current.category_of_need:
        return current.category_of_need
    care = CareEpisode.objects.filter(child=child, ended_on__isnull=True).first()
    if care is None or not care.category_of_need:
        raise ValidationError({"category_of_need": "Choose the main reason the child needs care."})
    return care.category_of_need


def _check_start(*, child: Child, home: Home, started_on: datetime.date, current: PlacementEpisode | None, reason: str) -> None:
    in_care = CareEpisode.objects.filter(child=child, started_on__lte=started_on, ended_on__isnull=True).exists()
    if not in_care:
        raise ValidationError({"started_on": "The child must be in care on the date they move."})
    if not home.active or (home.deregistered_on and home.deregistered_on <= started_on):
        raise ValidationError({"home": f"{home} is no longer taking children."})
    if current is not None and started_on <= current.started_on:
        raise ValidationError({"started_on": f"This overlaps the current home, which started on {current.started_on:%d/%m/%Y}."})
    if current is not None and current.home_id == home.pk:
        raise ValidationError({"home": "The child already lives here."})
    if PlacementEpisode.objects.filter(child=child, ended_on__gt=started_on).exists():
        raise ValidationError({"started_on": "This overlaps an earlier home."})
    if current is not None and reason not in codes.ReasonPlaceChange.values:
        raise ValidationError({"reason": "Choose why the child is moving."})
    living_there = PlacementEpisode.objects.filter(home=home, started_on__lte=started_on, ended_on__isnull=True).count()
    if living_there >= home.capacity:
        raise ValidationError({"home": f"{home} has no vacancy."})


def _legal_status_on(child: Child, day: datetime.date) -> str:
    status = (
        LegalStatus.objects.filter(child=child, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .order_by("-started_on")
        .first()
    )
    return status.code if status else ""


@transaction.atomic
def placement_end_care(*, child: Child, ended_on: datetime.date, rec_code: str, actor: User) -> PlacementEpisode:
    """The child leaves care: their current home ends with the 903 reason, as do their period in care and legal status."""
    require_recorder(actor=actor, child=child)
    episode = PlacementEpisode.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    if episode is None:
        raise ValidationError("This child has no current home recorded.")
    if rec_code not in dict(codes.END_OF_CARE):
        raise ValidationError({"rec_code": "Choose why the child is leaving care."})
    if ended_on < episode.started_on:
        raise ValidationError({"ended_on": f"Care cannot end before the current home started ({episode.started_on:%d/%m/%Y})."})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The date care ended cannot be in the future."})
    episode.ended_on, episode.rec = ended_on, rec_code
    save_with_history(episode, actor=actor, update_fields=["ended_on", "rec"])
    for open_row in (CareEpisode, LegalStatus):
        row = open_row.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
        if row is not None:
            row.ended_on = max(ended_on, row.started_on)
            save_with_history(row, actor=actor, reason="Left care", update_fields=["ended_on"])
    return episode


# Decisions -------------------------------------------------------------------------------------


def _require_open(decision: PlacementDecision) -> None:
    if decision.status not in (Status.DRAFT, Status.REJECTED):
        raise ValidationError("This decision has been submitted: it can no longer be changed.")


@transaction.atomic
def decision_create(*, child: Child, actor: User, why_needed: str, **fields: Any) -> PlacementDecision:
    require_recorder(actor=actor, child=child)
    decision = PlacementDecision(child=child, created_by=actor, why_needed=why_needed)
    _apply(decision, fields)
    save_with_history(decision, actor=actor)
    return decision


def _apply(decision: PlacementDecision, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown decision fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(decision, name, "" if value is None and name.endswith("_reason") else value)
    if fields.get("transition"):
        decision.chosen_rung = None  # a move to more independence is not a rung of the ladder


@transaction.atomic
def decision_update(
    *, decision: PlacementDecision, actor: User, version: datetime.datetime | None = None, **fields: Any
) -> PlacementDecision:
    """Change an open decision. `version` is its updated_at when the person opened it (see casework.versions)."""
    decision = PlacementDecision.objects.select_for_update().get(pk=decision.pk)
    require_recorder(actor=actor, child=decision.child)
    check_version(decision, version=version)
    _require_open(decision)
    _apply(decision, fields)
    if decision.chosen_home is not None:
        _check_home_fits(decision, decision.chosen_home)
    save_with_history(decision, actor=actor)
    return decision


@transaction.atomic
def decision_rung_record(
    *, decision: PlacementDecision, rung: int, why_not: str, detail: str, actor: User, tried: str = ""
) -> RungConsideration:
    """Record why one rung of the ladder is not right for the child (recording it again replaces it)."""
    require_recorder(actor=actor, child=decision.child)
    _require_open(decision)
    if not detail.strip():
        raise ValidationError({"detail": "Say why this was not right for the child."})
    entry = RungConsideration.objects.filter(decision=decision, rung=rung).first() or RungConsideration(
        decision=decision, rung=rung
    )
    entry.tried, entry.why_not, entry.detail = tried, why_not, detail
    save_with_history(entry, actor=actor)
    if decision.chosen_rung is not None and decision.chosen_rung <= rung:
        decision.chosen_rung, decision.chosen_home = None, None  # that rung has just been ruled out
        save_with_history(decision, actor=actor, update_fields=["chosen_rung", "chosen_home", "updated_at"])
    return entry


def _check_ladder(decision: PlacementDecision, rung: int) -> None:
    ruled_out = set(decision.rungs.values_list("rung", flat=True))
    missing = [codes.Rung(higher).label for higher in range(1, rung) if higher not in ruled_out]
    if missing:
        raise ValidationError(
            {"chosen_rung": f"Before choosing this, record why each higher rung is not right: {', '.join(missing)}."}
        )


@transaction.atomic
def decision_choose_rung(*, decision: PlacementDecision, rung: int, actor: User) -> PlacementDecision:
    """Choose a rung of the ladder. Every higher rung needs a recorded reason first."""
    decision = PlacementDecision.objects.select_for_update().get(pk=decision.pk)
    require_recorder(actor=actor, child=decision.child)
    _require_open(decision)
    if rung not in codes.Rung.values:
        raise ValidationError({"chosen_rung": "Choose a rung of the ladder."})
    _check_ladder(decision, rung)
    if decision.chosen_home is not None and decision.chosen_home.rung != rung:
        decision.chosen_home = None
    decision.chosen_rung, decision.transition = rung, ""
    save_with_history(decision, actor=actor)
    return decision


def _check_home_fits(decision: PlacementDecision, home: Home) -> None:
    if decision.transition:
        if home.transition != decision.transition:
            raise ValidationError({"chosen_home": f"Choose a home offering {decision.get_transition_display().lower()}."})
    elif decision.chosen_rung is None or home.rung != decision.chosen_rung:
        raise ValidationError({"chosen_home": "Choose a home on the rung you chose."})


def _check_transition_age(decision: PlacementDecision) -> None:
    day = decision.move_on or timezone.localdate()
    if decision.transition and decision.child.age_on(day) < codes.TRANSITION_AGE:
        raise ValidationError({"transition": "A move to more independence is only for a young person aged 16 or over."})


def _check_complete(decision: PlacementDecision, today: datetime.date) -> None:
    """Everything a decision needs before a manager sees it, and again before it is approved."""
    errors: dict[str, str] = {}
    if decision.chosen_rung is None and not decision.transition:
        errors["chosen_rung"] = "Choose a rung of the ladder, or a move to more independence."
    if decision.transition and not decision.child_views.strip():
        errors["child_views"] = "Write down the young person's views on the move, in their words."
    for stem, question in codes.CHECKLIST:
        answer = getattr(decision, stem)
        if not answer:
            errors[stem] = f"Answer: {question.lower()}."
        elif answer == codes.Answer.NO and not getattr(decision, f"{stem}_reason").strip():
            errors[f"{stem}_reason"] = f"Say why not: {question.lower()}."
    if errors:
        raise ValidationError(errors)
    if decision.chosen_rung is not None:
        _check_ladder(decision, decision.chosen_rung)
    _check_transition_age(decision)
    if decision.chosen_home is not None:
        _check_home_fits(decision, decision.chosen_home)
    if decision.is_residential:
        _check_residential(decision, today)


def _check_residential(decision: PlacementDecision, today: datetime.date) -> None:
    if not decision.ror_outcome:
        raise ValidationError({"ror_outcome": "A children's home needs the Risk of Residential forum's review first."})
    if decision.ror_outcome != codes.RiskOfResidentialOutcome.RESIDENTIAL_AUTHORISED:
        raise ValidationError({"ror_outcome": "The Risk of Residential forum has not authorised a children's home."})
    if not decision.step_down_within(today):
        raise ValidationError(
            {"step_down_review_on": f"Set a step-down review date within {codes.STEP_DOWN_WEEKS} weeks from today."}
        )


@transaction.atomic
def decision_submit(*, decision: PlacementDecision, actor: User) -> PlacementDecision:
    decision = PlacementDecision.objects.select_for_update().get(pk=decision.pk)
    require_recorder(actor=actor, child=decision.child)
    _require_open(decision)
    _check_complete(decision, timezone.localdate())
    decision.status, decision.submitted_at = Status.SUBMITTED, timezone.now()
    decision.rejected_reason = ""
    save_with_history(decision, actor=actor, reason="Submitted")
    return decision


def _may_approve(*, user: User, child: Child) -> bool:
    role = user.role
    is_manager = role == casework_codes.Role.TEAM_MANAGER or role == casework_codes.Role.HEAD_OF_SERVICE
    return is_manager and casework_selectors.child_can_record(user=user, child=child)


def decision_can_approve(*, user: User, decision: PlacementDecision) -> bool:
    return decision.status == Status.SUBMITTED and _may_approve(user=user, child=decision.child)


@transaction.atomic
def decision_approve(*, decision: PlacementDecision, actor: User) -> PlacementDecision:
    """A team manager of the child's team, or a head of service, approves. A children's home also needs a
    head of service. Once fully approved, a decision with a chosen home and a date starts the move."""
    decision = PlacementDecision.objects.select_for_update().get(pk=decision.pk)
    if not _may_approve(user=actor, child=decision.child):
        raise PermissionDenied("Only the child's team manager or a head of service can approve a decision.")
    if decision.status != Status.SUBMITTED:
        raise ValidationError("Only a submitted decision can be approved.")
    today, now = timezone.localdate(), timezone.now()
    _check_complete(decision, today)
    if decision.manager_approved_by_id is None:  # a head's approval after the manager's keeps the manager's
        decision.manager_approved_by, decision.manager_approved_at = actor, now
    if actor.role == casework_codes.Role.HEAD_OF_SERVICE:
        decision.head_approved_by, decision.head_approved_at = actor, now
    if not decision.is_residential or decision.head_approved_by_id:
        decision.status = Status.APPROVED
    save_with_history(
        decision, actor=actor, reason="Approved" if decision.status == Status.APPROVED else "Approved by team manager"
    )
    if decision.status != Status.APPROVED:
        return decision
    emergency = _emergency_waiting(decision)
    if emergency is not None:
        decision.episode = emergency
        save_with_history(decision, actor=actor, reason="Approves the emergency move", update_fields=["episode", "updated_at"])
    elif decision.chosen_home and decision.move_on:
        placement_start(
            child=decision.child, home=decision.chosen_home, started_on=decision.move_on, actor=actor,
            reason=decision.reason_place_change or codes.ReasonPlaceChange.CARPL, decision=decision,
        )  # fmt: skip
    return decision


def _emergency_waiting(decision: PlacementDecision) -> PlacementEpisode | None:
    """The child's emergency move, still waiting for its decision, that this decision is for: its rung or home, and
    its day when the decision names one (the child may have moved on since; the approval is still owed)."""
    waiting = PlacementEpisode.objects.filter(child=decision.child, emergency=True, decision__isnull=True).select_related("home")
    for episode in waiting.order_by("-started_on", "-id"):
        if _fits(decision, episode.home) and decision.move_on in (None, episode.started_on):
            return episode
    return None


@transaction.atomic
def decision_reject(*, decision: PlacementDecision, actor: User, reason: str) -> PlacementDecision:
    decision = PlacementDecision.objects.select_for_update().get(pk=decision.pk)
    if not _may_approve(user=actor, child=decision.child):
        raise PermissionDenied("Only the child's team manager or a head of service can turn a decision down.")
    if decision.status != Status.SUBMITTED:
        raise ValidationError("Only a submitted decision can be turned down.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the decision is not approved, so the worker knows what to change."})
    decision.status, decision.rejected_reason = Status.REJECTED, reason.strip()
    decision.manager_approved_by = decision.manager_approved_at = None
    save_with_history(decision, actor=actor, reason="Not approved")
    return decision


@transaction.atomic
def decision_record_forum(
    *, decision: PlacementDecision, outcome: str, actions: str, reviewed_on: datetime.date, actor: User
) -> PlacementDecision:
    """The Risk of Residential forum's outcome, recorded by its chair (a manager who may approve)."""
    decision = PlacementDecision.objects.select_for_update().get(pk=decision.pk)
    if not _may_approve(user=actor, child=decision.child):
        raise PermissionDenied("Only a team manager or head of service records the forum's outcome.")
    if not decision.is_open:
        raise ValidationError("This decision is closed.")
    decision.ror_outcome, decision.ror_actions, decision.ror_reviewed_on = outcome, actions, reviewed_on
    save_with_history(decision, actor=actor, reason="Risk of Residential forum")
    return decision


# The Residential Review Group ------------------------------------------------------------------


@transaction.atomic
def residential_review_record(
    *, child: Child, actor: User, reviewed_on: datetime.date, outcome: str, next_review_on: datetime.date, notes: str = ""
) -> ResidentialReview:
    """The group's monthly review of a child living in a children's home now: what it decided and when it meets next."""
    if not _may_approve(user=actor, child=child):
        raise PermissionDenied("Only a team manager or head of service records the Residential Review Group's review.")
    Child.objects.select_for_update().get(pk=child.pk)  # one review at a time for a child: a second click waits, then is told
    episode = residential_stay_of(child=child)
    if episode is None:
        raise ValidationError(f"{child.display_name} does not live in a children's home now: the group reviews those who do.")
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "The review's date cannot be in the future."})
    if reviewed_on < episode.started_on:
        raise ValidationError({"reviewed_on": f"The child moved in on {episode.started_on:%d/%m/%Y}: review after that."})
    if outcome not in codes.ResidentialReviewOutcome.values:
        raise ValidationError({"outcome": "Choose what the group decided."})
    latest = reviewed_on + datetime.timedelta(weeks=codes.RESIDENTIAL_REVIEW_WEEKS)
    if not reviewed_on < next_review_on <= latest:
        raise ValidationError({"next_review_on": f"The group meets monthly: set the next review by {latest:%d/%m/%Y}."})
    if ResidentialReview.objects.filter(episode=episode, reviewed_on=reviewed_on).exists():
        raise ValidationError({"reviewed_on": "A review on this date is already recorded."})
    review = ResidentialReview(
        episode=episode, reviewed_on=reviewed_on, outcome=outcome, next_review_on=next_review_on, notes=notes.strip(),
        recorded_by=actor,
    )  # fmt: skip
    save_with_history(review, actor=actor, reason="Residential Review Group")
    return review
