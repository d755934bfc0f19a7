"""Writes to casework records. Pages, the API, the admin, commands and tasks all call these.

Every service is keyword-only and atomic, checks that the actor may record for the child, and
raises django.core.exceptions.ValidationError (with field names where it can) for anything a
person got wrong, or PermissionDenied for anything they may not do."""

import datetime
import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone

from casework import codes, dates, edits, postcodes, selectors, versions
from casework.models import (
    Allocation,
    CareEpisode,
    CareLeaverContact,
    CareLeaverRecord,
    CaseNote,
    Child,
    ChildAccount,
    ChildInvite,
    FamilyMember,
    HealthRecord,
    LegalStatus,
    LookedAfterReview,
    MissingEpisode,
    RecordCheck,
    RecordView,
    SharedRecord,
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


# The write seam every app's services use ---------------------------------------------------------------


def require_recorder(*, actor: User, child: Child, record: str = "record") -> None:
    """The "may record for this child" rule (selectors.child_can_record), for every app's services: PermissionDenied
    unless the actor may change the child's records. `record` names what they were changing ("star")."""
    if not selectors.child_can_record(user=actor, child=child):
        raise PermissionDenied(f"You can read this child's {record} but not change it.")


def save_with_history(instance: Model, *, actor: User | None, reason: str = "", update_fields: list[str] | None = None) -> None:
    """Validate (full_clean) and save a case record, keeping who made the change, and why, in its history."""
    instance.full_clean()
    # django-simple-history reads who and why from these attributes when the save writes the history row.
    instance._history_user = actor  # type: ignore[attr-defined]  # simple-history's, not declared on Model
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)


CASE_NOTE_FIELDS = ("kind", "happened_at", "who", "summary")


# Children ------------------------------------------------------------------------------------


def _check_date_not_future(day: datetime.date, *, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} cannot be in the future."})


# What a worker records about who a child is (the child's own words are CHILD_WORDS, below).
CHILD_DETAILS = (
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "date_of_birth_expected",
    "sex",
    "ethnicity",
    "upn",
    "upn_unknown",
    "uasc",
    "uasc_ceased_on",
    "disability",
    "disability_details",
    "send",
    "home_postcode",
    "school",
    "first_language",
    "needs_interpreter",
)
# How far ahead an expected date of birth may be: a pregnancy, with room for a late birth.
EXPECTED_BIRTH_DAYS = 300


class PossibleDuplicate(ValidationError):
    """Hearth may already hold this child. Nothing is saved; the person checks and says it is a different child."""

    def __init__(self, *, visible: list[Child], hidden: int) -> None:
        self.visible, self.hidden = visible, hidden
        named = "; ".join(
            f"{child.display_name}, born {child.date_of_birth:%-d %B %Y} (Hearth id {child.pk})" for child in visible
        )
        elsewhere = f"{hidden} record{'s' if hidden != 1 else ''} in another team's caseload (ask a team manager)"
        found = " and ".join(part for part in (named, elsewhere if hidden else "") if part)
        message = f"Hearth may already have this child: {found}. Open that record, or confirm this is a different child."
        super().__init__({"not_a_duplicate": message}, code="possible_duplicate")


def child_possible_duplicates(*, first_name: str, last_name: str, date_of_birth: datetime.date, upn: str) -> list[Child]:
    """Children who may be this one: the same UPN, or the same date of birth and a name spelled alike (the
    caseload search's likeness: "Jon Smyth" for "John Smith"). Over every child, so no team makes a record twice."""
    same_upn = list(Child.objects.filter(upn=upn.strip().upper())) if upn.strip() else []
    born_that_day = Child.objects.filter(date_of_birth=date_of_birth)
    named_alike = list(selectors.children_named_like(born_that_day, f"{first_name} {last_name}"))
    return list({child.pk: child for child in same_upn + named_alike}.values())


def _clean_child_details(details: dict[str, Any]) -> dict[str, Any]:
    unknown = set(details) - set(CHILD_DETAILS)
    if unknown:
        raise ValidationError(f"These are not details of a child: {', '.join(sorted(unknown))}.")
    cleaned = {name: value.strip() if isinstance(value, str) else value for name, value in details.items()}
    if "upn" in cleaned:
        cleaned["upn"] = cleaned["upn"].replace(" ", "").upper()
    if cleaned.get("home_postcode"):
        cleaned["home_postcode"] = postcode_check(cleaned["home_postcode"], field="home_postcode")
    return cleaned


def postcode_check(postcode: str, *, field: str) -> str:
    """A full UK postcode the reference data knows, written as people write it ("wr53da" -> "WR5 3DA"): the 903's
    HOME_POST and PL_POST, from which the distance and the home's council are worked out."""
    written = postcodes.tidy(postcode)
    if not written:
        raise ValidationError({field: "Enter a full UK postcode, like WR5 3DA."})
    if postcodes.find(written) is None:
        raise ValidationError({field: f"{written} is not a UK postcode in the reference data: check it."})
    return written


def _check_child(child: Child, *, changed: set[str] | None = None) -> None:
    """The rules between a child's details, the same for a new child, an edit and the API. An edit (`changed`
    names what it changes) is not refused for a gap it did not touch, such as an older record with no UPN."""
    today = timezone.localdate()
    if child.date_of_birth_expected:
        if not today <= child.date_of_birth <= today + datetime.timedelta(days=EXPECTED_BIRTH_DAYS):
            raise ValidationError({"date_of_birth": "An expected date of birth is between today and 300 days from now."})
    elif child.date_of_birth > today:
        raise ValidationError(
            {"date_of_birth": "The date of birth cannot be in the future. If the child is not born yet, say so."}
        )
    if child.upn and not selectors.UPN_SHAPE.fullmatch(child.upn):
        raise ValidationError({"upn": "A UPN is 13 characters: a letter, then 12 digits (the last may be a letter)."})
    if child.upn and child.upn_unknown:
        raise ValidationError({"upn_unknown": "Give the UPN or say why there is none, not both."})
    asked_about_upn = changed is None or bool({"upn", "upn_unknown"} & changed)
    if asked_about_upn and not child.upn and not child.upn_unknown and not child.date_of_birth_expected:
        raise ValidationError({"upn": "Give the child's UPN, or say why there is none."})
    if child.disability_details and not child.disability:
        raise ValidationError({"disability": "Say the child has a disability to describe it."})
    if child.uasc_ceased_on is not None:
        _check_uasc_ceased(child, child.uasc_ceased_on, today)


def _check_uasc_ceased(child: Child, ceased: datetime.date, today: datetime.date) -> None:
    """The 903's DUC: a day in the child's life as an unaccompanied asylum-seeking child, by their 18th birthday."""
    adult = dates.birthday(child.date_of_birth, 18)
    if not child.uasc:
        raise ValidationError({"uasc_ceased_on": "Only an unaccompanied asylum-seeking child's status can cease."})
    if ceased > today:
        raise ValidationError({"uasc_ceased_on": "The date UASC status ceased cannot be in the future."})
    if ceased < child.date_of_birth:
        raise ValidationError({"uasc_ceased_on": "The date UASC status ceased cannot be before the child was born."})
    if ceased > adult:
        raise ValidationError(
            {"uasc_ceased_on": f"UASC status ends by the 18th birthday ({adult:%-d %B %Y}): give that date or an earlier one."}
        )


def require_may_add_child(*, actor: User) -> None:
    """Case staff add children (an administrator or a child does not): checked before any input is read."""
    if not actor.is_case_staff:
        raise PermissionDenied("Only social workers, team managers and heads of service add children.")


@transaction.atomic
def child_create(
    *, actor: User, worker: User, allocated_on: datetime.date, not_a_duplicate: bool = False, **details: Any
) -> Child:
    """A child new to the council (a referral): who they are, and the worker allocated to them, which makes
    the record visible to that worker's team. A child Hearth may already hold is refused until the person
    says it is a different child (PossibleDuplicate): nothing is merged or made twice silently."""
    require_may_add_child(actor=actor)
    if not selectors.team_members(user=actor).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": "Choose a social worker you can allocate children to."})
    child = Child(**_clean_child_details(details))
    child.full_clean()
    _check_child(child)
    _check_date_not_future(allocated_on, field="allocated_on", label="The date the worker starts")
    if allocated_on < child.date_of_birth and not child.date_of_birth_expected:
        raise ValidationError({"allocated_on": "A worker cannot start before the child was born."})
    if not not_a_duplicate:
        _refuse_possible_duplicate(child, actor=actor)
    save_with_history(child, actor=actor, reason="New child")
    save_with_history(Allocation(child=child, worker=worker, started_on=allocated_on), actor=actor, reason="First worker")
    return child


def _refuse_possible_duplicate(child: Child, *, actor: User) -> None:
    found = child_possible_duplicates(
        first_name=child.first_name, last_name=child.last_name, date_of_birth=child.date_of_birth, upn=child.upn
    )
    if found:
        visible_ids = set(
            selectors.children_visible_to(user=actor).filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True)
        )
        visible = [c for c in found if c.pk in visible_ids]
        raise PossibleDuplicate(visible=visible, hidden=len(found) - len(visible))


