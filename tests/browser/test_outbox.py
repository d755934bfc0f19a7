"""The phone's outbox: what a worker records and types with no signal reaches the server in the order it was made,
nothing typed is dropped, a refused note is shown with its reason without holding up the rest, and a send that fails
while the phone believes it is online is tried again by itself."""

import re
import time
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from casework import services as casework_services
from casework.models import Visit
from tests.browser.conftest import PHONE, phone_page, sign_in
from tests.celery_worker import finished, wait_for
from tests.factories import PASSWORD
from voice.models import Recording, RecordingStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Ava showed me the den she built in the garden."


@pytest.fixture
def phone_with_microphone(microphone_speaking: Browser, live_server) -> Iterator[Page]:
    yield from phone_page(microphone_speaking, live_server.url)


def record_a_note(page: Page, seconds: float = 3) -> None:
    page.get_by_role("button", name=re.compile("^Record")).click()
    expect(page.get_by_text("Recording…")).to_be_visible()
    page.wait_for_timeout(seconds * 1000)
    page.get_by_role("button", name="Stop and save").click()
    expect(page.locator("[data-state]")).to_have_text("Saved on this phone.")


def type_a_draft(page: Page) -> None:
    page.get_by_label("What I saw").fill(TYPED)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("[data-state]")).to_have_text("Draft saved on this phone. Sign it when it has been sent.")


