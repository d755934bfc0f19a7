"""The star pages: who gets in, what they see (staff and child versions), and bad input."""

import re

import pytest
from django.urls import reverse

from outcomes import codes
from outcomes.models import CheckIn
from tests.outcomes.factories import days_ago, record, start_star

pytestmark = pytest.mark.django_db


@pytest.fixture
def star(county):
    star = start_star(county.child, county.worker)
    record(star, county.worker, {"Home": 3, "Money": 4, "Learning": 5, "Feeling safe": 2}, days=150)
    record(star, county.worker, {"Home": 8, "Money": 5, "Learning": 7, "Feeling safe": 6}, days=20, stage=codes.Stage.REVIEW)
    return star


def star_pages(star) -> list[str]:
    area = star.areas.first()
    return [
        reverse("outcomes:star-new", args=[star.child_id]),
        reverse("outcomes:star-detail", args=[star.pk]),
        reverse("outcomes:check-in-new", args=[star.pk]),
        reverse("outcomes:star-areas", args=[star.pk]),
        reverse("outcomes:area-rename", args=[area.pk]),
    ]


@pytest.mark.parametrize("outsider", ["other_worker", "other_manager", "admin"])
def test_outsiders_get_not_found_on_every_star_page(client, county, star, outsider):
    client.force_login(getattr(county, outsider))
    for url in star_pages(star):
        assert client.get(url).status_code == 404, url
    retire = reverse("outcomes:area-retire", args=[star.areas.first().pk])
    assert client.post(retire).status_code == 404
    assert client.post(reverse("outcomes:star-areas", args=[star.pk]), {"name": "X", "origin": "child"}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, star):
    for url in star_pages(star):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_teammate_reads_the_star_but_cannot_change_it(client, county, star):
    client.force_login(county.teammate)
    page = client.get(reverse("outcomes:star-detail", args=[star.pk]))
    assert page.status_code == 200 and "Record a check-in" not in page.content.decode()
    for url in star_pages(star):
        if "/stars/new/" in url or "check-ins" in url or "rename" in url:
            assert client.get(url).status_code == 403, url
    area = star.areas.first()
    assert client.post(reverse("outcomes:area-retire", args=[area.pk])).status_code == 403
    assert client.post(reverse("outcomes:star-areas", args=[star.pk]), {"name": "X", "origin": "child"}).status_code == 403
    area.refresh_from_db()
    assert area.retired_on is None and star.areas.count() == 8


def svg_of(html: str) -> str:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, "no chart on the page"
    return match.group(0)


def test_the_star_page_draws_the_first_and_latest_check_in_with_a_table(client, county, star):
    client.force_login(county.worker)
    html = client.get(reverse("outcomes:star-detail", args=[star.pk])).content.decode()
    svg = svg_of(html)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    labels = re.findall(r'<polygon points="[^"]+" aria-label="([^"]+)"', svg)
    assert labels == [f"Start, {days_ago(150):%-d %b %Y} (The child)", f"Review, {days_ago(20):%-d %b %Y} (The child)"]
    assert '<th scope="row" class="govuk-table__header">Home' in html and 'scope="col"' in html
    assert "Home 3" in svg and "Home 8" in svg  # the description a screen reader reads


def test_two_chosen_check_ins_are_compared(client, county, star):
    third = record(star, county.worker, {"Home": 10}, days=5, stage=codes.Stage.END)
    first = CheckIn.objects.filter(star=star).order_by("date").first()
    client.force_login(county.worker)
    url = reverse("outcomes:star-detail", args=[star.pk])
    html = client.get(url, {"first": first.pk, "second": third.pk}).content.decode()
    labels = re.findall(r'aria-label="([^"]+)"', svg_of(html))
    assert labels[-1].startswith("End,") and labels[0].startswith("Start,") and len(labels) == 2


def test_the_childs_version_uses_warmer_words_and_never_says_placement(client, county, star):
    client.force_login(county.worker)
    html = client.get(reverse("outcomes:star-detail", args=[star.pk]), {"view": "child"}).content.decode()
    assert "My star" in html and "How I feel about…" in html
    assert "How do you feel about where you live?" in html
    assert "placement" not in html.lower()
    assert 'font-size="16"' in svg_of(html)
    assert "see it differently" not in html  # the staff-only sections


def test_the_child_page_shows_the_star_panel_with_links_for_the_worker(client, county, star):
    from outcomes import services

    services.star_area_add(star=star, name="My dog Biscuit", actor=county.worker)
    client.force_login(county.worker)
    html = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert "Outcome star" in html and "<svg" in html and "My dog Biscuit" in html
    assert reverse("outcomes:check-in-new", args=[star.pk]) in html
    client.force_login(county.teammate)
    html = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert "<svg" in html and reverse("outcomes:check-in-new", args=[star.pk]) not in html


