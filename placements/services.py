"""Writes for homes and placement decisions. Keyword-only, atomic, validated with full_clean().

The ladder rules live here, so the pages, the API and the admin cannot skip them. A service raises
ValidationError for something a person got wrong, or PermissionDenied for anything they may not do."""

import datetime
import logging
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from casework import codes as casework_codes
from casework import postcodes
from casework import selectors as casework_selectors
from casework.models import CareEpisode, Child, LegalStatus, User
from casework.services import legal_status_may_end, require_back_before_care_ends, require_recorder, save_with_history
from casework.versions import check_version
from placements import codes, export, selectors, validation
from placements.models import (
    Adoption,
    AdoptionDecision,
    Home,
    PlacementDecision,
    PlacementEpisode,
    PreviousPermanence,
    ResidentialReview,
    ReturnCheck,
    RungConsideration,
)
from placements.selectors import residential_stay_of
from placements.validation import CollectionYear

logger = logging.getLogger(__name__)

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
    if home.place_code in codes.PLACED_FOR_ADOPTION:
        raise ValidationError({"home": "A placement for adoption follows the decision and the match: record it on the child's "
                                       "adoption page."})  # fmt: skip
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
    _check_home_fits_status(status=_legal_status_on(child, started_on), home=home, moving=current is not None)
    living_there = PlacementEpisode.objects.filter(home=home, started_on__lte=started_on, ended_on__isnull=True).count()
    if living_there >= home.capacity:
        raise ValidationError({"home": f"{home} has no vacancy."})


def _check_home_fits_status(*, status: str, home: Home, moving: bool) -> None:
    """Homes the law rules out for the child's legal status (903 rules 366, 378, 382, 384)."""
    if status == casework_codes.LegalStatusCode.V3 and moving:
        raise ValidationError({"home": "A short break is in one home: end this break, and record the next one there."})
    long_term_or_temporary = (codes.PlaceCode.U1, codes.PlaceCode.U4, *(code for code in codes.PlaceCode if code.startswith("T")))
    if status in casework_codes.SHORT_BREAKS and home.place_code in long_term_or_temporary:
        raise ValidationError({"home": "A short break cannot be in a long-term foster home or a temporary one."})
    if status == casework_codes.LegalStatusCode.V2 and home.place_code == codes.PlaceCode.P1:
        raise ValidationError({"home": "A child can be placed with their parents under a care order, not section 20 (V2)."})


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
    """The child leaves care: their current home ends with the 903 reason, as do their period in care and legal status.
    An adoption ends care through adoption_record, which keeps who adopted the child; an open decision that the child
    should be placed for adoption must be reversed first, so the return never shows a plan for adoption left hanging."""
    require_recorder(actor=actor, child=child)
    if rec_code in codes.ADOPTED:
        raise ValidationError({"rec_code": "Record an adoption on the child's adoption page, with who adopted them."})
    if AdoptionDecision.objects.filter(child=child, ceased_on__isnull=True).exists():
        raise ValidationError({"rec_code": f"{child.display_name} has an open decision to be placed for adoption: record "
                                           "that it was reversed, and why, first."})  # fmt: skip
    return _end_care(child=child, ended_on=ended_on, rec_code=rec_code, actor=actor)


def _end_care(*, child: Child, ended_on: datetime.date, rec_code: str, actor: User) -> PlacementEpisode:
    episode = PlacementEpisode.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    if episode is None:
        raise ValidationError("This child has no current home recorded.")
    if rec_code not in dict(codes.END_OF_CARE):
        raise ValidationError({"rec_code": "Choose why the child is leaving care."})
    if ended_on < episode.started_on:
        raise ValidationError({"ended_on": f"Care cannot end before the current home started ({episode.started_on:%d/%m/%Y})."})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The date care ended cannot be in the future."})
    status = LegalStatus.objects.filter(child=child, ended_on__isnull=True).first()
    if status is not None:
        legal_status_may_end(status=status, ended_on=ended_on)
    require_back_before_care_ends(child=child, ended_on=ended_on)
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


