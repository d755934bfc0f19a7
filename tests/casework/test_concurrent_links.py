"""Two people saving at once: the values kept beside the records for the dashboard (each statutory visit's link to
the child's next, kept by the database's trigger, which locks the child first; each star score's change to its
area's progress) come out as if they had saved in turn."""

import datetime
import threading
import time
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction

from casework import codes, services, versions
from outcomes.models import CheckInScore
from tests.conftest import make_county
from tests.outcomes import factories as star_factories

# Each save runs on its own connection and commits, as two requests would.
pytestmark = pytest.mark.django_db(transaction=True)


def at_once(first, second) -> None:
    """`first` saves and holds its transaction open a moment; `second` saves meanwhile, then both commit."""
    saved, errors = threading.Event(), []

    def run(action, before=None, after=None) -> None:
        try:
            if before:
                before.wait(5)
            with transaction.atomic():
                action()
                if after:
                    after.set()
                    time.sleep(0.5)  # the second save starts while this one is still open
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(first, None, saved)), threading.Thread(target=run, args=(second, saved))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors


def test_two_statutory_visits_saved_at_once_are_both_linked():
    county = make_county()

    def visit(day: int):
        when = datetime.datetime(2025, 3, day, 10, tzinfo=datetime.UTC)
        fields: dict[str, Any] = {"visit_type": codes.VisitType.STATUTORY, "observations": "Seen at home."}
        return lambda: signed(services.visit_create(child=county.child, author=county.worker, visited_at=when, **fields))

    def signed(visit):  # only a signed record is a visit, linked to the next
        return services.visit_sign(visit=visit, actor=county.worker)

    at_once(visit(20), visit(5))
    visits = county.child.visits.filter(visit_type=codes.VisitType.STATUTORY).order_by("visited_at")
    links = list(visits.values_list("visited_at__day", "next_statutory_at__day"))
    assert links == [(5, 20), (20, None)]  # one latest visit, not two


def test_two_check_ins_saved_at_once_count_the_area_once():
    county = make_county()
    template = star_factories.small_template(("Sleep",))
    star = star_factories.start_star(county.child, county.worker, template=template, days=300)
    star_factories.record(star, county.worker, {"Sleep": 5}, days=200)
    at_once(
        lambda: star_factories.record(star, county.worker, {"Sleep": 7}, days=100),
        lambda: star_factories.record(star, county.worker, {"Sleep": 3}, days=50),
    )
    scores = CheckInScore.objects.filter(area__star=star).order_by("check_in_date")
    assert [s.score for s in scores] == [5, 7, 3]
    assert sum(s.counted_change for s in scores) == 1  # the area counts once
    assert sum(s.latest_change for s in scores) == 3  # its latest score is the one dated last
    assert sum(s.improved_change for s in scores) == 0  # 3 is below the first, 5


def test_a_visit_edited_while_another_is_saved_does_not_deadlock():
    """The edit locks the child before its visit, as the visits' trigger does: an edit that held its visit first,
    while another save held the child and its trigger rewrote that visit's link, would wait on it for ever
    (PostgreSQL: deadlock detected)."""
    county = make_county()
    statutory = {"visit_type": codes.VisitType.STATUTORY, "observations": "Seen at home."}
    first = services.visit_create(
        child=county.child, author=county.worker, visited_at=datetime.datetime(2025, 3, 5, 10, tzinfo=datetime.UTC), **statutory
    )
    first = services.visit_sign(visit=first, actor=county.worker)  # signed: its link is the trigger's to rewrite
    holding, check_version = threading.Event(), versions.check_version

    def slow_check(visit, *, version):  # the edit, having locked what it locks, pauses here
        if threading.current_thread().name == "edit":
            holding.set()
            time.sleep(0.5)
        return check_version(visit, version=version)

    errors = []

    def run(action, name: str, wait: threading.Event | None = None) -> None:
        try:
            if wait:
                wait.wait(5)
            with transaction.atomic():
                action()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    later = datetime.datetime(2025, 3, 20, 10, tzinfo=datetime.UTC)
    sixth = datetime.datetime(2025, 3, 6, 10, tzinfo=datetime.UTC)  # a new time: the edit's trigger needs the child too
    edit = lambda: services.visit_amend(visit=first, actor=county.worker, reason="The wrong day", visited_at=sixth)  # noqa: E731

    def new() -> None:
        visit = services.visit_create(child=county.child, author=county.worker, visited_at=later, **statutory)
        services.visit_sign(visit=visit, actor=county.worker)

    with mock.patch.object(versions, "check_version", slow_check):
        threads = [threading.Thread(target=run, args=(edit, "edit"), name="edit"),
                   threading.Thread(target=run, args=(new, "new", holding), name="new")]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert not errors, errors
    visits = county.child.visits.filter(visit_type=codes.VisitType.STATUTORY).order_by("visited_at")
    assert list(visits.values_list("visited_at__day", "next_statutory_at__day")) == [(6, 20), (20, None)]
