"""Worker and child on two phones: the worker invites the child and shares a record; the child joins,
says it isn't right; the worker sees it on their caseload, corrects the record; the child reads the answer."""

import pytest
from playwright.sync_api import Browser, Page, expect

from casework import codes
from casework.models import RecordCheck
from tests import factories
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import phone_page, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.accessibility, pytest.mark.django_db(transaction=True)]

CHILD_PASSWORD = "three-green-frogs-jump"


@pytest.fixture
def child_phone(browser: Browser, live_server):
    yield from phone_page(browser, live_server.url)


def test_worker_invites_child_disagrees_worker_corrects(phone: Page, child_phone: Page, county):
    visit = factories.VisitFactory(
        child=county.child,
        author=county.worker,
        status=codes.VisitStatus.SIGNED,
        child_said="I want to see my brother more.",
        analysis="STAFF-ONLY-ANALYSIS",
    )

    # The worker makes an invite code and shares what the child said.
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/children/{county.child.pk}/")
    phone.get_by_role("button", name=f"Invite {county.child.first_name}").click()
    code = phone.locator("#invite-code").inner_text()
    phone.goto(f"/visits/{visit.pk}/")
    phone.get_by_role("link", name=f"Share with {county.child.first_name}").click()
    phone.get_by_label("What you told me", exact=True).check()
    # The child reads a version written to them, not the record's words.
    phone.get_by_label("“What you told me”, for the child").fill("You told me you want to see your brother more.")
    phone.get_by_role("button", name=f"Share with {county.child.first_name}").click()
    expect(phone.get_by_text(f"Shared with {county.child.first_name}.")).to_be_visible()

    # The child joins with the code, sees their journey and the shared record.
    child_phone.goto(f"/me/join/?code={code}")
    assert_no_serious_violations(child_phone)
    child_phone.get_by_label("Choose a username").fill("ava.t")
    child_phone.get_by_label("Choose a password").fill(CHILD_PASSWORD)
    child_phone.get_by_label("Type your password again").fill(CHILD_PASSWORD)
    child_phone.get_by_role("button", name="Make my account").click()
    expect(child_phone.get_by_role("heading", name="My journey", exact=True)).to_be_visible()
    assert_no_serious_violations(child_phone)
    child_phone.goto("/me/records/")
    child_phone.locator("main a[href^='/me/records/']").first.click()
    expect(child_phone.get_by_text("You told me you want to see your brother more.")).to_be_visible()
    assert "STAFF-ONLY-ANALYSIS" not in child_phone.content()
    assert "I want to see my brother more." not in child_phone.content()
    assert_no_serious_violations(child_phone)

    # "This isn't right", in the child's words.
    child_phone.get_by_label("This isn't right").check()
    child_phone.get_by_label("Tell us what isn't right, in your own words").fill("I said my sister, not my brother.")
    child_phone.get_by_role("button", name="Send to my worker").click()
    expect(child_phone.get_by_text("Your worker will answer you here.")).to_be_visible()

    # The worker sees it at the top of their caseload and corrects the record.
    phone.goto("/")
    expect(phone.get_by_role("heading", name="Children asking for a correction")).to_be_visible()
    phone.get_by_role("link", name=county.child.display_name, exact=False).first.click()
    expect(phone.get_by_text("I said my sister, not my brother.")).to_be_visible()
    phone.get_by_label("What the child said, in their words", exact=False).fill("I want to see my sister more.")
    phone.get_by_label("“What you told me”, as the child reads it").fill("You told me you want to see your sister more.")
    phone.get_by_label("Your answer to the child").fill("You're right, sorry. I've changed it.")
    phone.get_by_role("button", name="Send the answer").click()
    expect(phone.get_by_text("Answered. The child sees your answer.")).to_be_visible()
    phone.goto("/")
    expect(phone.get_by_role("heading", name="Children asking for a correction")).to_have_count(0)

    # The child reads the corrected record and the answer.
    child_phone.reload()
    expect(child_phone.get_by_text("You told me you want to see your sister more.")).to_be_visible()
    expect(child_phone.get_by_text("You're right, sorry. I've changed it.")).to_be_visible()
    assert_no_serious_violations(child_phone)

    check = RecordCheck.objects.get()
    visit.refresh_from_db()
    assert check.status == codes.CheckStatus.AMENDED
    assert visit.child_said == "I want to see my sister more."
    history = [h.child_said for h in visit.history.order_by("history_id")]
    assert history[-2:] == ["I want to see my brother more.", "I want to see my sister more."]
    for page in (phone, child_phone):
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
