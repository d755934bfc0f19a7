"""Writes to casework records. Pages, the API, the admin, commands and tasks all call these.

Every service is keyword-only and atomic, checks that the actor may record for the child, and
raises django.core.exceptions.ValidationError (with field names where it can) for anything a
person got wrong, or PermissionDenied for anything they may not do."""

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from casework import codes, selectors
from casework.models import (
    Allocation,
    CareEpisode,
    Child,
    FamilyMember,
    RecordView,
    SiblingContactArrangement,
    SiblingContactSession,
    User,
    Visit,
)

VISIT_FIELDS = (
    "visit_type",
    "visited_at",
    "location",
    "present",
    "seen_alone",
    "child_said",
    "observations",
    "analysis",
    "actions",
)


def _require_recorder(*, actor: User, child: Child) -> None:
    if not selectors.child_can_record(user=actor, child=child):
        raise PermissionDenied("You can read this child's record but not change it.")


def _save(instance: Model, *, actor: User | None, reason: str = "", update_fields: list[str] | None = None) -> None:
    """Validate and save, recording who made the change (and why) in the history."""
    instance.full_clean()
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save(update_fields=update_fields)


# Children ------------------------------------------------------------------------------------


def _check_date_not_future(day: datetime.date, *, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} cannot be in the future."})


@transaction.atomic
def child_about_me_update(*, child: Child, actor: User, what_matters_to_me: str, how_i_like_to_be_spoken_to: str) -> Child:
    """The child's own words, kept as written; the history keeps every earlier version."""
    _require_recorder(actor=actor, child=child)
    child.what_matters_to_me = what_matters_to_me
    child.how_i_like_to_be_spoken_to = how_i_like_to_be_spoken_to
    _save(child, actor=actor, update_fields=["what_matters_to_me", "how_i_like_to_be_spoken_to"])
    return child


@transaction.atomic
def child_close(*, child: Child, actor: User, closed_on: datetime.date) -> Child:
    """Closing is how a record ends: nothing is deleted, and an open care episode must end first."""
    _require_recorder(actor=actor, child=child)
    if child.care_episodes.filter(ended_on__isnull=True).exists():
        raise ValidationError("This child is still in care. End the care episode before closing the record.")
    _check_date_not_future(closed_on, field="closed_on", label="The closing date")
    child.status = codes.CaseStatus.CLOSED
    child.closed_on = closed_on
    _save(child, actor=actor, update_fields=["status", "closed_on"])
    return child


@transaction.atomic
def care_episode_start(*, child: Child, actor: User, started_on: datetime.date) -> CareEpisode:
    _require_recorder(actor=actor, child=child)
    if started_on < child.date_of_birth:
        raise ValidationError({"started_on": "A child cannot come into care before they were born."})
    _check_date_not_future(started_on, field="started_on", label="The date the child came into care")
    if child.care_episodes.filter(ended_on__isnull=True).exists():
        raise ValidationError({"started_on": "This child is already in care."})
    if child.care_episodes.filter(ended_on__gt=started_on).exists():
        raise ValidationError({"started_on": "This overlaps an earlier period in care."})
    episode = CareEpisode(child=child, started_on=started_on)
    _save(episode, actor=actor)
    return episode


# Allocations -------------------------------------------------------------------------------


@transaction.atomic
def allocation_change(*, child: Child, worker: User, started_on: datetime.date, reason: str, actor: User) -> Allocation:
    """End the child's current allocation (with the 903 reason) and start one with `worker`.

    There is never more than one current allocated worker: the old row is locked first, and a
    partial unique constraint backs the rule up if two managers change worker at once."""
    _require_recorder(actor=actor, child=child)
    if not selectors.team_members(user=actor).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": "Choose a social worker you can allocate children to."})
    current = Allocation.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    _check_allocation_change(current=current, worker=worker, started_on=started_on, reason=reason, child=child)
    if current is not None:
        current.ended_on = started_on
        current.end_reason = reason
        _save(current, actor=actor, update_fields=["ended_on", "end_reason"])
    allocation = Allocation(child=child, worker=worker, started_on=started_on)
    try:
        with transaction.atomic():
            _save(allocation, actor=actor)
    except IntegrityError as error:
        raise ValidationError("Someone else changed this child's worker at the same time. Please check and try again.") from error
    return allocation


