"""The dashboard's registry: the periods a measure is asked for, what it answers (Figure and Row), and the
Measures and ChildFilters that apps register in their AppConfig.ready()."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from casework.dates import months_before
from casework.models import Child

TREND_QUARTERS = 8


@dataclass(frozen=True)
class Period:
    start: datetime.date  # inclusive
    end: datetime.date  # inclusive: the as-at date

    @property
    def label(self) -> str:
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    @property
    def short_label(self) -> str:
        return f"to {self.end:%-d %b %y}"


def period_ending(end: datetime.date, months: int) -> Period:
    return Period(months_before(end, months) + datetime.timedelta(days=1), end)


@dataclass(frozen=True)
class Periods:
    """The chosen period, the one before it, and the last eight quarters (the last ending on the as-at date)."""

    current: Period
    previous: Period
    trend: tuple[Period, ...]

    @property
    def all(self) -> list[Period]:
        """Each distinct period once, the chosen one first, so a measure computes each only once."""
        return list(dict.fromkeys([self.current, self.previous, *self.trend]))


def periods_for(*, on: datetime.date, months: int) -> Periods:
    current = period_ending(on, months)
    previous = period_ending(current.start - datetime.timedelta(days=1), months)
    trend = tuple(period_ending(months_before(on, 3 * k), 3) for k in reversed(range(TREND_QUARTERS)))
    return Periods(current, previous, trend)


def percent(count: int | None, total: int | None) -> float | None:
    return round(100 * count / total, 1) if total and count is not None else None


@dataclass(frozen=True)
class Row:
    """One line of a measure's breakdown. `part` names the drill-down to the children behind it, if any."""

    label: str
    value: float | None
    count: int | None = None
    total: int | None = None
    unit: str = "%"
    part: str | None = None


@dataclass(frozen=True)
class Figure:
    """A measure for one period: the headline value (a percentage unless the measure says otherwise)."""

    period: Period
    value: float | None
    count: int | None = None
    total: int | None = None
    rows: tuple[Row, ...] = ()


def share(period: Period, count: int | None, total: int | None, rows: Sequence[Row] = ()) -> Figure:
    return Figure(period, percent(count, total), count, total, tuple(rows))


FiguresSelector = Callable[..., list[Figure]]  # (*, children, periods) -> one Figure per period
ChildrenSelector = Callable[..., QuerySet[Child]]  # (*, children, period, part) -> the children behind it


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    definition: str
    headline: str  # what the headline number counts, after the number: "had a new social worker in 24 months"
    figures: FiguresSelector
    children_behind: ChildrenSelector
    unit: str = "%"
    comparator: float | None = None
    comparator_text: str = ""
    better: str = "higher"  # "higher", "lower", or "" where neither is better
    parts: tuple[tuple[str, str], ...] = (("", "Children counted"),)
    order: int = 100
    notes: Callable[[], str] | None = None  # assumptions worth stating on the page, worked out when shown

    def part_label(self, part: str) -> str:
        labels = dict(self.parts)
        if part not in labels:
            raise Http404("No such list for this measure")
        return labels[part]


@dataclass(frozen=True)
class ChildFilter:
    """One more way to narrow the children: `apply(children, value, on)` where value is one of `choices()`."""

    key: str
    label: str
    choices: Callable[[], list[tuple[str, str]]]
    apply: Callable[[QuerySet[Child], str, datetime.date], QuerySet[Child]]


_measures: dict[str, Measure] = {}
_filters: dict[str, ChildFilter] = {}


def register_measure(measure: Measure) -> Measure:
    _measures.setdefault(measure.key, measure)
    return measure


def register_child_filter(child_filter: ChildFilter) -> ChildFilter:
    _filters.setdefault(child_filter.key, child_filter)
    return child_filter


def all_measures() -> list[Measure]:
    return sorted(_measures.values(), key=lambda measure: (measure.order, measure.key))


def measure_get(key: str) -> Measure:
    if key not in _measures:
        raise Http404("No such measure")
    return _measures[key]


def child_filters() -> list[ChildFilter]:
    return list(_filters.values())
