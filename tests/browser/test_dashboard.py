"""A team manager reads the dashboard on a tablet, filters it, and drills down to the children behind a figure."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET: ViewportSize = {"width": 768, "height": 1024}


@pytest.fixture
def tablet(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(viewport=TABLET, has_touch=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_manager_filters_the_dashboard_and_drills_down_on_a_tablet(tablet: Page, county):
    sign_in(tablet, county.manager.username, PASSWORD)
    tablet.get_by_role("link", name="Dashboard").click()
    expect(tablet.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    chart = tablet.locator("#statutory-visits svg[role=img]")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] <= TABLET["width"]  # fits the screen: no sideways scrolling
    assert tablet.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    assert_no_serious_violations(tablet)

    tablet.get_by_text("Filter the figures").click()
    tablet.get_by_label("As at").fill("2099-01-01")
    tablet.get_by_role("button", name="Show figures").click()
    expect(tablet.get_by_text("The as-at date must be today or earlier.").first).to_be_visible()

    tablet.get_by_label("As at").fill("")
    tablet.get_by_label("Social worker").select_option(label=str(county.worker))
    tablet.get_by_role("button", name="Show figures").click()
    section = tablet.locator("#statutory-visits")
    expect(section.get_by_text("0% visited in time (0 of 1)")).to_be_visible()
    section.get_by_role("link", name="Breakdown").click()
    tablet.get_by_role("link", name="List of children: Not visited in time").click()
    expect(tablet.get_by_role("link", name=county.child.display_name)).to_be_visible()
    expect(tablet.get_by_text(county.other_child.display_name)).to_have_count(0)
    assert_no_serious_violations(tablet)
