"""A social worker speaks a voice note on a phone, with and without signal, and signs the draft it becomes."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from casework import codes
from casework.models import Visit
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import phone_page, sign_in
from tests.factories import PASSWORD
from voice import sections
from voice import speech_samples as speech
from voice.models import Recording, RecordingStatus

pytestmark = [pytest.mark.browser, pytest.mark.pipeline, pytest.mark.accessibility, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_with_microphone(microphone_speaking: Browser, live_server):
    yield from phone_page(microphone_speaking, live_server.url)


def record_for(page: Page, seconds: float) -> None:
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recording…")).to_be_visible()
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused")).to_be_visible()
    page.get_by_role("button", name="Resume").click()
    page.wait_for_timeout(seconds * 1000)
    expect(page.locator("[data-timer]")).not_to_have_text("0:00")


def test_voice_note_recorded_without_signal_is_sent_later_and_becomes_a_draft_to_sign(
    phone_with_microphone: Page, county, celery_worker
):
    phone = phone_with_microphone
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/children/{county.child.pk}/visits/new/")
    phone.get_by_label("Where").fill("In the car after the visit")

    record_for(phone, 12)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Stop and save").click()
    outbox = phone.locator("[data-outbox]")
    expect(outbox).to_contain_text("Waiting to be sent from this phone: 1 voice note and 1 visit draft")
    assert not Visit.objects.filter(child=county.child).exists()  # nothing has reached the server yet

    phone.context.set_offline(False)  # signal returns: the page sends what waited, once
    phone.wait_for_url(re.compile(r"/visits/\d+/edit/$"), timeout=30_000)
    visit = Visit.objects.get(child=county.child)
    recording = Recording.objects.get(visit=visit)
    assert recording.format == "matroska,webm"

    expect(phone.get_by_text("Draft ready")).to_be_visible(timeout=60_000)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.READY
    # The fake microphone loops the script from wherever it happens to be, so look for its words, not a phrase.
    heard = set(speech.words(recording.transcript)) & {"bedroom", "drawings", "school", "teacher", "brother", "seaside"}
    assert len(heard) >= 2, recording.transcript
    # The draft is in the record's sections (voice.sections): every sentence heard is in one of them.
    labels = ("What the child said, in their words", "What I saw", "Analysis", "Actions")
    drafted = " ".join(phone.get_by_label(label).input_value() for label in labels)
    assert sorted(sections.sentences_of(drafted)) == sorted(sections.sentences_of(recording.transcript))
    expect(phone.get_by_text("written from a voice note by a machine")).to_be_visible()
    assert_no_serious_violations(phone)  # the draft to review, with its segments to listen to

    phone.get_by_role("button", name="Child's words").first.click()
    expect(phone.get_by_label("What the child said, in their words")).to_have_value(re.compile("“"))

    phone.get_by_role("button", name="Sign visit").click()
    expect(phone.locator(".govuk-error-message").get_by_text("confirm you have checked it")).to_be_visible()
    assert_no_serious_violations(phone)
    phone.get_by_label("I have read the draft from the voice note and corrected it").check()
    phone.get_by_role("button", name="Sign visit").click()
    expect(phone.get_by_text("Visit signed.")).to_be_visible()
    expect(phone.get_by_text(f"Drafted from a voice note; reviewed by {county.worker}")).to_be_visible()
    assert_no_serious_violations(phone)

    visit.refresh_from_db()
    assert (visit.status, visit.draft_reviewed_by, visit.location) == (
        codes.VisitStatus.SIGNED,
        county.worker,
        "In the car after the visit",
    )
    assert Visit.objects.filter(child=county.child).count() == 1
    assert Recording.objects.count() == 1
