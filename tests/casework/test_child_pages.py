"""The pages a child uses: joining, signing in, their journey, their words and what their worker shared.

Who gets in (only the child, only their own), what never reaches them (staff-only notes, unshared
sections, another child), and what happens to what they type (kept exactly as written)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user
from django.urls import reverse
from django.utils import timezone

from casework import codes, services
from casework.models import ChildAccount, ChildInvite, RecordCheck, RecordView, User
from tests import factories
from tests.child_journey import CHILD_USERNAME, FOR_AVA, STAFF_ONLY, build_journey, child_account, days_ago
from tests.factories import PASSWORD
from tests.placements.factories import PlacementEpisodeFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "purple-dragon-42"


def child_pages(journey) -> list[str]:
    return [
        reverse("me:journey"),
        reverse("me:words"),
        reverse("me:records"),
        reverse("me:record", args=[journey.shared.pk]),
    ]


def words_post(**overrides: str) -> dict[str, str]:
    fields = ("what_matters_to_me", "how_i_like_to_be_spoken_to", "people_who_matter", "proud_of", "my_story")
    return dict.fromkeys(fields, "") | overrides


def visible(response) -> str:
    """The page's text without tags, for checking words a reader meets."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# Who gets in -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_childs_sign_in(client, county):
    journey = build_journey(county)
    for url in child_pages(journey):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("me:sign-in")), url


@pytest.mark.parametrize("who", ["worker", "manager", "head", "admin"])
def test_staff_have_no_child_pages(client, county, who):
    journey = build_journey(county)
    client.force_login(getattr(county, who))
    for url in child_pages(journey):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("me:words"), words_post(proud_of="Not mine")).status_code == 404
    assert client.post(reverse("me:record", args=[journey.shared.pk]), {"verdict": "right"}).status_code == 404
    county.child.refresh_from_db()
    assert county.child.proud_of == "I learned to swim!"
    assert not RecordCheck.objects.exists()


def test_another_child_sees_only_their_own_journey(client, county):
    build_journey(county)
    other = child_account(county.other_child, username="zed.o")
    client.force_login(other.user)

    page = visible(client.get(reverse("me:journey")))

    assert "Hi Zed" in page
    for theirs in ("Ava", "Kai", "Jo Harper", "Living with Nan", "I learned to swim", "Mum was poorly"):
        assert theirs not in page
    assert "Nothing here yet" in page
    assert "Nothing here yet" in visible(client.get(reverse("me:records")))


def test_guessing_another_childs_shared_record_is_not_found_and_writes_nothing(client, county):
    journey = build_journey(county)
    other = child_account(county.other_child, username="zed.o")
    client.force_login(other.user)
    url = reverse("me:record", args=[journey.shared.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"verdict": "not_right", "child_words": "Not me"}).status_code == 404
    assert not RecordCheck.objects.exists()


