"""Placement measures as the dashboard asks for them: every period in one query, and the children behind them."""

import datetime

import pytest

from casework.dashboard import Period, periods_for
from casework.models import Child
from placements import measures
from tests import factories as cw
from tests.placements import factories

pytestmark = pytest.mark.django_db
d = datetime.date
D = d(2025, 3, 31)
QUARTER = Period(d(2025, 1, 1), D)


BORN = datetime.date(2013, 1, 1)


homes = factories.homes


def child_in_care(since: datetime.date, left: datetime.date | None = None, born: datetime.date = BORN) -> Child:
    return factories.child_in_care(since, left, born)


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_short_term_stability_over_eight_quarters_is_one_query_and_matches_its_list(django_assert_num_queries):
    moved = child_in_care(d(2023, 1, 1))
    homes(moved, (d(2023, 1, 1), d(2024, 6, 1)), (d(2024, 6, 1), d(2024, 12, 1)), (d(2024, 12, 1), None))
    entered = child_in_care(d(2025, 1, 10))  # entered inside the period, three homes since
    homes(entered, (d(2025, 1, 10), d(2025, 2, 1)), (d(2025, 2, 1), d(2025, 3, 1)), (d(2025, 3, 1), None))
    steady = child_in_care(d(2020, 1, 1))
    homes(steady, (d(2020, 1, 1), None))
    periods = periods_for(on=D, months=3).all
    with django_assert_num_queries(1):
        figures = measures.short_term(children=Child.objects.all(), periods=periods)
    by_end = {f.period.end: (f.count, f.total) for f in figures}
    assert by_end[D] == (2, 3)
    assert by_end[d(2024, 9, 30)] == (0, 2)  # moved had 2 homes in the year to then; entered not yet in care
    assert ids(measures.children_short_term(children=Child.objects.all(), period=QUARTER)) == {moved.pk, entered.pk}


def test_long_term_stability_leaves_out_a_child_aged_16_during_the_window():
    stable = child_in_care(d(2020, 1, 1))
    homes(stable, (d(2022, 6, 1), None))
    moved = child_in_care(d(2020, 1, 1))
    homes(moved, (d(2020, 1, 1), d(2024, 1, 1)), (d(2024, 1, 1), None))
    sixteen = child_in_care(d(2020, 1, 1), born=d(2009, 2, 1))  # 16 on 1 Feb 2025: inside the quarter
    homes(sixteen, (d(2020, 1, 1), None))
    on_dec_31 = Period(d(2024, 10, 1), d(2024, 12, 31))
    figures = measures.long_term(children=Child.objects.all(), periods=[QUARTER, on_dec_31])
    assert [(f.count, f.total) for f in figures] == [(1, 2), (2, 3)]  # 15 on 31 December: counted then
    assert ids(measures.children_long_term(children=Child.objects.all(), period=QUARTER, part="moved")) == {moved.pk}


def test_mix_of_homes_headline_is_the_residential_share_with_rows_by_rung():
    foster, residential = factories.HomeFactory(weekly_cost=500), factories.residential_home()
    homes(child_in_care(d(2024, 1, 1)), (d(2024, 1, 1), None), home=foster)
    in_residential = child_in_care(d(2024, 1, 1))
    homes(in_residential, (d(2024, 1, 1), None), home=residential)
    stepped_down = child_in_care(d(2024, 1, 1))
    homes(stepped_down, (d(2024, 1, 1), d(2025, 2, 1)), home=residential)
    homes(stepped_down, (d(2025, 2, 1), None), home=foster)
    figure = measures.mix(children=Child.objects.all(), periods=[QUARTER])[0]
    assert (figure.count, figure.total) == (1, 3)
    steps = figure.rows[-1]
    assert (steps.count, steps.total) == (1, 1)
    assert ids(measures.children_in_homes(children=Child.objects.all(), period=QUARTER)) == {in_residential.pk}
    assert ids(measures.children_in_homes(children=Child.objects.all(), period=QUARTER, part="rung-3")) == {stepped_down.pk} | {
        c.pk for c in Child.objects.filter(placement_episodes__home=foster, placement_episodes__ended_on__isnull=True)
    }


def _decision(ideal: int, chosen: int, on: datetime.date, views: str = "I want a dog.") -> Child:
    child = child_in_care(d(2024, 1, 1))
    at = datetime.datetime(on.year, on.month, on.day, 12, tzinfo=datetime.UTC)
    factories.PlacementDecisionFactory(
        child=child, created_by=cw.UserFactory(), ideal_rung=ideal, chosen_rung=chosen, status="approved",
        manager_approved_at=at, child_views=views,
    )  # fmt: skip
    return child


def test_ideal_vs_actual_and_the_childs_views_count_decisions_approved_in_the_period():
    lower = _decision(2, 4, d(2025, 2, 1))
    _decision(3, 3, d(2025, 3, 31), views="   ")  # blank views are not views
    _decision(2, 5, d(2024, 12, 31))  # the quarter before
    gap = measures.ideal_vs_actual_figures(children=Child.objects.all(), periods=[QUARTER])[0]
    assert (gap.count, gap.total) == (1, 2)
    views = measures.child_views(children=Child.objects.all(), periods=[QUARTER])[0]
    assert (views.count, views.total) == (1, 2)
    assert ids(measures.children_ideal_vs_actual(children=Child.objects.all(), period=QUARTER)) == {lower.pk}
    missing = measures.children_child_views(children=Child.objects.all(), period=QUARTER, part="missing")
    assert len(ids(missing)) == 1 and lower.pk not in ids(missing)


def test_the_rung_filter_keeps_children_living_on_that_rung():
    foster, residential = factories.HomeFactory(), factories.residential_home()
    fostered, resident = child_in_care(d(2024, 1, 1)), child_in_care(d(2024, 1, 1))
    homes(fostered, (d(2024, 1, 1), None), home=foster)
    homes(resident, (d(2024, 1, 1), None), home=residential)
    assert ids(measures.RUNG_FILTER.apply(Child.objects.all(), "5", D)) == {resident.pk}