# Checking the return ------------------------------------------------------------------------------
# The DfE's validator takes a few seconds, about 30 at 3,000 children: too long for a page to wait on, and two at
# once would only compete for the same CPU. So a head of service's click stores a ReturnCheck and a Celery task
# (placements.tasks.check_return) runs it. The row is what the page shows, so a reload loses nothing; at most one
# check per year is under way (a constraint), so a second click joins it; the runner holds an advisory lock for as
# long as it runs, so a check whose worker died is known by its lock being free.

CHECK_RETURN = "placements.tasks.check_return"  # looked up by name: the task imports this module, not the reverse
CHECK_LOCK = selectors.CHECK_LOCK
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CheckStatus = codes.ReturnCheckStatus
UNDER_WAY = (CheckStatus.QUEUED, CheckStatus.RUNNING)


@transaction.atomic
def return_check_request(*, user: User, year: CollectionYear) -> ReturnCheck:
    """Start a check of the return for `year`, or join the one under way (another click, another head of service).

    A check that says it is running while nobody holds its lock lost its worker: it is closed as failed and a new one
    starts. One still waiting after selectors.RESEND_AFTER is sent again; the claim in return_check_run makes that harmless."""
    if not selectors.may_produce_903(user):
        raise PermissionDenied("Only a head of service may check the SSDA903 return.")
    under_way = ReturnCheck.objects.filter(year=year.start, status__in=UNDER_WAY).first()
    if (
        under_way is not None
        and under_way.status == CheckStatus.RUNNING
        and not selectors.return_check_runner_alive(under_way.pk)
    ):
        _finish(under_way.pk, CheckStatus.RUNNING, status=CheckStatus.FAILED, failure=WORKER_STOPPED)
        under_way = None
    if under_way is not None:
        if selectors.return_check_stuck(under_way):
            _send(under_way.pk)
        return under_way
    try:
        with transaction.atomic():
            check = ReturnCheck.objects.create(year=year.start, requested_by=user)
    except IntegrityError:  # another request started one between the look and the insert: join that one
        return ReturnCheck.objects.get(year=year.start, status__in=UNDER_WAY)
    _send(check.pk)
    return check


WORKER_STOPPED = "The check stopped before it finished (the worker running it stopped). Check again."


def return_check_run(*, check_id: int) -> ReturnCheck | None:
    """The task's work: claim the check, run the validator over the return, store what it said. Safe to run twice:
    only whoever holds the check's lock and moves it to running does the work; None for anyone else. Not atomic:
    "running" is committed at once, for the page to show while the validator works."""
    if not _lock(check_id):
        return None  # a live runner has it
    try:
        now = timezone.now()
        claimed = ReturnCheck.objects.filter(pk=check_id, status__in=UNDER_WAY).update(
            status=CheckStatus.RUNNING, started_at=now, attempts=F("attempts") + 1
        )
        if claimed != 1:
            return None  # done, or closed as failed, already
        _run_claimed(ReturnCheck.objects.select_related("requested_by").get(pk=check_id))
        return ReturnCheck.objects.get(pk=check_id)
    finally:
        _unlock(check_id)


def return_check_fail(*, check_id: int, failure: str) -> None:
    """The task gave up (an error, or too long): the check says why, and a click starts a new one."""
    _finish(check_id, *UNDER_WAY, status=CheckStatus.FAILED, failure=failure)


def _run_claimed(check: ReturnCheck) -> None:
    year = CollectionYear(check.year)
    try:
        result = export.ssda903_build(user=check.requested_by, year=year.start)
        found = validation.ssda903_validate(result, year=year.end)
    except (validation.ValidatorError, PermissionDenied) as error:
        _finish(check.pk, CheckStatus.RUNNING, status=CheckStatus.FAILED, failure=str(error))
        return
    hearth_ids = {str(row["CHILD"]): pk for row, pk in zip(result.header, result.children, strict=True)}
    _finish(
        check.pk,
        CheckStatus.RUNNING,
        status=CheckStatus.DONE,
        validator_version=found.version,
        seconds=found.seconds,
        summary={
            "issues": len(found.issues),
            "children": found.children,
            "rules": found.rules,
            "run": found.run,
            "skipped": found.skipped,
            "not_run": found.not_run,
        },
        issues=[asdict(issue) | {"child_id": hearth_ids.get(issue.child)} for issue in found.issues],
        children=result.children,
    )


