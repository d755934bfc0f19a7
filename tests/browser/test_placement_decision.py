"""A social worker on a phone walks a decision down the ladder to an in-house foster home; the team manager approves."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from placements.models import PlacementDecision, PlacementEpisode
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.placements.factories import HomeFactory

pytestmark = [pytest.mark.browser, pytest.mark.accessibility, pytest.mark.django_db(transaction=True)]


def rule_out(phone: Page, heading: str, reason: str, detail: str) -> None:
    expect(phone.get_by_role("heading", name=heading)).to_be_visible()
    phone.get_by_label("No, record why not").check()
    phone.get_by_label(reason).check()
    phone.get_by_label("Why it was not right").fill(detail)
    phone.get_by_role("button", name="Continue").click()


def test_a_decision_walks_down_the_ladder_and_the_manager_approves_it(phone: Page, county):
    home = HomeFactory(name="Patel foster carers", child_facing_name="Living with Sam and Priya")
    sign_in(phone, county.worker.username, PASSWORD)
    phone.get_by_role("link", name=county.child.display_name).click()
    phone.get_by_role("link", name="All homes and decisions").click()
    phone.get_by_role("link", name="Decide on a new home").click()

    assert_no_serious_violations(phone)
    phone.get_by_label("Why does the child need a new home?").fill("Her carers are moving abroad.")
    phone.get_by_label("What the child says, in their words").fill("I want to stay near my school.")
    phone.get_by_label("The ideal home would be").select_option(label="Kinship: family, friends or community")
    phone.get_by_role("button", name="Save and continue").click()

    rule_out(phone, "Own family", "Not safe", "The court found home unsafe.")
    rule_out(phone, "Kinship: family, friends or community", "No home available (no capacity)", "Her aunt has no room.")
    expect(phone.get_by_role("heading", name="The council's own foster carers")).to_be_visible()
    assert_no_serious_violations(phone)
    phone.get_by_label("Yes, look for a home here").check()
    phone.get_by_role("button", name="Continue").click()

    phone.get_by_label("The home").select_option(label=f"{home.name} (WR5 3DA, £500 a week)")
    phone.get_by_label("Date of the move").fill(timezone.localdate().isoformat())
    phone.get_by_label("Why is the child moving?").select_option("CARPL")
    phone.get_by_role("button", name="Save and continue").click()

    for question in (
        "A connected person was considered first",
        "The home is near the child's home",
        "The child's education is not disrupted",
        "The home is within the council's area",
    ):
        phone.get_by_role("group", name=question).get_by_label("Yes").check()
    for question in ("Brothers and sisters live together", "The home suits any disability the child has"):
        phone.get_by_role("group", name=question).get_by_label("Not applicable").check()
    assert_no_serious_violations(phone)
    phone.get_by_role("button", name="Save and check answers").click()
    assert_no_serious_violations(phone)
    phone.get_by_role("button", name="Send for approval").click()
    expect(phone.get_by_text("Sent to the manager for approval.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    decision_url = phone.url

    phone.context.clear_cookies()
    sign_in(phone, county.manager.username, PASSWORD)
    phone.goto(decision_url)
    expect(phone.get_by_text("I want to stay near my school.")).to_be_visible()
    assert_no_serious_violations(phone)
    phone.get_by_role("button", name="Approve", exact=True).click()
    expect(phone.get_by_text("Decision approved.")).to_be_visible()

    decision = PlacementDecision.objects.get(child=county.child)
    assert (decision.status, decision.chosen_rung, decision.manager_approved_by) == ("approved", 3, county.manager)
    assert list(decision.rungs.values_list("rung", "why_not")) == [(1, "safety"), (2, "no_capacity")]
    episode = PlacementEpisode.objects.get(child=county.child, ended_on__isnull=True)
    assert (episode.home, episode.started_on, decision.episode) == (home, timezone.localdate(), episode)
