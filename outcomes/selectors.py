"""Reads of outcome stars, with the access rules. Views and APIs get star data only from here.

Who may see or change a star is exactly who may see or change the child's record: the casework
rules (children_visible_to, child_can_record). When child accounts arrive, their rule is one more
entry in casework.selectors.CHILD_VISIBILITY, and a child's own star follows from it."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce, TruncQuarter
from django.http import Http404

from casework import selectors as casework_selectors
from casework.models import User
from outcomes import codes
from outcomes.models import CheckIn, CheckInScore, Star, StarArea, StarTemplate

CHILDS_OWN = "Child's own areas"


def templates_available() -> QuerySet[StarTemplate]:
    return StarTemplate.objects.filter(active=True).prefetch_related("areas")


def stars_visible_to(*, user: User) -> QuerySet[Star]:
    children = casework_selectors.children_visible_to(user=user)
    return Star.objects.filter(child__in=children).select_related("child", "template")


def star_get(*, user: User, star_id: int) -> Star:
    """The star, if this user may see the child; otherwise 404, so its existence never leaks."""
    star = stars_visible_to(user=user).filter(pk=star_id).first()
    if star is None:
        raise Http404("No star found")
    return star


def star_areas_visible_to(*, user: User) -> QuerySet[StarArea]:
    children = casework_selectors.children_visible_to(user=user)
    return StarArea.objects.filter(star__child__in=children).select_related("star__child", "star__template", "template_area")


def star_area_get(*, user: User, area_id: int) -> StarArea:
    area = star_areas_visible_to(user=user).filter(pk=area_id).first()
    if area is None:
        raise Http404("No area found")
    return area


def check_ins_visible_to(*, user: User) -> QuerySet[CheckIn]:
    children = casework_selectors.children_visible_to(user=user)
    scores = CheckInScore.objects.select_related("area").order_by("area__order", "area_id")
    return (
        CheckIn.objects.filter(star__child__in=children)
        .select_related("star__child", "recorded_by")
        .prefetch_related(Prefetch("scores", queryset=scores))
    )


def check_in_get(*, user: User, check_in_id: int) -> CheckIn:
    check_in = check_ins_visible_to(user=user).filter(pk=check_in_id).first()
    if check_in is None:
        raise Http404("No check-in found")
    return check_in


# One star ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StarPicture:
    """Two check-ins of one star, to draw and tabulate: `areas` are every area either scored, plus current ones."""

    star: Star
    areas: list[StarArea]
    check_ins: list[CheckIn]  # all of the star's check-ins, oldest first (to choose from)
    shown: list[CheckIn]  # the one or two drawn: earlier first
    scores: dict[tuple[int, int], int]  # (check-in id, area id) -> score
    all_areas: list[StarArea]  # every area, retired ones too


def star_picture(*, star: Star, first_id: int | None = None, second_id: int | None = None) -> StarPicture:
    """The first and latest check-in (the child's own answers where there are any), or the two chosen."""
    check_ins = list(star.check_ins.select_related("recorded_by").prefetch_related("scores").order_by("date", "id"))
    by_id: dict[int | None, CheckIn] = {check_in.pk: check_in for check_in in check_ins}
    own = [c for c in check_ins if c.respondent == codes.Respondent.CHILD] or check_ins
    first = by_id.get(first_id) or (own[0] if own else None)
    second = by_id.get(second_id) or (own[-1] if own else None)
    shown = sorted({c.pk: c for c in (first, second) if c is not None}.values(), key=lambda c: (c.date, c.pk))
    scores = {(c.pk, s.area_id): s.score for c in shown for s in c.scores.all()}
    scored = {area_id for _, area_id in scores}
    all_areas = list(star.areas.select_related("template_area"))
    areas = [a for a in all_areas if a.retired_on is None or a.pk in scored]
    return StarPicture(star, areas, check_ins, shown, scores, all_areas)


def star_areas(*, star: Star) -> QuerySet[StarArea]:
    return star.areas.select_related("template_area").order_by("retired_on", "order", "id")


@dataclass(frozen=True)
class Disagreement:
    date: datetime.date
    stage: str
    area: str
    child_score: int
    worker_score: int


def disagreements(*, star: Star, gap: int = codes.DISAGREEMENT_GAP) -> list[Disagreement]:
    """Areas where the child and the worker, at the same check-in (stage and date), are `gap` or more points apart."""
    worker_score = CheckInScore.objects.filter(
        area=OuterRef("area"),
        check_in__star=OuterRef("check_in__star"),
        check_in__stage=OuterRef("check_in__stage"),
        check_in__date=OuterRef("check_in__date"),
        check_in__respondent=codes.Respondent.WORKER,
    ).order_by("-check_in_id")
    rows = (
        CheckInScore.objects.filter(check_in__star=star, check_in__respondent=codes.Respondent.CHILD)
        .annotate(worker_score=Subquery(worker_score.values("score")[:1]))
        .annotate(gap=Abs(F("score") - F("worker_score")))
        .filter(gap__gte=gap)
        .order_by("check_in__date", "area__order", "area_id")
        .values_list("check_in__date", "check_in__stage", "area__name", "score", "worker_score")
    )
    return [Disagreement(*row) for row in rows]


# Figures for managers ------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFigures:
    template_area_id: int | None
    area: str
    template: str
    children: int
    mean_first: float
    mean_latest: float
    improved_percent: float


def _scores_for(*, user: User, respondent: str, template_id: int | None) -> QuerySet[CheckInScore]:
    children = casework_selectors.children_visible_to(user=user)
    scores = CheckInScore.objects.filter(check_in__star__child__in=children, check_in__respondent=respondent)
    return scores.filter(check_in__star__template_id=template_id) if template_id else scores


def area_figures(*, user: User, respondent: str = codes.Respondent.CHILD, template_id: int | None = None) -> list[AreaFigures]:
    """Per area, over the visible children's stars: the mean score at the first and the latest check-in,
    and the share whose latest score is higher than their first.

    Counts each star area scored at two or more check-ins by `respondent` (the child, unless asked).
    Areas a child added are grouped with the template area they are based on, or as the child's own.
    Computed in the database: a subquery finds each area's first and latest score, then one GROUP BY."""
    # Visibility and template filter the areas once; each correlated subquery is then an index lookup by area.
    scores = CheckInScore.objects.filter(area=OuterRef("pk"), check_in__respondent=respondent)
    oldest, newest = ("check_in__date", "check_in_id"), ("-check_in__date", "-check_in_id")
    count = scores.order_by().values("area").annotate(n=Count("id")).values("n")
    areas = StarArea.objects.filter(star__child__in=casework_selectors.children_visible_to(user=user))
    if template_id:
        areas = areas.filter(star__template_id=template_id)
    areas = areas.annotate(
        n=Subquery(count[:1], output_field=IntegerField()),
        first=Subquery(scores.order_by(*oldest).values("score")[:1]),
        latest=Subquery(scores.order_by(*newest).values("score")[:1]),
    ).filter(n__gte=2)
    grouped = (
        areas.values("template_area_id")
        .annotate(
            area=Coalesce("template_area__name", Value(CHILDS_OWN)),
            template=Coalesce("template_area__template__name", Value("")),
            children=Count("star__child", distinct=True),
            mean_first=Avg("first"),
            mean_latest=Avg("latest"),
            improved=Count("id", filter=Q(latest__gt=F("first"))),
            counted=Count("id"),
        )
        .order_by(F("template_area__order").asc(nulls_last=True), "template_area_id")
    )
    return [
        AreaFigures(
            row["template_area_id"],
            row["area"],
            row["template"],
            row["children"],
            round(float(row["mean_first"]), 2),
            round(float(row["mean_latest"]), 2),
            round(100 * row["improved"] / row["counted"], 1),
        )
        for row in grouped
    ]


@dataclass(frozen=True)
class TrendPoint:
    quarter: datetime.date
    template_area_id: int | None
    area: str
    children: int
    mean_score: float


def quarterly_trend(*, user: User, respondent: str = codes.Respondent.CHILD, template_id: int | None = None) -> list[TrendPoint]:
    """Mean score per area per calendar quarter of check-in, with the number of children scored."""
    rows = (
        _scores_for(user=user, respondent=respondent, template_id=template_id)
        .annotate(quarter=TruncQuarter("check_in__date"))
        .values("quarter", "area__template_area_id")
        .annotate(
            area_name=Coalesce("area__template_area__name", Value(CHILDS_OWN)),
            children=Count("check_in__star__child", distinct=True),
            mean=Avg("score"),
            position=Case(
                When(area__template_area__isnull=True, then=Value(10_000)),
                default=F("area__template_area__order"),
                output_field=IntegerField(),
            ),
        )
        .order_by("quarter", "position", "area__template_area_id")
    )
    return [
        TrendPoint(row["quarter"], row["area__template_area_id"], row["area_name"], row["children"], round(float(row["mean"]), 2))
        for row in rows
    ]


# A child's own star --------------------------------------------------------------------------
# Through casework.selectors.own_child: a signed-in child sees only their own stars, and on them
# only their own answers (never a carer's or the worker's scores, comments or names). Anyone
# else, a suspended child, or another child's ids: 404.


def own_stars(*, user: User) -> QuerySet[Star]:
    child = casework_selectors.own_child(user=user)
    return Star.objects.filter(child=child).select_related("child", "template").order_by("started_on", "id")


def own_star_get(*, user: User, star_id: int) -> Star:
    star = own_stars(user=user).filter(pk=star_id).first()
    if star is None:
        raise Http404("No star found")
    return star


def own_star_area_get(*, user: User, area_id: int) -> StarArea:
    child = casework_selectors.own_child(user=user)
    area = StarArea.objects.filter(star__child=child, pk=area_id).select_related("star__child", "star__template").first()
    if area is None:
        raise Http404("No area found")
    return area


def _own_answers(stars: QuerySet[Star] | list[Star]) -> QuerySet[CheckIn]:
    scores = CheckInScore.objects.select_related("area").order_by("area__order", "area_id")
    return CheckIn.objects.filter(star__in=stars, respondent=codes.Respondent.CHILD).prefetch_related(
        Prefetch("scores", queryset=scores)
    )


def own_check_ins(*, star: Star) -> QuerySet[CheckIn]:
    """The child's own answers on their star, newest first, each with its scores in the star's order."""
    return _own_answers([star]).order_by("-date", "-id")


def own_check_in_get(*, user: User, check_in_id: int) -> CheckIn:
    stars = Star.objects.filter(child=casework_selectors.own_child(user=user))
    check_in = _own_answers(stars).select_related("star__template").filter(pk=check_in_id).first()
    if check_in is None:
        raise Http404("No check-in found")
    return check_in


def own_star_picture(*, star: Star, first_id: int | None = None, second_id: int | None = None) -> StarPicture:
    """Like star_picture, from the child's own answers only: their first and latest, or the two they chose."""
    check_ins = list(star.check_ins.filter(respondent=codes.Respondent.CHILD).prefetch_related("scores").order_by("date", "id"))
    by_id: dict[int | None, CheckIn] = {check_in.pk: check_in for check_in in check_ins}
    first = by_id.get(first_id) or (check_ins[0] if check_ins else None)
    second = by_id.get(second_id) or (check_ins[-1] if check_ins else None)
    shown = sorted({c.pk: c for c in (first, second) if c is not None}.values(), key=lambda c: (c.date, c.pk))
    scores = {(c.pk, s.area_id): s.score for c in shown for s in c.scores.all()}
    all_areas = list(star.areas.select_related("template_area"))
    areas = [a for a in all_areas if a.retired_on is None or a.pk in {area_id for _, area_id in scores}]
    return StarPicture(star, areas, check_ins, shown, scores, all_areas)
