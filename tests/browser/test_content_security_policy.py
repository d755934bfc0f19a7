"""Chromium enforces Hearth's Content Security Policy on the staff pages, and nothing on them breaks it."""

import pytest
from playwright.sync_api import Page, expect

from casework import services as casework_services
from tests import factories
from tests.browser.conftest import sign_in
from tests.outcomes import factories as star_factories
from tests.placements import factories as placement_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit_each(phone: Page, paths: list[str]) -> None:
    for path in paths:
        response = phone.goto(path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        phone.wait_for_load_state("networkidle")  # module scripts, the service worker, GOV.UK Frontend


def test_a_social_workers_pages_break_no_rule_of_the_policy(phone: Page, county, refused):
    child = county.child
    draft = factories.DraftVisitFactory(child=child, author=county.worker)
    signed = factories.DraftVisitFactory(child=child, author=county.worker)
    casework_services.visit_sign(visit=signed, actor=county.worker)
    star = star_factories.start_star(child, county.worker, template=star_factories.small_template())
    star_factories.record(star, county.worker, {"Sleep": 5, "School": 3, "Friends": 6})
    decision = placement_factories.PlacementDecisionFactory(child=child, created_by=county.worker)

    sign_in(phone, county.worker.username, factories.PASSWORD)
    visit_each(
        phone,
        [
            "/",
            f"/children/{child.pk}/",
            f"/children/{child.pk}/visits/new/",
            f"/visits/{draft.pk}/edit/",
            f"/visits/{signed.pk}/",
            f"/visits/{signed.pk}/amend/",
            f"/children/{child.pk}/sibling-contact/new/",
            f"/placements/children/{child.pk}/homes/",
            f"/placements/decisions/{decision.pk}/",
            f"/placements/decisions/{decision.pk}/checklist/",
            f"/outcomes/stars/{star.pk}/",
            f"/outcomes/stars/{star.pk}/check-ins/new/",
        ],
    )
    # The voice recorder (a module script) ran: it shows the recorder and removes the no-JavaScript hint.
    phone.goto(f"/children/{child.pk}/visits/new/")
    expect(phone.get_by_role("button", name="Record")).to_be_visible()
    assert phone.evaluate("document.body.classList.contains('govuk-frontend-supported')")  # GOV.UK Frontend started
    assert refused == []


def test_a_managers_pages_and_the_api_docs_break_no_rule_of_the_policy(phone: Page, county, refused):
    sign_in(phone, county.head.username, factories.PASSWORD)
    visit_each(
        phone,
        [
            "/",
            f"/children/{county.child.pk}/",
            f"/children/{county.child.pk}/access-log/",
            "/placements/risk-of-residential/",
            "/placements/residential-review/",
            "/placements/sufficiency/",
            "/placements/measures/",
            "/placements/ssda903/",
            "/api/v1/docs/",
        ],
    )
    expect(phone.locator(".swagger-ui .title").first).to_contain_text("Hearth API")  # Swagger UI started from its file
    assert refused == []
