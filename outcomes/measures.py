"""The outcome star measure on the manager dashboard (registered in OutcomesConfig.ready()).

One selector, `star_progress`, computes it for every period in one query: window functions give each score
the area's first score and the date of the area's next score, so "the latest score on D" is the row whose
next score comes after D; conditional counts then count, per period, the areas improved."""

import datetime
from collections.abc import Sequence

from django.db.models import Avg, Count, F, Q, QuerySet, Window
from django.db.models.functions import FirstValue, Lead, RowNumber

from casework.dashboard import Figure, Measure, Period, Row, percent, register_measure, share
from casework.models import Child
from outcomes import codes
from outcomes.models import CheckInScore, TemplateArea
from outcomes.selectors import CHILDS_OWN


def _scores(children: QuerySet[Child]) -> QuerySet[CheckInScore]:
    """The child's own scores for the children, each with its area's first score, its place and the next date."""
    order = [F("check_in__date").asc(), F("check_in_id").asc()]

    def over_area(function: object) -> Window:
        return Window(function, partition_by=[F("area_id")], order_by=order)

    return CheckInScore.objects.filter(
        check_in__star__child__in=children.values("pk"), check_in__respondent=codes.Respondent.CHILD
    ).annotate(
        first_score=over_area(FirstValue("score")),
        nth=over_area(RowNumber()),
        next_on=over_area(Lead("check_in__date")),
        scored_on=F("check_in__date"),
        area_retired_on=F("area__retired_on"),
        template_area=F("area__template_area_id"),
        star_child=F("check_in__star__child_id"),
    )


def latest_on(on: datetime.date) -> Q:
    """The area's latest score by `on`, when it is not the area's first and the area was still on the star."""
    latest = Q(scored_on__lte=on, nth__gte=2) & (Q(next_on__isnull=True) | Q(next_on__gt=on))
    return latest & (Q(area_retired_on__isnull=True) | Q(area_retired_on__gt=on))


IMPROVED = Q(score__gt=F("first_score"))


def star_progress(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Of the areas of the children's stars scored by the child at two or more check-ins by each period's end,
    the share scored higher at the latest check-in than at the first."""
    scores = _scores(children)
    counts = scores.aggregate(
        **{f"total_{i}": Count("pk", filter=latest_on(p.end)) for i, p in enumerate(periods)},
        **{f"count_{i}": Count("pk", filter=latest_on(p.end) & IMPROVED) for i, p in enumerate(periods)},
    )
    figures = [share(p, counts[f"count_{i}"], counts[f"total_{i}"]) for i, p in enumerate(periods)]
    return [_with_area_rows(figures[0], scores), *figures[1:]] if figures else []


def _with_area_rows(figure: Figure, scores: QuerySet[CheckInScore]) -> Figure:
    """Per template area (and the children's own areas): children, mean first and latest score, % improved."""
    on = figure.period.end
    groups = [(area.pk, f"{area.name} ({area.template.name})") for area in TemplateArea.objects.select_related("template")]
    groups.append((None, CHILDS_OWN))
    aggregates = {}
    for i, (area_id, _) in enumerate(groups):
        where = latest_on(on) & (Q(template_area=area_id) if area_id else Q(template_area__isnull=True))
        aggregates |= {
            f"n_{i}": Count("pk", filter=where),
            f"first_{i}": Avg("first_score", filter=where),
            f"latest_{i}": Avg("score", filter=where),
            f"up_{i}": Count("pk", filter=where & IMPROVED),
        }
    result = scores.aggregate(**aggregates)
    rows = tuple(
        Row(f"{label}: mean {result[f'first_{i}']:.1f} at first, {result[f'latest_{i}']:.1f} latest",
            percent(result[f"up_{i}"], result[f"n_{i}"]), result[f"up_{i}"], result[f"n_{i}"])
        for i, (_, label) in enumerate(groups)
        if result[f"n_{i}"]
    )  # fmt: skip
    return Figure(figure.period, figure.value, figure.count, figure.total, rows)


def children_with_stars(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    counted = latest_on(period.end)
    scores = _scores(children).filter(counted & (~IMPROVED if part == "not-improved" else IMPROVED))
    return Child.objects.filter(pk__in=scores.values("star_child"))


MEASURE = Measure(
    key="outcome-stars",
    title="Outcome stars",
    definition="Of the areas on children's stars that the child scored at two or more check-ins by the as-at date, the "
    "share the child scored higher at their latest check-in than at their first; per area, the mean first and latest "
    "scores. An area the child retired counts until the day it was retired, and its history stays comparable.",
    headline="of star areas improved since the first check-in",
    figures=star_progress,
    children_behind=children_with_stars,
    parts=(("", "Children with an area improved"), ("not-improved", "Children with an area not improved")),
    order=80,
)


def register() -> None:
    register_measure(MEASURE)
