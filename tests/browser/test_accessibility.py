"""axe-core on the staff pages each person uses, on a phone-sized screen, with their error states.

The child's own pages are checked in test_child_journey.py and test_child_checks_a_record.py. Every
check is counted for `bin/prove` (tests/browser/axe.py records it)."""

import re

import pytest
from playwright.sync_api import Page, expect

from casework import codes
from casework import services as casework_services
from tests import factories
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import sign_in
from tests.outcomes import factories as star_factories
from tests.placements import factories as placement_factories

pytestmark = [pytest.mark.browser, pytest.mark.accessibility, pytest.mark.django_db(transaction=True)]


def check_each(page: Page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        assert_no_serious_violations(page)


@pytest.fixture
def records(county):
    """A visit in each state, a star, a decision and a correction waiting, all for `county.child`."""
    child = county.child
    draft = factories.DraftVisitFactory(child=child, author=county.worker)
    signed = factories.DraftVisitFactory(child=child, author=county.worker, child_said="I like my room.")
    casework_services.visit_sign(visit=signed, actor=county.worker)
    share = casework_services.visit_share(
        visit=signed, actor=county.worker, sections=["child_said"], child_versions=factories.for_child(["child_said"])
    )
    account = factories.ChildAccountFactory(child=child)
    check = casework_services.record_check(
        shared_record=share, actor=account.user, verdict=codes.Verdict.NOT_RIGHT, child_words="I said my bedroom."
    )
    star = star_factories.start_star(child, county.worker, template=star_factories.small_template())
    star_factories.record(star, county.worker, {"Sleep": 5, "School": 3, "Friends": 6})
    decision = placement_factories.PlacementDecisionFactory(child=child, created_by=county.worker)
    return {"draft": draft, "signed": signed, "check": check, "star": star, "decision": decision}


def test_the_social_workers_pages_have_no_serious_accessibility_problems(phone: Page, county, records):
    child, signed = county.child.pk, records["signed"].pk
    sign_in(phone, county.worker.username, factories.PASSWORD)
    check_each(
        phone,
        [
            "/",
            "/?view=team",
            f"/children/{child}/",
            f"/children/{child}/visits/new/",
            f"/visits/{records['draft'].pk}/edit/",
            f"/visits/{signed}/",
            f"/visits/{signed}/amend/",
            f"/visits/{signed}/share/",
            f"/corrections/{records['check'].pk}/",
            f"/children/{child}/words/",
            f"/children/{child}/account/suspend/",
            f"/children/{child}/sibling-contact/new/",
            f"/children/{child}/sibling-contact/sessions/new/",
            f"/placements/children/{child}/homes/",
            f"/placements/children/{child}/homes/move/",
            f"/placements/children/{child}/decisions/new/",
            f"/placements/decisions/{records['decision'].pk}/",
            f"/placements/decisions/{records['decision'].pk}/checklist/",
            f"/outcomes/stars/{records['star'].pk}/",
            f"/outcomes/stars/{records['star'].pk}/check-ins/new/",
            f"/outcomes/stars/{records['star'].pk}/areas/",
        ],
    )
    # Error states: a visit saved with nothing filled in, and an answer to the child with no words.
    phone.goto(f"/children/{child}/visits/new/")
    phone.get_by_label("Date of the visit").fill("")
    phone.get_by_role("button", name="Save draft").click()
    assert phone.locator(".govuk-error-summary").count() == 1
    assert_no_serious_violations(phone)
    phone.goto(f"/corrections/{records['check'].pk}/")
    phone.get_by_role("button", name="Send the answer").click()
    assert phone.locator(".govuk-error-summary").count() == 1
    assert_no_serious_violations(phone)


def test_the_managers_pages_have_no_serious_accessibility_problems(phone: Page, county, records):
    sign_in(phone, county.head.username, factories.PASSWORD)
    check_each(
        phone,
        [
            "/",
            f"/children/{county.child.pk}/",
            f"/children/{county.child.pk}/access-log/",
            f"/children/{county.child.pk}/worker/",
            "/placements/risk-of-residential/",
            "/placements/residential-review/",
            "/placements/sufficiency/",
            "/placements/ssda903/",
            "/dashboard/",
        ],
    )
    # A measure, and the children behind its figure, reached the way a manager would: by following links.
    phone.get_by_role("link", name="Breakdown", exact=False).first.click()
    expect(phone).to_have_url(re.compile(r"/dashboard/[a-z-]+/\?"))
    assert_no_serious_violations(phone)
    phone.get_by_role("link", name="See the children behind this figure").first.click()
    expect(phone).to_have_url(re.compile(r"/dashboard/[a-z-]+/children/"))
    assert_no_serious_violations(phone)


def test_the_sign_in_pages_have_no_serious_accessibility_problems(phone: Page, county):
    check_each(phone, ["/sign-in/", "/me/sign-in/", "/me/join/"])
    phone.goto("/sign-in/")
    phone.get_by_label("Username").fill("nobody")
    phone.get_by_label("Password").fill("not-the-password")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_text("Enter a correct username and password")).to_be_visible()
    assert_no_serious_violations(phone)
