"""The outcome star measure on hand-computed stars: first against latest, by the as-at date."""

import datetime

import pytest
from django.utils import timezone

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
