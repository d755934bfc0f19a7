"""The outcome star measure on hand-computed stars: first against latest, by the as-at date."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.dashboard import Period
from casework.models import Child
from outcomes import measures, services
from tests.outcomes import factories

pytestmark = pytest.mark.django_db


def period_ending(days_ago: int) -> Period:
    end = timezone.localdate() - datetime.timedelta(days=days_ago)
    return Period(end - datetime.timedelta(days=90), end)


def progress(end: Period) -> tuple[int | None, int | None]:
    figure = measures.star_progress(children=Child.objects.all(), periods=[end])[0]
    return figure.count, figure.total


def test_star_progress_compares_each_areas_latest_score_by_the_date_with_its_first(county):
    template = factories.small_template(("Sleep", "School", "Friends"))
    star = factories.start_star(county.child, county.worker, template=template, days=300)
    factories.record(star, county.worker, {"Sleep": 3, "School": 5, "Friends": 4}, days=200)
    factories.record(star, county.worker, {"Sleep": 6, "School": 5}, days=100)  # Friends not scored again
    factories.record(star, county.worker, {"Sleep": 2}, days=10)  # after the earlier as-at date
    factories.record(star, county.worker, {"Sleep": 9, "School": 9}, days=100, respondent="worker")  # not the child's
    assert progress(period_ending(50)) == (1, 2)  # Sleep 3 -> 6 improved; School 5 -> 5 not
    assert progress(period_ending(0)) == (0, 2)  # Sleep's latest is now 2
    assert progress(period_ending(150)) == (0, 0)  # one score each by then: nothing to compare


def test_star_progress_counts_a_retired_area_only_until_it_was_retired(county):
    template = factories.small_template(("Sleep", "School", "Friends"))
    star = factories.start_star(county.child, county.worker, template=template, days=300)
    factories.record(star, county.worker, {"Sleep": 3, "School": 2}, days=200)
    factories.record(star, county.worker, {"Sleep": 6, "School": 4}, days=100)
    school = star.areas.get(name="School")
    services.star_area_retire(area=school, actor=county.worker, retired_on=timezone.localdate() - datetime.timedelta(days=60))
    assert progress(period_ending(80)) == (2, 2)  # before School was retired
    assert progress(period_ending(0)) == (1, 1)  # after: School is off the star


def test_star_progress_rows_and_children_follow_the_same_definition(county):
    template = factories.small_template(("Sleep", "School", "Friends"))
    up = factories.start_star(county.child, county.worker, template=template, days=300)
    factories.record(up, county.worker, {"Sleep": 2}, days=200)
    factories.record(up, county.worker, {"Sleep": 4}, days=100)
    down = factories.start_star(county.other_child, county.other_worker, template=template, days=300)
    factories.record(down, county.other_worker, {"Sleep": 5}, days=200)
    factories.record(down, county.other_worker, {"Sleep": 3}, days=100)
    period = period_ending(0)
    figure = measures.star_progress(children=Child.objects.all(), periods=[period])[0]
    assert (figure.count, figure.total, figure.value) == (1, 2, 50.0)
    sleep = next(row for row in figure.rows if row.label.startswith("Sleep"))
    assert (sleep.count, sleep.total) == (1, 2)
    assert "mean 3.5 at first, 3.5 latest" in sleep.label
    ids = set(measures.children_with_stars(children=Child.objects.all(), period=period).values_list("pk", flat=True))
    assert ids == {county.child.pk}
    worse = measures.children_with_stars(children=Child.objects.all(), period=period, part="not-improved")
    assert set(worse.values_list("pk", flat=True)) == {county.other_child.pk}


def test_a_check_in_dated_before_the_others_becomes_each_areas_first_score(county):
    template = factories.small_template(("Sleep", "School"))
    star = factories.start_star(county.child, county.worker, template=template, days=300)
    factories.record(star, county.worker, {"Sleep": 3, "School": 6}, days=100)
    factories.record(star, county.worker, {"Sleep": 5, "School": 4}, days=50)
    assert progress(period_ending(0)) == (1, 2)  # Sleep 3 -> 5 improved; School 6 -> 4 not
    factories.record(star, county.worker, {"Sleep": 7, "School": 1}, days=200)  # typed in late, dated first
    assert progress(period_ending(0)) == (1, 2)  # now Sleep 7 -> 5 not improved; School 1 -> 4 improved
    sleep_first = measures.star_progress(children=Child.objects.all(), periods=[period_ending(0)])[0].rows
    assert any(row.label.startswith("Sleep") and "mean 7.0 at first, 5.0 latest" in row.label for row in sleep_first)
    assert progress(period_ending(150)) == (0, 0)  # by then only the late one: nothing to compare
    assert progress(period_ending(70)) == (1, 2)  # Sleep 7 -> 3 not; School 1 -> 6 improved


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    check_ins=st.lists(
        st.tuples(st.integers(0, 250), st.dictionaries(st.sampled_from(["Sleep", "School", "Friends"]), st.integers(1, 10),
                  min_size=1)),
        min_size=1, max_size=6,
    ),
    retire_days=st.one_of(st.none(), st.integers(0, 250)),
)  # fmt: skip
def test_star_progress_matches_its_drill_down_definition_for_any_check_ins(county, check_ins, retire_days):
    """The measure adds up each score's change to its area's progress; the drill-down works each area's first and
    latest scores out afresh with window functions. For any check-ins, in any order, both must agree on every date."""
    with transaction.atomic():  # every example runs in the one test transaction: each is undone when it ends
        template = factories.small_template(("Sleep", "School", "Friends"))
        star = factories.start_star(county.child, county.worker, template=template, days=300)
        for days, scores in check_ins:
            factories.record(star, county.worker, scores, days=days)
        if retire_days is not None:
            friends = star.areas.get(name="Friends")
            services.star_area_retire(area=friends, actor=county.worker, retired_on=factories.days_ago(retire_days))
        periods = [period_ending(days) for days in (0, 30, 90, 120, 200, 260)]
        figures = measures.star_progress(children=Child.objects.all(), periods=periods)
        for period, figure in zip(periods, figures, strict=True):
            counted = measures._scores(Child.objects.all()).filter(measures.latest_on(period.end))
            assert (figure.count, figure.total) == (counted.filter(measures.IMPROVED).count(), counted.count()), period
        transaction.set_rollback(True)