def test_the_worker_starts_a_star_from_the_child_page(client, county):
    client.force_login(county.worker)
    url = reverse("outcomes:star-new", args=[county.child.pk])
    from tests.outcomes.factories import default_template

    response = client.post(url, {"template": default_template().pk, "started_on": days_ago(3).isoformat()})
    star = county.child.stars.get()
    assert response.status_code == 302 and response.url == reverse("outcomes:star-detail", args=[star.pk])
    again = client.post(url, {"template": default_template().pk, "started_on": days_ago(3).isoformat()})
    assert "already has a star" in again.content.decode()


def check_in_post(star, **scores) -> dict:
    data = {"stage": "start", "date": days_ago(1).isoformat(), "respondent": "child", "answered_by_name": ""}
    for area in star.areas.filter(retired_on__isnull=True):
        data[f"score_{area.pk}"] = str(scores.get(area.name, ""))
    return data


def test_a_check_in_is_recorded_from_the_form(client, county, star):
    client.force_login(county.worker)
    url = reverse("outcomes:check-in-new", args=[star.pk])
    response = client.post(url, check_in_post(star, Home=9, Money=7))
    assert response.status_code == 302
    latest = star.check_ins.order_by("-id").first()
    assert {s.area.name: s.score for s in latest.scores.all()} == {"Home": 9, "Money": 7}


def test_a_next_step_per_area_is_kept_from_the_phone_form(client, county, star):
    client.force_login(county.worker)
    home = star.areas.get(name="Home")
    data = check_in_post(star, Home=6) | {f"next_step_{home.pk}": "Ask the carers about a bigger bed"}
    assert client.post(reverse("outcomes:check-in-new", args=[star.pk]), data).status_code == 302
    score = star.check_ins.order_by("-id").first().scores.get(area=home)
    assert score.next_step == "Ask the carers about a bigger bed"


def test_a_score_outside_the_scale_is_shown_on_the_form_and_nothing_is_saved(client, county, star):
    client.force_login(county.worker)
    before = star.check_ins.count()
    html = client.post(reverse("outcomes:check-in-new", args=[star.pk]), check_in_post(star, Home=12)).content.decode()
    assert "The score for “Home” must be from 1 to 10." in html and "There is a problem" in html
    assert star.check_ins.count() == before


def test_areas_are_added_renamed_and_retired_from_the_pages(client, county, star):
    client.force_login(county.worker)
    areas_url = reverse("outcomes:star-areas", args=[star.pk])
    assert client.post(areas_url, {"name": "Football", "origin": "child", "based_on": ""}).status_code == 302
    football = star.areas.get(name="Football")
    rename = reverse("outcomes:area-rename", args=[football.pk])
    assert client.post(rename, {"name": "Football club", "question": ""}).status_code == 302
    assert client.post(reverse("outcomes:area-retire", args=[football.pk])).status_code == 302
    football.refresh_from_db()
    assert (football.name, football.original_name, football.is_retired) == ("Football club", "Football", True)
    assert "first called “Football”" in client.get(areas_url).content.decode()


def test_the_star_page_makes_the_same_few_queries_however_many_check_ins(client, county, star, django_assert_max_num_queries):
    client.force_login(county.worker)
    url = reverse("outcomes:star-detail", args=[star.pk])
    with django_assert_max_num_queries(14):
        client.get(url)
    for days in range(2, 12):
        record(star, county.worker, {"Home": 5, "Money": 5}, days=days, stage=codes.Stage.REVIEW)
    with django_assert_max_num_queries(14):
        client.get(url)


def test_the_areas_page_makes_a_fixed_number_of_queries(client, county, star, django_assert_max_num_queries):
    client.force_login(county.worker)
    with django_assert_max_num_queries(12):
        client.get(reverse("outcomes:star-areas", args=[star.pk]))


def test_a_new_star_without_check_ins_says_so(client, county):
    star = start_star(county.child, county.worker)
    client.force_login(county.worker)
    html = client.get(reverse("outcomes:star-detail", args=[star.pk])).content.decode()
    assert "No check-ins yet." in html and "<polygon" not in html
    child_page = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert "No check-ins yet." in child_page


def test_a_single_check_in_draws_one_polygon(client, county):
    star = start_star(county.child, county.worker)
    record(star, county.worker, {"Home": 4, "Money": 6, "Health": 5}, days=3)
    client.force_login(county.worker)
    svg = svg_of(client.get(reverse("outcomes:star-detail", args=[star.pk])).content.decode())
    assert len(re.findall(r"<polygon points=\"[^\"]+\" aria-label=", svg)) == 1
