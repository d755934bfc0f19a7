"""A child's chronology: one timeline of what has happened to them, from every app's records, for staff.

The seam is the journey's (casework.me.journey): each app registers its ChronologySource in its AppConfig.ready(),
so casework never imports placements or outcomes. A source takes a child (already opened through the access
rules: casework.views.child_for_page) and returns its entries, newest or oldest in any order, using a fixed
number of queries whatever the number of entries, so a child with years of records costs what a new one does.

Each entry says when (a day, or a moment for what was recorded to the minute), what kind of record it is (the
source's slug, for filtering), a title and a short detail, the record's page where it has one, and who recorded
it. Drafts are included, marked as drafts: a chronology shows what the record holds, not only what is signed."""

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from casework import codes
from casework.dates import start_of
from casework.models import (
    Allocation,
    CareEpisode,
    CareLeaverContact,
    CareLeaverRecord,
    Child,
    FamilyMember,
    HealthRecord,
    LegalStatus,
    RecordCheck,
    SiblingContactSession,
)

DETAIL_WORDS = 40  # enough to recognise the record; the whole of it is on its own page


@dataclass(frozen=True)
class Entry:
    when: datetime.date | datetime.datetime
    kind: str
    title: str
    detail: str = ""
    link: str = ""
    recorded_by: str = ""
    draft: bool = False

    @property
    def day(self) -> datetime.date:
        if isinstance(self.when, datetime.datetime):
            return timezone.localtime(self.when).date()
        return self.when

    @property
    def time(self) -> datetime.time | None:
        return timezone.localtime(self.when).time() if isinstance(self.when, datetime.datetime) else None

    @property
    def sort_key(self) -> tuple[datetime.datetime, str, str]:
        # A day with no time sorts at the start of that day, before what happened during it.
        moment = self.when if isinstance(self.when, datetime.datetime) else start_of(self.when)
        return moment, self.kind, self.title


@dataclass(frozen=True)
class ChronologySource:
    kind: str  # a short slug, for filtering and the CSV: "visit"
    label: str  # what the filter's checkbox says: "Visits"
    order: int  # where its checkbox goes among the others
    entries: Callable[[Child], Iterable[Entry]]


_sources: list[ChronologySource] = []


def register_chronology_source(source: ChronologySource) -> ChronologySource:
    if all(existing.kind != source.kind for existing in _sources):
        _sources.append(source)
    return source


def chronology_sources() -> list[ChronologySource]:
    return sorted(_sources, key=lambda source: (source.order, source.kind))


def chronology(
    *,
    child: Child,
    kinds: Collection[str] = (),
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    newest_first: bool = True,
) -> list[Entry]:
    """The child's entries of the chosen kinds (every kind when none is chosen) between two days, inclusive."""
    chosen = [source for source in chronology_sources() if not kinds or source.kind in kinds]
    entries = [
        entry
        for source in chosen
        for entry in source.entries(child)
        if (since is None or entry.day >= since) and (until is None or entry.day <= until)
    ]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=newest_first)


# Helpers for sources ---------------------------------------------------------------------------------------------


def short(text: str) -> str:
    return Truncator(" ".join(text.split())).words(DETAIL_WORDS)


def history_rows(history: QuerySet[Any]) -> list[Any]:
    """A model's history rows, oldest first, with who made each change: one query, for first_recorded."""
    return list(history.select_related("history_user").order_by("history_date", "history_id"))


def first_recorded(rows: Iterable[Any], *, when: Callable[[Any], bool] | None = None) -> dict[int, str]:
    """Who recorded each record (its first history row), or, with `when`, the first change for which `when` holds
    (the row that first has an end date: who recorded the end). {record id: name}."""
    found: dict[int, str] = {}
    for row in rows:
        if row.id not in found and (when is None or when(row)):
            found[row.id] = str(row.history_user) if row.history_user else ""
    return found


def ended(row: Any) -> bool:
    return row.ended_on is not None


# casework's own sources ---------------------------------------------------------------------------------------


def visit_entries(child: Child) -> Iterable[Entry]:
    for visit in child.visits.select_related("author"):
        said = visit.child_said or visit.observations
        yield Entry(
            visit.visited_at,
            "visit",
            visit.get_visit_type_display() + ("" if visit.is_signed else " (draft, not signed)"),
            short(("Seen alone. " if visit.seen_alone else "") + said),
            reverse("casework:visit-detail", args=[visit.pk]),
            str(visit.author),
            draft=not visit.is_signed,
        )


def case_note_entries(child: Child) -> Iterable[Entry]:
    for note in child.case_notes.select_related("author"):
        title = note.get_kind_display() + (f" with {note.who}" if note.who else "")
        yield Entry(
            note.happened_at,
            "case-note",
            title + ("" if note.is_signed else " (draft, not signed)"),
            short(note.summary),
            reverse("casework:case-note-detail", args=[note.pk]),
            str(note.author),
            draft=not note.is_signed,
        )