def eventually(page: Page, check: Callable[[], bool], timeout: float = 20) -> None:
    """Wait for something on the server, letting Playwright answer the page's requests meanwhile."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "it did not happen in time"
        page.wait_for_timeout(200)


def draft_visit(county, where: str) -> Visit:
    return casework_services.visit_create(
        child=county.child,
        author=county.worker,
        visit_type="statutory",
        visited_at=timezone.now(),
        location=where,
        observations="Seen at home.",
    )


@pytest.mark.pipeline
@pytest.mark.parametrize("order", ["note first", "draft first"])
def test_a_note_and_a_typed_draft_made_offline_both_reach_the_visit_once(
    phone_with_microphone: Page, county, celery_worker, order
):
    phone = phone_with_microphone
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/children/{county.child.pk}/visits/new/")
    phone.get_by_label("Where").fill("Her foster home")
    phone.context.set_offline(True)

    for make in (record_a_note, type_a_draft) if order == "note first" else (type_a_draft, record_a_note):
        make(phone)
    expect(phone.locator("[data-outbox-status]")).to_have_text(
        "Waiting to be sent from this phone: 1 voice note and 1 visit draft. "
        "They are saved here and will be sent when you have signal."
    )
    assert not Visit.objects.exists()

    phone.context.set_offline(False)
    phone.wait_for_url(re.compile(r"/visits/\d+/edit/$"), timeout=30_000)
    visit = Visit.objects.get()
    recording = wait_for(Recording.objects.get(visit=visit).pk, finished)
    assert recording.status == RecordingStatus.READY, recording.failure_reason
    visit.refresh_from_db()
    assert visit.observations.count(TYPED) == 1, visit.observations
    assert recording.transcript.strip() in visit.observations
    assert (visit.location, Visit.objects.count(), Recording.objects.count()) == ("Her foster home", 1, 1)


def test_a_refused_note_is_shown_with_its_reason_and_does_not_hold_up_the_next(microphone_speaking: Browser, live_server, county):
    signed, open_draft = draft_visit(county, "School"), draft_visit(county, "Home")
    context: BrowserContext = microphone_speaking.new_context(viewport=PHONE, base_url=live_server.url)
    first, second = context.new_page(), context.new_page()
    sign_in(first, county.worker.username, PASSWORD)
    first.goto(f"/visits/{signed.pk}/edit/")
    second.goto(f"/visits/{open_draft.pk}/edit/")
    context.set_offline(True)
    record_a_note(first)
    record_a_note(second)
    casework_services.visit_sign(visit=signed, actor=county.worker)  # signed from the office meanwhile

    context.set_offline(False)
    eventually(first, lambda: Recording.objects.filter(visit=open_draft).exists())
    refused = first.locator("[data-refused]")
    expect(refused).to_contain_text("Not accepted: a voice note made at")
    expect(refused).to_contain_text("This visit is signed. Start a new visit for a new voice note.")
    assert not Recording.objects.filter(visit=signed).exists()

    first.reload()  # kept on the phone until the worker decides, on any page
    expect(first.locator("[data-refused]")).to_have_count(1)
    first.get_by_role("button", name="Discard").click()
    expect(first.locator("[data-refused]")).to_have_count(0)
    assert Recording.objects.filter(visit=open_draft).count() == 1
    context.close()


def test_a_send_that_fails_while_online_is_tried_again_without_an_online_event(microphone_speaking: Browser, live_server, county):
    # No service worker: its Background Sync would send the note itself, and this is about the page trying again.
    context = microphone_speaking.new_context(viewport=PHONE, base_url=live_server.url, service_workers="block")
    phone = context.new_page()
    visit = draft_visit(county, "Home")
    failures: list[str] = []

    def fail_twice(route: Route) -> None:
        if len(failures) < 2:
            failures.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/visits/{visit.pk}/edit/")
    phone.route(re.compile(r"/api/v1/visits/\d+/recordings/$"), fail_twice)
    record_a_note(phone)
    expect(phone.locator("[data-outbox-status]")).to_contain_text("Not sent yet: No connection to Hearth. Trying again in")
    eventually(phone, lambda: Recording.objects.filter(visit=visit).exists())
    assert len(failures) == 2
    expect(phone.locator("[data-recording]")).to_have_count(1)  # the page shows the note as the server has it
    assert Recording.objects.filter(visit=visit).count() == 1
    context.close()


def test_what_waits_is_sent_from_any_page_and_the_status_line_says_so(microphone_speaking: Browser, live_server, county):
    visit = draft_visit(county, "Home")
    # No service worker: its Background Sync could send the note itself, and this is about any page sending.
    context = microphone_speaking.new_context(viewport=PHONE, base_url=live_server.url, service_workers="block")
    phone = context.new_page()
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/visits/{visit.pk}/edit/")
    context.set_offline(True)
    record_a_note(phone)
    expect(phone.get_by_role("status").filter(has_text="Waiting to be sent")).to_have_text(
        "Waiting to be sent from this phone: 1 voice note. They are saved here and will be sent when you have signal."
    )
    phone.close()  # the visit's page is gone

    context.set_offline(False)
    caseload = context.new_page()
    caseload.goto("/")
    expect(caseload.locator("[data-outbox-status]")).to_have_text("Sent from this phone: 1 voice note.")
    assert Recording.objects.filter(visit=visit).count() == 1
    context.close()


def test_the_service_worker_sends_what_waits_with_no_hearth_page_open(microphone_speaking: Browser, live_server, county):
    visit = draft_visit(county, "Home")
    context = microphone_speaking.new_context(viewport=PHONE, base_url=live_server.url)
    phone = context.new_page()
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/visits/{visit.pk}/edit/")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    context.set_offline(True)
    record_a_note(phone)
    phone.close()
    time.sleep(2)
    assert not Recording.objects.filter(visit=visit).exists()  # no signal yet, for the service worker too

    context.set_offline(False)  # Background Sync: Chromium wakes the service worker when the signal returns
    deadline = time.monotonic() + 30
    while not Recording.objects.filter(visit=visit).exists():
        assert time.monotonic() < deadline, "the service worker did not send the note"
        time.sleep(0.2)
    context.close()


def test_a_draft_typed_offline_over_a_changed_visit_is_shown_as_a_conflict_and_kept(phone: Page, county):
    visit = draft_visit(county, "Home")
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/visits/{visit.pk}/edit/")
    phone.context.set_offline(True)
    type_a_draft(phone)
    casework_services.visit_update(visit=visit, actor=county.worker, analysis="Added at the office.")  # another device

    phone.context.set_offline(False)
    refused = phone.locator("[data-refused]")
    expect(refused).to_contain_text("Not accepted: a visit draft made at")
    expect(refused).to_contain_text(f"This record was changed by {county.worker} at")
    visit.refresh_from_db()
    assert TYPED not in visit.observations  # nothing saved over the other person's change

    phone.reload()  # kept until the worker decides: they have read who changed it, and put theirs over it
    phone.get_by_role("button", name="Send mine over it").click()
    expect(phone.locator("[data-refused]")).to_have_count(0)
    eventually(phone, lambda: Visit.objects.get(pk=visit.pk).observations == TYPED)
