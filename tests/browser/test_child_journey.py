"""A child on a 360 × 740 phone: joins with their worker's code, reads their journey, adds an area to
their star, fills in a check-in, writes in their own words and says a shared record isn't right.
axe-core checks every page a child uses; the Content Security Policy must refuse nothing on them."""

import pytest
from playwright.sync_api import Page, expect

from casework import codes, services
from casework.models import ChildAccount, RecordCheck
from outcomes import codes as outcome_codes
from outcomes.models import CheckIn
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import PHONE, sign_in_child
from tests.child_journey import CHILD_USERNAME, STAFF_ONLY
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.accessibility, pytest.mark.django_db(transaction=True)]

CHILD_PASSWORD = "three-green-frogs-jump"


def fits_the_phone(page: Page) -> None:
    assert_no_serious_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert STAFF_ONLY not in page.content(), page.url


def test_a_child_joins_with_their_code_on_a_phone(phone: Page, county, refused):
    _, code = services.child_invite_create(child=county.child, actor=county.worker)

    phone.goto("/me/join/")
    fits_the_phone(phone)
    phone.get_by_label("Your code").fill(code.lower())
    phone.get_by_label("Choose a username").fill("ava.t")
    phone.get_by_label("Choose a password").fill("short")
    phone.get_by_label("Type your password again").fill("short")
    phone.get_by_role("button", name="Make my account").click()
    expect(phone.get_by_role("heading", name="Something needs fixing")).to_be_visible()
    expect(phone.locator("#id_password-error")).to_contain_text("too short")
    expect(phone.locator(".me-error-summary")).to_be_focused()
    fits_the_phone(phone)

    phone.get_by_label("Choose a password").fill(CHILD_PASSWORD)
    phone.get_by_label("Type your password again").fill(CHILD_PASSWORD)
    phone.get_by_role("button", name="Make my account").click()

    expect(phone.get_by_role("heading", name="My journey", exact=True)).to_be_visible()
    expect(phone.get_by_text("Your username is ava.t")).to_be_visible()
    fits_the_phone(phone)
    assert ChildAccount.objects.get().child == county.child
    assert not refused, refused


def test_a_child_uses_every_page_on_a_phone(phone: Page, child_journey, refused):
    star = child_journey.star
    phone.goto("/me/sign-in/")
    fits_the_phone(phone)
    sign_in_child(phone, CHILD_USERNAME, PASSWORD)

    # My journey: the timeline and the sections, in the child's words.
    expect(phone.get_by_role("heading", name="My journey", exact=True)).to_be_visible()
    expect(phone.get_by_role("heading", name="My homes")).to_be_visible()
    # Each part folds, so the page starts short; the child opens the ones they want.
    folded = phone.evaluate("document.documentElement.scrollHeight")
    for summary in phone.locator("main details > summary").all():
        summary.click()
    assert phone.evaluate("document.documentElement.scrollHeight") > folded
    expect(phone.get_by_text("A new home: Living with Nan.")).to_be_visible()
    expect(phone.get_by_role("heading", name="People who matter to me")).to_be_visible()
    expect(phone.locator("svg[role=img]")).to_be_visible()
    fits_the_phone(phone)

    # My star: add an area, rename it, fill in a check-in.
    phone.get_by_role("navigation", name="My pages").get_by_role("link", name="My star").click()
    expect(phone.get_by_role("heading", name="My star", exact=True)).to_be_visible()
    expect(phone.get_by_role("row", name="Home 3 9")).to_be_visible()
    fits_the_phone(phone)
    phone.get_by_role("link", name="Add or rename my areas").click()
    fits_the_phone(phone)
    phone.get_by_label("What do you want to call it?").fill("My cat Biscuit")
    phone.get_by_role("button", name="Add it to my star").click()
    expect(phone.get_by_text("“My cat Biscuit” is on your star now.")).to_be_visible()
    phone.get_by_role("link", name="Rename My cat Biscuit").click()
    fits_the_phone(phone)
    phone.get_by_label("What do you want to call it?").fill("Biscuit the cat")
    phone.get_by_role("button", name="Save the new name").click()
    expect(phone.get_by_text("Now it is called “Biscuit the cat”.")).to_be_visible()

    phone.goto(f"/me/star/{star.pk}/check-in/")
    fits_the_phone(phone)
    phone.get_by_label("I am checking in again").check()
    phone.get_by_role("group", name="How do you feel about where you live?").get_by_label("10", exact=True).check()
    phone.get_by_role("group", name="How do you feel about biscuit the cat?").get_by_label("9", exact=True).check()
    phone.get_by_label("Anything you want to say about biscuit the cat? (you don't have to)").fill("He sleeps on my bed")
    phone.get_by_role("button", name="Save my star").click()
    expect(phone.get_by_text("Thank you! Your star is saved.")).to_be_visible()
    check_in = CheckIn.objects.filter(star=star).latest("id")
    assert check_in.respondent == outcome_codes.Respondent.CHILD
    assert {s.area.name: s.score for s in check_in.scores.all()} == {"Home": 10, "Biscuit the cat": 9}
    phone.get_by_role("link", name=f"{check_in.date.day} {check_in.date:%B %Y}").first.click()
    expect(phone.get_by_text("He sleeps on my bed")).to_be_visible()
    fits_the_phone(phone)

    # My words, kept as typed.
    phone.get_by_role("navigation", name="My pages").get_by_role("link", name="My words").click()
    fits_the_phone(phone)
    phone.get_by_label("What matters to me").fill("My cat, and  football.")
    phone.get_by_role("button", name="Save my words").click()
    expect(phone.get_by_text("Saved. Your words are kept just as you wrote them.")).to_be_visible()
    child_journey.account.child.refresh_from_db()
    assert child_journey.account.child.what_matters_to_me == "My cat, and  football."

    # What my worker wrote: "this isn't right", in their own words.
    phone.get_by_role("navigation", name="My pages").get_by_role("link", name="What my worker wrote").click()
    fits_the_phone(phone)
    phone.locator("main a[href^='/me/records/']").first.click()
    fits_the_phone(phone)
    phone.get_by_label("This isn't right").check()
    phone.get_by_label("Tell us what isn't right, in your own words").fill("Kai is my big brother.")
    phone.get_by_role("button", name="Send to my worker").click()
    expect(phone.get_by_text("Your worker will read what you said and answer you here.")).to_be_visible()
    expect(phone.get_by_text("Waiting for your worker").first).to_be_visible()
    fits_the_phone(phone)
    assert RecordCheck.objects.get().status == codes.CheckStatus.OPEN

    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_text("You have signed out. See you soon!")).to_be_visible()
    assert not refused, refused


def test_a_child_with_nothing_yet_sees_kind_words(phone: Page, county, refused):
    from tests.child_journey import child_account

    child_account(county.other_child, username="zed.o")
    sign_in_child(phone, "zed.o", PASSWORD)

    expect(phone.get_by_role("heading", name="My journey", exact=True)).to_be_visible()
    for summary in phone.locator("main details > summary").all():
        summary.click()
    expect(phone.get_by_text("Nothing here yet").first).to_be_visible()
    fits_the_phone(phone)
    for path in ("/me/star/", "/me/records/", "/me/words/"):
        phone.goto(path)
        fits_the_phone(phone)
    assert not refused, refused
