"""Shared fixtures: a small county with two teams, so every test can ask 'and the outsider?'."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections

from casework import codes
from casework.models import Child, Team, User
from tests import factories
from voice import speech_samples as speech


@dataclass
class County:
    """Two teams. `child` is allocated to `worker` in `team`; `other_child` to `other_worker` in `other_team`."""

    team: Team
    other_team: Team
    worker: User
    teammate: User
    manager: User
    other_worker: User
    other_manager: User
    head: User
    admin: User
    child: Child
    other_child: Child


@pytest.fixture
def county(db) -> County:
    return make_county()


def make_county() -> County:
    """The county's rows (the `county` fixture; tests/test_access_matrix.py builds it once per module)."""
    team, other_team = factories.TeamFactory(name="North"), factories.TeamFactory(name="South")
    worker = factories.UserFactory(username="sw.north", team=team)
    teammate = factories.UserFactory(username="sw.north2", team=team)
    manager = factories.UserFactory(username="tm.north", team=team, role=codes.Role.TEAM_MANAGER)
    other_worker = factories.UserFactory(username="sw.south", team=other_team)
    other_manager = factories.UserFactory(username="tm.south", team=other_team, role=codes.Role.TEAM_MANAGER)
    head = factories.UserFactory(username="hos", team=None, role=codes.Role.HEAD_OF_SERVICE)
    admin = factories.UserFactory(username="admin", team=None, role=codes.Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    child = factories.ChildFactory(first_name="Ava", last_name="Testchild")
    other_child = factories.ChildFactory(first_name="Zed", last_name="Otherchild")
    for kid, allocated in ((child, worker), (other_child, other_worker)):
        factories.AllocationFactory(child=kid, worker=allocated)
        factories.CareEpisodeFactory(child=kid)
    return County(team, other_team, worker, teammate, manager, other_worker, other_manager, head, admin, child, other_child)


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    """Real audio in the formats phones send, all made from one script."""
    folder = tmp_path_factory.mktemp("clips")
    wav = speech.speak(speech.SCRIPT, folder / "visit.wav")
    return {
        "wav": wav,
        "ogg": speech.convert(wav, folder / "visit.ogg"),
        "long": speech.repeat(wav, folder / "long.wav", 6),
        "silent": speech.silence(folder / "silent.wav"),
    }


@pytest.fixture(autouse=True)
def _replica_connection_closed() -> Iterator[None]:
    """The test settings' `replica` is the test database again: a connection left open would stop it being dropped."""
    yield
    connections["replica"].close()


# Fixtures that live in their own modules, made available to every test.
from tests.audio_storage import _bucket_for_the_run, audio_in_bucket, audio_on_disk, s3_server  # noqa: E402, F401
from tests.celery_worker import celery_worker, patient_celery_worker  # noqa: E402, F401

# bin/prove's figures: each family of proof tests writes what it covered to var/proof/ (see tests/proof.py).
from tests.proof import pytest_sessionfinish  # noqa: E402, F401
