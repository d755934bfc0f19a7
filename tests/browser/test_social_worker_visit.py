"""A social worker on a phone: sign in, open the caseload and a child, record and sign a visit."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework import codes
from casework.models import Visit
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_social_worker_records_and_signs_a_visit_on_a_phone(phone: Page, county):
    sign_in(phone, county.worker.username, PASSWORD)
    expect(phone.get_by_role("heading", name="My caseload")).to_be_visible()

    phone.get_by_role("link", name=county.child.display_name).click()
    expect(phone.get_by_role("heading", name=county.child.display_name)).to_be_visible()

    phone.get_by_role("link", name="Record a visit").click()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    phone.get_by_label("Date of the visit").fill(yesterday.isoformat())
    phone.get_by_label("Time", exact=True).fill("16:15")
    phone.get_by_label("Where").fill("Her foster home")
    phone.get_by_label("I saw the child alone").check()
    phone.get_by_label("What the child said, in their words").fill("I want to see my brother more.")
    phone.get_by_label("What I saw").fill("Calm, proud of her drawings.")
    phone.get_by_role("button", name="Save draft").click()
    expect(phone.get_by_text("Draft saved.")).to_be_visible()

    phone.get_by_role("button", name="Sign visit").click()
    expect(phone.get_by_text("Visit signed.")).to_be_visible()
    expect(phone.get_by_text("I want to see my brother more.")).to_be_visible()

    visit = Visit.objects.get(child=county.child)
    assert (visit.status, visit.signed_by, visit.seen_alone) == (codes.VisitStatus.SIGNED, county.worker, True)
    # Phone-sized means no sideways scrolling of the page itself.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_wrong_password_shows_an_error_and_signs_nobody_in(phone: Page, county):
    sign_in(phone, county.worker.username, "not-the-password")
    expect(phone.get_by_text("Enter a correct username and password")).to_be_visible()
    phone.goto("/")
    expect(phone.get_by_role("heading", name="Sign in to Hearth")).to_be_visible()