@transaction.atomic
def child_update(*, child: Child, actor: User, version: datetime.datetime | None = None, **details: Any) -> Child:
    """Correct or add to who a child is. `version` is the record's updated_at as the person read it."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    require_recorder(actor=actor, child=child)
    versions.check_version(child, version=version)
    for name, value in _clean_child_details(details).items():
        setattr(child, name, value)
    child.full_clean()
    _check_child(child, changed=set(details))
    # A UPN is one child's: one already held by another record is the same child, never a second one.
    if "upn" in details and child.upn and Child.objects.filter(upn=child.upn).exclude(pk=child.pk).exists():
        raise ValidationError({"upn": "Another child's record has this UPN. Check it, or ask a team manager."})
    save_with_history(child, actor=actor, reason="Details changed")
    return child


# The family network ---------------------------------------------------------------------------------

FAMILY_FIELDS = (
    "name",
    "relationship",
    "date_of_birth",
    "own_record",
    "lives_with_child",
    "parental_responsibility",
    "phone",
    "address",
    "notes",
    "started_on",
    "ended_on",
)


@transaction.atomic
def family_member_add(*, child: Child, actor: User, **fields: Any) -> FamilyMember:
    """Someone in the child's network. A brother or sister with their own record is linked both ways."""
    require_recorder(actor=actor, child=child)
    member = FamilyMember(child=child, **_family_fields(fields))
    _check_family_member(member, actor=actor)
    save_with_history(member, actor=actor, reason="Added to the network")
    _link_sibling_back(member, actor=actor)
    return member


@transaction.atomic
def family_member_update(
    *, member: FamilyMember, actor: User, version: datetime.datetime | None = None, **fields: Any
) -> FamilyMember:
    """Change someone in the network, or end them (`ended_on`). `version` is their updated_at as read."""
    member = FamilyMember.objects.select_for_update().select_related("child").get(pk=member.pk)
    require_recorder(actor=actor, child=member.child)
    versions.check_version(member, version=version)
    for name, value in _family_fields(fields).items():
        setattr(member, name, value)
    _check_family_member(member, actor=actor)
    save_with_history(member, actor=actor, reason="Ended" if "ended_on" in fields and member.ended_on else "Changed")
    _link_sibling_back(member, actor=actor)
    return member


def _family_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(FAMILY_FIELDS)
    if unknown:
        raise ValidationError(f"These are not details of someone in the network: {', '.join(sorted(unknown))}.")
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def _check_family_member(member: FamilyMember, *, actor: User) -> None:
    member.full_clean()
    today = timezone.localdate()
    if member.date_of_birth and member.date_of_birth > today:
        raise ValidationError({"date_of_birth": "A date of birth cannot be in the future."})
    if member.ended_on and member.ended_on > today:
        raise ValidationError({"ended_on": "The date they left the network cannot be in the future."})
    if member.ended_on and member.started_on and member.ended_on < member.started_on:
        raise ValidationError({"ended_on": "They cannot leave the network before they joined it."})
    if member.relationship == codes.Relationship.OWN_CHILD:
        _check_own_child(member)
    if member.own_record_id is None:
        return
    if not member.is_sibling:
        raise ValidationError({"own_record": "Only a brother or sister is linked to their own record."})
    if member.own_record_id == member.child_id:
        raise ValidationError({"own_record": "A child cannot be their own brother or sister."})
    if not selectors.children_visible_to(user=actor).filter(pk=member.own_record_id).exists():
        raise ValidationError({"own_record": "Choose a child whose record you can see."})


def _check_own_child(member: FamilyMember) -> None:
    """A young person's own child: their date of birth is what the 903 asks (MC_DOB), so it is needed."""
    if member.date_of_birth is None:
        raise ValidationError({"date_of_birth": "Give the date of birth of the young person's own child."})
    if member.date_of_birth <= member.child.date_of_birth:
        raise ValidationError({"date_of_birth": "Their own child must be born after them."})


def _link_sibling_back(member: FamilyMember, *, actor: User) -> None:
    """A brother or sister linked to their own record has this child in their network too, linked back."""
    if member.own_record is None or FamilyMember.objects.filter(child=member.own_record, own_record=member.child).exists():
        return
    if not selectors.child_can_record(user=actor, child=member.own_record):
        raise ValidationError(
            {"own_record": "You can link only a brother or sister whose record you may change: ask their worker."}
        )
    back = FamilyMember(
        child=member.own_record,
        name=f"{member.child.first_name} {member.child.last_name}",
        relationship=member.relationship,
        date_of_birth=member.child.date_of_birth,
        own_record=member.child,
        lives_with_child=member.lives_with_child,
        started_on=member.started_on,
    )
    save_with_history(back, actor=actor, reason=f"Linked from {member.child.display_name}'s record"[:100])


@transaction.atomic
def child_close(*, child: Child, actor: User, closed_on: datetime.date, reason: str, note: str = "") -> Child:
    """Closing is how a record ends: nothing is deleted, an open period in care must end first, and the reason
    is kept. The worker's allocation ends that day (903 SW_REASON PCCHAN, as the demo county closes cases), so the
    record leaves the team's caseload; a head of service reads it and can open it again (child_reopen)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    require_recorder(actor=actor, child=child)
    if child.status != codes.CaseStatus.OPEN:
        raise ValidationError("This child's case is already closed.")
    if child.care_episodes.filter(ended_on__isnull=True).exists():
        raise ValidationError("This child is still in care. End the care episode before closing the record.")
    _check_date_not_future(closed_on, field="closed_on", label="The closing date")
    if closed_on < child.date_of_birth:
        raise ValidationError({"closed_on": "A case cannot close before the child was born."})
    if reason not in codes.ClosureReason.values:
        raise ValidationError({"reason": "Choose why the case is closing."})
    if reason == codes.ClosureReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why the case is closing."})
    current = Allocation.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    if current is not None and closed_on < current.started_on:
        raise ValidationError({"closed_on": f"The case cannot close before its worker started ({current.started_on:%d/%m/%Y})."})
    child.status, child.closed_on = codes.CaseStatus.CLOSED, closed_on
    child.closed_reason, child.closed_note = reason, note.strip()
    save_with_history(child, actor=actor, reason="Case closed")
    if current is not None:
        current.ended_on, current.end_reason = closed_on, codes.WorkerChangeReason.PCCHAN
        save_with_history(current, actor=actor, reason="Case closed")
    return child


@transaction.atomic
def child_reopen(*, child: Child, actor: User, reason: str, worker: User, allocated_on: datetime.date) -> Child:
    """A closed case opened again (a new referral about the same child), with a worker allocated from that day:
    the closing stays in the history."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    require_recorder(actor=actor, child=child)
    if child.status == codes.CaseStatus.OPEN:
        raise ValidationError("This child's case is already open.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is opening again."})
    if not selectors.team_members(user=actor).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": "Choose a social worker you can allocate children to."})
    _check_date_not_future(allocated_on, field="allocated_on", label="The date the worker starts")
    if child.closed_on is not None and allocated_on < child.closed_on:
        raise ValidationError({"allocated_on": "The new worker cannot start before the case closed."})
    child.status, child.closed_on, child.closed_reason, child.closed_note = codes.CaseStatus.OPEN, None, "", ""
    save_with_history(child, actor=actor, reason=f"Reopened: {reason.strip()}"[:100])
    save_with_history(Allocation(child=child, worker=worker, started_on=allocated_on), actor=actor, reason="Case reopened")
    return child