def _finish(check_id: int, *was: str, **values: Any) -> None:
    """Write the outcome only over a check still in one of the states `was`: one outcome per check."""
    ReturnCheck.objects.filter(pk=check_id, status__in=was).update(finished_at=timezone.now(), **values)


def _send(check_id: int) -> None:
    """Send the check to a worker once the row is committed. A broker that cannot be reached leaves it waiting:
    the next click sends it again (selectors.return_check_stuck)."""

    def send() -> None:
        try:
            current_app.tasks[CHECK_RETURN].apply_async(args=(check_id,), retry_policy=PUBLISH_RETRY)
        except BrokerUnavailable:
            logger.warning("The broker is unreachable: return check %s waits for the next click", check_id)

    transaction.on_commit(send)


def _lock(check_id: int) -> bool:
    """The check's lock, if no live connection holds it (this one included: PostgreSQL would hand a connection a
    lock it already holds)."""
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SQL, {"space": CHECK_LOCK, "key": check_id % 2**31})
        row = cursor.fetchone()
    return bool(row and row[0])


def _unlock(check_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [CHECK_LOCK, check_id % 2**31])
    except DatabaseError:
        logger.warning("Could not let go of return check %s's lock: its connection, and the lock, are gone", check_id)


LOCK_SQL = f"""
SELECT CASE
    WHEN EXISTS ({selectors.CHECK_LOCK_HELD} AND pid = pg_backend_pid()) THEN false
    ELSE pg_try_advisory_lock(%(space)s, %(key)s)
END
"""
# Adoption --------------------------------------------------------------------------------------
# The 903 follows an adoption through a decision (PlacedAdoption), a match, a placement for adoption (home types A3 to
# A6) and the adoption order that ends care (REC E11/E12, with AD1's details). Each step checks the ones before it, so
# the return cannot show an adoption without its placement, or a placement for adoption without its decision and match.

DECISION_CHANGES = ("decided_on", "matched_on", "ceased_on", "ceased_reason")
ADOPTION_CORRECTIONS = ("rec", "adopters", "adopters_sex")


def _in_care_on(child: Child, day: datetime.date) -> bool:
    periods = CareEpisode.objects.filter(child=child, started_on__lte=day)
    return periods.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day)).exists()


def _open_adoption_decision(child: Child) -> AdoptionDecision | None:
    return AdoptionDecision.objects.select_for_update().filter(child=child, ceased_on__isnull=True).first()


@transaction.atomic
def adoption_decision_record(*, child: Child, actor: User, decided_on: datetime.date) -> AdoptionDecision:
    """The decision that the child should be placed for adoption, made while they are in care. A child has one open
    decision at a time: a new one follows the reversal of the one before."""
    require_recorder(actor=actor, child=child)
    Child.objects.select_for_update().get(pk=child.pk)  # two decisions recorded at once: the second waits, then is told
    decision = AdoptionDecision(child=child, decided_on=decided_on, recorded_by=actor)
    _check_adoption_decision(decision)
    save_with_history(decision, actor=actor, reason="Decision to place for adoption")
    return decision


