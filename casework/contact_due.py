"""Sibling contact due from an arrangement's frequency, and which of it happened.

The rule, used by the sibling contact measure (casework.measures), the child's page and the tests alike:

- An arrangement expects one session in each *slot* of its frequency, counted from the day it started. A weekly
  slot is 7 days and a fortnightly one 14; a monthly slot runs to the day before the same day next month, and a
  quarterly one to the day before the same day three months on, always counted from the start, so contact from
  31 January has slots from 31 Jan, 28 Feb (the last day of a shorter month stands in), 31 Mar, 30 Apr...
  "Other" (see the plan) expects none.
- A slot is due by its last day. It counts as due once that day has come (by today), and only if the arrangement
  lasted to it: a slot cut short by the arrangement ending is not due.
- A slot is met by a session recorded as happened on a day inside it. The slots do not overlap, so a session meets
  only the slot it falls in, and each slot is met at most once (two sessions in one week meet one weekly slot).
  A due slot that is not met is missed, whether a session in it was cancelled, is still marked planned, or nobody
  planned one at all.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from casework import codes
from casework.dates import months_after
from casework.models import SiblingContactArrangement, SiblingContactSession

DAY = datetime.timedelta(days=1)
F = codes.ContactFrequency


@dataclass(frozen=True)
class Step:
    """From one slot's start to the next: whole months, or days; and the fewest and most days that can be."""

    months: int
    days: int
    shortest: int
    longest: int


STEPS = {
    F.WEEKLY: Step(0, 7, 7, 7),
    F.FORTNIGHTLY: Step(0, 14, 14, 14),
    F.MONTHLY: Step(1, 0, 28, 31),
    F.QUARTERLY: Step(3, 0, 89, 92),
}


def slot_start(started_on: datetime.date, frequency: str, k: int) -> datetime.date:
    """The first day of the k-th slot (from 0) of contact that started on `started_on`."""
    step = STEPS[codes.ContactFrequency(frequency)]
    return months_after(started_on, k * step.months) + k * step.days * DAY


@dataclass(frozen=True)
class Slot:
    starts: datetime.date
    ends: datetime.date  # due by this day
    happened: SiblingContactSession | None  # the session that met it
    recorded: tuple[SiblingContactSession, ...]  # every session recorded inside it, latest first

    @property
    def met(self) -> bool:
        return self.happened is not None

    def outcome(self) -> str:
        """What became of a slot, in words for the child's page."""
        if self.happened:
            return f"Happened on {self.happened.planned_on:%-d %b %Y}"
        if not self.recorded:
            return "Nothing planned or recorded"
        latest = self.recorded[0]
        if latest.status == codes.ContactSessionStatus.CANCELLED:
            return f"Cancelled by {latest.get_cancelled_by_display().lower() or 'someone not recorded'}"
        return f"Planned for {latest.planned_on:%-d %b %Y}; what happened is not recorded yet"


def slots(
    arrangement: SiblingContactArrangement,
    sessions: Iterable[SiblingContactSession],
    *,
    since: datetime.date,
    until: datetime.date,
) -> list[Slot]:
    """The arrangement's slots whose last day is from `since` to `until` (and by its end), with the sessions in each.

    `until` is usually today: a slot due later is not counted yet. See the module's docstring for the rule."""
    if arrangement.frequency not in STEPS:
        return []
    last = min(until, arrangement.ended_on or until)
    ordered = sorted(sessions, key=lambda s: (s.planned_on, s.pk or 0), reverse=True)
    found = []
    for starts, ends in _windows(arrangement, since=since, until=last):
        inside = tuple(s for s in ordered if starts <= s.planned_on <= ends)
        happened = next((s for s in inside if s.status == codes.ContactSessionStatus.HAPPENED), None)
        found.append(Slot(starts, ends, happened, inside))
    return found


Window = tuple[datetime.date, datetime.date]  # a slot's first and last days


def _windows(arrangement: SiblingContactArrangement, *, since: datetime.date, until: datetime.date) -> Iterator[Window]:
    """(first day, last day) of each slot whose last day is from `since` to `until`."""
    step = STEPS[codes.ContactFrequency(arrangement.frequency)]
    k = max(0, (since - arrangement.started_on).days // step.longest - 1)  # no later than the first wanted
    while True:
        starts = slot_start(arrangement.started_on, arrangement.frequency, k)
        ends = slot_start(arrangement.started_on, arrangement.frequency, k + 1) - DAY
        if ends > until:
            return
        if ends >= since:
            yield starts, ends
        k += 1


def current_slot(arrangement: SiblingContactArrangement, *, today: datetime.date) -> Window | None:
    """The slot today falls in, while the arrangement lasts that long: the next session due by its last day."""
    if arrangement.frequency not in STEPS or today < arrangement.started_on:
        return None
    step = STEPS[codes.ContactFrequency(arrangement.frequency)]
    k = max(0, (today - arrangement.started_on).days // step.longest - 1)
    while slot_start(arrangement.started_on, arrangement.frequency, k + 1) <= today:
        k += 1
    ends = slot_start(arrangement.started_on, arrangement.frequency, k + 1) - DAY
    if arrangement.ended_on and ends > arrangement.ended_on:
        return None
    return slot_start(arrangement.started_on, arrangement.frequency, k), ends
