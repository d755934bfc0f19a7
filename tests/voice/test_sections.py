"""The worker's spoken cues put each sentence of a voice note in the record's section."""

from voice import sections
from voice import speech_samples as speech


def split(text: str, child: str = "Jamie") -> list[tuple[str, str]]:
    return [(s.section, s.text) for s in sections.split(text, child_names=[child])]


def test_each_cue_opens_its_section_and_sentences_without_one_follow_it():
    text = (
        "I visited Jamie at home. The house was tidy. Jamie said he likes his new school. He wants to see Ellie. "
        "My analysis is that Jamie is settled. The care plan is working. Next steps. I will book the PEP."
    )
    assert split(text) == [
        ("observations", "I visited Jamie at home."),
        ("observations", "The house was tidy."),
        ("child_said", "Jamie said he likes his new school."),
        ("child_said", "He wants to see Ellie."),
        ("analysis", "My analysis is that Jamie is settled."),
        ("analysis", "The care plan is working."),
        ("actions", "Next steps."),
        ("actions", "I will book the PEP."),
    ]


def test_before_any_cue_what_is_said_is_what_was_seen():
    assert split("It was raining. We sat in the kitchen.") == [
        ("observations", "It was raining."),
        ("observations", "We sat in the kitchen."),
    ]


def test_sections_can_come_in_any_order():
    text = "Actions: I will call school. Jamie told me he is happy. I saw his room. In my view he is safe."
    assert [section for section, _ in split(text)] == ["actions", "child_said", "observations", "analysis"]


def test_a_carer_speaking_is_seen_and_heard_not_the_childs_words():
    assert split("Jamie said hello. Her carer said he sleeps well.")[1][0] == "observations"


def test_another_persons_name_and_said_is_not_the_child_speaking():
    assert split("Ellie said she misses her brother.") == [("observations", "Ellie said she misses her brother.")]


def test_the_preferred_name_counts_as_the_child():
    found = sections.split("Jay said he is fine.", child_names=["James", "Jay"])
    assert found[0].section == "child_said"


def test_the_test_script_splits_as_its_sections_say():
    drafted = sections.joined(sections.split(speech.SCRIPT, child_names=["Ava"]))
    assert drafted == speech.SCRIPT_SECTIONS


def test_a_capitalised_cue_opens_a_sentence_where_whisper_left_out_the_full_stop():
    text = "I saw the cupboards were full Jamie said he likes school My analysis is he is settled I will call school"
    assert split(text) == [
        ("observations", "I saw the cupboards were full"),
        ("child_said", "Jamie said he likes school"),
        ("analysis", "My analysis is he is settled"),
        ("actions", "I will call school"),
    ]


def test_a_cue_without_its_capital_or_after_a_joining_word_does_not_cut_a_sentence():
    text = "She said next steps are hard and my analysis is wrong when I saw her and I will call. The home was warm."
    assert split(text) == [
        ("observations", "She said next steps are hard and my analysis is wrong when I saw her and I will call."),
        ("observations", "The home was warm."),
    ]