@transaction.atomic
def adoption_decision_update(*, decision: AdoptionDecision, actor: User, reason: str = "", **fields: Any) -> AdoptionDecision:
    """The match with adopters, or the reversal of the decision and why; or a correction of a date recorded wrongly,
    which says why (the history keeps the change, who made it and the reason)."""
    require_recorder(actor=actor, child=decision.child)
    Child.objects.select_for_update().get(pk=decision.child_id)
    decision = AdoptionDecision.objects.select_for_update().select_related("child").get(pk=decision.pk)
    unknown = set(fields) - set(DECISION_CHANGES)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    fields = {name: "" if value is None and name == "ceased_reason" else value for name, value in fields.items()}
    changed = {name for name, value in fields.items() if getattr(decision, name) != value}
    if any(getattr(decision, name) not in (None, "") for name in changed) and not reason.strip():
        raise ValidationError({"reason": "Say why you are correcting what was recorded."})
    for name, value in fields.items():
        setattr(decision, name, value)
    _check_adoption_decision(decision)
    done = "Decision reversed" if "ceased_on" in changed else "Matched with adopters" if "matched_on" in changed else "Saved"
    save_with_history(decision, actor=actor, reason=reason.strip() or done)
    return decision


def _check_adoption_decision(decision: AdoptionDecision) -> None:
    child, today = decision.child, timezone.localdate()
    _check_adoption_day(child, decision.decided_on, "decided_on", "The decision", today)
    if decision.matched_on is not None:
        if decision.matched_on > today:
            raise ValidationError({"matched_on": "The date of the match cannot be in the future."})
        if decision.matched_on < decision.decided_on:
            raise ValidationError({"matched_on": f"A match follows the decision ({decision.decided_on:%d/%m/%Y})."})
    if (decision.ceased_on is None) != (not decision.ceased_reason):
        field = "ceased_reason" if decision.ceased_on else "ceased_on"
        raise ValidationError({field: "Give both the date the decision was reversed and why."})
    if decision.ceased_on is not None:
        _check_reversal(decision, today)
    others = list(AdoptionDecision.objects.filter(child=child).exclude(pk=decision.pk))
    for other in others:
        if _overlaps(other, decision):
            raise ValidationError({"decided_on": f"This overlaps the decision of {other.decided_on:%d/%m/%Y}: a new decision "
                                                 "follows the reversal of the one before."})  # fmt: skip
    _check_placements_for_adoption(child, [*others, decision])


def _check_adoption_day(child: Child, day: datetime.date, field: str, label: str, today: datetime.date) -> None:
    if day > today:
        raise ValidationError({field: f"{label} cannot be in the future."})
    if not _in_care_on(child, day):
        raise ValidationError({field: f"{child.display_name} was not in care on {day:%d/%m/%Y}: decisions about adoption "
                                      "are made while a child is in care."})  # fmt: skip


def _check_reversal(decision: AdoptionDecision, today: datetime.date) -> None:
    ceased_on = decision.ceased_on
    assert ceased_on is not None  # noqa: S101 - the caller checked; says so to the type checker
    _check_adoption_day(decision.child, ceased_on, "ceased_on", "The reversal", today)
    if ceased_on < decision.decided_on:
        raise ValidationError({"ceased_on": f"A decision is reversed after it is made ({decision.decided_on:%d/%m/%Y})."})
    if decision.pk and Adoption.objects.filter(decision=decision).exists():
        raise ValidationError({"ceased_on": "This decision ended in an adoption: it cannot be reversed."})
    still_placed = PlacementEpisode.objects.filter(
        child=decision.child, place__in=codes.PLACED_FOR_ADOPTION, started_on__gte=decision.decided_on
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=ceased_on))
    if still_placed.exists():
        raise ValidationError({"ceased_on": f"{decision.child.display_name} is placed for adoption on that day: record "
                                            "the move out first."})  # fmt: skip


def _overlaps(one: AdoptionDecision, other: AdoptionDecision) -> bool:
    """Each decision runs from the day it was made until the day it was reversed (open-ended while it stands)."""
    far = datetime.date.max
    return one.decided_on < (other.ceased_on or far) and other.decided_on < (one.ceased_on or far)


