"""Measures worked out at once on several connections: the same figures as one after another, all from one
instant of the records, and a helper that cannot start or a measure that fails is handled, not lost."""

import threading

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from casework import dashboard
from casework.dashboard import snapshots
from casework.dashboard.figures import dashboard as dashboard_figures
from casework.models import Child
from tests import factories
from tests.conftest import make_county

# Other connections see only committed rows: these tests commit theirs, and the database is emptied after.
pytestmark = pytest.mark.django_db(transaction=True)


def every_measure(connections: int) -> list[tuple]:
    periods = dashboard.periods_for(on=timezone.localdate(), months=3)
    with override_settings(HEARTH_DASHBOARD_CONNECTIONS=connections):
        figures = dashboard_figures(children=Child.objects.all(), periods=periods)
    return [(f.measure.key, f.current, f.previous, f.trend) for f in figures]


def test_the_dashboard_worked_out_on_two_connections_matches_one_after_another():
    county = make_county()
    factories.VisitFactory(child=county.child, author=county.worker)
    at_once = every_measure(2)
    assert at_once == every_measure(1)
    assert {key for key, *_ in at_once} == {measure.key for measure in dashboard.all_measures()}


def test_every_connection_reads_the_records_as_they_were_when_the_page_began():
    factories.ChildFactory()

    def someone_adds_a_child() -> int:
        def add() -> None:
            factories.ChildFactory()  # on this thread's own connection, committed at once
            connection.close()

        thread = threading.Thread(target=add)
        thread.start()
        thread.join()
        return Child.objects.count()

    counts = snapshots.read_together([someone_adds_a_child] + [Child.objects.count] * 5, connections=2)
    assert counts == [1] * 6  # none of them sees the child added while they were working
    assert Child.objects.count() == 2


def test_a_helper_that_cannot_join_leaves_the_work_to_the_callers_connection(monkeypatch):
    factories.ChildFactory()

    def refused(snapshot: str) -> None:
        raise DatabaseError("too many connections")

    monkeypatch.setattr(snapshots, "_join_snapshot", refused)
    assert snapshots.read_together([Child.objects.count] * 4, connections=3) == [1] * 4


def test_a_measure_that_fails_fails_the_page_with_its_own_error():
    def broken() -> int:
        raise ValueError("a broken measure")

    with pytest.raises(ValueError, match="a broken measure"):
        snapshots.read_together([Child.objects.count, broken, Child.objects.count], connections=2)


def test_inside_a_transaction_the_measures_run_in_turn_on_its_connection():
    with transaction.atomic():
        factories.ChildFactory()  # not committed: only this connection sees it
        assert snapshots.read_together([Child.objects.count] * 3, connections=2) == [1] * 3


class LockNotAvailable(Exception):
    sqlstate = snapshots.LOCK_NOT_AVAILABLE


def test_a_helper_kept_waiting_for_a_lock_hands_its_measure_back_to_the_caller():
    """Behind a migration's exclusive lock a helper would wait for ever (the migration waits for the caller, the
    caller for the helper): it gives up after its lock timeout, and the caller, which holds its locks, does it."""
    factories.ChildFactory()
    caller = threading.get_ident()

    def locked_out_of_helpers() -> int:
        if threading.get_ident() != caller:
            raise OperationalError("canceling statement due to lock timeout") from LockNotAvailable()
        return Child.objects.count()

    assert snapshots.read_together([locked_out_of_helpers] * 6, connections=2) == [1] * 6


def test_a_helper_sets_a_lock_timeout():
    seen = []

    def timeout() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.05)")  # slow enough that the helper takes some
            cursor.execute("SHOW lock_timeout")
            seen.append((threading.get_ident(), cursor.fetchone()[0]))

    snapshots.read_together([timeout] * 8, connections=2)
    assert {value for thread, value in seen if thread != threading.get_ident()} == {snapshots.HELPER_LOCK_TIMEOUT}