@transaction.atomic
def care_start(*, child: Child, actor: User, started_on: datetime.date, legal_status: str, category_of_need: str) -> CareEpisode:
    """The child comes into care: a period in care with the legal status it starts under and the category of need
    the worker records (the 903's CIN: never a default). Their first home follows as a move (placements)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    require_recorder(actor=actor, child=child)
    if child.status != codes.CaseStatus.OPEN:
        raise ValidationError("This child's case is closed. Open it again before they come into care.")
    if started_on < child.date_of_birth:
        raise ValidationError({"started_on": "A child cannot come into care before they were born."})
    _check_date_not_future(started_on, field="started_on", label="The date the child came into care")
    if legal_status not in codes.LegalStatusCode.values:
        raise ValidationError({"legal_status": "Choose the legal status the child came into care under."})
    if category_of_need not in codes.CategoryOfNeed.values:
        raise ValidationError({"category_of_need": "Choose the main reason the child needs care."})
    _check_status_fits_age(child=child, code=legal_status, started_on=started_on, field="legal_status")
    if child.care_episodes.filter(ended_on__isnull=True).exists():
        raise ValidationError({"started_on": "This child is already in care."})
    if child.care_episodes.filter(ended_on__gt=started_on).exists():
        raise ValidationError({"started_on": "This overlaps an earlier period in care."})
    if child.legal_statuses.filter(ended_on__gt=started_on).exists():
        raise ValidationError({"started_on": "This overlaps an earlier legal status."})
    episode = CareEpisode(child=child, started_on=started_on, category_of_need=category_of_need)
    save_with_history(episode, actor=actor, reason="Came into care")
    save_with_history(LegalStatus(child=child, code=legal_status, started_on=started_on), actor=actor, reason="Came into care")
    return episode


@transaction.atomic
def legal_status_change(*, child: Child, actor: User, code: str, started_on: datetime.date) -> LegalStatus:
    """A new legal status (an interim care order becoming a full one, say) from a day: the current one ends then."""
    require_recorder(actor=actor, child=child)
    current = LegalStatus.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    if current is None or not child.care_episodes.filter(ended_on__isnull=True).exists():
        raise ValidationError("This child is not in care: record that they came into care first.")
    if code not in codes.LegalStatusCode.values:
        raise ValidationError({"code": "Choose the new legal status."})
    if code == current.code:
        raise ValidationError({"code": f"The child's legal status is already {current.get_code_display().lower()}."})
    _check_date_not_future(started_on, field="started_on", label="The date the legal status changed")
    if started_on <= current.started_on:
        raise ValidationError({"started_on": f"This must be after the current status began ({current.started_on:%d/%m/%Y})."})
    _check_status_fits_age(child=child, code=code, started_on=started_on, field="code")
    if code == codes.LegalStatusCode.V2 and child.placement_episodes.filter(ended_on__isnull=True, place="P1").exists():
        raise ValidationError({"code": "A child placed with their parents is there under a care order, not section 20 (V2)."})
    legal_status_may_end(status=current, ended_on=started_on, field="started_on")
    current.ended_on = started_on
    save_with_history(current, actor=actor, reason="Legal status changed", update_fields=["ended_on"])
    status = LegalStatus(child=child, code=code, started_on=started_on)
    save_with_history(status, actor=actor, reason="Legal status changed")
    return status


def _check_status_fits_age(*, child: Child, code: str, started_on: datetime.date, field: str) -> None:
    tenth_birthday = _birthday(child.date_of_birth, codes.YOUTH_JUSTICE_FROM_AGE)
    if code in codes.YOUTH_JUSTICE and started_on < tenth_birthday:
        raise ValidationError({
            field: f"A child under {codes.YOUTH_JUSTICE_FROM_AGE} cannot be remanded or sentenced: "
            f"{child.display_name} is {codes.YOUTH_JUSTICE_FROM_AGE} on {tenth_birthday:%d/%m/%Y}.",
        })  # fmt: skip


def _birthday(born: datetime.date, age: int) -> datetime.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + age, month=3, day=1)


def legal_status_may_end(*, status: LegalStatus, ended_on: datetime.date, field: str = "ended_on") -> None:
    """Refuses an end the law does not allow: police protection, an emergency protection order or a short break
    that went on too long (codes.MOST_DAYS_UNDER), or short breaks past 75 days in 12 months. The child's record
    says what happened: a status that had to change did, and the worker records that first."""
    days, most = (ended_on - status.started_on).days, codes.MOST_DAYS_UNDER.get(status.code)
    if most is not None and days > most:
        raise ValidationError({
            field: f"{status.get_code_display()} lasts at most {most} days, and this one began on "
            f"{status.started_on:%d/%m/%Y}. Record the legal status the child was looked after under after that first.",
        })  # fmt: skip
    if status.code != codes.LegalStatusCode.V3:
        return
    year_before = ended_on - datetime.timedelta(days=365)
    earlier = LegalStatus.objects.filter(child_id=status.child_id, code=status.code, ended_on__gt=year_before)
    total = days + sum(
        ((row.ended_on or ended_on) - max(row.started_on, year_before)).days for row in earlier.exclude(pk=status.pk)
    )
    if total > codes.SHORT_BREAKS_MOST_DAYS_A_YEAR:
        raise ValidationError({
            field: f"Short breaks come to at most {codes.SHORT_BREAKS_MOST_DAYS_A_YEAR} days in 12 months, and with this "
            f"one the child's come to {total}. Record a longer stay as accommodation under section 20 (V2).",
        })  # fmt: skip


CARE_LEAVER_FIELDS = ("pathway_plan_on", "personal_adviser", "personal_adviser_phone")


@transaction.atomic
def care_leaver_update(*, child: Child, actor: User, version: datetime.datetime | None = None, **fields: Any) -> CareLeaverRecord:
    """The leaving-care record (pathway plan, personal adviser), kept from the young person's 16th birthday."""
    child = Child.objects.select_for_update().get(pk=child.pk)  # two first saves: the second waits, then updates
    require_recorder(actor=actor, child=child)
    if child.age_on(timezone.localdate()) < codes.CARE_LEAVER_FROM_AGE:
        raise ValidationError(f"A leaving-care record starts at {codes.CARE_LEAVER_FROM_AGE}.")
    record = CareLeaverRecord.objects.select_for_update().filter(child=child).first()
    if record is not None:
        versions.check_version(record, version=version)
    record = record or CareLeaverRecord(child=child)
    unknown = set(fields) - set(CARE_LEAVER_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    if record.pathway_plan_on is not None:
        _check_date_not_future(record.pathway_plan_on, field="pathway_plan_on", label="The pathway plan's date")
    save_with_history(record, actor=actor, reason="Leaving-care record")
    return record


@transaction.atomic
def care_leaver_contact_record(
    *, child: Child, actor: User, birthday: int, in_touch: str, activity: str = "", accommodation: str = "",
    accommodation_suitable: bool | None = None,
) -> CareLeaverContact:  # fmt: skip
    """Contact around a birthday from 17 to 21, once the birthday has come: one row a birthday, changed in place.
    Someone who died or went home needs no activity or accommodation (the 903 leaves them blank)."""
    child = Child.objects.select_for_update().get(pk=child.pk)  # one row a birthday, even for two saves at once
    require_recorder(actor=actor, child=child)
    if birthday not in codes.CARE_LEAVER_BIRTHDAYS:
        raise ValidationError({"birthday": "Choose a birthday from 17 to 21."})
    if child.age_on(timezone.localdate()) < birthday:
        raise ValidationError({"birthday": f"{child.display_name} has not turned {birthday} yet."})
    if in_touch not in codes.InTouch.values:
        raise ValidationError({"in_touch": "Say whether the council is in touch with the young person."})
    no_answers = in_touch in (codes.InTouch.DIED, codes.InTouch.RHOM)
    if not no_answers and in_touch != codes.InTouch.NO and not (activity and accommodation):
        raise ValidationError({"activity": "Say what the young person is doing and where they live."})
    if not no_answers and accommodation and accommodation_suitable is None:
        raise ValidationError({"accommodation_suitable": "Say whether the accommodation is suitable."})
    if not no_answers and accommodation in codes.NEVER_SUITABLE and accommodation_suitable:
        label = codes.CareLeaverAccommodation(accommodation).label.lower()
        raise ValidationError({"accommodation_suitable": f"The DfE counts {label} as never suitable."})
    if not no_answers and birthday == 17 and accommodation == codes.STAYING_PUT:
        raise ValidationError({"accommodation": "Staying put with former foster carers starts at 18."})
    contact = CareLeaverContact.objects.select_for_update().filter(child=child, birthday=birthday).first()
    contact = contact or CareLeaverContact(child=child, birthday=birthday)
    contact.in_touch, contact.recorded_by = in_touch, actor
    contact.activity = "" if no_answers else activity
    contact.accommodation = "" if no_answers else accommodation
    contact.accommodation_suitable = None if no_answers or not accommodation else accommodation_suitable
    save_with_history(contact, actor=actor, reason=f"Contact at {birthday}")
    return contact


# Looked-after reviews and missing episodes (the 903's Reviews and Missing tables) ----------------------------


def care_on(*, child: Child, day: datetime.date) -> CareEpisode | None:
    """The child's period in care that `day` falls in (its last day included), or None if they were not in care."""
    covering = child.care_episodes.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    return covering.order_by("-started_on").first()


REVIEW_FIELDS = ("reviewed_on", "participation", "chaired_by")


@transaction.atomic
def review_record(
    *, child: Child, actor: User, reviewed_on: datetime.date, participation: str, chaired_by: str = ""
) -> LookedAfterReview:
    """A statutory looked-after review, held on a day the child was in care: how they took part (the 903's PN code,
    PN0 for a child under 4 and only for them) and who chaired it. One a day: a second is refused, so the first is
    corrected instead (review_update)."""
    child = Child.objects.select_for_update().get(pk=child.pk)  # one review a day, even for two saves at once
    require_recorder(actor=actor, child=child)
    review = LookedAfterReview(child=child, recorded_by=actor)
    _apply_review(review, reviewed_on=reviewed_on, participation=participation, chaired_by=chaired_by)
    save_with_history(review, actor=actor, reason="Review recorded")
    return review


@transaction.atomic
def review_update(
    *, review: LookedAfterReview, actor: User, version: datetime.datetime | None = None, **fields: Any
) -> LookedAfterReview:
    """Correct a review (its day, how the child took part, who chaired it); the history keeps what it said before.
    `version` is its updated_at as read: if someone saved it since, nothing is saved."""
    Child.objects.select_for_update().get(pk=review.child_id)  # the same lock as review_record: one review a day
    review = LookedAfterReview.objects.select_for_update().select_related("child").get(pk=review.pk)
    require_recorder(actor=actor, child=review.child)
    versions.check_version(review, version=version)
    unknown = set(fields) - set(REVIEW_FIELDS)
    if unknown:
        raise ValidationError(f"These are not details of a review: {', '.join(sorted(unknown))}.")
    _apply_review(review, **({name: getattr(review, name) for name in REVIEW_FIELDS} | fields))
    save_with_history(review, actor=actor, reason="Corrected")
    return review


def _apply_review(review: LookedAfterReview, *, reviewed_on: datetime.date, participation: str, chaired_by: str) -> None:
    review.reviewed_on, review.participation, review.chaired_by = reviewed_on, participation, (chaired_by or "").strip()
    _check_review(review)


def _check_review(review: LookedAfterReview) -> None:
    child, day, name = review.child, review.reviewed_on, review.child.display_name
    if review.participation not in codes.ReviewParticipation.values:
        raise ValidationError({"participation": "Choose how the child took part in the review."})
    _check_date_not_future(day, field="reviewed_on", label="The date of the review")
    if care_on(child=child, day=day) is None:
        raise ValidationError(
            {"reviewed_on": f"{name} was not in care on {day:%-d %B %Y}: a looked-after review is held only while "
             "a child is in care."}
        )  # fmt: skip
    _check_participation(review)
    if child.reviews.filter(reviewed_on=day).exclude(pk=review.pk).exists():
        already = f"A review on {day:%-d %B %Y} is already recorded for {name}: correct that one instead."
        raise ValidationError({"reviewed_on": ValidationError(already, code="duplicate")})


def _check_participation(review: LookedAfterReview) -> None:
    """PN0 is the code for a child under 4 on the day of the review, and for no one else (the DfE's rules 440, 441)."""
    age, under_four = review.child.age_on(review.reviewed_on), codes.ReviewParticipation.PN0
    if age < codes.REVIEW_UNDER_AGE and review.participation != under_four:
        raise ValidationError(
            {"participation": f"{review.child.display_name} was under 4 on the day of the review: choose “{under_four.label}”."}
        )
    if age >= codes.REVIEW_UNDER_AGE and review.participation == under_four:
        raise ValidationError(
            {"participation": f"{review.child.display_name} was {age} on the day of the review, not under 4: choose how "
             "they took part."}
        )  # fmt: skip


def require_back_before_care_ends(*, child: Child, ended_on: datetime.date) -> None:
    """Care cannot end while the child is recorded as missing, nor before a day they came back: each missing episode
    lies within care (the DfE's rule 577). For the service that ends care, in whichever app ends it."""
    after = child.missing_episodes.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=ended_on)).first()
    if after is not None:
        raise ValidationError(
            {"ended_on": f"{child.display_name} is recorded as missing ({after}): record the day they came back, on or "
             "before the day care ends."}
        )  # fmt: skip


