"""Looked-after reviews and missing episodes (issue 17, the 903's Reviews and Missing tables): the services' rules,
the pages a worker uses on a phone (listed on the child's page, added, corrected with the history kept), the API,
and bad input answered clearly with nothing saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework import codes, services
from casework.models import LookedAfterReview, MissingEpisode
from casework.versions import RecordChanged
from placements import services as placement_services
from tests import factories
from tests.placements import factories as placement_factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
P, M = codes.ReviewParticipation, codes.MissingKind


def born_years_ago(years: int, days: int = 0) -> datetime.date:
    today = TODAY()
    return today.replace(year=today.year - years) - days * DAY


def child_in_care(county, *, born: datetime.date, care_days: int = 400, **fields):
    """A child in care for `care_days`, on the county worker's caseload."""
    child = factories.ChildFactory(date_of_birth=born, **fields)
    factories.AllocationFactory(child=child, worker=county.worker, started_on=TODAY() - care_days * DAY)
    factories.CareEpisodeFactory(child=child, started_on=TODAY() - care_days * DAY)
    factories.LegalStatusFactory(child=child, started_on=TODAY() - care_days * DAY)
    return child


def review(county, child, days_ago: int = 10, participation: str = P.PN1, **fields):
    return services.review_record(
        child=child, actor=county.worker, reviewed_on=TODAY() - days_ago * DAY, participation=participation, **fields
    )


def missing(county, child, start_days_ago: int, end_days_ago: int | None = None, **fields):
    ended_on = TODAY() - end_days_ago * DAY if end_days_ago is not None else None
    return services.missing_episode_record(
        child=child, actor=county.worker, kind=M.MISSING, started_on=TODAY() - start_days_ago * DAY, ended_on=ended_on,
        **fields,
    )  # fmt: skip


# Reviews: the services --------------------------------------------------------------------------------------------


def test_a_review_is_kept_with_how_the_child_took_part_who_chaired_and_who_recorded_it(county):
    child = child_in_care(county, born=born_years_ago(10))
    saved = review(county, child, participation=P.PN6, chaired_by="  Priya Shah ")
    assert (saved.participation, saved.chaired_by, saved.recorded_by) == ("PN6", "Priya Shah", county.worker)
    assert saved.history.get().history_change_reason == "Review recorded"


def test_a_child_under_four_on_the_day_is_pn0_and_only_they_are(county):
    child = child_in_care(county, born=born_years_ago(4, days=-5))  # 4 in five days' time: 3 on the review's day
    with pytest.raises(ValidationError, match="under 4 on the day"):
        review(county, child, days_ago=1, participation=P.PN1)
    assert review(county, child, days_ago=1, participation=P.PN0).participation == "PN0"


def test_on_the_fourth_birthday_a_child_takes_part_as_anyone_older(county):
    birthday = TODAY() - 20 * DAY if (TODAY() - 20 * DAY).day != 29 else TODAY() - 21 * DAY  # never a 29 February
    child = child_in_care(county, born=birthday.replace(year=birthday.year - 4))
    days_ago = (TODAY() - birthday).days
    with pytest.raises(ValidationError, match="was 4 on the day of the review, not under 4"):
        review(county, child, days_ago=days_ago, participation=P.PN0)
    assert review(county, child, days_ago=days_ago, participation=P.PN3).participation == "PN3"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"participation": "PN8"}, "participation", "Choose how the child took part"),
        ({"participation": ""}, "participation", "Choose how the child took part"),
        ({"reviewed_on": TODAY() + DAY}, "reviewed_on", "cannot be in the future"),
        ({"reviewed_on": TODAY() - 500 * DAY}, "reviewed_on", "was not in care on"),  # before care began
    ],
)
def test_a_review_with_something_wrong_is_refused_by_field_and_saves_nothing(county, fields, field, words):
    child = child_in_care(county, born=born_years_ago(10))
    values = {"reviewed_on": TODAY() - DAY, "participation": P.PN1} | fields
    with pytest.raises(ValidationError) as refused:
        services.review_record(child=child, actor=county.worker, **values)
    assert words in " ".join(refused.value.message_dict[field])
    assert not LookedAfterReview.objects.exists()