def _check_placements_for_adoption(child: Child, decisions: list[AdoptionDecision]) -> None:
    """Every placement for adoption came after a decision and a match, while the decision stood."""
    for episode in PlacementEpisode.objects.filter(child=child, place__in=codes.PLACED_FOR_ADOPTION):
        if not any(_stood_matched(decision, episode.started_on) for decision in decisions):
            raise ValidationError(
                f"{child.display_name} was placed for adoption on {episode.started_on:%d/%m/%Y}: that needs a decision "
                "and a match on or before that day, not reversed by then."
            )


def _stood_matched(decision: AdoptionDecision, day: datetime.date) -> bool:
    matched = decision.matched_on is not None and decision.matched_on <= day
    return decision.decided_on <= day and matched and (decision.ceased_on is None or decision.ceased_on > day)


@transaction.atomic
def adoption_placement_start(
    *, child: Child, actor: User, started_on: datetime.date, home: Home | None = None
) -> PlacementEpisode:
    """The child is placed for adoption: with the foster carers they live with, who are to adopt them (no `home`: the
    child stays, and the 903 type of their home becomes A3 or A5), or with adopters in `home` (A4 or A6). A placement
    order (legal status E1) makes it A5 or A6; consent, A3 or A4. It follows an open decision and a match."""
    require_recorder(actor=actor, child=child)
    current = PlacementEpisode.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    _check_adoption_placement(child=child, current=current, started_on=started_on, home=home)
    legal = _legal_status_on(child, started_on)
    place = _adoption_place(with_carers=home is None, placement_order=legal == codes.PLACEMENT_ORDER)
    if place == codes.PlaceCode.A4 and current is not None and current.place not in codes.FOSTERING:
        raise ValidationError({"home": f"{child.display_name} lives at {current.home}, not with foster carers: without "
                                       "a placement order, a placement for adoption is from a foster home."})  # fmt: skip
    target = home or current.home  # type: ignore[union-attr]  # _check_adoption_placement: a current home when no home
    if current is not None:
        current.ended_on = started_on
        save_with_history(current, actor=actor, update_fields=["ended_on"])
    episode = PlacementEpisode(
        child=child, home=target, started_on=started_on, place=place, place_provider=target.provider.provider_code,
        legal_status=legal, category_of_need=_category_of_need(child, current), reason_place_change=_why_moved(current, home),
    )  # fmt: skip
    save_with_history(episode, actor=actor, reason="Placed for adoption")
    return episode


def _why_moved(current: PlacementEpisode | None, home: Home | None) -> str:
    """With the same carers only the placement's status changes; a move to adopters implements the care plan."""
    if current is None:
        return ""
    return codes.ReasonPlaceChange.PLACE if home is None else codes.ReasonPlaceChange.CARPL


def _adoption_place(*, with_carers: bool, placement_order: bool) -> str:
    P = codes.PlaceCode
    if with_carers:
        return P.A5 if placement_order else P.A3
    return P.A6 if placement_order else P.A4


def _check_adoption_placement(
    *, child: Child, current: PlacementEpisode | None, started_on: datetime.date, home: Home | None
) -> None:
    name, decision = child.display_name, _open_adoption_decision(child)
    if decision is None:
        raise ValidationError(f"Record the decision that {name} should be placed for adoption first.")
    if decision.matched_on is None or decision.matched_on > started_on:
        raise ValidationError({"started_on": f"{name} is placed for adoption once matched with adopters: record the match, "
                                             "on or before this day, first."})  # fmt: skip
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "The placement cannot start in the future."})
    if not CareEpisode.objects.filter(child=child, started_on__lte=started_on, ended_on__isnull=True).exists():
        raise ValidationError({"started_on": f"{name} must be in care on the day they are placed for adoption."})
    if current is not None and started_on <= current.started_on:
        raise ValidationError({"started_on": f"This overlaps the current home, which started on {current.started_on:%d/%m/%Y}."})
    if current is not None and current.place in codes.PLACED_FOR_ADOPTION:
        raise ValidationError(f"{name} is already placed for adoption.")
    if home is None:
        if current is None or current.place not in codes.FOSTERING:
            raise ValidationError({"home": f"{name} does not live with foster carers now: choose the adopters' home."})
        return
    if home.place_code not in codes.PLACED_FOR_ADOPTION:
        raise ValidationError({"home": "Choose an adopters' home."})
    if not home.active or (home.deregistered_on and home.deregistered_on <= started_on):
        raise ValidationError({"home": f"{home} is no longer taking children."})
    if PlacementEpisode.objects.filter(home=home, ended_on__isnull=True).count() >= home.capacity:
        raise ValidationError({"home": f"{home} has no vacancy."})