MISSING_FIELDS = ("kind", "started_on", "ended_on", "return_interview_offered", "return_interview_taken")


@transaction.atomic
def missing_episode_record(
    *, child: Child, actor: User, kind: str, started_on: datetime.date, ended_on: datetime.date | None = None,
    return_interview_offered: bool | None = None, return_interview_taken: bool | None = None,
) -> MissingEpisode:  # fmt: skip
    """A time the child was missing, or away without permission, while in care: open (no `ended_on`) while they are
    still missing. Episodes of one child never overlap, and one at most is open. A return interview is offered, and
    taken up or not, once they are back."""
    child = Child.objects.select_for_update().get(pk=child.pk)  # overlaps are checked against the child's others
    require_recorder(actor=actor, child=child)
    episode = MissingEpisode(child=child, recorded_by=actor)
    _apply_missing(
        episode, kind=kind, started_on=started_on, ended_on=ended_on,
        return_interview_offered=return_interview_offered, return_interview_taken=return_interview_taken,
    )  # fmt: skip
    save_with_history(episode, actor=actor, reason="Went missing" if ended_on is None else "Missing episode recorded")
    return episode


@transaction.atomic
def missing_episode_update(
    *, episode: MissingEpisode, actor: User, version: datetime.datetime | None = None, **fields: Any
) -> MissingEpisode:
    """Record the day the child came back and the return interview, or correct the episode; the history keeps what it
    said before. An empty `ended_on` means still missing. `version` is its updated_at as read."""
    Child.objects.select_for_update().get(pk=episode.child_id)  # the same lock as missing_episode_record
    episode = MissingEpisode.objects.select_for_update().select_related("child").get(pk=episode.pk)
    require_recorder(actor=actor, child=episode.child)
    versions.check_version(episode, version=version)
    unknown = set(fields) - set(MISSING_FIELDS)
    if unknown:
        raise ValidationError(f"These are not details of a missing episode: {', '.join(sorted(unknown))}.")
    came_back = episode.ended_on is None and fields.get("ended_on") is not None
    _apply_missing(episode, **({name: getattr(episode, name) for name in MISSING_FIELDS} | fields))
    save_with_history(episode, actor=actor, reason="Came back" if came_back else "Corrected")
    return episode


