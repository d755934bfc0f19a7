"""Writes to outcome stars. Pages, the API, the admin and the demo all call these.

Like casework's services: keyword-only and atomic; only people who may record for the child (the
casework rule, through selectors.star_can_record) may write; anything a person got wrong is a
django ValidationError keyed by field, anything they may not do is PermissionDenied."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casework import selectors as casework_selectors
from casework.models import Child, User
from casework.services import require_recorder, save_with_history
from outcomes import codes
from outcomes.models import CheckIn, CheckInScore, Star, StarArea, StarTemplate, TemplateArea
from outcomes.progress import FIELDS as PROGRESS_FIELDS
from outcomes.progress import progress_changes


@dataclass(frozen=True)
class ScoreInput:
    area: StarArea
    score: int
    comment: str = ""
    next_step: str = ""


def _require_recorder_or_the_child(*, actor: User, child: Child) -> None:
    """The child shapes their own star: they may add and rename areas and answer check-ins as themselves."""
    if not casework_selectors.is_own_record(user=actor, child=child):
        require_recorder(actor=actor, child=child, record="star")


def _check_day(day: datetime.date, *, field: str, not_before: datetime.date, before_label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future."})
    if day < not_before:
        raise ValidationError({field: f"The date cannot be before {before_label} ({not_before:%d/%m/%Y})."})


# Stars ---------------------------------------------------------------------------------------


@transaction.atomic
def star_start(*, child: Child, template: StarTemplate, actor: User, started_on: datetime.date | None = None) -> Star:
    """Start the child's star from a template: one area for each of the template's areas."""
    require_recorder(actor=actor, child=child, record="star")
    started_on = started_on or timezone.localdate()
    _check_day(started_on, field="started_on", not_before=child.date_of_birth, before_label="the child was born")
    if not template.active:
        raise ValidationError({"template": "This template is no longer used. Choose another."})
    age = child.age_on(started_on)
    if not template.min_age <= age <= template.max_age:
        raise ValidationError({"template": f"This template is for ages {template.min_age} to {template.max_age}."})
    if Star.objects.filter(child=child, template=template).exists():
        raise ValidationError({"template": "This child already has a star from this template."})
    star = Star(child=child, template=template, started_on=started_on, created_by=actor)
    save_with_history(star, actor=actor)
    for area in template.areas.all():
        _new_area(star, area.name, area.question, codes.AreaOrigin.TEMPLATE, area, started_on, area.order, actor)
    return star


def _new_area(
    star: Star, name: str, question: str, origin: str, based_on: TemplateArea | None, day: datetime.date, order: int, actor: User
) -> StarArea:
    area = StarArea(
        star=star,
        template_area=based_on,
        origin=origin,
        original_name=name,
        name=name,
        question=question,
        order=order,
        added_on=day,
    )
    save_with_history(area, actor=actor)
    return area


def _check_area_name(star: Star, name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the area a name, in the child's words."})
    active = star.areas.filter(retired_on__isnull=True, name__iexact=name)
    if exclude is not None:
        active = active.exclude(pk=exclude)
    if active.exists():
        raise ValidationError({"name": f"The star already has an area called “{name}”."})
    return name


@transaction.atomic
def star_area_add(
    *,
    star: Star,
    name: str,
    actor: User,
    origin: str = codes.AreaOrigin.CHILD,
    question: str = "",
    based_on: TemplateArea | None = None,
) -> StarArea:
    """Add an area that matters to the child. `based_on` groups it with a template area in the figures."""
    _require_recorder_or_the_child(actor=actor, child=star.child)
    if casework_selectors.is_own_record(user=actor, child=star.child):
        origin = codes.AreaOrigin.CHILD
    if origin not in codes.AreaOrigin.values or origin == codes.AreaOrigin.TEMPLATE:
        raise ValidationError({"origin": "Say who added this area: the child, the family or the worker."})
    if based_on is not None and based_on.template_id != star.template_id:
        raise ValidationError({"based_on": "Choose an area from this star's template."})
    name = _check_area_name(star, name)
    order = (star.areas.aggregate(last=Max("order"))["last"] or 0) + 1
    return _new_area(star, name, question.strip(), origin, based_on, timezone.localdate(), order, actor)


@transaction.atomic
def star_area_rename(*, area: StarArea, name: str, actor: User, question: str | None = None) -> StarArea:
    """Rename an area. It keeps its id, so earlier check-ins still point at it; the history keeps the old name."""
    area = StarArea.objects.select_for_update().select_related("star__child").get(pk=area.pk)
    _require_recorder_or_the_child(actor=actor, child=area.star.child)
    if area.is_retired:
        raise ValidationError({"name": "This area has been retired and cannot be renamed."})
    old = area.name
    area.name = _check_area_name(area.star, name, exclude=area.pk)
    if question is not None:
        area.question = question.strip()
    save_with_history(area, actor=actor, reason=f"Renamed from “{old}”", update_fields=["name", "question"])
    return area


@transaction.atomic
def star_area_retire(*, area: StarArea, actor: User, retired_on: datetime.date | None = None) -> StarArea:
    """Stop asking about an area. It stays in the star's history and in every earlier check-in."""
    area = StarArea.objects.select_for_update().select_related("star__child").get(pk=area.pk)
    require_recorder(actor=actor, child=area.star.child, record="star")
    if area.is_retired:
        raise ValidationError({"area": "This area is already retired."})
    if not area.star.areas.filter(retired_on__isnull=True).exclude(pk=area.pk).exists():
        raise ValidationError({"area": "A star needs at least one area. Add another before retiring this one."})
    retired_on = retired_on or timezone.localdate()
    _check_day(retired_on, field="retired_on", not_before=area.added_on, before_label="the area was added")
    area.retired_on = retired_on
    save_with_history(area, actor=actor, reason="Retired", update_fields=["retired_on"])
    return area


