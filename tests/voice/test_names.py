"""Near-misses put right against the child's record and the care words; everything else left as heard."""

import pytest

from voice import names

RECORD = ["Ellie", "Jamie", "Okafor", "Sadie", "Oakfield Primary", "Patel foster carers (in-house)"]


def corrected(text: str, record: list[str] = RECORD) -> str:
    return names.correct(text, names.vocabulary(record)).text


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        ("We had the Tachuteuri visit today.", "We had the statutory visit today."),
        ("Her sister Ellen came too.", "Her sister Ellie came too."),
        ("Jamie goes to Oakfeld primary.", "Jamie goes to Oakfield Primary."),
        ("We talked about the virtual skool tutor.", "We talked about the virtual school tutor."),
        ("The next PAP meeting is in May.", "The next PEP meeting is in May."),
        ("Mrs Okafa rang.", "Mrs Okafor rang."),
        ("The Patell family were in.", "The Patel family were in."),
    ],
)
def test_a_near_miss_of_a_known_word_is_put_right(heard, written):
    assert corrected(heard) == written


@pytest.mark.parametrize(
    "heard",
    [
        "Jamie said his teacher is kind and he played in the park.",  # everyday words near names: Sadie, Jamie
        "There has been no missing episode since the last visit.",  # "no" is never swallowed into the term
        "He was not an ill disposed young man.",
        "The carers said the dog is called Max.",  # an unknown name that sounds like nothing in the record
        "She said she would like a holiday by the sea.",
        "Jamie's bedroom was tidy.",  # a name heard right, possessive kept
    ],
)
def test_words_not_close_in_sound_to_the_record_are_left_as_heard(heard):
    assert corrected(heard) == heard


def test_a_correction_replaces_words_and_never_adds_any():
    result = names.correct("The supervising social worker came.", names.vocabulary([]))
    assert result.text == "The supervising social worker came." and result.corrections == []


def test_a_possessive_keeps_its_s():
    assert corrected("Elly's room was tidy.") == "Ellie's room was tidy."


def test_corrections_are_listed_with_what_was_heard():
    result = names.correct("Ellen and the Tachuteuri visit.", names.vocabulary(RECORD))
    assert [(c.heard, c.written) for c in result.corrections] == [("Ellen", "Ellie"), ("Tachuteuri visit", "statutory visit")]


def test_the_councils_own_words_are_used(settings):
    settings.HEARTH_VOICE_VOCABULARY = ["Brightwater Hub"]
    assert corrected("We met at the Brightwaters Hub.", []) == "We met at the Brightwater Hub."
    settings.HEARTH_VOICE_VOCABULARY = []
    assert corrected("We met at the Brightwaters Hub.", []) == "We met at the Brightwaters Hub."


def test_a_long_home_name_gives_its_proper_names_only():
    terms = {term.text for term in names.vocabulary(["Patel foster carers (in-house)"])}
    assert "Patel" in terms and "Patel foster carers (in-house)" not in terms


def test_a_name_that_sounds_the_same_takes_the_records_spelling():
    # Whisper writes the common spelling; the same Metaphone code lets the letters be further apart.
    assert corrected("Amy came to the PEP meeting.", ["Aimee"]) == "Aimee came to the PEP meeting."


@pytest.mark.parametrize(
    "heard",
    [
        "Emma came to the PEP meeting.",  # a different name: not the same sound as Aimee
        "Lee came too.",  # the same short code (L) as Leah says too little
    ],
)
def test_the_looser_spelling_needs_the_same_sound_and_enough_of_it(heard):
    assert corrected(heard, ["Aimee", "Leah"]) == heard


def test_a_name_heard_with_some_of_its_capitals_is_put_right():
    assert corrected("She goes to gardener Academy.", ["Gardiner Academy"]) == "She goes to Gardiner Academy."


def test_an_everyday_word_with_no_capital_is_never_made_a_name():
    assert corrected("The gardener came to the school.", ["Gardiner Academy"]) == "The gardener came to the school."