def _apply_missing(episode: MissingEpisode, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(episode, name, value)
    _check_missing_dates(episode)
    _check_missing_in_care(episode)
    _check_return_interview(episode)
    _check_no_overlap(episode)


def _check_missing_dates(episode: MissingEpisode) -> None:
    if episode.kind not in codes.MissingKind.values:
        raise ValidationError({"kind": "Say whether the child was missing or away without permission."})
    _check_date_not_future(episode.started_on, field="started_on", label="The day they went missing")
    if episode.ended_on is not None:
        _check_date_not_future(episode.ended_on, field="ended_on", label="The day they came back")
        if episode.ended_on < episode.started_on:
            raise ValidationError({"ended_on": "They cannot come back before the day they went missing."})


def _check_missing_in_care(episode: MissingEpisode) -> None:
    """The return counts missing episodes of children in care: each begins and ends within one period in care."""
    child, start, end = episode.child, episode.started_on, episode.ended_on
    care = care_on(child=child, day=start)
    if care is None:
        raise ValidationError(
            {"started_on": f"{child.display_name} was not in care on {start:%-d %B %Y}: record missing episodes "
             "from the time they were in care."}
        )  # fmt: skip
    if care.ended_on is not None and (end is None or end > care.ended_on):
        raise ValidationError(
            {"ended_on": f"{child.display_name} left care on {care.ended_on:%-d %B %Y}: record the day they came back, "
             "on or before it."}
        )  # fmt: skip


def _check_return_interview(episode: MissingEpisode) -> None:
    offered, taken = episode.return_interview_offered, episode.return_interview_taken
    if episode.ended_on is None and (offered is not None or taken is not None):
        raise ValidationError(
            {"return_interview_offered": "A return interview follows the child's return: record the day they came back first."}
        )
    if taken is not None and offered is not True:
        raise ValidationError({"return_interview_taken": "A return interview can be taken up only once it was offered."})


def _check_no_overlap(episode: MissingEpisode) -> None:
    """No two episodes of a child overlap (one may begin the day another ended), and one at most is open: the
    DfE's rule 574. An open episode runs on, so any other must end by the day it began, and begin before it."""
    for other in episode.child.missing_episodes.exclude(pk=episode.pk):
        if _missing_overlap(episode, other):
            still = f"is recorded as still missing since {other.started_on:%-d %B %Y}" if other.ended_on is None else (
                f"was recorded missing from {other.started_on:%-d %B %Y} to {other.ended_on:%-d %B %Y}"
            )  # fmt: skip
            raise ValidationError(
                {"started_on": f"{episode.child.display_name} {still}: this overlaps it. Correct that episode instead."}
            )


def _missing_overlap(one: MissingEpisode, other: MissingEpisode) -> bool:
    if (one.ended_on is None or other.ended_on is None) and one.started_on == other.started_on:
        return True
    one_ends, other_ends = one.ended_on or datetime.date.max, other.ended_on or datetime.date.max
    return one.started_on < other_ends and other.started_on < one_ends


# The yearly health record (903 OC2) --------------------------------------------------------------

HEALTH_ANSWERS = (
    "sdq_score", "sdq_reason", "convicted", "development_check", "immunisations", "teeth_check", "health_assessment",
    "substance_misuse", "intervention_received", "intervention_offered",
)  # fmt: skip


@transaction.atomic
def health_record_save(
    *, child: Child, actor: User, year_ending: int, version: datetime.datetime | None = None, **answers: Any
) -> HealthRecord:
    """The child's health record for the year to 31 March `year_ending`: made, or corrected in place (`version` is
    its updated_at as read). Only for a child in care on the year's first day, and only the questions that the
    child's age asks (selectors.health_questions): an answer to one that does not apply is refused, not dropped."""
    child = Child.objects.select_for_update().get(pk=child.pk)  # one record a year, even for two saves at once
    require_recorder(actor=actor, child=child)
    unknown = set(answers) - set(HEALTH_ANSWERS)
    if unknown:
        raise ValidationError(f"These are not part of the health record: {', '.join(sorted(unknown))}.")
    _check_health_year(child, year_ending)
    record = HealthRecord.objects.select_for_update().filter(child=child, year_ending=year_ending).first()
    if record is not None:
        versions.check_version(record, version=version)
    record = record or HealthRecord(child=child, year_ending=year_ending)
    for name in HEALTH_ANSWERS:
        setattr(record, name, answers.get(name, "" if name == "sdq_reason" else None))
    _check_health_answers(record, questions=selectors.health_questions(child=child, year_ending=year_ending))
    record.recorded_by = actor
    save_with_history(record, actor=actor, reason=f"Health in the year to 31 March {year_ending}")
    return record


def _check_health_year(child: Child, year_ending: int) -> None:
    first_day, _ = dates.year_to_march(year_ending)
    if year_ending > dates.year_ending_of(timezone.localdate()):
        raise ValidationError({"year_ending": "That year has not started yet."})
    if not child.care_episodes.filter(started_on__lte=first_day).exclude(ended_on__lt=first_day).exists():
        raise ValidationError(
            {"year_ending": f"{child.display_name} was not in care on {first_day:%-d %B %Y}: the yearly health record "
             "is for children looked after for the whole year to 31 March."}
        )  # fmt: skip


def _check_health_answers(record: HealthRecord, *, questions: selectors.HealthQuestions) -> None:
    """The 903's OC2 rules between the answers, with the age the child is at 31 March."""
    answers = {name: getattr(record, name) for name in HEALTH_ANSWERS}
    for name in ("immunisations", "teeth_check", "health_assessment", "substance_misuse"):
        if answers[name] is None:
            raise ValidationError({name: "Answer yes or no."})
    for name, asked, why in questions.by_age():
        if asked and answers[name] is None:
            raise ValidationError({name: f"Answer yes or no: {why}."})
        if not asked and answers[name] is not None:
            raise ValidationError({name: f"Leave this empty: {why}."})
    _check_sdq(record, questions)
    _check_interventions(answers)


def _check_sdq(record: HealthRecord, questions: selectors.HealthQuestions) -> None:
    score, reason = record.sdq_score, record.sdq_reason
    if not questions.sdq:
        if score is not None or reason:
            raise ValidationError({"sdq_score": f"Leave the SDQ empty: {questions.sdq_why}."})
        return
    if score is not None and reason:
        raise ValidationError({"sdq_reason": "Give the SDQ score or why there is none, not both."})
    if score is None and not reason:
        raise ValidationError({"sdq_score": f"Give the SDQ score, or say why there is none: {questions.sdq_why}."})
    if score is not None and not 0 <= score <= codes.SDQ_HIGHEST:
        raise ValidationError({"sdq_score": f"An SDQ score is from 0 to {codes.SDQ_HIGHEST}."})
    if reason == codes.SdqReason.SDQ1 and not questions.sdq1_possible:
        raise ValidationError({"sdq_reason": "The child was between 4 and 16 all year: choose another reason."})


def _check_interventions(answers: dict[str, Any]) -> None:
    received, offered = answers["intervention_received"], answers["intervention_offered"]
    if not answers["substance_misuse"]:
        if received is not None or offered is not None:
            raise ValidationError({"intervention_received": "Leave the interventions empty: no substance misuse problem."})
        return
    if received is None:
        raise ValidationError({"intervention_received": "Say whether they received an intervention for it."})
    if received and offered is not None:
        raise ValidationError({"intervention_offered": "Leave this empty: they received an intervention."})
    if not received and offered is None:
        raise ValidationError({"intervention_offered": "Say whether they were offered an intervention and refused it."})


# Allocations -------------------------------------------------------------------------------


@transaction.atomic
def allocation_change(*, child: Child, worker: User, started_on: datetime.date, reason: str, actor: User) -> Allocation:
    """End the child's current allocation (with the 903 reason) and start one with `worker`.

    There is never more than one current allocated worker: the old row is locked first, and a
    partial unique constraint backs the rule up if two managers change worker at once."""
    require_recorder(actor=actor, child=child)
    if not selectors.team_members(user=actor).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": "Choose a social worker you can allocate children to."})
    current = Allocation.objects.select_for_update().filter(child=child, ended_on__isnull=True).first()
    _check_allocation_change(current=current, worker=worker, started_on=started_on, reason=reason, child=child)
    if current is not None:
        current.ended_on = started_on
        current.end_reason = reason
        save_with_history(current, actor=actor, update_fields=["ended_on", "end_reason"])
    allocation = Allocation(child=child, worker=worker, started_on=started_on)
    try:
        with transaction.atomic():
            save_with_history(allocation, actor=actor)
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
    if reason == codes.WorkerChangeReason.FCONTA:
        raise ValidationError({"reason": "First contact is the reason for a child's first worker, not for a change."})
    if reason not in dict(codes.CHANGE_REASONS):
        raise ValidationError({"reason": "Choose why the worker is changing."})


# Visits ------------------------------------------------------------------------------------


def _check_visit_time(*, child: Child, visited_at: datetime.datetime) -> None:
    if timezone.is_naive(visited_at):
        raise ValidationError({"visited_at": "Give the time with its time zone."})
    if visited_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"visited_at": "A visit cannot be recorded in the future."})
    # Compared in local time without converting visited_at, which overflows for times near year 1.
    if visited_at < timezone.make_aware(datetime.datetime.combine(child.date_of_birth, datetime.time.min)):
        raise ValidationError({"visited_at": "A visit cannot be before the child was born."})


@transaction.atomic
def visit_create(*, child: Child, author: User, idempotency_key: uuid.UUID | None = None, **fields: Any) -> Visit:
    """Start a draft visit. A repeated request with the same idempotency key returns the first visit."""
    require_recorder(actor=author, child=child)
    if idempotency_key is not None:
        existing = Visit.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_visit_or_refuse(existing, child=child, author=author)
    _check_visit_time(child=child, visited_at=fields["visited_at"])
    visit = Visit(child=child, author=author, idempotency_key=idempotency_key or uuid.uuid4(), **_visit_fields(fields))
    try:
        with transaction.atomic():
            save_with_history(visit, actor=author)
    except (IntegrityError, ValidationError) as error:
        # A second click racing the first: the first one won, so return it.
        existing = Visit.objects.filter(idempotency_key=visit.idempotency_key).first()
        if existing is None:
            raise
        return _same_visit_or_refuse(existing, child=child, author=author, error=error)
    return visit