# Check-ins -----------------------------------------------------------------------------------


@transaction.atomic
def check_in_record(
    *,
    star: Star,
    stage: str,
    date: datetime.date,
    respondent: str,
    scores: list[ScoreInput],
    actor: User,
    answered_by_name: str = "",
) -> CheckIn:
    """Record one person's scores at one stage. Each area must be a current area of this star.

    A child signed in answers only as themselves."""
    _require_recorder_or_the_child(actor=actor, child=star.child)
    if casework_selectors.is_own_record(user=actor, child=star.child) and respondent != codes.Respondent.CHILD:
        raise PermissionDenied("You can answer your star as yourself only.")
    _check_day(date, field="date", not_before=star.started_on, before_label="the star was started")
    _check_scores(star, scores)
    check_in = CheckIn(
        star=star, stage=stage, date=date, respondent=respondent, answered_by_name=answered_by_name.strip(), recorded_by=actor
    )
    save_with_history(check_in, actor=actor)
    for given in scores:
        row = CheckInScore(
            check_in=check_in,
            area=given.area,
            score=given.score,
            check_in_date=check_in.date,
            respondent=check_in.respondent,
            template_area_id=given.area.template_area_id,
            comment=given.comment.strip(),
            next_step=given.next_step.strip(),
        )
        save_with_history(row, actor=actor)
    if respondent == codes.Respondent.CHILD:
        _progress_refresh(area_ids=[given.area.pk for given in scores])
    return check_in


def _progress_refresh(*, area_ids: list[int]) -> None:
    """Work out again what each of the child's scores of these areas changes in its progress (outcomes.progress):
    a check-in dated before others changes the area's first score, and so every change after it."""
    # One refresh at a time for an area: two check-ins saved at once would each miss the other's score. The areas'
    # rows are the lock (in id order, so two refreshes never wait on each other crosswise), and in READ COMMITTED
    # the read after it sees what the other has committed.
    list(StarArea.objects.select_for_update().filter(pk__in=area_ids).order_by("pk").values_list("pk", flat=True))
    scores = CheckInScore.objects.filter(area_id__in=area_ids, respondent=codes.Respondent.CHILD)
    by_area: dict[int, list[CheckInScore]] = {}
    for score in scores.order_by("area_id", "check_in_date", "check_in_id"):
        by_area.setdefault(score.area_id, []).append(score)
    changed = []
    for area_scores in by_area.values():
        for score, change in zip(area_scores, progress_changes([s.score for s in area_scores]), strict=True):
            if change != tuple(getattr(score, field) for field in PROGRESS_FIELDS):
                for field, value in zip(PROGRESS_FIELDS, change, strict=True):
                    setattr(score, field, value)
                changed.append(score)
    CheckInScore.objects.bulk_update(changed, PROGRESS_FIELDS)


def _check_scores(star: Star, scores: list[ScoreInput]) -> None:
    if not scores:
        raise ValidationError({"scores": "Give a score for at least one area."})
    template = star.template
    seen: set[int] = set()
    for given in scores:
        area = given.area
        if area.star_id != star.pk:
            raise ValidationError({"scores": f"“{area.name}” is not an area of this child's star."})
        if area.is_retired:
            raise ValidationError({"scores": f"“{area.name}” has been retired: it cannot be scored in a new check-in."})
        if area.pk in seen:
            raise ValidationError({"scores": f"“{area.name}” is scored twice."})
        seen.add(area.pk)
        if not isinstance(given.score, int) or not template.scale_min <= given.score <= template.scale_max:
            raise ValidationError(
                {"scores": f"The score for “{area.name}” must be from {template.scale_min} to {template.scale_max}."}
            )
