"""The dashboard's reads: each measure's figures for the chosen period, the one before and the trend, and the
whole page's measures worked out at once in one snapshot (casework.dashboard.snapshots)."""

import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db.models import QuerySet

from casework.dashboard.registry import Figure, Measure, Periods, all_measures
from casework.dashboard.snapshots import read_together
from casework.models import Child


@dataclass(frozen=True)
class MeasureFigures:
    measure: Measure
    current: Figure
    previous: Figure
    trend: list[Figure]

    @property
    def change(self) -> float | None:
        if self.current.value is None or self.previous.value is None:
            return None
        return round(self.current.value - self.previous.value, 1)


def measure_figures(*, measure: Measure, children: QuerySet[Child], periods: Periods) -> MeasureFigures:
    """One measure for the chosen period, the one before and the trend, from its one selector."""
    asked = periods.all
    by_period = dict(zip(asked, measure.figures(children=children, periods=asked), strict=True))
    return MeasureFigures(measure, by_period[periods.current], by_period[periods.previous], [by_period[p] for p in periods.trend])


# How long each measure took last time in this process: the longest are started first, so that the connections
# finish together rather than one starting the slowest measure last.
_last_seconds: dict[str, float] = {}


def dashboard(*, children: QuerySet[Child], periods: Periods) -> list[MeasureFigures]:
    """Every measure, several at once on their own connections (HEARTH_DASHBOARD_CONNECTIONS), in one snapshot."""
    measures = sorted(all_measures(), key=lambda measure: -_last_seconds.get(measure.key, float("inf")))
    tasks = [partial(_timed_figures, measure=measure, children=children, periods=periods) for measure in measures]
    by_key = {figures.measure.key: figures for figures in read_together(tasks, connections=settings.HEARTH_DASHBOARD_CONNECTIONS)}
    return [by_key[measure.key] for measure in all_measures()]


def _timed_figures(*, measure: Measure, children: QuerySet[Child], periods: Periods) -> MeasureFigures:
    began = time.perf_counter()
    figures = measure_figures(measure=measure, children=children, periods=periods)
    _last_seconds[measure.key] = time.perf_counter() - began
    return figures