def _check_allocation_change(
    *, current: Allocation | None, worker: User, started_on: datetime.date, reason: str, child: Child
) -> None:
    _check_date_not_future(started_on, field="started_on", label="The date the new worker starts")
    if started_on < child.date_of_birth:
        raise ValidationError({"started_on": "A worker cannot be allocated before the child was born."})
    if current is None:
        return
    if current.worker_id == worker.pk:
        raise ValidationError({"worker": f"{worker} is already this child's worker."})
    if started_on < current.started_on:
        raise ValidationError(
            {"started_on": f"The new worker cannot start before the current worker did ({current.started_on:%d/%m/%Y})."}
        )
    if reason not in codes.WorkerChangeReason.values:
        raise ValidationError({"reason": "Choose why the worker is changing."})


# Visits ------------------------------------------------------------------------------------


def _check_visit_time(*, child: Child, visited_at: datetime.datetime) -> None:
    if timezone.is_naive(visited_at):
        raise ValidationError({"visited_at": "Give the time with its time zone."})
    if visited_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"visited_at": "A visit cannot be recorded in the future."})
    if timezone.localdate(visited_at) < child.date_of_birth:
        raise ValidationError({"visited_at": "A visit cannot be before the child was born."})


@transaction.atomic
def visit_create(*, child: Child, author: User, idempotency_key: uuid.UUID | None = None, **fields: Any) -> Visit:
    """Start a draft visit. A repeated request with the same idempotency key returns the first visit."""
    _require_recorder(actor=author, child=child)
    if idempotency_key is not None:
        existing = Visit.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_visit_or_refuse(existing, child=child, author=author)
    _check_visit_time(child=child, visited_at=fields["visited_at"])
    visit = Visit(child=child, author=author, idempotency_key=idempotency_key or uuid.uuid4(), **_visit_fields(fields))
    try:
        with transaction.atomic():
            _save(visit, actor=author)
    except (IntegrityError, ValidationError) as error:
        # A second click racing the first: the first one won, so return it.
        existing = Visit.objects.filter(idempotency_key=visit.idempotency_key).first()
        if existing is None:
            raise
        return _same_visit_or_refuse(existing, child=child, author=author, error=error)
    return visit


def _same_visit_or_refuse(existing: Visit, *, child: Child, author: User, error: Exception | None = None) -> Visit:
    if existing.child_id != child.pk or existing.author_id != author.pk:
        raise ValidationError("This request has already been used for a different visit.") from error
    return existing


def _visit_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown visit fields: {', '.join(sorted(unknown))}")
    return fields


@transaction.atomic
def visit_update(*, visit: Visit, actor: User, **fields: Any) -> Visit:
    """Change a draft. Signed visits change only through visit_amend, with a reason."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require_recorder(actor=actor, child=visit.child)
    if visit.is_signed:
        raise ValidationError("This visit is signed. To change it, amend it and say why.")
    _apply_visit_fields(visit, fields)
    _save(visit, actor=actor)
    return visit


def _apply_visit_fields(visit: Visit, fields: dict[str, Any]) -> None:
    for name, value in _visit_fields(fields).items():
        setattr(visit, name, value)
    _check_visit_time(child=visit.child, visited_at=visit.visited_at)


@transaction.atomic
def visit_sign(*, visit: Visit, actor: User) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require_recorder(actor=actor, child=visit.child)
    if visit.is_signed:
        return visit  # signing twice (a second click) changes nothing
    if visit.awaits_review:
        raise ValidationError({"reviewed": "Read and correct the draft from the voice note, then confirm you have checked it."})
    if not any(getattr(visit, name).strip() for name in ("child_said", "observations", "analysis")):
        raise ValidationError("Write what the child said, what you saw or your analysis before signing.")
    visit.status = codes.VisitStatus.SIGNED
    visit.signed_at = timezone.now()
    visit.signed_by = actor
    _save(visit, actor=actor, reason="Signed")
    return visit


@transaction.atomic
def visit_review_draft(*, visit: Visit, actor: User) -> Visit:
    """A person confirms they have read and corrected the machine draft, which allows signing."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require_recorder(actor=actor, child=visit.child)
    if visit.awaits_review:
        visit.draft_reviewed_by = actor
        visit.draft_reviewed_at = timezone.now()
        _save(visit, actor=actor, reason="Voice note draft reviewed", update_fields=["draft_reviewed_by", "draft_reviewed_at"])
    return visit