def _lock_child_before_visit(child_id: int) -> None:
    """The child's row, locked before their visit: the visits' trigger (migration 0008) locks the child before it
    rewrites the links of the child's other visits, so an edit that locked its own visit first would deadlock with a
    save that holds the child and is rewriting that visit's link. The same lock as the trigger's (FOR NO KEY UPDATE)."""
    list(Child.objects.select_for_update(no_key=True).filter(pk=child_id).values_list("pk", flat=True))


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
def visit_update(*, visit: Visit, actor: User, version: datetime.datetime | None = None, **fields: Any) -> Visit:
    """Change a draft. Signed visits change only through visit_amend, with a reason.

    `version` is the visit's updated_at when the person opened it: if someone saved since, nothing is saved."""
    _lock_child_before_visit(visit.child_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require_recorder(actor=actor, child=visit.child)
    if version is not None and not visit.is_signed and _has_visit_fields(visit, fields):
        return visit  # a phone sending again a change whose answer it never got: it is there already
    versions.check_version(visit, version=version)
    if visit.is_signed:
        raise ValidationError("This visit is signed. To change it, amend it and say why.")
    _apply_visit_fields(visit, fields)
    save_with_history(visit, actor=actor)
    return visit


def _has_visit_fields(visit: Visit, fields: dict[str, Any]) -> bool:
    return all(getattr(visit, name) == value for name, value in _visit_fields(fields).items())


def _apply_visit_fields(visit: Visit, fields: dict[str, Any]) -> None:
    for name, value in _visit_fields(fields).items():
        setattr(visit, name, value)
    _check_visit_time(child=visit.child, visited_at=visit.visited_at)


@transaction.atomic
def visit_sign(*, visit: Visit, actor: User) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require_recorder(actor=actor, child=visit.child)
    if visit.is_signed:
        return visit  # signing twice (a second click) changes nothing
    if visit.awaits_review:
        raise ValidationError({"reviewed": "Read and correct the draft from the voice note, then confirm you have checked it."})
    if not any(getattr(visit, name).strip() for name in ("child_said", "observations", "analysis")):
        raise ValidationError("Write what the child said, what you saw or your analysis before signing.")
    visit.status = codes.VisitStatus.SIGNED
    visit.signed_at = timezone.now()
    visit.signed_by = actor
    if visit.drafted_from_voice and visit.voice_draft:
        _keep_draft_changes(visit)
    save_with_history(visit, actor=actor, reason="Signed")
    return visit


def _keep_draft_changes(visit: Visit) -> None:
    """How much of the voice draft the worker changed before signing, for the recording-time measure."""
    changes = edits.section_changes(visit.voice_draft, {name: getattr(visit, name) for name in VOICE_SECTIONS})
    visit.voice_changes = changes
    visit.voice_draft_words = sum(section["draft_words"] for section in changes.values())
    visit.voice_words_changed = sum(section["changed"] for section in changes.values())


@transaction.atomic
def visit_review_draft(*, visit: Visit, actor: User) -> Visit:
    """A person confirms they have read and corrected the machine draft, which allows signing."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require_recorder(actor=actor, child=visit.child)
    if visit.awaits_review:
        visit.draft_reviewed_by = actor
        visit.draft_reviewed_at = timezone.now()
        save_with_history(
            visit, actor=actor, reason="Voice note draft reviewed", update_fields=["draft_reviewed_by", "draft_reviewed_at"]
        )
    return visit


# The sections of a visit's record that a voice draft fills, in the order the page shows them.
VOICE_SECTIONS = ("child_said", "observations", "analysis", "actions")


@transaction.atomic
def visit_add_voice_draft(*, visit: Visit, sections: dict[str, str]) -> bool:
    """Add a transcript, already split into the record's sections, to a draft visit for the worker to correct.

    Called by the transcription pipeline, not a person, so it never touches a signed visit and always marks the
    draft as needing review. Keeps the sections as drafted, to count the worker's changes at signing.
    Returns False when the visit was already signed."""
    if set(sections) - set(VOICE_SECTIONS):
        raise ValueError(f"Unknown sections: {sorted(set(sections) - set(VOICE_SECTIONS))}")
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.is_signed:
        return False
    for name, text in sections.items():
        setattr(visit, name, _appended(getattr(visit, name), text))
    visit.voice_draft = {name: getattr(visit, name) for name in VOICE_SECTIONS}
    visit.drafted_from_voice = True
    visit.draft_reviewed_by = None
    visit.draft_reviewed_at = None
    save_with_history(visit, actor=None, reason="Draft from voice note", update_fields=[*_VOICE_DRAFT_FIELDS])
    return True


def _appended(before: str, text: str) -> str:
    return f"{before.rstrip()}\n\n{text}".strip() if before.strip() else text


_VOICE_DRAFT_FIELDS = (
    *VOICE_SECTIONS,
    "voice_draft",
    "drafted_from_voice",
    "draft_reviewed_by",
    "draft_reviewed_at",
    "updated_at",
)


@transaction.atomic
def visit_move_sentences(*, visit: Visit, actor: User, moves: list[tuple[str, str, str]]) -> Visit:
    """Move sentences of a voice draft between the record's sections: (sentence, from section, to section).

    A sentence the worker has since changed is not found where it was, and is refused with a clear message,
    so a move never loses or duplicates the worker's own words."""
    _lock_child_before_visit(visit.child_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require_recorder(actor=actor, child=visit.child)
    if visit.is_signed:
        raise ValidationError("This visit is signed. To change it, amend it and say why.")
    draft = dict(visit.voice_draft)
    for sentence, source, target in moves:
        if {source, target} - set(VOICE_SECTIONS) or not sentence.strip():
            raise ValidationError("Choose a section of the record to move the sentence to.")
        if source == target:
            continue
        setattr(visit, source, _without_sentence(getattr(visit, source), sentence))
        setattr(visit, target, _appended(getattr(visit, target), sentence))
        if sentence in draft.get(source, ""):  # a move is not the worker changing the draft's words
            draft[source] = _without_sentence(draft[source], sentence)
            draft[target] = _appended(draft.get(target, ""), sentence)
    visit.voice_draft = draft
    save_with_history(visit, actor=actor, reason="Voice draft: sentences moved between sections")
    return visit


def _without_sentence(text: str, sentence: str) -> str:
    if sentence not in text:
        raise ValidationError(f"“{sentence[:80]}” is no longer in that section as drafted. Move it by hand in the form.")
    before, _, after = text.partition(sentence)
    return re.sub(r"[ \t]+\n", "\n", f"{before.rstrip()} {after.lstrip()}".strip())


@transaction.atomic
def visit_amend(*, visit: Visit, actor: User, reason: str, version: datetime.datetime | None = None, **fields: Any) -> Visit:
    """Change a signed visit. The reason is kept in the history beside both versions.

    `version` as for visit_update: an amendment based on an older version is refused."""
    _lock_child_before_visit(visit.child_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require_recorder(actor=actor, child=visit.child)
    versions.check_version(visit, version=version)
    if not visit.is_signed:
        raise ValidationError("This visit is still a draft: change it directly.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are changing a signed record."})
    _apply_visit_fields(visit, fields)
    save_with_history(visit, actor=actor, reason=f"Amended: {reason.strip()}")
    return visit


# Case notes --------------------------------------------------------------------------------
# Contact that is not a visit. The same life as a visit's record: a draft its author writes and signs, then only
# amendments with a reason. Nobody changes another person's draft: it is their unfinished account.


@transaction.atomic
def case_note_create(*, child: Child, author: User, idempotency_key: uuid.UUID | None = None, **fields: Any) -> CaseNote:
    """Start a draft case note. A repeated request with the same idempotency key (a second click, a resent request)
    returns the first note, as visit_create does."""
    require_recorder(actor=author, child=child, record="case notes")
    if idempotency_key is not None:
        existing = CaseNote.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_note_or_refuse(existing, child=child, author=author)
    note = CaseNote(child=child, author=author, idempotency_key=idempotency_key or uuid.uuid4(), **_case_note_fields(fields))
    _check_case_note(note)
    try:
        with transaction.atomic():
            save_with_history(note, actor=author)
    except (IntegrityError, ValidationError) as error:
        existing = CaseNote.objects.filter(idempotency_key=note.idempotency_key).first()
        if existing is None:
            raise
        return _same_note_or_refuse(existing, child=child, author=author, error=error)
    return note


def _same_note_or_refuse(existing: CaseNote, *, child: Child, author: User, error: Exception | None = None) -> CaseNote:
    if existing.child_id != child.pk or existing.author_id != author.pk:
        raise ValidationError("This request has already been used for a different case note.") from error
    return existing


@transaction.atomic
def case_note_update(*, note: CaseNote, actor: User, version: datetime.datetime | None = None, **fields: Any) -> CaseNote:
    """Change a draft. `version` is its updated_at when the person opened it: if someone saved since, nothing is saved."""
    note = _case_note_for_change(note, actor=actor, version=version)
    if note.is_signed:
        raise ValidationError("This case note is signed. To change it, amend it and say why.")
    _require_author(note, actor=actor)
    for name, value in _case_note_fields(fields).items():
        setattr(note, name, value)
    _check_case_note(note)
    save_with_history(note, actor=actor)
    return note


@transaction.atomic
def case_note_sign(*, note: CaseNote, actor: User) -> CaseNote:
    note = _case_note_for_change(note, actor=actor, version=None)
    if note.is_signed:
        return note  # signing twice (a second click) changes nothing
    _require_author(note, actor=actor)
    if not note.summary.strip():
        raise ValidationError({"summary": "Write what was said or agreed before signing."})
    note.status, note.signed_at, note.signed_by = codes.VisitStatus.SIGNED, timezone.now(), actor
    save_with_history(note, actor=actor, reason="Signed")
    return note


@transaction.atomic
def case_note_amend(
    *, note: CaseNote, actor: User, reason: str, version: datetime.datetime | None = None, **fields: Any
) -> CaseNote:
    """Change a signed note: anyone who may record for the child, with a reason kept in the history beside both
    versions. `version` as for case_note_update."""
    note = _case_note_for_change(note, actor=actor, version=version)
    if not note.is_signed:
        raise ValidationError("This case note is still a draft: change it directly.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are changing a signed record."})
    for name, value in _case_note_fields(fields).items():
        setattr(note, name, value)
    _check_case_note(note)
    if not note.summary.strip():
        raise ValidationError({"summary": "A signed case note keeps its summary: write what was said or agreed."})
    save_with_history(note, actor=actor, reason=f"Amended: {reason.strip()}")
    return note


def _case_note_for_change(note: CaseNote, *, actor: User, version: datetime.datetime | None) -> CaseNote:
    """The note's row, locked, once the actor may record for the child and the version they read is current."""
    note = CaseNote.objects.select_for_update().select_related("child").get(pk=note.pk)
    require_recorder(actor=actor, child=note.child, record="case notes")
    versions.check_version(note, version=version)
    return note


def _require_author(note: CaseNote, *, actor: User) -> None:
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the person who wrote this draft can change or sign it.")


def _case_note_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CASE_NOTE_FIELDS)
    if unknown:
        raise ValidationError(f"These are not parts of a case note: {', '.join(sorted(unknown))}.")
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def _check_case_note(note: CaseNote) -> None:
    note.full_clean()
    # A TextField's max_length is not one of its model validators: checked here for every caller, the API included.
    limit = CaseNote._meta.get_field("summary").max_length or 0
    if len(note.summary) > limit:
        raise ValidationError({"summary": f"Keep the summary to {limit:,} characters or fewer."})
    if timezone.is_naive(note.happened_at):
        raise ValidationError({"happened_at": "Give the time with its time zone."})
    if note.happened_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"happened_at": "A case note cannot be about something in the future."})
    if note.happened_at < timezone.make_aware(datetime.datetime.combine(note.child.date_of_birth, datetime.time.min)):
        raise ValidationError({"happened_at": "A case note cannot be about a time before the child was born."})


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
    require_recorder(actor=actor, child=child)
    if sibling.child_id != child.pk or not sibling.is_sibling:
        raise ValidationError({"sibling": "Choose one of this child's brothers or sisters."})
    if started_on < child.date_of_birth:
        raise ValidationError({"started_on": "Contact cannot start before the child was born."})
    arrangement = SiblingContactArrangement(
        child=child, sibling=sibling, frequency=frequency, requested_by_child=requested_by_child, plan=plan, started_on=started_on
    )
    save_with_history(arrangement, actor=actor)
    return arrangement


