"""Every page a child reads is written for a reading age of 9 to 11: the Flesch–Kincaid grade of the
words Hearth writes (not the child's own words or their worker's), plus five, is 11 or under."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.child_journey import build_journey
from tests.readability import readability, visible_text

pytestmark = pytest.mark.django_db

READING_AGE = 11


def pages_a_child_reads(journey) -> dict[str, str]:
    star, area = journey.star, journey.star.areas.get(name="Home")
    return {
        "My journey": reverse("me:journey"),
        "My words": reverse("me:words"),
        "What my worker wrote": reverse("me:records"),
        "A shared visit": reverse("me:record", args=[journey.shared.pk]),
        "My star": reverse("my-star:star", args=[star.pk]),
        "Fill in my star": reverse("my-star:check-in-new", args=[star.pk]),
        "A past check-in": reverse("my-star:check-in", args=[journey.own_check_ins[0].pk]),
        "My areas": reverse("my-star:areas", args=[star.pk]),
        "Rename an area": reverse("my-star:area-rename", args=[area.pk]),
    }


def test_every_child_page_reads_at_age_11_or_under(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    pages = pages_a_child_reads(journey)
    signed_out = {"Sign in": reverse("me:sign-in"), "Make my account": reverse("me:join")}

    ages = {name: readability(visible_text(client.get(url).content.decode())) for name, url in pages.items()}
    ages |= {name: readability(visible_text(Client().get(url).content.decode())) for name, url in signed_out.items()}

    report = "\n".join(
        f"{name:22} reading age {score.reading_age:4.1f} (grade {score.grade:4.1f}; {score.words} words, {score.sentences} units)"
        for name, score in ages.items()
    )
    print(f"\nFlesch–Kincaid reading age of the text Hearth writes on each child page:\n{report}")
    assert all(score.words > 40 for score in ages.values()), report
    assert all(score.reading_age <= READING_AGE for score in ages.values()), report


def test_the_measure_leaves_out_the_childs_own_words(client, county):
    journey = build_journey(county)
    county.child.my_story = "Notwithstanding extraordinarily complicated circumstances, institutional intervention materialised."
    county.child.save()
    client.force_login(journey.user)

    text = visible_text(client.get(reverse("me:journey")).content.decode())

    assert "Notwithstanding" not in text
    assert "My journey" in text and "Hi Ava." in text


def test_hard_words_score_older_than_easy_words():
    easy = readability("I like my dog. We go to the park. It is fun.")
    hard = readability("Institutional arrangements necessitate comprehensive documentation of circumstances.")

    assert easy.reading_age < 8 < 18 < hard.reading_age