@transaction.atomic
def adoption_record(
    *, child: Child, actor: User, adopted_on: datetime.date, rec: str, adopters: str, adopters_sex: str
) -> Adoption:
    """The adoption order: the child's care ends in their placement for adoption (903 REC E11 or E12), and who adopted
    them is kept for the 903's AD1."""
    require_recorder(actor=actor, child=child)
    current = PlacementEpisode.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    decision = _open_adoption_decision(child)
    if current is None or current.place not in codes.PLACED_FOR_ADOPTION or decision is None:
        raise ValidationError(f"{child.display_name} is not placed for adoption: record the placement for adoption first.")
    if Adoption.objects.filter(child=child).exists():
        raise ValidationError(f"{child.display_name}'s adoption is already recorded.")
    if adopted_on <= current.started_on:
        raise ValidationError({"adopted_on": f"The adoption order follows the placement for adoption "
                                             f"({current.started_on:%d/%m/%Y})."})  # fmt: skip
    if child.age_on(adopted_on) >= codes.ADULT_AGE:
        raise ValidationError({"adopted_on": f"A person cannot be adopted at {codes.ADULT_AGE} or over."})
    _check_adopters(rec=rec, adopters=adopters, adopters_sex=adopters_sex)
    _check_no_reversal_that_year(child, adopted_on)
    _end_care(child=child, ended_on=adopted_on, rec_code=rec, actor=actor)
    adoption = Adoption(
        child=child, decision=decision, adopted_on=adopted_on, rec=rec, adopters=adopters, adopters_sex=adopters_sex,
        recorded_by=actor,
    )  # fmt: skip
    save_with_history(adoption, actor=actor, reason="Adopted")
    return adoption


def _check_adopters(*, rec: str, adopters: str, adopters_sex: str) -> None:
    if rec not in codes.ADOPTED:
        raise ValidationError({"rec": "Say whether the adoption was unopposed or the court dispensed with consent."})
    if adopters not in codes.AdoptersLegalStatus.values:
        raise ValidationError({"adopters": "Say who adopted the child."})
    if adopters_sex not in codes.ADOPTERS_SEXES[codes.AdoptersLegalStatus(adopters)]:
        allowed = " or ".join(sex.label.lower() for sex in codes.ADOPTERS_SEXES[codes.AdoptersLegalStatus(adopters)])
        raise ValidationError({"adopters_sex": f"{codes.AdoptersLegalStatus(adopters).label} is {allowed}."})


def _check_no_reversal_that_year(child: Child, adopted_on: datetime.date) -> None:
    """The DfE's return cannot show an adoption in a collection year (April to March) in which a decision to place the
    child for adoption was reversed (its rule 525): the return would be refused."""
    start = datetime.date(adopted_on.year if adopted_on.month >= 4 else adopted_on.year - 1, 4, 1)
    if AdoptionDecision.objects.filter(child=child, ceased_on__gte=start, ceased_on__lte=adopted_on).exists():
        raise ValidationError({"adopted_on": "A decision to place this child for adoption was reversed this year "
                                             "(April to March): the DfE's return cannot show an adoption then too."})  # fmt: skip


