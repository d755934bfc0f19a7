"""The manager dashboard's pages and exports: every registered measure, its breakdown, the children behind it.

Thin, like casework.views (kept apart only because that module is busy): parse the filters, call the
dashboard's selectors, render. Every one only counts, so it reads from the read replica when there is one
(config.replica); the access log it writes goes to the primary. Whose children are counted is decided by
selectors.children_for_figures: every child for a head of service, the team's for a team manager, and a
social worker's own; anyone else gets a 403. Bad filter input is shown on the form, never a 500."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from casework import codes, selectors, services
from casework.csv_export import csv_response
from casework.dashboard.charts import trend_svg
from casework.dashboard.figures import MeasureFigures, dashboard, measure_figures
from casework.dashboard.filters import FilterForm, Filters, filtered_children, filters_from
from casework.dashboard.registry import Measure, measure_get
from casework.http import SignedInRequest
from casework.models import Child
from config.replica import reads_from_replica

PAGE_SIZE = 25


@dataclass(frozen=True)
class Card:
    """A measure's figures as the page shows them."""

    figures: MeasureFigures
    current: str
    previous: str
    change: str
    svg: SafeString
    trend: list[tuple[str, str]]

    @property
    def measure(self) -> Measure:
        return self.figures.measure


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "No figure"
    if unit == "%":
        return f"{value:g}%"
    return f"{value:,g} {unit}"


def _change(figures: MeasureFigures) -> str:
    change, unit = figures.change, figures.measure.unit
    if change is None:
        return "No comparison"
    if change == 0:
        return "No change on the period before"
    points = "percentage points" if unit == "%" else unit
    return f"{'Up' if change > 0 else 'Down'} {abs(change):g} {points} on the period before"


def _card(figures: MeasureFigures) -> Card:
    measure, unit = figures.measure, figures.measure.unit
    labels = [figure.period.short_label for figure in figures.trend]
    values = [figure.value for figure in figures.trend]
    svg = trend_svg(
        labels=labels,
        values=values,
        unit=unit,
        comparator=measure.comparator,
        element_id=f"trend-{measure.key}",
        title=f"{measure.title}: the last {len(labels)} quarters",
    )
    trend = [(figure.period.label, shown(figure.value, unit)) for figure in figures.trend]
    return Card(figures, shown(figures.current.value, unit), shown(figures.previous.value, unit), _change(figures), svg, trend)


def _scope(request: SignedInRequest) -> tuple[FilterForm, Filters | None, QuerySet[Child]]:
    """The filter form, the filters when valid, and the children behind this user's figures (403 if none)."""
    children = selectors.children_for_figures(user=request.user)
    form, filters = filters_from(user=request.user, data=request.GET)  # nothing chosen: today, 3 months
    narrowed = filtered_children(children, filters) if filters else children.none()
    return form, filters, narrowed


def _context(request: SignedInRequest, form: FilterForm, filters: Filters | None, **extra: Any) -> dict[str, Any]:
    own = request.user.role == codes.Role.SOCIAL_WORKER
    query = urlencode(filters.query()) if filters else ""
    return {"form": form, "filters": filters, "query": query, "own_children": own, **extra}


@login_required
@reads_from_replica
def dashboard_page(request: SignedInRequest) -> HttpResponse:
    form, filters, children = _scope(request)
    cards = [_card(figures) for figures in dashboard(children=children, periods=filters.periods)] if filters else []
    status = 200 if filters else 400
    return render(request, "casework/dashboard.html", _context(request, form, filters, cards=cards), status=status)


@login_required
@reads_from_replica
def dashboard_measure(request: SignedInRequest, key: str) -> HttpResponse:
    measure = measure_get(key)
    form, filters, children = _scope(request)
    card = _card(measure_figures(measure=measure, children=children, periods=filters.periods)) if filters else None
    context = _context(request, form, filters, measure=measure, card=card)
    return render(request, "casework/dashboard_measure.html", context, status=200 if filters else 400)