def test_a_suspended_child_is_signed_out_on_their_next_page_and_cannot_sign_in(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    assert client.get(reverse("me:journey")).status_code == 200

    services.child_account_suspend(child=county.child, actor=county.worker, reason="Asked by the carer")

    response = client.get(reverse("me:journey"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("me:sign-in"))
    refused = client.post(reverse("me:sign-in"), {"username": CHILD_USERNAME, "password": PASSWORD})
    assert refused.status_code == 200
    assert "match. Check them and try again" in refused.content.decode()
    assert not get_user(client).is_authenticated


def test_a_child_whose_account_is_suspended_but_still_active_gets_nothing(client, county):
    """Belt and braces: the suspension itself, not only the inactive user, keeps the journey shut."""
    journey = build_journey(county)
    ChildAccount.objects.filter(pk=journey.account.pk).update(suspended_at=timezone.now())
    client.force_login(journey.user)

    for url in child_pages(journey):
        assert client.get(url).status_code == 404, url


# Nothing staff-only reaches a child ------------------------------------------------------------


def test_no_staff_only_words_or_unshared_sections_on_any_child_page(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    for url in child_pages(journey):
        html = client.get(url).content.decode()
        assert STAFF_ONLY not in html, url  # family notes, contact plans, home's staff name, analysis, location
        assert "court papers" not in html
        for staff_word in ("placement", "LAC", "caseload", "500.00", "WR5"):
            assert staff_word not in html, (url, staff_word)
        assert "Zed" not in html and "Otherchild" not in html


def test_every_look_is_in_the_access_log(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    for url in child_pages(journey):
        client.get(url)

    pages = set(RecordView.objects.filter(user=journey.user, child=county.child).values_list("page", flat=True))
    assert pages == {"me:journey", "me:words", "me:records", f"me:record:{journey.shared.pk}"}


# Joining ---------------------------------------------------------------------------------------


def join_post(code: str, **overrides: str) -> dict[str, str]:
    return {"code": code, "username": "ava.t", "password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD} | overrides


def test_a_link_with_the_code_fills_it_in(client, county):
    _, code = services.child_invite_create(child=county.child, actor=county.worker)

    response = client.get(reverse("me:join") + f"?code={code}")

    assert f'value="{code}"' in response.content.decode()


def test_a_child_joins_with_their_code_and_lands_on_their_journey(client, county):
    _, code = services.child_invite_create(child=county.child, actor=county.worker)

    response = client.post(reverse("me:join"), join_post(code), follow=True)

    assert response.redirect_chain[-1][0] == reverse("me:journey")
    page = visible(response)
    assert "Your username is ava.t" in page
    assert "My journey" in page
    assert ChildAccount.objects.get().child == county.child


def test_a_second_click_on_join_does_no_harm(client, county):
    _, code = services.child_invite_create(child=county.child, actor=county.worker)
    client.post(reverse("me:join"), join_post(code))
    client.logout()  # the second request carries the session from before the first answered

    again = client.post(reverse("me:join"), join_post(code))

    assert again.status_code == 302
    assert again.url == reverse("me:journey")
    assert ChildAccount.objects.count() == 1
    assert User.objects.filter(role=codes.Role.CHILD).count() == 1


def test_someone_else_with_a_used_code_and_the_wrong_password_is_refused(client, county):
    _, code = services.child_invite_create(child=county.child, actor=county.worker)
    client.post(reverse("me:join"), join_post(code))
    client.logout()

    response = client.post(
        reverse("me:join"), join_post(code, password="another-password-77", password_again="another-password-77")
    )

    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ("expired", "code", "too old"),
        ("used", "code", "already been used"),
        ("weak", "password", "too short"),
        ("mistyped", "password_again", "not the same"),
        ("wrong", "code", "work. Check it with your worker"),
    ],
)
def test_join_errors_are_kind_and_next_to_the_field(client, county, change, field, message):
    _, code = services.child_invite_create(child=county.child, actor=county.worker)
    data = join_post(code)
    if change == "expired":
        ChildInvite.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    elif change == "used":
        ChildInvite.objects.update(used_at=timezone.now() - datetime.timedelta(days=1))
    elif change == "weak":
        data |= {"password": "short1", "password_again": "short1"}
    elif change == "mistyped":
        data |= {"password_again": "not-the-same-one-1"}
    else:
        data |= {"code": "ZZZZZ-ZZZZZ"}

    response = client.post(reverse("me:join"), data)

    html = response.content.decode()
    assert response.status_code == 200
    error = re.search(rf'<p class="me-error" id="id_{field}-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1)
    assert f'aria-describedby="id_{field}-hint id_{field}-error"' in html or f'aria-describedby="id_{field}-error"' in html
    assert not ChildAccount.objects.exists()
    assert "_auth_user_id" not in client.session


# Signing in and out ----------------------------------------------------------------------------


def test_a_child_signs_in_and_goes_to_their_journey(client, county):
    child_account(county.child)

    response = client.post(reverse("me:sign-in"), {"username": CHILD_USERNAME, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("me:journey")


def test_staff_signing_in_on_the_childs_page_go_to_their_caseload(client, county):
    response = client.post(reverse("me:sign-in"), {"username": county.worker.username, "password": PASSWORD})

    assert response.url == reverse("casework:caseload")


def test_a_child_on_the_staff_sign_in_or_caseload_is_sent_to_their_journey(client, county):
    account = child_account(county.child)
    client.force_login(account.user)

    assert client.get(reverse("casework:caseload")).url == reverse("me:journey")
    assert client.get(reverse("login"), follow=True).redirect_chain[-1][0] == reverse("me:journey")


def test_a_child_on_a_staff_page_gets_not_found(client, county):
    account = child_account(county.child)
    client.force_login(account.user)

    assert client.get(reverse("casework:child-detail", args=[county.child.pk])).status_code == 404


def test_too_many_wrong_passwords_lock_the_childs_username(client, county, settings):
    child_account(county.child)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("me:sign-in"), {"username": CHILD_USERNAME, "password": "wrong-password-here"})

    locked = client.post(reverse("me:sign-in"), {"username": CHILD_USERNAME, "password": PASSWORD})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, county):
    account = child_account(county.child)
    client.force_login(account.user)

    response = client.post(reverse("me:sign-out"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("me:sign-in")
    assert "You have signed out" in response.content.decode()
    assert client.get(reverse("me:journey")).status_code == 302


# My journey --------------------------------------------------------------------------------------


def test_the_journey_tells_the_story_in_the_childs_words(client, county):
    build_journey(county)
    client.force_login(ChildAccount.objects.get(child=county.child).user)

    response = client.get(reverse("me:journey"))

    page = visible(response)
    html = response.content.decode()
    assert "I came into care." in page
    assert "Mum was poorly.\nShe could not look after me" in html  # kept as written, line break and all
    assert "My first home: Living with Sam and Priya." in page
    assert "A new home: Living with Nan." in page
    assert "My home now, since" in page
    assert "Jo Harper became my worker." in page
    assert "Hi, I&#x27;m Jo. I will visit you every few weeks." in html
    assert "Why they changed: They left to do a different job." in page
    assert "it is never because of something you did" in page
    assert "Kai" in page and "Brother or sister" in page
    next_visit = timezone.localdate() + datetime.timedelta(days=10)
    assert f"Next time I see them: {next_visit:%A} {next_visit.day} {next_visit:%B}" in page
    assert "I learned to swim!" in page
    assert 'role="img"' in html and "My star" in page
    assert "New: is it right?" in page


def test_the_timeline_is_in_order(client, county):
    build_journey(county)
    client.force_login(ChildAccount.objects.get(child=county.child).user)

    html = client.get(reverse("me:journey")).content.decode()

    dates = re.findall(r'<time class="me-timeline__date" datetime="(\d{4}-\d{2})">', html)
    assert dates == sorted(dates)
    assert len(dates) >= 6


def test_a_new_child_sees_kind_words_where_there_is_nothing_yet(client, county):
    account = child_account(county.other_child)
    client.force_login(account.user)

    page = visible(client.get(reverse("me:journey")))

    assert page.count("Nothing here yet") >= 5


def test_the_journey_query_count_does_not_grow_with_the_story(client, county, django_assert_max_num_queries):
    journey = build_journey(county)
    for n in range(5):
        PlacementEpisodeFactory(child=county.child, started_on=days_ago(900 - 50 * n), ended_on=days_ago(851 - 50 * n))
        factories.FamilyMemberFactory(child=county.child, name=f"Cousin {n}", relationship=codes.Relationship.COUSIN)
        factories.SharedRecordFactory(visit__child=county.child, visit__author=county.worker)
    client.force_login(journey.user)

    with django_assert_max_num_queries(26):
        response = client.get(reverse("me:journey"))

    assert response.status_code == 200


# My words ------------------------------------------------------------------------------------------


def test_the_childs_words_are_kept_exactly_as_typed_with_history(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    before = county.child.history.count()

    response = client.post(
        reverse("me:words"),
        words_post(
            proud_of="  I can swim 10 lengths!!  \r\nAnd ride a bike ",
            my_story=county.child.my_story,
            people_who_matter=county.child.people_who_matter,
        ),
    )

    assert response.status_code == 302
    county.child.refresh_from_db()
    assert county.child.proud_of == "  I can swim 10 lengths!!  \nAnd ride a bike "
    assert county.child.history.count() == before + 1
    latest = county.child.history.latest()
    assert latest.history_user == journey.user
    assert latest.history_change_reason == "Written by the child"
    page = visible(client.get(reverse("me:words")))
    assert f"Last changed {timezone.localdate().day} {timezone.localdate():%B %Y} by you." in page
    assert "What I wrote before" in page and "I learned to swim!" in page


def test_saving_unchanged_words_adds_nothing_to_the_history(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    child = county.child
    before = child.history.count()

    client.post(
        reverse("me:words"),
        words_post(
            my_story=child.my_story.replace("\n", "\r\n"), proud_of=child.proud_of, people_who_matter=child.people_who_matter
        ),
    )

    assert child.history.count() == before


def test_words_written_by_the_worker_say_so(client, county):
    journey = build_journey(county)
    services.child_words_update(child=county.child, actor=county.worker, what_matters_to_me="Football")
    client.force_login(journey.user)

    page = visible(client.get(reverse("me:words")))

    assert "by your worker." in page
    assert "Jo Harper" not in page


# What my worker wrote --------------------------------------------------------------------------


def test_a_shared_record_shows_only_the_shared_sections_and_the_note(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    response = client.get(reverse("me:record", args=[journey.shared.pk]))

    page = visible(response)
    assert "What you told me" in page and FOR_AVA["child_said"] in page
    assert "What I saw and heard" in page and FOR_AVA["observations"] in page
    # Only the version written to Ava: never the record's own words about her.
    assert "I like my room and I want to see Kai more." not in page and "Ava showed me her room" not in page
    assert "Is this right? Tell me." in page
    assert "Written by Jo Harper" in page
    assert "What I think it means" not in page and "What happens next" not in page
    assert "Ask about more time with Kai." not in page  # actions: not shared


def test_a_record_not_yet_signed_or_not_shared_is_not_shown(client, county):
    journey = build_journey(county)
    unshared = factories.VisitFactory(child=county.child, author=county.worker, status=codes.VisitStatus.SIGNED)
    draft = factories.DraftVisitFactory(child=county.child, author=county.worker)
    factories.SharedRecordFactory(visit=draft, sections=["observations"])  # shared, then never signed
    client.force_login(journey.user)

    html = client.get(reverse("me:records")).content.decode()

    assert re.findall(r'href="/me/records/(\d+)/"', html) == [str(journey.shared.pk)]
    assert f"/visits/{unshared.pk}/" not in html
    assert client.get(reverse("me:record", args=[draft.shares.get().pk])).status_code == 404


def test_the_child_says_it_isnt_right_in_their_words_and_sees_the_answer(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)
    url = reverse("me:record", args=[journey.shared.pk])

    missing_words = client.post(url, {"verdict": "not_right", "child_words": "  "})
    assert "Tell your worker what isn" in missing_words.content.decode()
    assert not RecordCheck.objects.exists()

    response = client.post(url, {"verdict": "not_right", "child_words": "I said Kai is my BIG brother "}, follow=True)
    page = visible(response)
    assert "Your worker will read what you said" in page
    assert "I said Kai is my BIG brother" in page
    assert "Waiting for your worker" in page
    assert "Send to my worker" not in page  # one open request at a time
    check = RecordCheck.objects.get()
    assert check.child_words == "I said Kai is my BIG brother "

    services.correction_answer(check=check, actor=county.worker, answer="Thank you, I have changed it.", changes={})
    page = visible(client.get(url))
    assert "Your worker answered on" in page and "Thank you, I have changed it." in page
    assert "Send to my worker" in page


def test_the_child_says_it_is_right(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    client.post(reverse("me:record", args=[journey.shared.pk]), {"verdict": "right"})

    check = RecordCheck.objects.get()
    assert check.status == codes.CheckStatus.AGREED
    assert "You said it is right" in visible(client.get(reverse("me:records")))


def test_choosing_nothing_asks_kindly(client, county):
    journey = build_journey(county)
    client.force_login(journey.user)

    response = client.post(reverse("me:record", args=[journey.shared.pk]), {"child_words": ""})

    assert "Choose “This is right” or “This isn&#x27;t right”." in response.content.decode()
    assert 'href="#id_verdict_0"' in response.content.decode()
    assert not RecordCheck.objects.exists()


def test_records_are_paged(client, county):
    journey = build_journey(county)
    for _ in range(11):
        factories.SharedRecordFactory(visit__child=county.child, visit__author=county.worker)
    client.force_login(journey.user)

    first, second = client.get(reverse("me:records")), client.get(reverse("me:records") + "?page=2")

    assert visible(first).count("Visit on") == 10
    assert visible(second).count("Visit on") == 2
    assert "Page 2 of 2" in visible(second)
