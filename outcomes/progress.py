"""Each of the child's scores as a change to the progress the dashboard counts, kept on the score row.

The star measure asks, for each of ten dates, about every area of every star: is it counted (the child has
scored it at two check-ins or more by then), is it improved (the latest score by then is above the first),
and what are its first and latest scores. An area's answer changes only at one of its scores, so each of the
child's scores carries the change it makes, from the area's previous score (in check-in order: date, then
check-in). The answer for any date is then the sum of the changes of the scores up to it: one pass over a
narrow index, with no window functions and no grouping by area. `progress_changes` is the one definition;
services.check_in_record keeps it, the demo county fills it, migration 0004 filled what was there."""

from collections.abc import Sequence
from typing import NamedTuple


class Progress(NamedTuple):
    counted: int  # 1 once the area has a second score
    improved: int  # 1 while counted and the latest score is above the first
    first: int  # the first score, once counted (the sum over areas gives the mean)
    latest: int  # the latest score, once counted


NONE = Progress(0, 0, 0, 0)
FIELDS = ("counted_change", "improved_change", "first_change", "latest_change")


def progress_after(scores: Sequence[int]) -> Progress:
    """An area's progress after these scores (the child's, in check-in order)."""
    if len(scores) < 2:
        return NONE
    first, latest = scores[0], scores[-1]
    return Progress(1, int(latest > first), first, latest)


def progress_changes(scores: Sequence[int]) -> list[Progress]:
    """For an area's child scores in check-in order: what each one changes in the area's progress."""
    changes, before = [], NONE
    for nth in range(1, len(scores) + 1):
        after = progress_after(scores[:nth])
        changes.append(Progress(*(a - b for a, b in zip(after, before, strict=True))))
        before = after
    return changes
