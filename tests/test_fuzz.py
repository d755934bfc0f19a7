"""Bad input: schemathesis sends generated requests, valid and not, to every operation in Hearth's own
OpenAPI schema (/api/v1/schema/), signed in as each role (a child with their own account, and an administrator,
included) and signed out.

Every answer must be something other than a server error, and must match the schema it documents.
Examples are bounded and the seed fixed, so a run is repeatable and quick."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from casework import codes, tokens
from casework.models import User
from tests import factories, proof
from tests.conftest import County

pytestmark = pytest.mark.fuzz

SEED = 8  # issue 8
MAX_EXAMPLES = 8
# Generated requests only, valid and invalid (the coverage phase's exhaustive boundary values would take minutes).
CONFIG = {"seed": SEED, "phases": {"coverage": {"enabled": False}}}
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def same_connection() -> Iterator[None]:
    """The WSGI app runs in this thread, inside the test's transaction: keep Django from closing the
    connection at the end of each request, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def records(county: County) -> County:
    """Something of each kind for the generated requests to find: visits, family, contact, a decision."""
    from tests.placements import factories as placement_factories

    factories.DraftVisitFactory(child=county.child, author=county.worker)
    sibling = factories.FamilyMemberFactory(child=county.child, relationship=codes.Relationship.FULL_SIBLING)
    factories.SiblingContactArrangementFactory(child=county.child, sibling=sibling)
    placement_factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    factories.SharedRecordFactory(visit__child=county.child, visit__author=county.worker)
    return county


@pytest.fixture
def child_user(records: County) -> User:
    """The county's child, signed in to their own account."""
    return factories.ChildAccountFactory(child=records.child).user


# Hearth's own schema, as it serves it (it is public, like the docs). Loaded when the tests are collected,
# so each operation is a test of its own; requests go straight to the WSGI app, in this thread.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json", get_wsgi_application(), config=schemathesis.Config.from_dict(CONFIG)
)
bounded = settings(
    max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def send_and_check(case: schemathesis.Case, user: User | None, role: str) -> None:
    headers = {"Authorization": f"Token {tokens.token_issue(user=user)[1]}"} if user else {}
    response = case.call(headers=headers)
    try:
        case.validate_response(response, checks=CHECKS)
    except Exception:
        proof.fuzz_request(role=role, operation=case.operation.label, failed=True)
        raise
    proof.fuzz_request(role=role, operation=case.operation.label, failed=False)


# One test per role, each parametrized by operation.


@schema.parametrize()
@bounded
def test_generated_requests_from_a_social_worker_get_no_server_error_and_documented_answers(case, records, same_connection):
    send_and_check(case, records.worker, "social worker")


@schema.parametrize()
@bounded
def test_generated_requests_from_a_team_manager_get_no_server_error_and_documented_answers(case, records, same_connection):
    send_and_check(case, records.manager, "team manager")


@schema.parametrize()
@bounded
def test_generated_requests_from_a_head_of_service_get_no_server_error_and_documented_answers(case, records, same_connection):
    send_and_check(case, records.head, "head of service")


@schema.parametrize()
@bounded
def test_generated_requests_from_a_child_get_no_server_error_and_documented_answers(case, child_user, same_connection):
    send_and_check(case, child_user, "child")


@schema.parametrize()
@bounded
def test_generated_requests_from_an_administrator_get_no_server_error_and_documented_answers(case, records, same_connection):
    send_and_check(case, records.admin, "administrator")


@schema.parametrize()
@bounded
def test_generated_requests_signed_out_get_no_server_error_and_documented_answers(case, records, same_connection):
    send_and_check(case, None, "signed out")
