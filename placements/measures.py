"""Placement measures on the manager dashboard (registered in PlacementsConfig.ready()).

The numbers come from the selectors in placements.selectors, one per measure, asked about every period at
once; this module turns them into dashboard figures and finds the children behind each one."""

import datetime
from collections.abc import Sequence

from django.db.models import Q, QuerySet

from casework.dashboard import ChildFilter, Figure, Measure, Period, Row, percent, register_child_filter, register_measure, share
from casework.measures import children_in_care_on, flag, in_care_on
from casework.models import Child
from placements import codes, selectors
from placements.models import PlacementEpisode


def _days(periods: Sequence[Period]) -> list[datetime.date]:
    return [period.end for period in periods]


def _spans(periods: Sequence[Period]) -> list[tuple[datetime.date, datetime.date]]:
    return [(period.start, period.end) for period in periods]


def _figures(periods: Sequence[Period], shares: list[selectors.Share]) -> list[Figure]:
    return [share(period, s.count, s.total) for period, s in zip(periods, shares, strict=True)]


def _ids(children: QuerySet[Child]) -> QuerySet[Child]:
    return Child.objects.filter(pk__in=children.values("pk"))


# Short-term stability ----------------------------------------------------------------------------


def short_term(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    return _figures(periods, selectors.short_term_stability_over(children=children, days=_days(periods)))


def children_short_term(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    homes = children.annotate(in_care=flag(in_care_on(period.end)), homes=selectors.homes_in_year(period.end))
    return _ids(homes.filter(in_care=1, homes__gte=3))


# Long-term stability -----------------------------------------------------------------------------


def long_term(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    return _figures(periods, selectors.long_term_stability_over(children=children, days=_days(periods)))


def children_long_term(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    on = period.end
    cohort = children.annotate(counted=flag(selectors.long_in_care_under_16(on)), settled=flag(selectors.settled_in_home(on)))
    return _ids(cohort.filter(counted=1, settled=0 if part == "moved" else 1))


# Mix of homes --------------------------------------------------------------------------------------


def mix(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    if not periods:
        return []
    on = periods[0].end
    homes = selectors.mix_of_homes_over(children=children, days=_days(periods), on=on)
    figures = _figures(periods, homes.shares)
    current = figures[0]
    rows = [
        Row(f"{row['label']}: weekly cost £{row['weekly_cost']:,.0f}", row["percent"], row["children"], None,
            part=f"rung-{row['rung'] or 0}")
        for row in homes.rungs
    ]  # fmt: skip
    steps = selectors.steps_down_from_residential(children=children, since=current.period.start, until=on)
    rows.append(
        Row("Moves out of a children's home in the period that were to a family", steps.percent, steps.count, steps.total)
    )
    return [Figure(current.period, current.value, current.count, current.total, tuple(rows)), *figures[1:]]


def children_in_homes(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    on = period.end
    rung = part.removeprefix("rung-") if part else str(codes.Rung.RESIDENTIAL)
    home = Q(home__rung__isnull=True) if rung == "0" else Q(home__rung=int(rung))
    living = PlacementEpisode.objects.filter(selectors.open_on(on, path=""), home).values("child_id")
    return _ids(children_in_care_on(children, on).filter(pk__in=living))


MIX_PARTS = (
    (("", "Children living in a children's home"),)
    + tuple((f"rung-{rung.value}", f"Children living in homes on this rung: {rung.label}") for rung in codes.Rung)
    + (("rung-0", "Children moving on (16+)"),)
)


# Ideal vs actual, and the child's views in decisions ---------------------------------------------------


def ideal_vs_actual(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    figures = _figures(periods, selectors.ideal_vs_actual_over(children=children, periods=_spans(periods)))
    if not figures:
        return []
    current = figures[0]
    detail = selectors.ideal_vs_actual(children=children, since=current.period.start, until=current.period.end)
    rows = tuple(
        Row(f"Ideal: {codes.Rung(r['ideal_rung']).label}; found: {codes.Rung(r['chosen_rung']).label}; why: {r['reason_label']}",
            percent(r["decisions"], current.total), r["decisions"], current.total)
        for r in detail["rows"]
    )  # fmt: skip
    return [Figure(current.period, current.value, current.count, current.total, rows), *figures[1:]]


def _decided_children(children: QuerySet[Child], period: Period, condition: Q) -> QuerySet[Child]:
    decisions = selectors.decisions_for(children).filter(selectors.approved_in(period.start, period.end) & condition)
    return Child.objects.filter(pk__in=decisions.values("child_id"))


def children_ideal_vs_actual(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    return _decided_children(children, period, selectors.LOWER_THAN_IDEAL)


def child_views(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    return _figures(periods, selectors.decisions_with_child_views_over(children=children, periods=_spans(periods)))


def children_child_views(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    recorded = selectors.CHILD_VIEWS_RECORDED
    return _decided_children(children, period, ~recorded if part == "missing" else recorded)


# The ladder rung filter ------------------------------------------------------------------------------


def _rung_choices() -> list[tuple[str, str]]:
    return [(str(rung.value), rung.label) for rung in codes.Rung] + [("0", "Moving on (16+)")]


def _living_on_rung(children: QuerySet[Child], value: str, on: datetime.date) -> QuerySet[Child]:
    home = Q(home__rung__isnull=True) if value == "0" else Q(home__rung=int(value))
    return children.filter(pk__in=PlacementEpisode.objects.filter(selectors.open_on(on, path=""), home).values("child_id"))


RUNG_FILTER = ChildFilter(key="rung", label="Home on the ladder", choices=_rung_choices, apply=_living_on_rung)

MEASURES = (
    Measure(
        key="short-term-stability",
        title="Short-term placement stability",
        definition="Of children in care on the as-at date, the share who lived in 3 or more homes during the 12 months "
        "before it (the DfE definition, usually taken on 31 March). A child who came into care during the year counts "
        "the homes since; a child who left care before the date is not counted.",
        headline="had 3 or more homes in 12 months",
        figures=short_term,
        children_behind=children_short_term,
        comparator=11,
        comparator_text="England: about 11% of children in care have three or more homes in a year.",
        better="lower",
        parts=(("", "Children with 3 or more homes in 12 months"),),
        order=20,
    ),
    Measure(
        key="long-term-stability",
        title="Long-term placement stability",
        definition="Of children in care on the as-at date who are under 16 and have been in care continuously for 2½ "
        "years or more, the share who have lived in the same home for 2 years or more.",
        headline="in the same home for 2 years or more",
        figures=long_term,
        children_behind=children_long_term,
        comparator=68,
        comparator_text="England: 68% of these children have been in the same home for at least two years.",
        parts=(("", "Children in the same home for 2 years"), ("moved", "Children not in the same home for 2 years")),
        order=30,
    ),
    Measure(
        key="mix-of-homes",
        title="Mix of homes",
        definition="Children in care on the as-at date by the rung of the ladder their home is on, with the weekly cost; "
        "the headline is the share living in a children's home. Also the moves out of a children's home in the period "
        "that were to a family (a step down).",
        headline="live in a children's home",
        figures=mix,
        children_behind=children_in_homes,
        better="lower",
        parts=MIX_PARTS,
        order=40,
    ),
    Measure(
        key="ideal-vs-actual",
        title="Ideal home and the home found",
        definition="Of placement decisions approved in the period with both an ideal and a chosen rung, the share where "
        "the home found is lower on the ladder than the ideal, by rung and by why the ideal was not possible.",
        headline="of decisions found a home lower on the ladder than the ideal",
        figures=ideal_vs_actual,
        children_behind=children_ideal_vs_actual,
        better="lower",
        parts=(("", "Children whose home was lower on the ladder than the ideal"),),
        order=50,
    ),
    Measure(
        key="decisions-child-views",
        title="Voice of the child: decisions",
        definition="Of placement decisions approved in the period, the share that record the child's views in their own words.",
        headline="of decisions record the child's views",
        figures=child_views,
        children_behind=children_child_views,
        parts=(("", "Children whose decision records their views"), ("missing", "Children whose decision does not")),
        order=90,
    ),
)


def register() -> None:
    register_child_filter(RUNG_FILTER)
    for measure in MEASURES:
        register_measure(measure)
