"""Disagreement between the child and the worker, and the figures for managers, on hand-computed data."""

import datetime

import pytest

from outcomes import codes, selectors, services
from tests import factories
from tests.outcomes.factories import days_ago, record, small_template, start_star

pytestmark = pytest.mark.django_db
WORKER = codes.Respondent.WORKER


def test_child_and_worker_three_or_more_points_apart_is_shown_and_two_is_not(county):
    star = start_star(county.child, county.worker)
    record(star, county.worker, {"Home": 8, "Money": 6, "Learning": 2}, days=30)
    record(star, county.worker, {"Home": 5, "Money": 4, "Learning": 9}, days=30, respondent=WORKER)
    record(star, county.worker, {"Health": 9}, days=20)
    record(star, county.worker, {"Health": 2}, days=19, respondent=WORKER)  # another day: not the same check-in
    record(star, county.worker, {"Feeling safe": 9}, days=30, respondent=codes.Respondent.CARER)  # a carer is not the worker
    found = selectors.disagreements(star=star)
    assert [(d.area, d.child_score, d.worker_score) for d in found] == [("Learning", 2, 9), ("Home", 8, 5)] or [
        (d.area, d.child_score, d.worker_score) for d in found
    ] == [("Home", 8, 5), ("Learning", 2, 9)]
    assert {d.date for d in found} == {days_ago(30)} and {d.stage for d in found} == {codes.Stage.START}


def test_disagreement_needs_the_same_stage(county):
    star = start_star(county.child, county.worker)
    record(star, county.worker, {"Home": 9}, days=30, stage=codes.Stage.START)
    record(star, county.worker, {"Home": 1}, days=30, stage=codes.Stage.REVIEW, respondent=WORKER)
    assert selectors.disagreements(star=star) == []


@pytest.fixture
def figures_county(county):
    """Two children in the North team, one in the South; see each test for the sums."""
    template = small_template(("Sleep", "School", "Friends"))
    second = factories.ChildFactory(first_name="Bea")
    factories.AllocationFactory(child=second, worker=county.teammate)
    a = start_star(county.child, county.worker, template=template, days=300)
    record(a, county.worker, {"Sleep": 2, "School": 5, "Friends": 6}, days=100)
    record(a, county.worker, {"Sleep": 9, "School": 9, "Friends": 9}, days=100, respondent=WORKER)  # not the child's
    record(a, county.worker, {"Sleep": 4, "School": 5, "Friends": 3}, days=50, stage=codes.Stage.MID_POINT)
    services.star_area_retire(area=a.areas.get(name="Friends"), actor=county.worker)
    record(a, county.worker, {"Sleep": 7, "School": 4}, days=10, stage=codes.Stage.REVIEW)

    b = start_star(second, county.teammate, template=template, days=300)
    friends = template.areas.get(name="Friends")
    services.star_area_add(star=b, name="Football", based_on=friends, actor=county.teammate)
    services.star_area_add(star=b, name="Drawing", actor=county.teammate)
    services.star_area_add(star=b, name="Cooking", actor=county.teammate)  # scored once: not counted
    record(b, county.teammate, {"Sleep": 6, "School": 2, "Football": 4, "Drawing": 3}, days=90)
    record(b, county.teammate, {"Sleep": 6, "School": 8, "Football": 5, "Drawing": 9, "Cooking": 7}, days=20)

    c = start_star(county.other_child, county.other_worker, template=template, days=300)
    record(c, county.other_worker, {"Sleep": 1}, days=90)
    record(c, county.other_worker, {"Sleep": 10}, days=20)
    return template


def as_rows(figures) -> list[tuple]:
    return [(f.area, f.children, f.mean_first, f.mean_latest, f.improved_percent) for f in figures]


def test_area_figures_on_hand_computed_data_for_a_team_manager(county, figures_county):
    figures = selectors.area_figures(user=county.manager, template_id=figures_county.pk)
    assert as_rows(figures) == [
        # Sleep: Ava 2 -> 7 (up), Bea 6 -> 6 (same)
        ("Sleep", 2, 4.0, 6.5, 50.0),
        # School: Ava 5 -> 4, Bea 2 -> 8
        ("School", 2, 3.5, 6.0, 50.0),
        # Friends: Ava's retired area 6 -> 3, Bea's Football (based on Friends) 4 -> 5
        ("Friends", 2, 5.0, 4.0, 50.0),
        # Bea's Drawing 3 -> 9; her Cooking, scored once, is left out
        (selectors.CHILDS_OWN, 1, 3.0, 9.0, 100.0),
    ]


def test_area_figures_cover_only_the_children_a_user_may_see(county, figures_county):
    head = as_rows(selectors.area_figures(user=county.head, template_id=figures_county.pk))
    # Adding the South child's Sleep 1 -> 10 for the head of service: (2 + 6 + 1) / 3 and (7 + 6 + 10) / 3.
    assert head[0] == ("Sleep", 3, 3.0, 7.67, 66.7)
    south = as_rows(selectors.area_figures(user=county.other_manager, template_id=figures_county.pk))
    assert south == [("Sleep", 1, 1.0, 10.0, 100.0)]
    assert selectors.area_figures(user=county.admin) == []


def test_area_figures_can_count_the_workers_scores(county, figures_county):
    assert selectors.area_figures(user=county.manager, respondent=WORKER) == []  # the worker answered once only


def quarter(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def test_quarterly_trend_is_the_mean_score_per_area_per_quarter(county):
    template = small_template(("Sleep", "School", "Friends"))
    second = factories.ChildFactory()
    factories.AllocationFactory(child=second, worker=county.worker)
    for child, early, late in ((county.child, 2, 6), (second, 4, 9)):
        star = start_star(child, county.worker, template=template, days=300)
        record(star, county.worker, {"Sleep": early}, days=200)
        record(star, county.worker, {"Sleep": late}, days=5)
    trend = selectors.quarterly_trend(user=county.worker, template_id=template.pk)
    assert [(t.quarter, t.area, t.children, t.mean_score) for t in trend] == [
        (quarter(days_ago(200)), "Sleep", 2, 3.0),
        (quarter(days_ago(5)), "Sleep", 2, 7.5),
    ]


def test_stars_of_another_team_are_not_visible(county):
    start_star(county.child, county.worker)
    start_star(county.other_child, county.other_worker)
    assert list(selectors.stars_visible_to(user=county.worker).values_list("child", flat=True)) == [county.child.pk]
    assert selectors.stars_visible_to(user=county.admin).count() == 0
    assert selectors.stars_visible_to(user=county.head).count() == 2
