"""A social worker and a child fill in a star together on a phone, twice, and see both on the picture."""

import pytest
from playwright.sync_api import Page, expect

from outcomes.models import CheckIn
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = {"Feeling happy and well": 3, "Feeling safe": 4, "Home": 5, "Learning": 2, "Money": 6}
SECOND = {"Feeling happy and well": 7, "Feeling safe": 8, "Home": 9, "Learning": 6, "Money": 6}


def fill_check_in(phone: Page, stage: str, scores: dict[str, int]) -> None:
    phone.get_by_role("link", name="Record a check-in").first.click()
    phone.get_by_label(stage, exact=True).check()
    phone.get_by_label("The child", exact=True).check()
    for area, score in scores.items():
        phone.get_by_label(f"{area} (1 to 10)", exact=True).fill(str(score))
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.get_by_text("Check-in saved.")).to_be_visible()


def test_a_star_filled_in_on_a_phone_shows_both_check_ins(phone: Page, county):
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/children/{county.child.pk}/")
    phone.get_by_role("link", name="Start an outcome star").click()
    phone.get_by_role("button", name="Start the star").click()
    expect(phone.get_by_text("Star started.")).to_be_visible()

    fill_check_in(phone, "Start", FIRST)
    fill_check_in(phone, "Review", SECOND)

    star = phone.locator("svg[role=img]")
    expect(star).to_be_visible()
    polygons = star.locator("polygon[aria-label]")
    expect(polygons).to_have_count(2)
    assert (polygons.nth(0).get_attribute("aria-label") or "").startswith("Start,")
    assert (polygons.nth(1).get_attribute("aria-label") or "").startswith("Review,")
    expect(phone.get_by_role("row", name="Home 5 9")).to_be_visible()
    assert CheckIn.objects.filter(star__child=county.child).count() == 2
    # Phone-sized means no sideways scrolling of the page itself.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("link", name="The child's version").click()
    expect(phone.get_by_role("heading", name="My star")).to_be_visible()
    expect(phone.locator("svg[role=img] polygon[aria-label]")).to_have_count(2)
