"""A version of a shared visit written for the child: its reading age, the words children dislike, and
that the child reads only that version, with history keeping every one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework import child_words, codes, services
from casework.models import SharedRecord
from tests import factories
from tests.child_journey import FOR_AVA, build_journey, days_ago
from tests.placements.factories import PlacementEpisodeFactory

pytestmark = pytest.mark.django_db


# Reading age and words --------------------------------------------------------------------------


def test_the_reading_age_of_hand_made_text():
    # One sentence of 7 words and 13 syllables: your 1, so-cial 2, work-er 2, will 1, vis-it 2, you 1,
    # reg-u-lar-ly 4. textstat rounds syllables per word to one place (13/7 = 1.857 -> 1.9), so the
    # Flesch-Kincaid grade is 0.39 x 7 + 11.8 x 1.9 - 15.59 = 9.56 (9.6); reading age 9.6 + 5 = 14.6 -> 15.
    assert child_words.reading_age("Your social worker will visit you regularly.") == 15
    # Three sentences of short words: below grade 1, so the youngest reader, five.
    assert child_words.reading_age("I came to see you. You showed me your room. You like your room.") == 5
    assert child_words.reading_age("  ") is None


def test_a_text_over_the_aim_says_it_is_too_hard():
    hard = "The young person presented as ambivalent regarding the proposed reintegration arrangements."
    assert child_words.words_check(hard).too_hard
    assert not child_words.words_check("You like your room.").too_hard


def test_words_children_dislike_are_flagged_once_each():
    text = "Contact with mum stays the same in placement. Placement is going well. Chase the CAMHS referral. LAC review."

    found = [word.word for word in child_words.disliked_words(text)]

    assert found == ["placement", "LAC", "contact", "CAMHS"]


def test_an_explained_acronym_and_ordinary_words_are_not_flagged():
    text = "You will meet CAMHS, the team who help with mental health. There is a lack of space, so we'll replace it."
    assert child_words.disliked_words(text) == []


# Sharing in the child's version -----------------------------------------------------------------


def signed_visit(county, **texts):
    defaults = {"child_said": "I like my room.", "observations": "Ava presented as settled in placement."}
    return factories.VisitFactory(child=county.child, author=county.worker, status=codes.VisitStatus.SIGNED, **defaults | texts)


def test_a_shared_section_needs_a_version_for_the_child(county):
    visit = signed_visit(county)

    with pytest.raises(ValidationError) as error:
        services.visit_share(
            visit=visit, actor=county.worker, sections=["child_said", "observations"], child_versions={"child_said": "Hi"}
        )

    assert "child_observations" in error.value.message_dict
    assert not SharedRecord.objects.exists()


def test_a_shared_section_reaches_the_child_only_in_its_child_version(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    page = client.get(reverse("me:record", args=[journey.shared.pk])).content.decode()
    records = client.get("/api/v1/me/records/").json()["results"][0]["shared"]

    assert FOR_AVA["child_said"] in page and FOR_AVA["observations"] in page
    assert journey.shared.visit.observations not in page and journey.shared.visit.child_said not in page
    assert [row["text"] for row in records] == [FOR_AVA["child_said"], FOR_AVA["observations"]]


def test_sharing_again_rewrites_the_childs_version_and_history_keeps_both(county):
    visit = signed_visit(county)
    first = services.visit_share(
        visit=visit, actor=county.worker, sections=["observations"], child_versions={"observations": "You seemed happy."}
    )
    again = services.visit_share(
        visit=visit, actor=county.worker, sections=["observations"], child_versions={"observations": "You were smiling."}
    )

    assert again.pk == first.pk
    assert again.child_versions == {"observations": "You were smiling."}
    kept = [row.child_versions["observations"] for row in again.history.order_by("history_date")]
    assert kept == ["You seemed happy.", "You were smiling."]
    visit.refresh_from_db()
    assert visit.observations == "Ava presented as settled in placement."  # the record keeps its own words


def test_a_correction_rewrites_the_childs_version(county):
    journey = build_journey(county)
    check = services.record_check(
        shared_record=journey.shared, actor=journey.user, verdict=codes.Verdict.NOT_RIGHT, child_words="I said Nan too."
    )

    services.correction_answer(
        check=check,
        actor=county.worker,
        answer="I added Nan.",
        child_changes={"child_said": "You told me you want to see Kai and Nan more."},
    )

    journey.shared.refresh_from_db()
    check.refresh_from_db()
    assert journey.shared.child_versions["child_said"] == "You told me you want to see Kai and Nan more."
    assert check.status == codes.CheckStatus.AMENDED
    assert journey.shared.history.first().history_change_reason == "Corrected after the child said: I said Nan too."


# The share page ----------------------------------------------------------------------------------


def test_the_share_page_shows_the_reading_age_and_disliked_words_of_what_is_offered(client, county):
    visit = signed_visit(county)
    client.force_login(county.worker)

    page = client.get(reverse("casework:visit-share", args=[visit.pk])).content.decode()

    assert "Reading age:" in page
    assert "“placement”</strong>: children say they dislike this" in page
    assert 'data-words-check="/words-check/"' in page


def test_the_words_check_answers_staff_as_they_type(client, county):
    client.force_login(county.worker)

    answer = client.post(reverse("casework:words-check"), {"text": "Your social worker will visit you regularly."})

    assert answer.status_code == 200
    assert "Reading age: <strong>15</strong>" in answer.content.decode()


def test_the_words_check_is_for_staff_only(client, county):
    journey = build_journey(county)
    assert client.post(reverse("casework:words-check"), {"text": "Hi"}).status_code == 302  # to sign in
    client.force_login(journey.user)
    assert client.post(reverse("casework:words-check"), {"text": "Hi"}).status_code in (403, 404)
    client.force_login(county.worker)
    assert client.get(reverse("casework:words-check")).status_code == 405


# The timeline ------------------------------------------------------------------------------------


def test_a_timeline_with_a_type_change_that_is_not_a_move(client, county):
    journey = build_journey(county)
    nan = county.child.placement_episodes.get(ended_on__isnull=True)
    nan.ended_on = days_ago(50)
    nan.save(update_fields=["ended_on"])
    # The same carers, now as a different type of home (903 PLACE): a new episode, not a new home.
    PlacementEpisodeFactory(child=county.child, home=nan.home, started_on=days_ago(50), place="U4")
    client.force_login(journey.user)

    page = client.get(reverse("me:journey")).content.decode()

    assert page.count("A new home:") == 1
    assert "A new home: Living with Nan." in page


def test_the_visit_page_shows_staff_what_the_child_reads(client, county):
    journey = build_journey(county)
    client.force_login(county.worker)

    page = client.get(reverse("casework:visit-detail", args=[journey.shared.visit.pk])).content.decode()

    assert "What Ava reads" in page and "You showed me your room and your swimming badge." in page