def test_a_review_after_the_child_left_care_is_refused(county):
    child = child_in_care(county, born=born_years_ago(10))
    child.care_episodes.update(ended_on=TODAY() - 30 * DAY)
    with pytest.raises(ValidationError, match="was not in care on"):
        review(county, child, days_ago=10)
    assert review(county, child, days_ago=30).reviewed_on == TODAY() - 30 * DAY  # its last day is still in care


def test_a_second_review_on_the_same_day_is_refused_so_the_first_is_corrected(county):
    child = child_in_care(county, born=born_years_ago(10))
    first = review(county, child)
    with pytest.raises(ValidationError, match="already recorded") as refused:
        review(county, child, participation=P.PN7)
    assert refused.value.error_dict["reviewed_on"][0].code == "duplicate"
    assert list(child.reviews.all()) == [first]


def test_a_reader_cannot_record_or_correct_a_review(county):
    saved = review(county, county.child)  # the county's child: in care since 400 days ago, aged 10
    with pytest.raises(PermissionDenied):
        services.review_update(review=saved, actor=county.teammate, chaired_by="Someone")
    with pytest.raises(PermissionDenied):
        services.review_record(
            child=county.child, actor=county.teammate, reviewed_on=TODAY(), participation=P.PN1
        )  # fmt: skip
    assert county.child.reviews.count() == 1


def test_correcting_a_review_keeps_what_it_said_before(county):
    child = child_in_care(county, born=born_years_ago(10))
    saved = review(county, child, participation=P.PN1)
    services.review_update(review=saved, actor=county.manager, version=saved.updated_at, participation=P.PN5)
    saved.refresh_from_db()
    said = [row.participation for row in saved.history.order_by("history_date")]
    assert (saved.participation, said) == ("PN5", ["PN1", "PN5"])
    assert saved.history.latest().history_user == county.manager


def test_a_correction_over_someone_elses_save_is_refused(county):
    child = child_in_care(county, born=born_years_ago(10))
    saved = review(county, child)
    read = saved.updated_at
    services.review_update(review=saved, actor=county.worker, version=read, chaired_by="Tom Ellison")
    with pytest.raises(RecordChanged):
        services.review_update(review=saved, actor=county.manager, version=read, chaired_by="Grace Okafor")
    saved.refresh_from_db()
    assert saved.chaired_by == "Tom Ellison"


def test_a_correction_onto_another_reviews_day_is_refused(county):
    child = child_in_care(county, born=born_years_ago(10))
    review(county, child, days_ago=10)
    other = review(county, child, days_ago=20)
    with pytest.raises(ValidationError, match="already recorded"):
        services.review_update(review=other, actor=county.worker, reviewed_on=TODAY() - 10 * DAY)
    with pytest.raises(ValidationError, match="not details of a review"):
        services.review_update(review=other, actor=county.worker, recorded_by=county.manager)


# Missing episodes: the services ------------------------------------------------------------------------------------


def test_a_child_goes_missing_and_comes_back_with_a_return_interview(county):
    child = child_in_care(county, born=born_years_ago(14))
    episode = missing(county, child, 5)
    assert episode.ended_on is None and episode.history.get().history_change_reason == "Went missing"
    episode = services.missing_episode_update(
        episode=episode, actor=county.worker, version=episode.updated_at, ended_on=TODAY() - 3 * DAY,
        return_interview_offered=True, return_interview_taken=False,
    )  # fmt: skip
    assert (episode.ended_on, episode.return_interview_offered, episode.return_interview_taken) == (
        TODAY() - 3 * DAY, True, False,
    )  # fmt: skip
    assert episode.history.latest().history_change_reason == "Came back"


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        (-1, None, "started_on", "cannot be in the future"),
        (5, -1, "ended_on", "cannot be in the future"),
        (5, 6, "ended_on", "cannot come back before"),
        (500, 490, "started_on", "was not in care on"),
    ],
)
def test_a_missing_episode_with_wrong_dates_is_refused_by_field_and_saves_nothing(county, start, end, field, words):
    child = child_in_care(county, born=born_years_ago(14))
    with pytest.raises(ValidationError) as refused:
        missing(county, child, start, end)
    assert words in " ".join(refused.value.message_dict[field])
    assert not MissingEpisode.objects.exists()