@transaction.atomic
def visit_add_voice_draft(*, visit: Visit, text: str) -> bool:
    """Put a transcript into a draft visit's observations, for the worker to correct.

    Called by the transcription pipeline, not a person, so it never touches a signed visit and
    always marks the draft as needing review. Returns False when the visit was already signed."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.is_signed:
        return False
    visit.observations = f"{visit.observations.rstrip()}\n\n{text}".strip() if visit.observations.strip() else text
    visit.drafted_from_voice = True
    visit.draft_reviewed_by = None
    visit.draft_reviewed_at = None
    _save(visit, actor=None, reason="Draft from voice note", update_fields=[*_VOICE_DRAFT_FIELDS])
    return True


_VOICE_DRAFT_FIELDS = ("observations", "drafted_from_voice", "draft_reviewed_by", "draft_reviewed_at", "updated_at")


@transaction.atomic
def visit_amend(*, visit: Visit, actor: User, reason: str, **fields: Any) -> Visit:
    """Change a signed visit. The reason is kept in the history beside both versions."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require_recorder(actor=actor, child=visit.child)
    if not visit.is_signed:
        raise ValidationError("This visit is still a draft: change it directly.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are changing a signed record."})
    _apply_visit_fields(visit, fields)
    _save(visit, actor=actor, reason=f"Amended: {reason.strip()}")
    return visit


# Sibling contact ---------------------------------------------------------------------------


@transaction.atomic
def sibling_contact_arrangement_create(
    *,
    child: Child,
    sibling: FamilyMember,
    frequency: str,
    requested_by_child: bool,
    plan: str,
    started_on: datetime.date,
    actor: User,
) -> SiblingContactArrangement:
    _require_recorder(actor=actor, child=child)
    if sibling.child_id != child.pk or not sibling.is_sibling:
        raise ValidationError({"sibling": "Choose one of this child's brothers or sisters."})
    if started_on < child.date_of_birth:
        raise ValidationError({"started_on": "Contact cannot start before the child was born."})
    arrangement = SiblingContactArrangement(
        child=child, sibling=sibling, frequency=frequency, requested_by_child=requested_by_child, plan=plan, started_on=started_on
    )
    _save(arrangement, actor=actor)
    return arrangement


@transaction.atomic
def sibling_contact_session_record(
    *,
    arrangement: SiblingContactArrangement,
    planned_on: datetime.date,
    status: str,
    actor: User,
    cancelled_by: str = "",
    cancel_reason: str = "",
    child_comment: str = "",
) -> SiblingContactSession:
    """Record a planned, held or cancelled session. A cancelled session says who cancelled and why."""
    _require_recorder(actor=actor, child=arrangement.child)
    _check_session(
        arrangement=arrangement, planned_on=planned_on, status=status, cancelled_by=cancelled_by, cancel_reason=cancel_reason
    )
    session = SiblingContactSession(
        arrangement=arrangement,
        planned_on=planned_on,
        status=status,
        cancelled_by=cancelled_by if status == codes.ContactSessionStatus.CANCELLED else "",
        cancel_reason=cancel_reason if status == codes.ContactSessionStatus.CANCELLED else "",
        child_comment=child_comment,
    )
    _save(session, actor=actor)
    return session


def _check_session(
    *, arrangement: SiblingContactArrangement, planned_on: datetime.date, status: str, cancelled_by: str, cancel_reason: str
) -> None:
    if planned_on < arrangement.started_on:
        raise ValidationError({"planned_on": "The session cannot be before the arrangement started."})
    if status == codes.ContactSessionStatus.HAPPENED and planned_on > timezone.localdate():
        raise ValidationError({"status": "A session in the future cannot have happened yet."})
    if status == codes.ContactSessionStatus.CANCELLED and not (cancelled_by and cancel_reason.strip()):
        raise ValidationError({"cancel_reason": "Say who cancelled the session and why."})


# The access log ----------------------------------------------------------------------------


def record_view_log(*, user: User, child: Child, page: str) -> None:
    """Every view of a child's record is logged: who, when and which page."""
    RecordView.objects.create(user=user, child=child, page=page[:200])