def worker_entries(child: Child) -> Iterable[Entry]:
    rows = history_rows(Allocation.history.filter(child_id=child.pk))
    started_by, ended_by = first_recorded(rows), first_recorded(rows, when=ended)
    for allocation in child.allocations.select_related("worker__team"):
        team = f"{allocation.worker.team} team" if allocation.worker.team else ""
        yield Entry(allocation.started_on, "worker", f"{allocation.worker} became the allocated worker", team,
                    recorded_by=started_by.get(allocation.pk, ""))  # fmt: skip
        if allocation.ended_on:
            yield Entry(allocation.ended_on, "worker", f"{allocation.worker} stopped being the allocated worker",
                        allocation.get_end_reason_display(), recorded_by=ended_by.get(allocation.pk, ""))  # fmt: skip


def legal_status_entries(child: Child) -> Iterable[Entry]:
    rows = history_rows(LegalStatus.history.filter(child_id=child.pk))
    started_by, ended_by = first_recorded(rows), first_recorded(rows, when=ended)
    for status in child.legal_statuses.all():
        name = f"{status.code} {status.get_code_display()}"
        yield Entry(status.started_on, "legal-status", f"Legal status: {name}", recorded_by=started_by.get(status.pk, ""))
        if status.ended_on:
            yield Entry(status.ended_on, "legal-status", f"Legal status ended: {name}", recorded_by=ended_by.get(status.pk, ""))


def care_entries(child: Child) -> Iterable[Entry]:
    rows = history_rows(CareEpisode.history.filter(child_id=child.pk))
    started_by, ended_by = first_recorded(rows), first_recorded(rows, when=ended)
    for episode in child.care_episodes.all():
        need = episode.get_category_of_need_display() if episode.category_of_need else ""
        yield Entry(episode.started_on, "care", "Came into care", need, recorded_by=started_by.get(episode.pk, ""))
        if episode.ended_on:
            yield Entry(episode.ended_on, "care", "Left care", recorded_by=ended_by.get(episode.pk, ""))


def review_entries(child: Child) -> Iterable[Entry]:
    for review in child.reviews.select_related("recorded_by"):
        chair = f"; chaired by {review.chaired_by}" if review.chaired_by else ""
        detail = f"{review.participation}: {review.get_participation_display()}{chair}"
        link = reverse("casework:review-edit", args=[review.pk])
        yield Entry(review.reviewed_on, "review", "Looked-after review", detail, link, str(review.recorded_by))


def missing_entries(child: Child) -> Iterable[Entry]:
    """Each time the child went missing or away without permission, and the day they came back."""
    for episode in child.missing_episodes.select_related("recorded_by"):
        link, who = reverse("casework:missing-edit", args=[episode.pk]), str(episode.recorded_by)
        yield Entry(episode.started_on, "missing", episode.get_kind_display(), "", link, who)
        if episode.ended_on:
            offered = {None: "not recorded", True: "offered", False: "not offered"}[episode.return_interview_offered]
            taken = {None: "", True: ", taken up", False: ", not taken up"}[episode.return_interview_taken]
            yield Entry(episode.ended_on, "missing", "Came back", f"Return interview {offered}{taken}", link, who)


def correction_entries(child: Child) -> Iterable[Entry]:
    """What the child said was not right in a record shared with them, and the worker's answer."""
    checks = RecordCheck.objects.filter(shared_record__visit__child=child, verdict=codes.Verdict.NOT_RIGHT)
    for check in checks.select_related("shared_record__visit", "answered_by"):
        link = reverse("casework:visit-detail", args=[check.shared_record.visit_id]) + "#shared"
        visit = check.shared_record.visit
        title = f"{child.display_name} said a record isn't right ({visit.get_visit_type_display().lower()})"
        yield Entry(check.checked_at, "correction", title, short(check.child_words), link, child.display_name)
        if check.answered_at:
            title = f"Correction answered: {check.get_status_display().lower()}"
            yield Entry(check.answered_at, "correction", title, short(check.answer), link, str(check.answered_by or ""))


def sibling_contact_entries(child: Child) -> Iterable[Entry]:
    sessions = SiblingContactSession.objects.filter(arrangement__child=child).select_related("arrangement__sibling")
    recorded_by = first_recorded(history_rows(SiblingContactSession.history.filter(arrangement__child_id=child.pk)))
    link = reverse("casework:child-detail", args=[child.pk]) + "#sibling-contact"
    for session in sessions:
        said = [f"{child.display_name} said: {session.child_comment}" if session.child_comment else ""]
        if session.cancel_reason:
            said.insert(0, f"Cancelled by {session.get_cancelled_by_display().lower()}: {session.cancel_reason}")
        title = f"Contact with {session.arrangement.sibling.name}: {session.get_status_display().lower()}"
        detail = short(" ".join(filter(None, said)))
        yield Entry(session.planned_on, "sibling-contact", title, detail, link, recorded_by.get(session.pk, ""))