ARRANGEMENT_FIELDS = ("frequency", "requested_by_child", "plan", "ended_on", "end_reason")


@transaction.atomic
def sibling_contact_arrangement_update(
    *, arrangement: SiblingContactArrangement, actor: User, version: datetime.datetime | None = None, **fields: Any
) -> SiblingContactArrangement:
    """Change how often contact is, its plan or whether the child asked for it; or end it (`ended_on`, the last day,
    with `end_reason`); an empty `ended_on` starts it again. A change of frequency applies to the whole arrangement,
    so the sessions due before it are counted at the new frequency too. `version` is its updated_at as read."""
    arrangement = SiblingContactArrangement.objects.select_for_update().select_related("child", "sibling").get(pk=arrangement.pk)
    require_recorder(actor=actor, child=arrangement.child)
    versions.check_version(arrangement, version=version)
    unknown = set(fields) - set(ARRANGEMENT_FIELDS)
    if unknown:
        raise ValidationError(f"These are not details of a contact arrangement: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(arrangement, name, value.strip() if isinstance(value, str) else value)
    if arrangement.ended_on is None:
        arrangement.end_reason = ""
    _check_arrangement_end(arrangement)
    ended = "ended_on" in fields and arrangement.ended_on is not None
    save_with_history(arrangement, actor=actor, reason="Ended" if ended else "Changed")
    return arrangement


def _check_arrangement_end(arrangement: SiblingContactArrangement) -> None:
    ended_on = arrangement.ended_on
    if ended_on is None:
        return
    if ended_on < arrangement.started_on:
        raise ValidationError({"ended_on": "Contact cannot end before it started."})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The day contact ended cannot be in the future."})
    if not arrangement.end_reason:
        raise ValidationError({"end_reason": "Say why the contact ended."})
    later = arrangement.sessions.filter(planned_on__gt=ended_on).exclude(status=codes.ContactSessionStatus.CANCELLED)
    if later.exists():
        raise ValidationError({"ended_on": "Sessions are recorded after this day: cancel them first, or choose a later day."})


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
    """Record a planned, held or cancelled session. A cancelled session says who cancelled and why.

    One row a day for an arrangement: recording what happened on a day that already has a planned session changes
    that session (the same row, its history kept); anything else already recorded for the day is refused."""
    # Locked first, so two people recording the same day one after the other find each other's session.
    arrangement = SiblingContactArrangement.objects.select_for_update().select_related("child").get(pk=arrangement.pk)
    require_recorder(actor=actor, child=arrangement.child)
    outcome = {"status": status, "cancelled_by": cancelled_by, "cancel_reason": cancel_reason, "child_comment": child_comment}
    existing = arrangement.sessions.filter(planned_on=planned_on).order_by("pk").first()
    if existing is not None:
        _refuse_second_session(existing, status=status)
        return sibling_contact_session_update(session=existing, actor=actor, version=None, **outcome)
    session = SiblingContactSession(arrangement=arrangement, planned_on=planned_on)
    _apply_outcome(session, **outcome)
    save_with_history(session, actor=actor)
    return session


def _refuse_second_session(existing: SiblingContactSession, *, status: str) -> None:
    """A planned session may be given its outcome; any other second session on the same day is a duplicate."""
    if existing.status == codes.ContactSessionStatus.PLANNED and status != codes.ContactSessionStatus.PLANNED:
        return
    raise ValidationError(
        {
            "planned_on": f"A session on {existing.planned_on:%-d %B %Y} is already recorded for this contact "
            f"({existing.get_status_display().lower()}). Change that session instead of adding another."
        },
        code="duplicate",
    )


@transaction.atomic
def sibling_contact_session_update(
    *,
    session: SiblingContactSession,
    actor: User,
    version: datetime.datetime | None,
    status: str,
    cancelled_by: str = "",
    cancel_reason: str = "",
    child_comment: str = "",
) -> SiblingContactSession:
    """Record what became of a session on its own row: held, cancelled (who cancelled, why) or still planned, and what
    the child said. `version` is its updated_at as read: if someone saved it since, nothing is saved."""
    session = SiblingContactSession.objects.select_for_update().select_related("arrangement__child").get(pk=session.pk)
    require_recorder(actor=actor, child=session.arrangement.child)
    versions.check_version(session, version=version)
    _apply_outcome(session, status=status, cancelled_by=cancelled_by, cancel_reason=cancel_reason, child_comment=child_comment)
    reason: dict[str, str] = {codes.ContactSessionStatus.HAPPENED: "Happened", codes.ContactSessionStatus.CANCELLED: "Cancelled"}
    save_with_history(session, actor=actor, reason=reason.get(status, "Changed"))
    return session


def _apply_outcome(
    session: SiblingContactSession, *, status: str, cancelled_by: str, cancel_reason: str, child_comment: str
) -> None:
    cancelled = status == codes.ContactSessionStatus.CANCELLED
    session.status, session.child_comment = status, child_comment.strip()
    session.cancelled_by = cancelled_by if cancelled else ""
    session.cancel_reason = cancel_reason.strip() if cancelled else ""
    _check_session(session)


def _check_session(session: SiblingContactSession) -> None:
    arrangement, planned_on, errors = session.arrangement, session.planned_on, {}
    if planned_on < arrangement.started_on:
        errors["planned_on"] = "The session cannot be before the arrangement started."
    elif arrangement.ended_on and planned_on > arrangement.ended_on:
        errors["planned_on"] = f"This contact ended on {arrangement.ended_on:%-d %B %Y}: the session cannot be after it."
    if session.status == codes.ContactSessionStatus.HAPPENED and planned_on > timezone.localdate():
        errors["status"] = "A session in the future cannot have happened yet."
    if session.status == codes.ContactSessionStatus.CANCELLED and not session.cancelled_by:
        errors["cancelled_by"] = "Say who cancelled the session."
    if session.status == codes.ContactSessionStatus.CANCELLED and not session.cancel_reason:
        errors["cancel_reason"] = "Say why the session was cancelled."
    if errors:
        raise ValidationError(errors)


# The access log ----------------------------------------------------------------------------


def record_view_log(*, user: User, child: Child, page: str) -> None:
    """Every view of a child's record is logged: who, when and which page."""
    RecordView.objects.create(user=user, child=child, page=page[:200])


def record_list_log(*, user: User, children: Iterable[int], page: str) -> None:
    """A list or an export that shows children's records is logged too: one row for the request, with
    every child it showed (by id). One that showed nobody reads nothing about anyone, and writes no row."""
    shown = sorted(set(children))
    if not shown:
        return
    view = RecordView.objects.create(user=user, page=page[:200])
    Shown = RecordView.children.through
    Shown.objects.bulk_create([Shown(recordview_id=view.pk, child_id=child_id) for child_id in shown], batch_size=5000)


# A child's own account ---------------------------------------------------------------------
# The child's worker (or their manager) invites them with a one-use code; the child chooses a
# username and password; either can suspend the account at once.

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud or typed on a phone


def invite_code_hash(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_invite_code() -> str:
    letters = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


@transaction.atomic
def child_invite_create(*, child: Child, actor: User) -> tuple[ChildInvite, str]:
    """A new invite for the child; any earlier unused one stops working. The code is returned once, never stored."""
    require_recorder(actor=actor, child=child)
    if child.status != codes.CaseStatus.OPEN:
        raise ValidationError("This child's record is closed, so they cannot be invited.")
    account = ChildAccount.objects.filter(child=child).first()
    if account is not None and account.is_suspended:
        raise ValidationError("This child's account is suspended. Reinstate it before sending a new invite.")
    now = timezone.now()
    ChildInvite.objects.filter(child=child, used_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    code = _new_invite_code()
    invite = ChildInvite.objects.create(child=child, code_hash=invite_code_hash(code), created_by=actor)
    return invite, code


@transaction.atomic
def child_account_create(*, code: str, username: str, password: str, password_again: str) -> User:
    """The child's own sign-in, from their invite. A second click with the same code finds it used.

    An invite for a child who already has an account sets a new password on it (a forgotten password)."""
    invite = ChildInvite.objects.select_for_update().select_related("child").filter(code_hash=invite_code_hash(code)).first()
    invite = _usable(invite)
    account = ChildAccount.objects.select_related("user").filter(child=invite.child).first()
    user = account.user if account else User(username=username.strip(), role=codes.Role.CHILD)
    _check_new_sign_in(user, password=password, password_again=password_again, is_new=account is None)
    user.first_name = invite.child.preferred_name or invite.child.first_name
    user.set_password(password)
    user.save()
    if account is None:
        ChildAccount.objects.create(user=user, child=invite.child, invite=invite)
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    return user


def _usable(invite: ChildInvite | None) -> ChildInvite:
    """The invite, if its code still works; otherwise a ValidationError that says what to do."""
    if invite is None or invite.cancelled_at is not None:
        raise ValidationError({"code": "That code doesn't work. Check it with your worker, or ask them for a new one."})
    if invite.used_at is not None:
        raise ValidationError({"code": "That code has already been used. Sign in, or ask your worker for a new code."})
    if invite.expires_at <= timezone.now():
        raise ValidationError({"code": "That code is too old now. Ask your worker for a new one."})
    if invite.child.status != codes.CaseStatus.OPEN:
        raise ValidationError({"code": "That code doesn't work. Check it with your worker, or ask them for a new one."})
    return invite


def _check_new_sign_in(user: User, *, password: str, password_again: str, is_new: bool) -> None:
    errors: dict[str, list[str]] = {}
    if is_new:
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            errors["username"] = error.message_dict.get("username", [])
    if password != password_again:
        errors["password_again"] = ["The two passwords are not the same. Type them again."]
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def child_account_suspend(*, child: Child, actor: User, reason: str) -> ChildAccount:
    """Stops the child signing in from the next page they open (an inactive user has no session)."""
    require_recorder(actor=actor, child=child)
    account = ChildAccount.objects.select_for_update().select_related("user").filter(child=child).first()
    if account is None:
        raise ValidationError("This child has no account to suspend.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are suspending the account."})
    account.suspended_at, account.suspended_by, account.suspended_reason = timezone.now(), actor, reason.strip()
    save_with_history(account, actor=actor, reason="Suspended")
    account.user.is_active = False
    account.user.save(update_fields=["is_active"])
    ChildInvite.objects.filter(child=child, used_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=timezone.now())
    return account


@transaction.atomic
def child_account_reinstate(*, child: Child, actor: User) -> ChildAccount:
    require_recorder(actor=actor, child=child)
    account = ChildAccount.objects.select_for_update().select_related("user").filter(child=child).first()
    if account is None or not account.is_suspended:
        raise ValidationError("This child's account is not suspended.")
    account.suspended_at, account.suspended_by, account.suspended_reason = None, None, ""
    save_with_history(account, actor=actor, reason="Reinstated")
    account.user.is_active = True
    account.user.save(update_fields=["is_active"])
    return account


# The child's own words ---------------------------------------------------------------------

CHILD_WORDS = ("what_matters_to_me", "how_i_like_to_be_spoken_to", "people_who_matter", "proud_of", "my_story")


@transaction.atomic
def child_words_update(*, child: Child, actor: User, **words: str) -> Child:
    """The child's words, kept exactly as written (no trimming); the history keeps every earlier version.

    The child writes these themselves; their worker may too (the story of why they came into care is
    written together)."""
    if not selectors.is_own_record(user=actor, child=child):
        require_recorder(actor=actor, child=child)
    unknown = set(words) - set(CHILD_WORDS)
    if unknown:
        raise ValidationError(f"These can't be changed here: {', '.join(sorted(unknown))}.")
    for field, text in words.items():
        setattr(child, field, text)
    save_with_history(
        child, actor=actor, reason="Written by the child" if actor.role == codes.Role.CHILD else "", update_fields=list(words)
    )
    return child


# Checking what is written --------------------------------------------------------------------


def _child_versions_rewrite(share: SharedRecord, written: Mapping[str, str], *, actor: User, reason: str) -> bool:
    """Put the worker's new words into the child's versions (history keeps the old); True if any changed."""
    new = {s: t.strip() for s, t in written.items() if s in share.sections and t.strip()}
    if all(share.child_versions.get(s) == t for s, t in new.items()):
        return False
    share.child_versions = {**share.child_versions, **new}
    save_with_history(share, actor=actor, reason=reason, update_fields=["child_versions"])
    return True


@transaction.atomic
def visit_share(
    *, visit: Visit, actor: User, sections: list[str], child_versions: Mapping[str, str], note_to_child: str = ""
) -> SharedRecord:
    """Share some sections of a signed visit with the child, each in a version written to them.

    `child_versions` holds the child's version of each chosen section (the field `child_<section>` on
    the page): the child reads only these. Sharing the same sections again rewrites the child's
    versions, and history keeps the earlier ones."""
    visit = Visit.objects.select_for_update().select_related("child").get(pk=visit.pk)
    require_recorder(actor=actor, child=visit.child)
    if not visit.is_signed:
        raise ValidationError("Sign the visit before sharing it: the child sees only signed records.")
    chosen = [section for section in codes.SharedSection.values if section in set(sections)]
    if not chosen or len(set(sections)) != len(chosen):
        raise ValidationError({"sections": "Choose at least one part of the record to share."})
    empty = [label for value, label in codes.SharedSection.choices if value in chosen and not getattr(visit, value).strip()]
    if empty:
        raise ValidationError({"sections": f"Nothing is written under “{empty[0]}” yet. Choose parts that have words in them."})
    versions = _child_versions(chosen, child_versions)
    share = SharedRecord.objects.filter(visit=visit, sections=chosen).first()
    if share is None:
        share = SharedRecord(visit=visit, sections=chosen, shared_by=actor)
    elif share.child_versions == versions and share.note_to_child == note_to_child.strip():
        return share  # a second click or a resent request: nothing new for the child to read
    share.child_versions, share.note_to_child = versions, note_to_child.strip()
    save_with_history(share, actor=actor)
    return share


def _child_versions(chosen: list[str], written: Mapping[str, str]) -> dict[str, str]:
    """The child's version of each chosen section; every one must have words (the child sees nothing else)."""
    versions = {section: (written.get(section) or "").strip() for section in chosen}
    labels = dict(codes.SharedSection.choices)
    errors = {
        f"child_{section}": f"Write “{labels[section]}” for the child, or accept the words offered."
        for section, text in versions.items()
        if not text
    }
    if errors:
        raise ValidationError(errors)
    return versions


@transaction.atomic
def record_check(*, shared_record: SharedRecord, actor: User, verdict: str, child_words: str = "") -> RecordCheck:
    """The child says whether a shared record is right. "This isn't right" opens a correction request."""
    if not selectors.is_own_record(user=actor, child=shared_record.visit.child):
        raise PermissionDenied("Only the child can check what is written about them.")
    if verdict not in codes.Verdict.values:
        raise ValidationError({"verdict": "Choose “This is right” or “This isn't right”."})
    if verdict == codes.Verdict.NOT_RIGHT and not child_words.strip():
        raise ValidationError({"child_words": "Tell your worker what isn't right, in your own words."})
    if RecordCheck.objects.filter(shared_record=shared_record, status=codes.CheckStatus.OPEN).exists():
        raise ValidationError("You have already told your worker about this. They will answer soon.")
    latest = RecordCheck.objects.filter(shared_record=shared_record).order_by("-checked_at", "-id").first()
    if verdict == codes.Verdict.RIGHT and latest is not None and latest.status == codes.CheckStatus.AGREED:
        return latest  # a second "this is right" (a double tap) says nothing new
    status = codes.CheckStatus.OPEN if verdict == codes.Verdict.NOT_RIGHT else codes.CheckStatus.AGREED
    check = RecordCheck(shared_record=shared_record, verdict=verdict, child_words=child_words, status=status)
    save_with_history(check, actor=actor)
    return check


@transaction.atomic
def correction_answer(
    *,
    check: RecordCheck,
    actor: User,
    answer: str,
    changes: dict[str, str] | None = None,
    child_changes: dict[str, str] | None = None,
) -> RecordCheck:
    """The worker answers a correction request: changes the record (history keeps both versions) or explains why not.

    `changes` are new texts for the shared sections of the staff record; any real change amends the visit,
    giving the child's words as the reason. `child_changes` rewrite the child's versions, which is what the
    child reads. The answer is always required: the child reads it."""
    check = RecordCheck.objects.select_for_update().select_related("shared_record__visit__child").get(pk=check.pk)
    visit = check.shared_record.visit
    require_recorder(actor=actor, child=visit.child)
    if not check.is_open:
        raise ValidationError("This has already been answered.")
    if not answer.strip():
        raise ValidationError({"answer": "Write an answer for the child: what you changed, or why it stays as it is."})
    changed = {f: t for f, t in (changes or {}).items() if f in check.shared_record.sections and t != getattr(visit, f)}
    reason = f"Corrected after the child said: {check.child_words}"
    if changed:
        visit_amend(visit=visit, actor=actor, reason=reason, version=None, **changed)
    rewritten = _child_versions_rewrite(check.shared_record, child_changes or {}, actor=actor, reason=reason)
    check.status = codes.CheckStatus.AMENDED if changed or rewritten else codes.CheckStatus.EXPLAINED
    check.answer, check.answered_by, check.answered_at = answer.strip(), actor, timezone.now()
    save_with_history(check, actor=actor)
    return check
