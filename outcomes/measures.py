"""The outcome star measure on the manager dashboard (registered in OutcomesConfig.ready()).

One selector, `star_progress`, computes it for every period in one query: window functions give each score
the area's first score and the date of the area's next score, so "the latest score on D" is the row whose
next score comes after D; conditional counts then count, per period, the areas improved."""

import datetime
from collections.abc import Sequence

from django.db import connection
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import FirstValue, Lead, RowNumber

from casework.dashboard import Figure, Measure, Period, Row, percent, register_measure, share
from casework.measures import children_sql, roomy_query
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


# Each of the child's scores as one sortable number: check-in date, then check-in, then the score in the low bits.
# The smallest is an area's first score and the largest by a date its latest by then, so one pass over the index
# `child_scores_in_order`, grouped by area, finds both (MIN and MAX are far cheaper than window functions here).
SCORE_BITS, CHECK_IN_BITS = 16, 32
KEY = (
    f"(((s.check_in_date - DATE '2000-01-01')::bigint << {SCORE_BITS + CHECK_IN_BITS}) "
    f"| (s.check_in_id << {SCORE_BITS}) | s.score)"
)
SCORE_OF = f"& {2**SCORE_BITS - 1}"


def _counted(i: int) -> str:
    return f"latest_{i} <> first AND (a.retired_on IS NULL OR a.retired_on > %s)"


def _progress_sql(periods: Sequence[Period], children: QuerySet[Child]) -> tuple[str, list]:
    """Per template area (NULL for the child's own areas): for each period, the areas counted and improved, then
    for the first period the mean first and latest scores. An area counts on D when its latest score by D is not
    its first (so it was scored at two check-ins or more) and it was not retired by D."""
    ends = [period.end for period in periods]
    ups = [f"latest_{i} {SCORE_OF} > first {SCORE_OF}" for i in range(len(ends))]
    sums = [f"COUNT(*) FILTER (WHERE {_counted(i)}), COUNT(*) FILTER (WHERE {_counted(i)} AND {up})" for i, up in enumerate(ups)]
    sums.append(f"AVG(first {SCORE_OF}) FILTER (WHERE {_counted(0)}), AVG(latest_0 {SCORE_OF}) FILTER (WHERE {_counted(0)})")
    latest = ", ".join(f"MAX({KEY}) FILTER (WHERE s.check_in_date <= %s) AS latest_{i}" for i in range(len(ends)))
    among, among_params = children_sql(children)
    where = f'WHERE a.star_id IN (SELECT id FROM "outcomes_star" WHERE child_id {among})' if among else ""  # noqa: S608
    sql = f"""
        SELECT a.template_area_id, {", ".join(sums)}
        FROM (
            SELECT s.area_id, MIN({KEY}) AS first, {latest}
            FROM "outcomes_checkinscore" s WHERE s.respondent = %s GROUP BY s.area_id
        ) AS k JOIN "outcomes_stararea" a ON a.id = k.area_id
        {where}
        GROUP BY a.template_area_id"""  # noqa: S608 - only our own expressions are formatted in; values are parameters
    params = [day for day in ends for _ in range(2)] + [ends[0]] * 2 + ends + [codes.Respondent.CHILD]
    return sql, params + list(among_params)


def star_progress(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Of the areas of the children's stars scored by the child at two or more check-ins by each period's end,
    the share scored higher at the latest check-in than at the first; per template area for the first period."""
    if not periods:
        return []
    sql, params = _progress_sql(periods, children)
    with roomy_query(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_area = {row[0]: row[1:] for row in cursor.fetchall()}
    n = len(periods)
    total = [sum(row[2 * i] for row in by_area.values()) for i in range(n)]
    count = [sum(row[2 * i + 1] for row in by_area.values()) for i in range(n)]
    figures = [share(p, count[i], total[i]) for i, p in enumerate(periods)]
    return [_with_area_rows(figures[0], {area: row[:2] + row[2 * n :] for area, row in by_area.items()}), *figures[1:]]


def _with_area_rows(figure: Figure, by_area: dict[int | None, tuple]) -> Figure:
    """Per template area (and the children's own areas): areas counted, mean first and latest score, % improved."""
    groups = [(area.pk, f"{area.name} ({area.template.name})") for area in TemplateArea.objects.select_related("template")]
    groups.append((None, CHILDS_OWN))
    rows = []
    for area_id, label in groups:
        n, up, first, latest = by_area.get(area_id, (0, 0, None, None))
        if n:
            rows.append(Row(f"{label}: mean {first:.1f} at first, {latest:.1f} latest", percent(up, n), up, n))
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