def family_entries(child: Child) -> Iterable[Entry]:
    """Each change to the family network, when it was recorded: someone added, changed or leaving it."""
    link = reverse("casework:child-detail", args=[child.pk]) + "#family"
    before: dict[int, Any] = {}
    for row in history_rows(FamilyMember.history.filter(child_id=child.pk)):
        earlier = before.get(row.id)
        before[row.id] = row
        if earlier is None:
            title = f"{row.name} added to the network ({row.get_relationship_display().lower()})"
        elif row.ended_on and not earlier.ended_on:
            title = f"{row.name} left the network"
        else:
            title = f"{row.name}'s details changed"
        why = "" if earlier is None else short(row.history_change_reason or "")
        yield Entry(row.history_date, "family", title, why, link, str(row.history_user or ""))


def case_entries(child: Child) -> Iterable[Entry]:
    """The case closed and opened again, from the child's history: the status as it changed, and why."""
    link = reverse("casework:child-detail", args=[child.pk])
    status = codes.CaseStatus.OPEN
    for row in history_rows(child.history.all()):
        if row.status == status:
            continue
        status = row.status
        who = str(row.history_user or "")
        if status == codes.CaseStatus.CLOSED:
            reason = codes.ClosureReason(row.closed_reason).label if row.closed_reason else ""
            when = row.closed_on or row.history_date
            yield Entry(when, "case", "Case closed", short(f"{reason}. {row.closed_note}".strip(". ")), link, who)
        elif status == codes.CaseStatus.OPEN:
            reason = (row.history_change_reason or "").removeprefix("Reopened: ")
            yield Entry(row.history_date, "case", "Case opened again", short(reason), link, who)


def leaving_care_entries(child: Child) -> Iterable[Entry]:
    """The pathway plan, and contact with the young person around each birthday from 17 to 21."""
    link = reverse("casework:leaving-care", args=[child.pk])
    record = CareLeaverRecord.objects.filter(child=child).first()
    if record is not None and record.pathway_plan_on:
        adviser = f"Personal adviser: {record.personal_adviser}" if record.personal_adviser else ""
        yield Entry(record.pathway_plan_on, "leaving-care", "Pathway plan", adviser, link)
    recorded_by = first_recorded(history_rows(CareLeaverContact.history.filter(child_id=child.pk)))
    for contact in child.care_leaver_contacts.all():
        doing = "; ".join(part for part in (contact.get_activity_display(), contact.get_accommodation_display()) if part)
        title = f"Contact at {contact.birthday}: {contact.get_in_touch_display().lower()}"
        yield Entry(contact.updated_at, "leaving-care", title, doing, link, recorded_by.get(contact.pk, ""))


def health_entries(child: Child) -> Iterable[Entry]:
    """Each yearly health record (903 OC2), on the day it was last saved."""
    link = reverse("casework:health-records", args=[child.pk])
    recorded_by = first_recorded(history_rows(HealthRecord.history.filter(child_id=child.pk)))
    for record in child.health_records.all():
        sdq = f"SDQ score {record.sdq_score}" if record.sdq_score is not None else record.get_sdq_reason_display()
        assessment = "health assessment up to date" if record.health_assessment else "health assessment not up to date"
        detail = "; ".join(part for part in (sdq, assessment) if part)
        title = f"Health record for the year to 31 March {record.year_ending}"
        yield Entry(record.updated_at, "health", title, detail, link, recorded_by.get(record.pk, ""))


CASEWORK_SOURCES = (
    ChronologySource("visit", "Visits", 10, visit_entries),
    ChronologySource("case-note", "Case notes", 20, case_note_entries),
    ChronologySource("worker", "Workers", 40, worker_entries),
    ChronologySource("legal-status", "Legal status", 50, legal_status_entries),
    ChronologySource("care", "Periods in care", 60, care_entries),
    ChronologySource("leaving-care", "Leaving care", 65, leaving_care_entries),
    ChronologySource("review", "Looked-after reviews", 66, review_entries),
    ChronologySource("missing", "Missing or away", 67, missing_entries),
    ChronologySource("health", "Health records", 67, health_entries),
    ChronologySource("sibling-contact", "Sibling contact", 80, sibling_contact_entries),
    ChronologySource("family", "Family network", 90, family_entries),
    ChronologySource("correction", "Corrections asked by the child", 100, correction_entries),
    ChronologySource("case", "Case closed or opened again", 110, case_entries),
)