@transaction.atomic
def adoption_correct(*, adoption: Adoption, actor: User, reason: str, **fields: Any) -> Adoption:
    """Correct who adopted the child, or whether consent was dispensed with, saying why. The date of the order is the
    day care ended; it is not changed here."""
    require_recorder(actor=actor, child=adoption.child)
    adoption = Adoption.objects.select_for_update().select_related("child").get(pk=adoption.pk)
    unknown = set(fields) - set(ADOPTION_CORRECTIONS)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are correcting what was recorded."})
    for name, value in fields.items():
        setattr(adoption, name, value)
    _check_adopters(rec=adoption.rec, adopters=adoption.adopters, adopters_sex=adoption.adopters_sex)
    save_with_history(adoption, actor=actor, reason=reason.strip())
    last_home = PlacementEpisode.objects.select_for_update().filter(child=adoption.child, ended_on=adoption.adopted_on)
    for episode in last_home.filter(rec__in=codes.ADOPTED).exclude(rec=adoption.rec):
        episode.rec = adoption.rec
        save_with_history(episode, actor=actor, reason=reason.strip(), update_fields=["rec"])
    return adoption


# Previous permanence ---------------------------------------------------------------------------

PERMANENCE_FIELDS = ("option", "local_authority", "order_day", "order_month", "order_year")


@transaction.atomic
def previous_permanence_record(*, child: Child, actor: User, reason: str = "", **fields: Any) -> PreviousPermanence:
    """Whether the child left an earlier care for adoption or an order, recorded once they are in care (one a child).
    Recording it again is a correction, and says why: the history keeps both."""
    require_recorder(actor=actor, child=child)
    Child.objects.select_for_update().get(pk=child.pk)
    record = PreviousPermanence.objects.select_for_update().filter(child=child).first()
    if record is not None and not reason.strip():
        raise ValidationError({"reason": "Say why you are correcting what was recorded."})
    care = CareEpisode.objects.filter(child=child).order_by("-started_on").first()
    if care is None:
        raise ValidationError(f"Previous permanence is recorded once {child.display_name} is in care.")
    unknown = set(fields) - set(PERMANENCE_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    record = record or PreviousPermanence(child=child, recorded_by=actor)
    for name in PERMANENCE_FIELDS:
        value = fields.get(name)
        setattr(record, name, (value or "").strip().upper() if name in ("option", "local_authority") else value)
    check_previous_permanence(record, care.started_on)
    save_with_history(record, actor=actor, reason=reason.strip() or "Previous permanence")
    return record


def check_previous_permanence(record: PreviousPermanence, care_started: datetime.date) -> None:
    """The rules for previous permanence, for the service and for the 903 import (the same rules, one place)."""
    if record.option not in codes.PreviousPermanence.values:
        raise ValidationError({"option": "Choose whether the child had a previous permanence option."})
    dated = record.order_day or record.order_month or record.order_year
    if record.option not in codes.PERMANENCE_ORDERS:
        if record.local_authority or dated:
            raise ValidationError({"local_authority": "Only an adoption or an order has a council and a date."})
        return
    la = record.local_authority
    if la != codes.LA_NOT_KNOWN and la not in codes.LA_CODES and la not in codes.LA_OUTSIDE_ENGLAND:
        raise ValidationError({"local_authority": "Give the council's code, or WAL, SCO, NIR, NUK, or 999 if not known."})
    latest = _latest_order_day(record)
    if latest is not None and latest >= care_started:
        raise ValidationError({"order_year": f"The order came before this care started ({care_started:%d/%m/%Y})."})


def _latest_order_day(record: PreviousPermanence) -> datetime.date | None:
    """The last day the order could have been made, from what is known of its date (the 903 takes ZZ for a part not
    known). A day needs its month, a month its year."""
    day, month, year = record.order_day, record.order_month, record.order_year
    if (day and not month) or (month and not year):
        raise ValidationError({"order_year": "Give the month with the day, and the year with the month."})
    if year is None:
        return None
    try:
        if day and month:
            return datetime.date(year, month, day)
        if month:
            return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        return datetime.date(year, 12, 31)
    except ValueError as error:
        raise ValidationError({"order_day": "That date does not exist."}) from error
