"""How long the SSDA903 return takes on this database (`manage.py ssda903_benchmark`, `bin/benchmark-903`): the
export (every table built and written as CSV) and the check (the export, then the DfE's validator over it), each
the median of several runs after one warm-up. Target: each under 30 s for a county of 3,000 children in care."""

import statistics
import time
from collections.abc import Callable
from typing import Any

from casework.codes import Role
from casework.models import User
from placements import export, validation

TARGET_SECONDS = 30.0


def _timed(action: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Each run's seconds (after a warm-up run, not counted), and the last run's result."""
    result = action()
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - began)
    return seconds, result


def _exported(head: User, year: int) -> export.Return:
    result = export.ssda903_build(user=head, year=year - 1)
    for table in export.TABLES:
        result.csv(table)
    return result


def ssda903_benchmark(out: Any, *, runs: int, year: int) -> bool:
    """Prints the figures; True when both medians are within the target."""
    head = User.objects.filter(is_active=True, role=Role.HEAD_OF_SERVICE).order_by("pk").first()
    if head is None:
        raise ValueError("Nobody here may produce the SSDA903 return: the database needs a head of service.")
    exported, result = _timed(lambda: _exported(head, year), runs)
    checked, check = _timed(lambda: validation.ssda903_check(user=head, year=year), runs)
    rows = ", ".join(f"{name} {len(table)}" for name, table in result.tables.items())
    out.write(f"SSDA903 {year - 1}/{year % 100:02d}: {len(result.children)} children in the return; rows: {rows}.\n")
    out.write(
        f"Validator: {len(check.issues)} issues from {len(check.by_rule())} rules; its own part took {check.seconds:.1f} s.\n"
    )
    met = True
    for what, seconds in (("export (all tables, CSV)", exported), ("check (export + validator)", checked)):
        median = statistics.median(seconds)
        met &= median < TARGET_SECONDS
        runs_text = ", ".join(f"{s:.1f}" for s in seconds)
        verdict = "" if median < TARGET_SECONDS else "  MISSED"
        out.write(f"{what:<28} median {median:6.1f} s  (runs: {runs_text}; target < {TARGET_SECONDS:.0f} s){verdict}\n")
    out.write("All targets met.\n" if met else "Some targets MISSED.\n")
    return met
