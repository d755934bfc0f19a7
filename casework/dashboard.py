"""The manager dashboard's seam: each app registers its measures here and casework shows them.

casework imports no other app. An app registers in its AppConfig.ready():
- a Measure: its definition in words, the national comparator where there is one, and two selectors
  over a set of children (a QuerySet[Child], already narrowed by access and by the filters):
  `figures(children=, periods=)` is the ONE selector that computes the measure, in the database and in
  a fixed number of queries, for every period asked (the chosen one first, with its breakdown rows);
  `children_behind(children=, period=, part=)` is the list of children behind a figure.
- a ChildFilter: one more way to narrow the children (placements adds the ladder rung).

Periods end on the as-at date, inclusive. A measure "on D" (who is in care, where they live) uses the
period's end; a measure "in the period" (visits, sessions, decisions) uses the whole period."""

import datetime
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casework import codes
from casework.dates import months_before
from casework.forms import DateInput, GovukForm
from casework.models import Child, Team, User
from casework.snapshots import read_together

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


# Filters -----------------------------------------------------------------------------------------

AGE_BANDS = {  # (youngest, oldest) on the as-at date, as the 903 groups ages
    "0-4": ("Under 5", 0, 4),
    "5-9": ("5 to 9", 5, 9),
    "10-15": ("10 to 15", 10, 15),
    "16+": ("16 and over", 16, 25),
}
PERIODS = {"3": "3 months", "6": "6 months", "12": "12 months"}


@dataclass(frozen=True)
class Filters:
    on: datetime.date
    months: int = 3
    team: Team | None = None
    worker: User | None = None
    age_band: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def periods(self) -> Periods:
        return periods_for(on=self.on, months=self.months)

    def query(self) -> dict[str, str]:
        """The filters as query parameters, for links to drill-downs and exports."""
        values = {"on": self.on.isoformat(), "period": str(self.months), "age_band": self.age_band, **self.extra}
        values |= {"team": str(self.team.pk) if self.team else "", "worker": str(self.worker.pk) if self.worker else ""}
        return {key: value for key, value in values.items() if value}


def allocated_on(on: datetime.date, **worker: Any) -> Q:
    """Children whose allocated social worker on `on` matches `worker` (e.g. worker=user, worker__team=team)."""
    lookups = {f"allocations__{key}": value for key, value in worker.items()}
    ongoing = Q(allocations__ended_on__isnull=True) | Q(allocations__ended_on__gt=on)
    return Q(allocations__started_on__lte=on, **lookups) & ongoing


def filtered_children(children: QuerySet[Child], filters: Filters) -> QuerySet[Child]:
    """Narrow the children by the dashboard's filters; the result is a plain set of children to count."""
    narrowed = children
    if filters.team:
        narrowed = narrowed.filter(pk__in=Child.objects.filter(allocated_on(filters.on, worker__team=filters.team)).values("pk"))
    if filters.worker:
        narrowed = narrowed.filter(pk__in=Child.objects.filter(allocated_on(filters.on, worker=filters.worker)).values("pk"))
    if filters.age_band:
        _, youngest, oldest = AGE_BANDS[filters.age_band]
        born_after = months_before(filters.on, 12 * (oldest + 1))
        narrowed = narrowed.filter(date_of_birth__gt=born_after, date_of_birth__lte=months_before(filters.on, 12 * youngest))
    for child_filter in child_filters():
        if value := filters.extra.get(child_filter.key):
            narrowed = child_filter.apply(narrowed, value, filters.on)
    return narrowed


class FilterForm(GovukForm):
    """The dashboard's filters. Teams and workers offered are only those the user may look at."""

    on = forms.DateField(label="As at", widget=DateInput, required=False, help_text="The last day counted.")
    period = forms.ChoiceField(label="Period", choices=list(PERIODS.items()), required=False)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False, empty_label="All teams")
    worker = forms.ModelChoiceField(
        label="Social worker", queryset=User.objects.none(), required=False, empty_label="All workers"
    )
    age_band = forms.ChoiceField(
        label="Age", required=False, choices=[("", "All ages")] + [(key, label) for key, (label, *_) in AGE_BANDS.items()]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for child_filter in child_filters():
            self.fields[child_filter.key] = forms.ChoiceField(
                label=child_filter.label, required=False, choices=[("", "Any")] + child_filter.choices()
            )
            self.fields[child_filter.key].widget.attrs["class"] = "govuk-select"
        if user.role == codes.Role.HEAD_OF_SERVICE:
            self.fields["team"].queryset = Team.objects.all()
            self.fields["worker"].queryset = self._workers(team_id=self._chosen_team_id())
        elif user.role == codes.Role.TEAM_MANAGER:
            del self.fields["team"]
            self.fields["worker"].queryset = self._workers(team_id=user.team_id)
        else:  # a social worker's dashboard is their own children only
            del self.fields["team"], self.fields["worker"]
        if "worker" in self.fields and not self.fields["worker"].queryset.exists():
            del self.fields["worker"]  # a head of service chooses a team first

    def _chosen_team_id(self) -> int | None:
        value = (self.data or {}).get("team", "")
        return int(value) if str(value).isdigit() else None

    @staticmethod
    def _workers(team_id: int | None) -> QuerySet[User]:
        if team_id is None:
            return User.objects.none()
        roles = [codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER]
        return User.objects.filter(team_id=team_id, role__in=roles).order_by("last_name", "first_name", "id")

    def clean_on(self) -> datetime.date:
        on = self.cleaned_data.get("on") or timezone.localdate()
        if on > timezone.localdate():
            raise forms.ValidationError("The as-at date must be today or earlier.")
        if on.year < 2000:
            raise forms.ValidationError("The as-at date must be in 2000 or later.")
        return on

    def filters(self) -> Filters:
        data = self.cleaned_data
        extra = {child_filter.key: data.get(child_filter.key, "") for child_filter in child_filters()}
        return Filters(
            on=data["on"],
            months=int(data.get("period") or 3),
            team=data.get("team"),
            worker=data.get("worker"),
            age_band=data.get("age_band", ""),
            extra={key: value for key, value in extra.items() if value},
        )


def filters_from(*, user: User, data: Any) -> tuple[FilterForm, Filters | None]:
    """The form (with any errors to show) and, when the input is valid, the filters."""
    form = FilterForm(data, user=user)
    return form, (form.filters() if form.is_valid() else None)


# The dashboard ---------------------------------------------------------------------------------------


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