def test_a_missing_kind_that_is_not_the_903s_is_refused(county):
    child = child_in_care(county, born=born_years_ago(14))
    with pytest.raises(ValidationError, match="missing or away without permission"):
        services.missing_episode_record(child=child, actor=county.worker, kind="X", started_on=TODAY())


def test_episodes_never_overlap_and_one_at_most_is_open(county):
    child = child_in_care(county, born=born_years_ago(14))
    missing(county, child, 30, 25)
    with pytest.raises(ValidationError, match="overlaps"):
        missing(county, child, 27, 20)
    again = missing(county, child, 25, 24)  # going missing again the day they came back is a new episode
    open_one = missing(county, child, 10)
    with pytest.raises(ValidationError, match="still missing since"):
        missing(county, child, 5, 4)
    with pytest.raises(ValidationError, match="still missing since"):
        missing(county, child, 10)
    assert list(child.missing_episodes.order_by("started_on").values_list("pk", flat=True))[1:] == [again.pk, open_one.pk]


def test_a_return_interview_follows_the_return_and_is_taken_only_once_offered(county):
    child = child_in_care(county, born=born_years_ago(14))
    with pytest.raises(ValidationError) as refused:
        missing(county, child, 5, return_interview_offered=True)
    assert "return_interview_offered" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        missing(county, child, 5, 4, return_interview_offered=False, return_interview_taken=True)
    assert "return_interview_taken" in refused.value.message_dict
    assert not MissingEpisode.objects.exists()


def test_a_missing_episode_lies_within_care_and_care_cannot_end_while_the_child_is_missing(county):
    child = child_in_care(county, born=born_years_ago(14))
    placement_factories.move(child, placement_factories.HomeFactory(), TODAY() - 400 * DAY, county.worker)
    episode = missing(county, child, 10)
    with pytest.raises(ValidationError, match="recorded as missing"):
        placement_services.placement_end_care(child=child, ended_on=TODAY() - DAY, rec_code="E13", actor=county.worker)
    services.missing_episode_update(episode=episode, actor=county.worker, ended_on=TODAY() - 2 * DAY)
    placement_services.placement_end_care(child=child, ended_on=TODAY() - DAY, rec_code="E13", actor=county.worker)
    with pytest.raises(ValidationError, match="left care on"):
        services.missing_episode_update(episode=episode, actor=county.worker, ended_on=None)


def test_a_reader_cannot_record_a_missing_episode(county):
    with pytest.raises(PermissionDenied):
        services.missing_episode_record(child=county.child, actor=county.teammate, kind=M.AWAY, started_on=TODAY())
    assert not MissingEpisode.objects.exists()


# Pages --------------------------------------------------------------------------------------------------------


def test_the_childs_page_lists_reviews_and_missing_episodes_with_their_links(client, county, django_assert_max_num_queries):
    child = child_in_care(county, born=born_years_ago(14))
    client.force_login(county.worker)
    page = client.get(reverse("casework:child-detail", args=[child.pk])).content.decode()
    assert "No looked-after reviews recorded yet." in page and "Never recorded as missing." in page
    saved = [review(county, child, days_ago=10 + 180 * n, chaired_by="Priya Shah") for n in range(2)]
    episode = missing(county, child, 5)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("casework:child-detail", args=[child.pk])).content.decode()
    assert reverse("casework:review-edit", args=[saved[1].pk]) in page and "chaired by Priya Shah" in page
    assert "Still missing" in page and reverse("casework:missing-edit", args=[episode.pk]) in page
    assert reverse("casework:review-new", args=[child.pk]) in page and reverse("casework:missing-new", args=[child.pk]) in page


