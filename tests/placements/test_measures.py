"""Placement measures on small, hand-computed cases, on 31 March 2025 (the year to it starts 31 March 2024)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from casework.dashboard import Period
from casework.models import Child
from placements import codes, measures, selectors
from placements.models import RungConsideration
from tests import factories as cw
from tests.placements import factories

pytestmark = pytest.mark.django_db
D = datetime.date(2025, 3, 31)
d = datetime.date


child_in_care, homes = factories.child_in_care, factories.homes


def test_short_term_stability_counts_three_or_more_homes_in_the_year(db):
    moved = child_in_care(d(2023, 1, 1))
    homes(moved, (d(2023, 1, 1), d(2024, 6, 1)), (d(2024, 6, 1), d(2024, 12, 1)), (d(2024, 12, 1), None))
    before_window = child_in_care(d(2022, 1, 1))  # the first home ended before the year began: 2 in the year
    homes(before_window, (d(2022, 1, 1), d(2024, 3, 1)), (d(2024, 3, 1), d(2024, 8, 1)), (d(2024, 8, 1), None))
    entered = child_in_care(d(2024, 10, 1))  # came into care inside the year, three homes since
    homes(entered, (d(2024, 10, 1), d(2024, 11, 1)), (d(2024, 11, 1), d(2025, 1, 1)), (d(2025, 1, 1), None))
    left = child_in_care(d(2023, 1, 1), left=d(2025, 2, 1))  # left care inside the year: not in care on D
    homes(left, (d(2024, 5, 1), d(2024, 7, 1)), (d(2024, 7, 1), d(2024, 9, 1)), (d(2024, 9, 1), d(2025, 2, 1)))
    child_in_care(d(2024, 1, 1))  # no home recorded: counts in the total with none
    same_carers = child_in_care(d(2023, 1, 1))  # three episodes, two homes: a change of the home's type is no move
    carers = factories.HomeFactory()
    homes(same_carers, (d(2023, 1, 1), d(2024, 6, 1)), (d(2024, 6, 1), d(2024, 12, 1)), home=carers)
    homes(same_carers, (d(2024, 12, 1), None))
    back_again = child_in_care(d(2023, 1, 1))  # A, a week in B, back to A: three moves, three homes
    first_carers = factories.HomeFactory()
    homes(back_again, (d(2023, 1, 1), d(2024, 9, 1)), home=first_carers)
    homes(back_again, (d(2024, 9, 1), d(2024, 9, 8)))
    homes(back_again, (d(2024, 9, 8), None), home=first_carers)
    share = measures.short_term_stability(children=Child.objects.all(), on=D)
    assert (share.count, share.total, share.percent) == (3, 6, 50.0)
    period = Period(datetime.date(2024, 4, 1), D)
    behind = measures.children_short_term(children=Child.objects.all(), period=period)
    assert set(behind.values_list("pk", flat=True)) == {moved.pk, entered.pk, back_again.pk}  # counted alike


def test_long_term_stability_counts_under_sixteens_in_care_two_and_a_half_years(db):
    stable = child_in_care(d(2020, 1, 1))
    homes(stable, (d(2022, 6, 1), None))
    moved_recently = child_in_care(d(2020, 1, 1))
    homes(moved_recently, (d(2020, 1, 1), d(2024, 1, 1)), (d(2024, 1, 1), None))
    turned_sixteen = child_in_care(d(2020, 1, 1), born=d(2009, 1, 1))  # 16 during the window: left out
    homes(turned_sixteen, (d(2020, 1, 1), None))
    fifteen = child_in_care(d(2020, 1, 1), born=d(2009, 4, 1))  # 16 the day after D: still counted
    homes(fifteen, (d(2021, 1, 1), None))
    not_long_enough = child_in_care(d(2023, 1, 1))  # in care under 2.5 years
    homes(not_long_enough, (d(2023, 1, 1), None))
    left = child_in_care(d(2020, 1, 1), left=d(2025, 1, 15))
    homes(left, (d(2020, 1, 1), d(2025, 1, 15)))
    share = measures.long_term_stability(children=Child.objects.all(), on=D)
    assert (share.count, share.total) == (2, 3)


def test_mix_of_homes_counts_children_and_weekly_cost_by_rung(db):
    foster, ifa = factories.HomeFactory(weekly_cost=500), factories.HomeFactory(rung=4, weekly_cost=900)
    residential = factories.residential_home()
    for home in (foster, foster, ifa, residential):
        homes(child_in_care(d(2024, 1, 1)), (d(2024, 1, 1), None), home=home)
    homes(child_in_care(d(2024, 1, 1), left=d(2025, 1, 1)), (d(2024, 1, 1), d(2025, 1, 1)), home=residential)  # left care
    rows = {row["rung"]: (row["children"], row["weekly_cost"], row["percent"]) for row in measures.mix_of_homes(
        children=Child.objects.all(), on=D)}  # fmt: skip
    assert rows == {3: (2, Decimal("1000.00"), 50.0), 4: (1, Decimal("900.00"), 25.0), 5: (1, Decimal("4000.00"), 25.0)}


def test_mix_of_homes_counts_a_child_whose_recorded_homes_overlap_on_each_rung_as_the_drill_down_does(db):
    """The services refuse overlapping homes, but a history may hold them (as first recorded): the child counts on
    each rung they were living on, as children_in_homes lists them, and their homes' cost goes to the rung furthest
    down the ladder, so the total cost is kept. Transitions (16+, no rung) come last."""
    from casework.dashboard import Period
    from placements import measures

    foster, residential = factories.HomeFactory(weekly_cost=500), factories.residential_home()
    moving_on = factories.HomeFactory(rung=None, transition="supported_lodgings", weekly_cost=Decimal("250.50"))
    both = child_in_care(d(2024, 1, 1))
    homes(both, (d(2024, 1, 1), d(2025, 6, 1)), home=foster)
    homes(both, (d(2025, 2, 1), None), home=residential)
    homes(child_in_care(d(2024, 1, 1)), (d(2024, 1, 1), None), home=moving_on)
    rows = [(row["rung"], row["children"], row["weekly_cost"], row["percent"]) for row in measures.mix_of_homes(
        children=Child.objects.all(), on=D)]  # fmt: skip
    assert rows == [(3, 1, Decimal("0.00"), 33.3), (5, 1, Decimal("4500.00"), 33.3), (None, 1, Decimal("250.50"), 33.3)]
    period = Period(d(2025, 1, 1), D)
    for part, rung in (("rung-3", 3), ("rung-5", 5), ("rung-0", None)):
        listed = measures.children_in_homes(children=Child.objects.all(), period=period, part=part)
        assert listed.count() == next(n for r, n, _, _ in rows if r == rung)


def approved(ideal: int, chosen: int, on: datetime.date, reason: str = "") -> None:
    at = datetime.datetime(on.year, on.month, on.day, 12, tzinfo=datetime.UTC)
    decision = factories.PlacementDecisionFactory(
        child=child_in_care(d(2024, 1, 1)), created_by=cw.UserFactory(), ideal_rung=ideal, chosen_rung=chosen,
        status="approved", manager_approved_at=at,
    )  # fmt: skip
    if reason:
        RungConsideration.objects.create(decision=decision, rung=ideal, why_not=reason, detail="None free.")


def test_ideal_vs_actual_counts_homes_lower_than_the_ideal_by_reason(db):
    approved(2, 3, d(2024, 6, 1), codes.WhyNot.NO_CAPACITY)
    approved(3, 5, d(2024, 9, 1), codes.WhyNot.NO_CAPACITY)
    approved(3, 3, d(2024, 10, 1))
    approved(2, 5, d(2023, 6, 1), codes.WhyNot.SAFETY)  # before the period
    result = measures.ideal_vs_actual(children=Child.objects.all(), since=d(2024, 3, 31), until=D)
    assert (result["share"].count, result["share"].total) == (2, 3)
    assert [(r["ideal_rung"], r["chosen_rung"], r["reason"], r["decisions"]) for r in result["rows"]] == [
        (2, 3, "no_capacity", 1), (3, 5, "no_capacity", 1)
    ]  # fmt: skip


def test_steps_down_from_residential_count_moves_to_a_family(db):
    residential, foster = factories.residential_home(capacity=9), factories.HomeFactory()
    stepped_down = child_in_care(d(2023, 1, 1))
    homes(stepped_down, (d(2024, 1, 1), d(2024, 6, 1)), home=residential)
    homes(stepped_down, (d(2024, 6, 1), None), home=foster)
    sideways = child_in_care(d(2023, 1, 1))
    homes(sideways, (d(2024, 1, 1), d(2024, 9, 1)), home=residential)
    homes(sideways, (d(2024, 9, 1), None), home=factories.residential_home(name="Other children's home"))
    earlier = child_in_care(d(2022, 1, 1))
    homes(earlier, (d(2022, 1, 1), d(2023, 5, 1)), home=residential)
    homes(earlier, (d(2023, 5, 1), None), home=foster)
    share = measures.steps_down_from_residential(children=Child.objects.all(), since=d(2024, 3, 31), until=D)
    assert (share.count, share.total) == (1, 2)


def test_a_team_manager_sees_their_teams_figures_and_a_head_everyone(county):
    today = timezone.localdate()
    for child in (county.child, county.other_child):
        homes(child, (today - datetime.timedelta(days=30), None))
    assert selectors.measures(user=county.manager, on=today)["mix_of_homes"][0]["children"] == 1
    assert selectors.measures(user=county.head, on=today)["mix_of_homes"][0]["children"] == 2
    with pytest.raises(selectors.PermissionDenied):
        selectors.measures(user=county.worker, on=today)


def test_the_measures_are_worked_out_in_the_database_in_a_fixed_number_of_queries(county, django_assert_max_num_queries):
    # Six queries, one a measure; long-term stability's and mix of homes' have a savepoint and their memory settings
    # around them (set, then rolled back to the savepoint, which is released).
    with django_assert_max_num_queries(14):
        selectors.measures(user=county.head, on=D)
