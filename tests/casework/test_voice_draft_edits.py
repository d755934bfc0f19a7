"""How much of a voice draft the worker changed before signing, on hand-made drafts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework import edits, services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("draft", "signed", "changed"),
    [
        ("Ava said she likes school.", "Ava said she likes school.", 0),
        ("Ava said she likes school.", "Ava said she loves school.", 1),  # one word replaced
        ("Ava said she likes school.", "Ava said she likes her school.", 1),  # one word added
        ("Ava said she likes school.", "Ava likes school.", 2),  # two removed
        ("Ava said she likes school.", "", 5),  # the whole section deleted
        ("", "Typed from scratch here.", 4),
        ("Ava   said\nshe likes school.", "Ava said she likes school.", 0),  # spacing is not a change
    ],
)
def test_words_changed_counts_words_added_removed_or_replaced(draft, signed, changed):
    assert edits.words_changed(draft, signed) == changed


def drafted_visit(county):
    visit = factories.DraftVisitFactory(
        child=county.child, author=county.worker, child_said="", observations="", analysis="", actions=""
    )
    sections = {
        "child_said": "Ava said she likes school.",
        "observations": "I saw her room. It was tidy. My analysis is that she is settled.",
        "analysis": "",
        "actions": "I will call school.",
    }
    assert services.visit_add_voice_draft(visit=visit, sections=sections)
    visit.refresh_from_db()
    return visit


def test_signing_a_voice_draft_keeps_the_words_changed_per_section(county):
    visit = drafted_visit(county)
    services.visit_update(visit=visit, actor=county.worker, child_said="Ava said she loves school.", actions="")
    services.visit_review_draft(visit=visit, actor=county.worker)
    signed = services.visit_sign(visit=visit, actor=county.worker)
    assert signed.voice_changes == {
        "child_said": {"draft_words": 5, "changed": 1},
        "observations": {"draft_words": 14, "changed": 0},
        "analysis": {"draft_words": 0, "changed": 0},
        "actions": {"draft_words": 4, "changed": 4},
    }
    assert (signed.voice_draft_words, signed.voice_words_changed) == (23, 5)


def test_moving_a_sentence_is_not_counted_as_a_change(county):
    visit = drafted_visit(county)
    sentence = "My analysis is that she is settled."
    visit = services.visit_move_sentences(visit=visit, actor=county.worker, moves=[(sentence, "observations", "analysis")])
    assert (visit.observations, visit.analysis) == ("I saw her room. It was tidy.", sentence)
    services.visit_review_draft(visit=visit, actor=county.worker)
    signed = services.visit_sign(visit=visit, actor=county.worker)
    assert signed.voice_words_changed == 0 and signed.voice_draft_words == 23


def test_a_sentence_the_worker_has_changed_cannot_be_moved_and_nothing_is_lost(county):
    visit = drafted_visit(county)
    services.visit_update(visit=visit, actor=county.worker, observations="I saw her room. It was very tidy.")
    with pytest.raises(ValidationError, match="no longer in that section"):
        services.visit_move_sentences(visit=visit, actor=county.worker, moves=[("It was tidy.", "observations", "analysis")])
    visit.refresh_from_db()
    assert (visit.observations, visit.analysis) == ("I saw her room. It was very tidy.", "")


def test_only_someone_who_may_record_can_move_sentences(county):
    visit = drafted_visit(county)
    with pytest.raises(PermissionDenied):
        services.visit_move_sentences(
            visit=visit, actor=county.other_worker, moves=[("It was tidy.", "observations", "analysis")]
        )


def test_a_visit_typed_by_hand_keeps_no_draft_figures(county):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="Typed.")
    signed = services.visit_sign(visit=visit, actor=county.worker)
    assert (signed.voice_draft_words, signed.voice_words_changed, signed.voice_changes) == (None, None, {})
