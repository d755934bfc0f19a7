"""A voice note becomes a draft in the record's sections; the worker moves a sentence, then signs."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from casework import codes
from casework.models import Visit
from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import phone_page, sign_in
from tests.factories import PASSWORD
from voice.models import Recording, RecordingStatus

pytestmark = [pytest.mark.browser, pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_with_microphone(microphone_speaking: Browser, live_server):
    yield from phone_page(microphone_speaking, live_server.url)


def test_a_voice_note_fills_the_sections_and_a_sentence_can_be_moved_before_signing(
    phone_with_microphone: Page, county, celery_worker
):
    phone = phone_with_microphone
    sign_in(phone, county.worker.username, PASSWORD)
    phone.goto(f"/children/{county.child.pk}/visits/new/")
    phone.get_by_role("button", name="Record").click()
    expect(phone.get_by_text("Recording…")).to_be_visible()
    phone.wait_for_timeout(40_000)  # the fake microphone's script, once round and more
    phone.get_by_role("button", name="Stop and save").click()
    phone.wait_for_url(re.compile(r"/visits/\d+/edit/$"), timeout=30_000)
    expect(phone.get_by_text("Draft ready")).to_be_visible(timeout=90_000)

    # The worker's spoken cues put the sentences in the record's sections.
    expect(phone.get_by_label("What the child said, in their words")).to_have_value(re.compile(r"Ava said"))
    expect(phone.get_by_label("Analysis")).to_have_value(re.compile(r"My analysis"))
    expect(phone.get_by_label("Actions")).to_have_value(re.compile(r"I will ask"))
    expect(phone.get_by_label("What I saw")).to_have_value(re.compile(r"bedroom"))
    assert_no_serious_violations(phone)

    # "She showed me her bedroom" was drafted as seen; the worker puts it with what the child said.
    row = phone.locator("[data-sentence]").filter(has_text="bedroom").first
    moved = row.locator("p").inner_text()
    seen_before = phone.get_by_label("What I saw").input_value().count(moved)  # the microphone loops: maybe twice
    row.get_by_role("combobox").select_option(label="What the child said")
    phone.get_by_role("button", name="Move sentences").click()
    expect(phone.get_by_text(re.compile(r"1 sentences? moved"))).to_be_visible()
    expect(phone.get_by_label("What the child said, in their words")).to_have_value(re.compile(re.escape(moved)))
    assert phone.get_by_label("What I saw").input_value().count(moved) == seen_before - 1

    phone.get_by_label("I have read the draft from the voice note and corrected it").check()
    phone.get_by_role("button", name="Sign visit").click()
    expect(phone.get_by_text("Visit signed.")).to_be_visible()

    visit = Visit.objects.get(child=county.child)
    assert visit.status == codes.VisitStatus.SIGNED and moved in visit.child_said
    assert Recording.objects.get(visit=visit).status == RecordingStatus.READY
    # Signed as drafted: the move is not a change to the draft's words.
    assert visit.voice_words_changed == 0 and (visit.voice_draft_words or 0) > 20
