"""The demo county's looked-after reviews and missing episodes (the 903's Reviews and Missing tables).

Reviews come at the statutory intervals (the first within 20 working days of coming into care, the second within
three months of it, then every six months) while the child is in care; a few older children go missing, or are away
without permission, for a day or a few, and come back. Each child's draws come from a Random seeded by their id, so
the rest of the county is drawn exactly as before and the same seed gives the same reviews."""

import bisect
import datetime
import itertools
import random
from collections.abc import Iterator
from typing import Any

from casework import codes
from casework.demo.loader import Row, insert
from casework.models import LookedAfterReview, MissingEpisode

DAY = datetime.timedelta(days=1)
P = codes.ReviewParticipation
# How children of 4 and over took part (made-up shares, most attending and speaking for themselves).
PARTICIPATION = {P.PN1: 45, P.PN2: 8, P.PN3: 4, P.PN4: 5, P.PN5: 10, P.PN6: 18, P.PN7: 10}
# (first, second, every later) review: the days after the one before, earliest and latest, inside the statutory limits.
INTERVALS = ((14, 28), (70, 91), (150, 182))
IROS = ("Priya Shah", "Tom Ellison", "Grace Okafor", "Martin Hughes", "Helen Bryce", "Samir Patel")
MISSING_FROM_AGE = 11  # the demo's children who go missing are 11 or older
MISSING_SHARE = 0.12  # of children in care at that age, who go missing at least once


def reviews_and_missing_save(county: Any, plans: list[Any]) -> None:
    """Write the reviews and missing episodes of a chunk's children (after their allocations are saved)."""
    cared_for = [plan for plan in plans if plan.kind in ("in_care", "left_care")]
    insert(LookedAfterReview, (row for plan in cared_for for row in _reviews(county, plan)))
    insert(MissingEpisode, (row for plan in cared_for for row in _missing(county, plan)))


def _last_day(county: Any, plan: Any) -> datetime.date:
    yesterday: datetime.date = county.today - DAY
    ended: datetime.date | None = plan.end
    return min(ended, yesterday) if ended else yesterday


def _worker_on(plan: Any, day: datetime.date) -> int:
    """The child's allocated worker that day: they record the review or the episode."""
    starts = [row["started_on"] for row in plan.allocations]
    return int(plan.allocations[max(0, bisect.bisect_right(starts, day) - 1)]["worker_id"])


def _review_days(rng: random.Random, start: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    day = start
    for number in itertools.count():
        lo, hi = INTERVALS[min(number, len(INTERVALS) - 1)]
        day += rng.randint(lo, hi) * DAY
        if day > last:
            return
        yield day


def _reviews(county: Any, plan: Any) -> list[Row]:
    rng, child = random.Random(f"reviews-{plan.child['id']}"), plan.child
    chair = rng.choice(IROS)
    rows = []
    for day in _review_days(rng, plan.start, _last_day(county, plan)):
        chair = rng.choice(IROS) if rng.random() < 0.1 else chair  # the same IRO, mostly, for continuity
        rows.append(
            {"child_id": child["id"], "reviewed_on": day, "participation": _participation(rng, child, day),
             "chaired_by": chair, "recorded_by_id": _worker_on(plan, day)}
        )  # fmt: skip
    return rows


def _participation(rng: random.Random, child: Row, day: datetime.date) -> str:
    born: datetime.date = child["date_of_birth"]
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if age < codes.REVIEW_UNDER_AGE:
        return P.PN0
    return rng.choices(list(PARTICIPATION), weights=list(PARTICIPATION.values()))[0]


def _missing(county: Any, plan: Any) -> list[Row]:
    """One to three short episodes, all ended, none overlapping, each within one collection year (none runs over
    31 March) and within care, ending before care does."""
    rng, child = random.Random(f"missing-{plan.child['id']}"), plan.child
    born: datetime.date = child["date_of_birth"]
    old_enough = born.replace(year=born.year + MISSING_FROM_AGE) if (born.month, born.day) != (2, 29) else born + 4018 * DAY
    lo, hi = max(plan.start + 14 * DAY, old_enough), _last_day(county, plan) - 6 * DAY
    if lo > hi or rng.random() >= MISSING_SHARE:
        return []
    starts = sorted(rng.sample(range(lo.toordinal(), hi.toordinal() + 1), min(rng.randint(1, 3), (hi - lo).days + 1)))
    rows: list[Row] = []
    for start in map(datetime.date.fromordinal, starts):
        if rows and start <= rows[-1]["ended_on"]:
            continue
        end = min(start + rng.randint(0, 4) * DAY, hi + 5 * DAY, datetime.date(start.year + (start.month > 3), 3, 31))
        offered = rng.random() < 0.9
        rows.append(
            {"child_id": child["id"], "kind": codes.MissingKind.MISSING if rng.random() < 0.75 else codes.MissingKind.AWAY,
             "started_on": start, "ended_on": end, "return_interview_offered": offered,
             "return_interview_taken": rng.random() < 0.6 if offered else None, "recorded_by_id": _worker_on(plan, start)}
        )  # fmt: skip
    return rows