def test_a_review_is_recorded_and_corrected_on_the_pages_with_the_history_shown(client, county):
    child = child_in_care(county, born=born_years_ago(10))
    client.force_login(county.worker)
    day = (TODAY() - 3 * DAY).isoformat()
    response = client.post(reverse("casework:review-new", args=[child.pk]), {"reviewed_on": day, "participation": "PN1"})
    assert response.status_code == 302 and response["Location"].endswith("#reviews")
    saved = child.reviews.get()
    url = reverse("casework:review-edit", args=[saved.pk])
    body = {"reviewed_on": day, "participation": "PN2", "chaired_by": "Helen Bryce", "version": saved.updated_at.isoformat()}
    assert client.post(url, body).status_code == 302
    page = client.get(url).content.decode()
    assert "What it said before" in page and "PN1, child physically attends and speaks for him or herself" in page
    assert "PN2" in page and "chaired by Helen Bryce" in page


def test_a_wrong_review_on_the_page_says_why_and_keeps_what_was_typed(client, county):
    child = child_in_care(county, born=born_years_ago(10))
    client.force_login(county.worker)
    url = reverse("casework:review-new", args=[child.pk])
    response = client.post(url, {"reviewed_on": TODAY().isoformat(), "participation": "PN0", "chaired_by": "Tom"})
    page = response.content.decode()
    assert response.status_code == 200 and "not under 4" in page and 'value="Tom"' in page
    response = client.post(url, {"reviewed_on": "31/02/2025", "participation": "PN1"})
    assert "Enter a real date." in response.content.decode()
    assert not LookedAfterReview.objects.exists()


def test_a_missing_episode_is_recorded_then_the_child_comes_back_on_the_pages(client, county):
    child = child_in_care(county, born=born_years_ago(15))
    client.force_login(county.worker)
    url = reverse("casework:missing-new", args=[child.pk])
    started = (TODAY() - 2 * DAY).isoformat()
    assert client.post(url, {"kind": "M", "started_on": started}).status_code == 302
    episode = child.missing_episodes.get()
    edit = reverse("casework:missing-edit", args=[episode.pk])
    page = client.get(edit).content.decode()
    assert "Came back, or correct" in page
    body = {"kind": "M", "started_on": started, "ended_on": TODAY().isoformat(), "return_interview_offered": "yes",
            "return_interview_taken": "yes", "version": episode.updated_at.isoformat()}  # fmt: skip
    assert client.post(edit, body).status_code == 302
    episode.refresh_from_db()
    assert (episode.ended_on, episode.return_interview_offered, episode.return_interview_taken) == (TODAY(), True, True)
    assert "still missing" in client.get(edit).content.decode()  # the version before it, in the history


def test_a_missing_episode_overlapping_another_on_the_page_says_why(client, county):
    child = child_in_care(county, born=born_years_ago(15))
    missing(county, child, 10)
    client.force_login(county.worker)
    response = client.post(reverse("casework:missing-new", args=[child.pk]), {"kind": "A", "started_on": TODAY().isoformat()})
    assert response.status_code == 200 and "still missing since" in response.content.decode()
    assert child.missing_episodes.count() == 1


def test_a_teammate_reads_but_cannot_correct_and_another_team_cannot_see(client, county):
    saved = review(county, county.child)
    url = reverse("casework:review-edit", args=[saved.pk])
    client.force_login(county.teammate)
    assert client.get(reverse("casework:child-detail", args=[county.child.pk])).status_code == 200
    assert client.post(url, {"reviewed_on": TODAY().isoformat(), "participation": "PN7"}).status_code == 403
    client.force_login(county.other_worker)
    assert client.get(url).status_code == 404
    saved.refresh_from_db()
    assert saved.participation == "PN1"


