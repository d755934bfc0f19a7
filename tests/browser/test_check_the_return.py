"""A head of service checks the 903 return on a 390 px phone: finds the page from the menu, starts the check, waits
on the page while it runs, reads a child's issue and follows its link to the record that puts it right."""

import pytest
from playwright.sync_api import Browser, Page, expect

from placements import services
from placements.models import ReturnCheck
from tests import factories
from tests.browser.axe import all_violations
from tests.browser.conftest import sign_in
from tests.placements.conftest import wrong_ethnicity  # noqa: F401 - the child with an issue (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_390(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def fits(page: Page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{page.url}: {scroll_width}px wide on a {inner_width}px screen"
    violations = [f"{v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}" for v in all_violations(page)]
    assert not violations, violations


def test_a_head_of_service_checks_the_return_on_a_phone(browser, live_server, county, wrong_ethnicity):  # noqa: F811
    page = phone_390(browser, live_server.url)
    sign_in(page, county.head.username, factories.PASSWORD)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="903 return").click()
    page.get_by_label("Collection year").select_option(label="2025/26")
    page.get_by_role("button", name="Show this year").click()
    expect(page.get_by_text("The 2025/26 return has not been checked yet.")).to_be_visible()
    fits(page)

    page.get_by_role("button", name="Check the 2025/26 return").click()
    expect(page.get_by_text("Checking the 2025/26 return")).to_be_visible()
    fits(page)
    # What the worker does with the message (tests/placements/test_check_task.py runs a real one); the page, whose
    # script asks the API every few seconds, then shows the answer without anyone reloading it.
    services.return_check_run(check_id=ReturnCheck.objects.get().pk)
    expect(page.get_by_role("heading", name="Issues, child by child")).to_be_visible(timeout=15_000)
    fits(page)

    card = page.locator(f'[data-child="{wrong_ethnicity.pk}"]')
    expect(card.get_by_role("link", name="Robin Newchild", exact=True)).to_be_visible()
    issue = card.locator('[data-rule="103"]')
    expect(issue).to_contain_text("The ethnicity code is either not valid or has not been entered.")
    expect(issue).to_contain_text("Header: ETHNIC")
    issue.get_by_role("link", name="Put it right").click()
    expect(page).to_have_url(f"{live_server.url}/children/{wrong_ethnicity.pk}/details/")
    page.context.close()
