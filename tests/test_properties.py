"""Property-based tests of the services that take dates, codes and scores: whatever comes in, the answer is
either success or a ValidationError with a message a person can read, never another exception, and the
rules the records rely on (one current worker, one home at a time, scores on the scale) still hold."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casework import codes as casework_codes
from casework import services as casework_services
from casework.models import Allocation, Visit
from outcomes import services as outcome_services
from placements import codes as placement_codes
from placements.models import PlacementEpisode
from tests import factories
from tests.outcomes import factories as star_factories
from tests.placements import factories as placement_factories

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# Every example runs in the same test transaction, so the records pile up as they would in use.
examples = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])

any_date = st.dates()
near_date = st.dates(min_value=datetime.date(1990, 1, 1), max_value=timezone.localdate() + datetime.timedelta(days=400))
any_moment = st.datetimes(timezones=st.sampled_from([datetime.UTC, timezone.get_current_timezone()])) | st.datetimes()
# The edges of what Python can hold, which local-time conversions overflow.
EARLIEST, LATEST = datetime.datetime.min.replace(tzinfo=datetime.UTC), datetime.datetime.max.replace(tzinfo=datetime.UTC)


def codes_or_junk(values: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(values) | st.text(max_size=12)


def refused_with_a_message(action: Callable[[], Any]) -> Any | None:
    """Run a service: success returns its result; a ValidationError must carry a readable message."""
    try:
        return action()
    except ValidationError as error:
        assert error.messages and all(message.strip() for message in error.messages), error
        return None


@given(visited_at=any_moment)
@example(visited_at=EARLIEST)
@example(visited_at=LATEST)
@examples
def test_a_visit_at_any_moment_is_recorded_or_refused_with_a_reason(county, visited_at):
    fields = {"visit_type": casework_codes.VisitType.STATUTORY, "visited_at": visited_at, "observations": "Seen at home."}
    visit = refused_with_a_message(lambda: casework_services.visit_create(child=county.child, author=county.worker, **fields))
    if visit is None:
        return  # refused with a message: the other half of the property
    assert timezone.is_aware(visit.visited_at)
    assert visit.visited_at <= timezone.now() + datetime.timedelta(minutes=5)
    assert timezone.localdate(visit.visited_at) >= county.child.date_of_birth


def test_a_visit_yesterday_is_recorded(county):
    """The property above must be able to succeed: an ordinary moment is recorded, not refused."""
    yesterday = timezone.now() - datetime.timedelta(days=1)
    fields = {"visit_type": casework_codes.VisitType.STATUTORY, "visited_at": yesterday, "observations": "Seen at home."}
    assert refused_with_a_message(lambda: casework_services.visit_create(child=county.child, author=county.worker, **fields))


@given(visited_at=any_moment)
@example(visited_at=EARLIEST)
@example(visited_at=LATEST)
@examples
def test_changing_a_draft_to_any_moment_keeps_it_valid(county, visited_at):
    draft = Visit.objects.filter(child=county.child).first() or factories.DraftVisitFactory(
        child=county.child, author=county.worker
    )
    refused_with_a_message(lambda: casework_services.visit_update(visit=draft, actor=county.worker, visited_at=visited_at))
    draft.refresh_from_db()
    assert draft.visited_at <= timezone.now() + datetime.timedelta(minutes=5)
    assert timezone.localdate(draft.visited_at) >= county.child.date_of_birth


@given(started_on=any_date, reason=codes_or_junk(casework_codes.WorkerChangeReason.values), to_manager=st.booleans())
@examples
def test_a_worker_change_on_any_date_for_any_reason_keeps_one_current_worker(county, started_on, reason, to_manager):
    worker = county.teammate if to_manager else county.worker
    refused_with_a_message(
        lambda: casework_services.allocation_change(
            child=county.child, worker=worker, started_on=started_on, reason=reason, actor=county.manager
        )
    )
    allocations = list(Allocation.objects.filter(child=county.child).order_by("started_on", "id"))
    assert sum(1 for allocation in allocations if allocation.ended_on is None) == 1
    for earlier, later in zip(allocations, allocations[1:], strict=False):
        assert earlier.ended_on is not None and earlier.ended_on <= later.started_on
        assert earlier.end_reason in casework_codes.WorkerChangeReason.values
    assert all(allocation.started_on <= timezone.localdate() for allocation in allocations)


@pytest.fixture
def two_homes(db) -> list:
    return [placement_factories.HomeFactory(name="Patel foster carers"), placement_factories.HomeFactory(name="Ng carers")]


@given(started_on=near_date | any_date, reason=codes_or_junk(placement_codes.ReasonPlaceChange.values), which=st.integers(0, 1))
@examples
def test_a_move_on_any_date_for_any_reason_keeps_one_home_at_a_time(county, two_homes, started_on, reason, which):
    refused_with_a_message(
        lambda: placement_factories.move(county.child, two_homes[which], started_on, county.worker, reason=reason)
    )
    episodes = list(PlacementEpisode.objects.filter(child=county.child).order_by("started_on", "id"))
    assert sum(1 for episode in episodes if episode.ended_on is None) <= 1
    for earlier, later in zip(episodes, episodes[1:], strict=False):
        assert earlier.ended_on is not None and earlier.ended_on <= later.started_on
        assert later.reason_place_change in placement_codes.ReasonPlaceChange.values


@given(scores=st.lists(st.integers(-(2**40), 2**40) | st.integers(0, 12), min_size=0, max_size=5), day=any_date)
@examples
def test_a_check_in_with_any_scores_on_any_day_keeps_every_score_on_the_scale(county, scores, day):
    star = county.child.stars.first() or star_factories.start_star(county.child, county.worker)
    areas = list(star.areas.all())
    given_scores = [outcome_services.ScoreInput(area=areas[i % len(areas)], score=score) for i, score in enumerate(scores)]
    refused_with_a_message(
        lambda: outcome_services.check_in_record(
            star=star, stage="start", date=day, respondent="child", scores=given_scores, actor=county.worker
        )
    )
    template = star.template
    for check_in in star.check_ins.prefetch_related("scores"):
        assert star.started_on <= check_in.date <= timezone.localdate()
        assert all(template.scale_min <= row.score <= template.scale_max for row in check_in.scores.all())