@login_required
@reads_from_replica
def dashboard_children(request: SignedInRequest, key: str) -> HttpResponse:
    measure = measure_get(key)
    part = request.GET.get("part", "")
    label = measure.part_label(part)
    form, filters, children = _scope(request)
    if filters is None:
        return render(request, "casework/dashboard_children.html", _context(request, form, None, measure=measure), status=400)
    behind = measure.children_behind(children=children, period=filters.periods.current, part=part)
    behind = behind.order_by(*(Child._meta.ordering or ()))
    page = Paginator(behind, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.children_with_summaries(Child.objects.filter(pk__in=[child.pk for child in page]))
    services.record_list_log(user=request.user, children=(child.pk for child in page), page=request.get_full_path())
    part_query = urlencode({**filters.query(), "part": part} if part else filters.query())
    context = _context(request, form, filters, measure=measure, label=label, page=page, rows=rows, part_query=part_query)
    return render(request, "casework/dashboard_children.html", context)


# CSV exports ----------------------------------------------------------------------------------------


def measure_csv_rows(figures: MeasureFigures, filters: Filters) -> Iterator[list[object]]:
    measure = figures.measure
    yield ["measure", "figure", "from", "to", "value", "unit", "count", "out of", "england"]
    named = [("chosen period", figures.current), ("period before", figures.previous)]
    named += [("trend quarter", figure) for figure in figures.trend]
    for name, figure in named:
        period = figure.period
        yield [
            measure.title,
            name,
            period.start,
            period.end,
            figure.value,
            measure.unit,
            figure.count,
            figure.total,
            measure.comparator,
        ]
    for row in figures.current.rows:
        yield [
            measure.title,
            row.label,
            figures.current.period.start,
            figures.current.period.end,
            row.value,
            row.unit,
            row.count,
            row.total,
            "",
        ]


@login_required
@reads_from_replica
def dashboard_measure_csv(request: SignedInRequest, key: str) -> HttpResponseBase:
    measure = measure_get(key)
    form, filters, children = _scope(request)
    if filters is None:
        return render(request, "casework/dashboard_measure.html", _context(request, form, None, measure=measure), status=400)
    figures = measure_figures(measure=measure, children=children, periods=filters.periods)
    return csv_response(measure_csv_rows(figures, filters), f"{measure.key}_{filters.on:%Y-%m-%d}.csv")


def children_csv_rows(children: QuerySet[Child], filters: Filters) -> Iterator[list[object]]:
    yield ["child id", "name", "date of birth", "age on the as-at date", "in care now", "allocated worker", "team"]
    for child in selectors.children_with_summaries(children).iterator(chunk_size=2000):
        current = child.current_allocations[0] if child.current_allocations else None
        worker = current.worker if current else None
        team = worker.team.name if worker and worker.team else ""
        yield [
            child.pk,
            child.display_name,
            child.date_of_birth,
            child.age_on(filters.on),
            "yes" if child.in_care else "no",
            worker or "",
            team,
        ]


@login_required
@reads_from_replica
def dashboard_children_csv(request: SignedInRequest, key: str) -> HttpResponseBase:
    measure = measure_get(key)
    part = request.GET.get("part", "")
    measure.part_label(part)  # 404 for a list the measure does not have
    form, filters, children = _scope(request)
    if filters is None:
        return render(request, "casework/dashboard_children.html", _context(request, form, None, measure=measure), status=400)
    behind = measure.children_behind(children=children, period=filters.periods.current, part=part)
    behind = behind.order_by(*(Child._meta.ordering or ()))
    services.record_list_log(user=request.user, children=behind.values_list("pk", flat=True), page=request.get_full_path())
    return csv_response(
        children_csv_rows(behind, filters), f"{measure.key}{'_' + part if part else ''}_children_{filters.on:%Y-%m-%d}.csv"
    )