# The API ------------------------------------------------------------------------------------------------------


@pytest.fixture
def api(county) -> APIClient:
    client = APIClient()
    client.force_authenticate(county.worker)
    return client


def test_the_api_records_lists_and_corrects_a_review(api, county):
    body = {"child": county.child.pk, "reviewed_on": (TODAY() - DAY).isoformat(), "participation": "PN5"}
    response = api.post("/api/v1/reviews/", body, format="json")
    assert response.status_code == 201 and response.json()["participation_display"].startswith("Child does not attend")
    made = response.json()
    listed = api.get(f"/api/v1/reviews/?child={county.child.pk}").json()
    assert [row["id"] for row in listed["results"]] == [made["id"]]
    patch = {"chaired_by": "Martin Hughes", "version": made["updated_at"]}
    assert api.patch(f"/api/v1/reviews/{made['id']}/", patch, format="json").json()["chaired_by"] == "Martin Hughes"
    stale = api.patch(f"/api/v1/reviews/{made['id']}/", patch | {"chaired_by": "Someone"}, format="json")
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"participation": "PN0"}, "participation"),  # the county's child is 10
        ({"participation": "pn1"}, "participation"),
        ({"reviewed_on": "01/02/2026"}, "reviewed_on"),
        ({"reviewed_on": "0001-01-01"}, "reviewed_on"),
        ({"child": "abc"}, "child"),
        ({"child": 999999}, "child"),
    ],
)
def test_the_api_answers_a_bad_review_by_field_and_saves_nothing(api, county, body, field):
    sent = {"child": county.child.pk, "reviewed_on": (TODAY() - DAY).isoformat(), "participation": "PN1"} | body
    response = api.post("/api/v1/reviews/", sent, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not LookedAfterReview.objects.exists()


def test_the_api_records_a_missing_episode_and_the_return(api, county):
    body = {"child": county.child.pk, "kind": "A", "started_on": (TODAY() - 2 * DAY).isoformat()}
    made = api.post("/api/v1/missing-episodes/", body, format="json").json()
    assert (made["kind_display"], made["ended_on"]) == ("Away from placement without authorisation", None)
    again = api.post("/api/v1/missing-episodes/", body, format="json")
    assert again.status_code == 400 and "started_on" in again.json()
    patch = {"ended_on": TODAY().isoformat(), "return_interview_offered": False, "version": made["updated_at"]}
    back = api.patch(f"/api/v1/missing-episodes/{made['id']}/", patch, format="json")
    assert back.status_code == 200 and (back.json()["ended_on"], back.json()["return_interview_offered"]) == (
        TODAY().isoformat(), False,
    )  # fmt: skip
    taken = api.patch(f"/api/v1/missing-episodes/{made['id']}/", {"return_interview_taken": True}, format="json")
    assert taken.status_code == 400 and "return_interview_taken" in taken.json()


def test_the_api_schema_describes_reviews_and_missing_episodes(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    assert {"/api/v1/reviews/", "/api/v1/reviews/{id}/", "/api/v1/missing-episodes/", "/api/v1/missing-episodes/{id}/"} <= set(
        schema["paths"]
    )


def test_the_chronology_shows_reviews_and_each_time_missing_and_back(client, county):
    child = child_in_care(county, born=born_years_ago(14))
    review(county, child, days_ago=12, participation=P.PN2, chaired_by="Samir Patel")
    missing(county, child, 6, 4, return_interview_offered=True, return_interview_taken=False)
    client.force_login(county.worker)
    page = client.get(reverse("casework:child-chronology", args=[child.pk]), {"kind": ["review", "missing"]})
    text = page.content.decode()
    assert "Looked-after review" in text and "chaired by Samir Patel" in text
    assert "Came back" in text and "Return interview offered, not taken up" in text
