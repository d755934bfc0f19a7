"""The child's own star pages (/me/star/): their picture and answers over time, their own check-in,
adding and renaming areas. Only the child, only their own star, only their own answers."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import codes
from outcomes.models import CheckIn, StarArea
from tests.child_journey import STAFF_ONLY, build_journey, child_account
from tests.outcomes.factories import record, start_star

pytestmark = pytest.mark.django_db


def star_pages(journey) -> list[str]:
    star = journey.star
    area = star.areas.get(name="Home")
    return [
        reverse("my-star:stars"),
        reverse("my-star:star", args=[star.pk]),
        reverse("my-star:check-in-new", args=[star.pk]),
        reverse("my-star:areas", args=[star.pk]),
        reverse("my-star:area-rename", args=[area.pk]),
        reverse("my-star:check-in", args=[journey.own_check_ins[0].pk]),
    ]


def visible(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def check_in_post(star, scores: dict[str, int], stage: str = codes.Stage.REVIEW, **comments: str) -> dict[str, str]:
    areas = {area.name: area.pk for area in star.areas.all()}
    data = {"stage": stage} | {f"score_{areas[name]}": str(score) for name, score in scores.items()}
    return data | {f"comment_{areas[name]}": text for name, text in comments.items()}


def test_anonymous_is_sent_to_the_childs_sign_in(client, county):
    journey = build_journey(county)
    for url in star_pages(journey):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("me:sign-in")), url


@pytest.mark.parametrize("who", ["worker", "head"])
def test_staff_get_not_found_on_the_childs_star_pages(client, county, who):
    journey = build_journey(county)
    client.force_login(getattr(county, who))
    for url in star_pages(journey):
        assert client.get(url).status_code == 404, url
    client.post(reverse("my-star:areas", args=[journey.star.pk]), {"name": "Not theirs"})
    assert not StarArea.objects.filter(name="Not theirs").exists()


def test_guessing_another_childs_star_area_or_check_in_is_not_found_and_writes_nothing(client, county):
    journey = build_journey(county)
    other = child_account(county.other_child, username="zed.o")
    client.force_login(other.user)
    area = journey.star.areas.get(name="Home")
    before = CheckIn.objects.count()

    for url in star_pages(journey)[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("my-star:areas", args=[journey.star.pk]), {"name": "Sneaky"}).status_code == 404
    assert client.post(reverse("my-star:area-rename", args=[area.pk]), {"name": "Renamed"}).status_code == 404
    post = check_in_post(journey.star, {"Home": 1})
    assert client.post(reverse("my-star:check-in-new", args=[journey.star.pk]), post).status_code == 404

    area.refresh_from_db()
    assert area.name == "Home"
    assert not StarArea.objects.filter(name="Sneaky").exists()
    assert CheckIn.objects.count() == before


def test_another_child_with_no_star_sees_kind_words(client, county):
    build_journey(county)
    other = child_account(county.other_child, username="zed.o")
    client.force_login(other.user)

    page = visible(client.get(reverse("my-star:stars")))

    assert "Nothing here yet" in page


def test_my_star_shows_my_first_and_latest_answers_only(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    response = client.get(reverse("my-star:stars"), follow=True)

    html = response.content.decode()
    page = visible(response)
    assert response.redirect_chain[-1][0] == reverse("my-star:star", args=[journey.star.pk])
    assert html.count("polygon points") > 2 and 'aria-label="Start,' in html and 'aria-label="Review,' in html
    assert '<title id="my-star-title">My star</title>' in html
    # The table alternative: Home went from 3 to 9.
    assert re.search(r"<th scope=\"row\">Home</th>\s*<td[^>]*>3</td><td[^>]*>9</td>", html)
    assert "(The worker)" not in page and "The worker" not in page
    assert STAFF_ONLY not in html
    assert "Every time I filled it in" in page and "I am checking in again" in page


def test_a_past_check_in_shows_my_answers_and_the_workers_are_never_shown(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    assert client.get(reverse("my-star:check-in", args=[journey.own_check_ins[1].pk])).status_code == 200
    assert client.get(reverse("my-star:check-in", args=[journey.worker_check_in.pk])).status_code == 404
    chosen = reverse("my-star:star", args=[journey.star.pk]) + f"?first={journey.worker_check_in.pk}"
    assert STAFF_ONLY not in client.get(chosen).content.decode()


def test_the_child_fills_in_their_own_check_in_for_today(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    url = reverse("my-star:check-in-new", args=[journey.star.pk])
    assert re.search(r'<input type="radio" name="stage" value="review"[^>]* checked>', client.get(url).content.decode())

    response = client.post(url, check_in_post(journey.star, {"Home": 10, "Learning": 7}, Home="I love my room  "))

    assert response.status_code == 302
    check_in = CheckIn.objects.latest("id")
    assert check_in.respondent == codes.Respondent.CHILD
    assert check_in.recorded_by == journey.user
    assert check_in.date == timezone.localdate()
    scores = {score.area.name: (score.score, score.comment) for score in check_in.scores.all()}
    assert scores == {"Home": (10, "I love my room"), "Learning": (7, "")}  # the service trims comments


def test_a_check_in_with_no_scores_asks_kindly_and_saves_nothing(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    before = CheckIn.objects.count()

    response = client.post(reverse("my-star:check-in-new", args=[journey.star.pk]), {"stage": "review"})

    assert "Give a score for at least one area." in visible(response)
    assert CheckIn.objects.count() == before


def test_a_number_off_the_scale_is_refused(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    before = CheckIn.objects.count()

    client.post(reverse("my-star:check-in-new", args=[journey.star.pk]), check_in_post(journey.star, {"Home": 11}))

    assert CheckIn.objects.count() == before


def test_the_first_check_in_defaults_to_my_first_time(client, county):
    account = child_account(county.other_child, username="zed.o")
    star = start_star(county.other_child, county.other_worker)
    client.force_login(account.user)

    html = client.get(reverse("my-star:check-in-new", args=[star.pk])).content.decode()

    assert re.search(r'<input type="radio" name="stage" value="start"[^>]* checked>', html)


def test_the_child_adds_an_area_in_their_own_words(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    response = client.post(reverse("my-star:areas", args=[journey.star.pk]), {"name": "My cat Biscuit", "question": ""})

    assert response.status_code == 302
    area = journey.star.areas.get(name="My cat Biscuit")
    assert area.origin == codes.AreaOrigin.CHILD
    assert area.history.latest().history_user == journey.user
    page = visible(client.get(reverse("my-star:areas", args=[journey.star.pk])))
    assert "My cat Biscuit Added by me" in page


def test_a_name_already_on_the_star_is_refused(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    response = client.post(reverse("my-star:areas", args=[journey.star.pk]), {"name": "home"})

    assert "already has an area called" in response.content.decode()
    assert journey.star.areas.filter(name__iexact="home").count() == 1


def test_the_child_renames_an_area_and_keeps_its_answers(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    area = journey.star.areas.get(name="Home")

    client.post(reverse("my-star:area-rename", args=[area.pk]), {"name": "Living with Nan", "question": ""})

    area.refresh_from_db()
    assert area.name == "Living with Nan"
    assert area.scores.count() == 2  # both of the child's answers still point at it
    page = visible(client.get(reverse("my-star:areas", args=[journey.star.pk])))
    assert "First called “Home”." in page


def test_my_check_ins_are_paged(client, county):
    journey = build_journey(county)
    for days in range(10, 16):
        record(journey.star, county.worker, {"Home": 5}, days=days)
    client.force_login(journey.user)
    url = reverse("my-star:star", args=[journey.star.pk])

    assert visible(client.get(url)).count("(I am ") + visible(client.get(url)).count("(This is ") == 5
    assert "Page 2 of 2" in visible(client.get(url + "?page=2"))


def test_my_star_query_count_does_not_grow_with_check_ins(client, county, django_assert_max_num_queries):
    journey = build_journey(county)
    for days in range(30, 50):
        record(journey.star, county.worker, {"Home": 5, "Learning": 4}, days=days)
    client.force_login(journey.user)

    with django_assert_max_num_queries(14):
        client.get(reverse("my-star:star", args=[journey.star.pk]))


@pytest.mark.parametrize(
    ("name", "question"),
    [
        ("Things I do outside home", "How do you feel about things you do outside home?"),
        ("My cat Biscuit", "How do you feel about your cat Biscuit?"),
        ("Living with Nan", "How do you feel about living with Nan?"),
        ("CAMHS and me", "How do you feel about CAMHS and you?"),
        ("Time to myself", "How do you feel about time to yourself?"),
    ],
)
def test_an_areas_question_asks_the_child_in_one_voice(name, question):
    """The area is named in the child's words ('I', 'my'); the question it gives is put to them ('you', 'your')."""
    assert StarArea(name=name, question="").child_question == question
