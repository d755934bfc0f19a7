"""The values kept for the dashboard's measures, worked out afresh in Python from the records, to hold what the
database keeps (casework migrations 0008 and 0018) to what the records say."""

import datetime
from collections import defaultdict

from django.utils import timezone

from casework import codes, contact_due
from casework.models import Allocation, CareEpisode, SiblingContactArrangement, SiblingContactSession, Visit
from placements.models import PlacementEpisode

# (next_statutory_at, in_care_until, moved_after_on)
KeptVisit = tuple[datetime.datetime | None, datetime.date | None, datetime.date | None]
KeptSlot = tuple[datetime.date | None, bool]  # (slot_ends, stands_for_slot)
Kept = tuple[dict[int, bool], dict[int, KeptVisit], dict[int, bool], dict[int, KeptSlot]]
LONGEST_SLOT = datetime.timedelta(days=max(step.longest for step in contact_due.STEPS.values()))


def first_changes() -> dict[int, bool]:
    """Allocation.first_change_that_day: an ended allocation is the first change that day unless one of the child's
    allocations made before it (a lower id) ended the same day."""
    marks: dict[int, bool] = {}
    seen: defaultdict[int, set[datetime.date | None]] = defaultdict(set)
    for pk, child_id, ended_on in Allocation.objects.order_by("pk").values_list("pk", "child_id", "ended_on"):
        marks[pk] = ended_on is not None and ended_on not in seen[child_id]
        seen[child_id].add(ended_on)
    return marks


def visit_links() -> dict[int, KeptVisit]:
    """Visit.next_statutory_at, Visit.in_care_until and Visit.moved_after_on: on a signed statutory visit, the child's
    next signed statutory visit, the latest end (date.max while open) of the child's care begun by the visit's local
    day, and the first day after that day on which one of the child's homes began; else empty."""
    episodes: defaultdict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    for child_id, started_on, ended_on in CareEpisode.objects.values_list("child_id", "started_on", "ended_on"):
        episodes[child_id].append((started_on, ended_on or datetime.date.max))
    moves: defaultdict[int, list[datetime.date]] = defaultdict(list)
    for child_id, started_on in PlacementEpisode.objects.values_list("child_id", "started_on"):
        moves[child_id].append(started_on)
    links: dict[int, KeptVisit] = dict.fromkeys(Visit.objects.values_list("pk", flat=True), (None, None, None))
    statutory: defaultdict[int, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    signed = Visit.objects.filter(visit_type=codes.VisitType.STATUTORY, status=codes.VisitStatus.SIGNED)
    rows = signed.values_list("pk", "child_id", "visited_at")
    for pk, child_id, at in rows:
        statutory[child_id].append((at, pk))
    for child_id, visits in statutory.items():
        visits.sort()
        for (at, pk), following in zip(visits, [*visits[1:], None], strict=True):
            day = timezone.localdate(at)
            ends = [ended for started, ended in episodes[child_id] if started <= day]
            moved = min((started for started in moves[child_id] if started > day), default=None)
            links[pk] = (following[0] if following else None, max(ends, default=None), moved)
    return links


def sessions_asked_for() -> dict[int, bool]:
    """SiblingContactSession.requested_by_child: its arrangement's."""
    return dict(SiblingContactSession.objects.values_list("pk", "arrangement__requested_by_child"))


def session_slots() -> dict[int, KeptSlot]:
    """SiblingContactSession.slot_ends and stands_for_slot, from casework.contact_due's slots of each arrangement: the
    last day of the due slot the session falls in (empty if none: 'other', before the start, or a slot cut short by
    the arrangement's end); and of the sessions in a slot, the one that stands for it: the first by id that happened,
    or the first by id if none did."""
    slots: dict[int, KeptSlot] = dict.fromkeys(SiblingContactSession.objects.values_list("pk", flat=True), (None, False))
    for arrangement in SiblingContactArrangement.objects.prefetch_related("sessions"):
        sessions = list(arrangement.sessions.all())
        if not sessions:
            continue
        until = max(session.planned_on for session in sessions) + LONGEST_SLOT  # every slot a session is in
        for slot in contact_due.slots(arrangement, sessions, since=arrangement.started_on, until=until):
            first = min(slot.recorded, key=lambda s: (s.status != codes.ContactSessionStatus.HAPPENED, s.pk), default=None)
            slots |= {session.pk: (slot.ends, session == first) for session in slot.recorded}
    return slots


def kept_now() -> Kept:
    """What the database keeps, in the same shapes."""
    rows = Visit.objects.values_list("pk", "next_statutory_at", "in_care_until", "moved_after_on")
    visits = {pk: (at, until, moved) for pk, at, until, moved in rows}
    sessions = SiblingContactSession.objects.values_list("pk", "slot_ends", "stands_for_slot")
    return (
        dict(Allocation.objects.values_list("pk", "first_change_that_day")),
        visits,
        dict(SiblingContactSession.objects.values_list("pk", "requested_by_child")),
        {pk: (ends, stands) for pk, ends, stands in sessions},
    )


def expected() -> Kept:
    return first_changes(), visit_links(), sessions_asked_for(), session_slots()
