"""Odd input on the pages that the page fuzz (tests/test_page_fuzz.py) found answered with a server error: each is
a clear answer now, and stays one here, in the ordinary test run."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placements import codes
from tests.placements import factories as placement_factories

pytestmark = pytest.mark.django_db


# The Risk of Residential forum: the decision is a hidden field ---------------------------------------------------


def _forum_outcome(county, decision: str):
    client = Client(raise_request_exception=False)
    client.force_login(county.manager)
    body = {
        "decision": decision,
        "outcome": codes.RiskOfResidentialOutcome.KEEP_SEARCHING,
        "actions": "Ask the fostering team again.",
        "reviewed_on": timezone.localdate().isoformat(),
    }
    return client.post(reverse("placements:risk-of-residential"), body)


@pytest.fixture
def heading_for_residential(county):
    return placement_factories.PlacementDecisionFactory(
        child=county.child, created_by=county.worker, chosen_rung=codes.Rung.RESIDENTIAL
    )


@pytest.mark.parametrize("decision", ["²", "١٢", "abc", "1.0", "", "99999999999999999999"])
def test_a_forum_outcome_for_a_decision_that_is_not_a_plain_id_is_a_404(county, heading_for_residential, decision):
    response = _forum_outcome(county, decision)

    assert response.status_code == 404
    heading_for_residential.refresh_from_db()
    assert heading_for_residential.ror_outcome == ""


def test_a_forum_outcome_for_a_real_decision_is_recorded(county, heading_for_residential):
    response = _forum_outcome(county, str(heading_for_residential.pk))

    assert response.status_code == 302
    heading_for_residential.refresh_from_db()
    assert heading_for_residential.ror_outcome == codes.RiskOfResidentialOutcome.KEEP_SEARCHING
