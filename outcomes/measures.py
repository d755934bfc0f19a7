"""The outcome star measure on the manager dashboard (registered in OutcomesConfig.ready()).

One selector, `star_progress`, computes it for every period in one query: each of the child's scores carries
what it changes in its area's progress (outcomes.progress), so an area's progress on D is the sum of the
changes of its scores up to D, and the whole county's is one pass over those scores, summed per template area
into a bucket per period end. The drill-down works the same definition out with window functions, from the
scores themselves; the tests hold the two to each other."""

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import F, Func, Q, QuerySet, Window
from django.db.models.functions import FirstValue, Lead, RowNumber
from psycopg import sql

from casework.dashboard import Figure, Measure, Period, Row, percent, register_measure, share
from casework.dashboard.sql import NOTHING, Query, children_sql, days_before, fetch
from casework.models import Child
from outcomes import codes
from outcomes.models import CheckInScore, TemplateArea
from outcomes.progress import NONE, Progress
from outcomes.selectors import CHILDS_OWN


class ScoreInOrder(TypedDict):
    first_score: int
    nth: int
    next_on: datetime.date | None
    scored_on: datetime.date
    area_retired_on: datetime.date | None
    star_child: int


if TYPE_CHECKING:  # a score with what `_scores` adds; WithAnnotations cannot be subscripted at run time
    from django_stubs_ext import WithAnnotations

    ScoredInOrder: TypeAlias = WithAnnotations[CheckInScore, ScoreInOrder]
else:
    ScoredInOrder = CheckInScore


def _scores(children: QuerySet[Child]) -> QuerySet[ScoredInOrder]:
    """The child's own scores for the children, each with its area's first score, its place and the next date."""
    order = [F("check_in__date").asc(), F("check_in_id").asc()]

    def over_area(function: Func) -> Window:
        return Window(function, partition_by=[F("area_id")], order_by=order)

    return CheckInScore.objects.filter(
        check_in__star__child__in=children.values("pk"), check_in__respondent=codes.Respondent.CHILD
    ).annotate(
        first_score=over_area(FirstValue("score")),
        nth=over_area(RowNumber()),
        next_on=over_area(Lead("check_in__date")),
        scored_on=F("check_in__date"),
        area_retired_on=F("area__retired_on"),
        star_child=F("check_in__star__child_id"),
    )


def latest_on(on: datetime.date) -> Q:
    """The area's latest score by `on`, when it is not the area's first and the area was still on the star."""
    latest = Q(scored_on__lte=on, nth__gte=2) & (Q(next_on__isnull=True) | Q(next_on__gt=on))
    return latest & (Q(area_retired_on__isnull=True) | Q(area_retired_on__gt=on))


IMPROVED = Q(score__gt=F("first_score"))


# The child's own scores that change their area's progress: the condition of the index they are read from
# (CheckInScore's child_progress_changes).
PROGRESS_SCORES = sql.SQL(
    "s.respondent = %(child)s AND NOT (s.counted_change = 0 AND s.improved_change = 0 AND s.latest_change = 0)"
)


def _progress_sql(ends: list[datetime.date], children: QuerySet[Child]) -> Query:
    """Outcome stars: per template area (NULL for the child's own areas) and per bucket b (the scores dated after b
    of the sorted `ends`, so they count from ends[b] on), the sums of the changes the child's scores make to their
    areas' progress (outcomes.progress), so an area's progress on a day is the sum of those up to it. A retired area
    is not counted from the day it was retired, so from then its scores' changes are taken back. Both read only the
    scores that change progress (PROGRESS_SCORES)."""
    mine = children_sql(children)
    areas: sql.Composable = NOTHING
    if mine.ids is not None:
        areas = sql.SQL(
            "AND s.area_id IN (SELECT a.id FROM outcomes_stararea AS a JOIN outcomes_star AS st ON st.id = a.star_id "
            "WHERE st.child_id IN {})"
        ).format(mine.ids)
    query = sql.SQL("""
        WITH scores AS (
            SELECT s.template_area_id, {scored} AS b, s.counted_change, s.improved_change, s.first_change, s.latest_change
            FROM outcomes_checkinscore AS s
            WHERE {progress_scores} AND s.check_in_date <= %(last)s {areas}
        ), taken_back AS (
            SELECT s.template_area_id, GREATEST({scored}, {retired}) AS b,
                -s.counted_change, -s.improved_change, -s.first_change, -s.latest_change
            FROM outcomes_stararea AS a JOIN outcomes_checkinscore AS s ON s.area_id = a.id
            WHERE a.retired_on IS NOT NULL AND a.retired_on <= %(last)s
                AND {progress_scores} AND s.check_in_date <= %(last)s {areas}
        ), changes (template_area_id, b, counted, improved, first, latest) AS (
            SELECT * FROM scores UNION ALL SELECT * FROM taken_back
        )
        SELECT template_area_id, b, SUM(counted), SUM(improved), SUM(first), SUM(latest)
        FROM changes
        GROUP BY 1, 2""").format(
        scored=days_before("s.check_in_date", "ends"),
        retired=days_before("a.retired_on", "ends"),
        progress_scores=PROGRESS_SCORES,
        areas=areas,
    )
    return query, {"ends": ends, "last": ends[-1], "child": codes.Respondent.CHILD, **mine.params}


def star_progress(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Of the areas of the children's stars scored by the child at two or more check-ins by each period's end,
    the share scored higher at the latest check-in than at the first; per template area for the first period."""
    if not periods:
        return []
    ends = sorted({period.end for period in periods})
    rows = fetch(*_progress_sql(ends, children))
    by_area = {area: _progress_by_day(ends, [row[1:] for row in rows if row[0] == area]) for area in {row[0] for row in rows}}
    figures = []
    for period in periods:
        on_end = [progress[period.end] for progress in by_area.values()]
        figures.append(share(period, sum(p.improved for p in on_end), sum(p.counted for p in on_end)))
    first = figures[0].period.end
    return [_with_area_rows(figures[0], {area: progress[first] for area, progress in by_area.items()}), *figures[1:]]


def _progress_by_day(ends: list[datetime.date], buckets: list[tuple[Any, ...]]) -> dict[datetime.date, Progress]:
    """Progress on each end: the changes of the buckets up to it, added up."""
    sums = dict.fromkeys(range(len(ends) + 1), NONE)
    for bucket, *changes in buckets:
        sums[bucket] = Progress(*changes)
    totals, running = {}, [0, 0, 0, 0]
    for i, end in enumerate(ends):
        running = [total + change for total, change in zip(running, sums[i], strict=True)]
        totals[end] = Progress(*running)
    return totals


def _with_area_rows(figure: Figure, by_area: dict[int | None, Progress]) -> Figure:
    """Per template area (and the children's own areas): areas counted, mean first and latest score, % improved."""
    areas = TemplateArea.objects.select_related("template")
    groups: list[tuple[int | None, str]] = [(area.pk, f"{area.name} ({area.template.name})") for area in areas]
    groups.append((None, CHILDS_OWN))
    rows = []
    for area_id, label in groups:
        n, up, first, latest = by_area.get(area_id, NONE)
        if n:
            rows.append(Row(f"{label}: mean {first / n:.1f} at first, {latest / n:.1f} latest", percent(up, n), up, n))
    return Figure(figure.period, figure.value, figure.count, figure.total, tuple(rows))


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
