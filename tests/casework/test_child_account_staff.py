"""The staff side of a child's account: inviting, suspending, sharing a record, answering a correction.

Pages and API; every one with its outsider (404) and read-only (403) answer."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from casework import codes, selectors, services
from casework.models import ChildInvite, RecordCheck, SharedRecord
from tests import factories

GOOD_PASSWORD = "purple-dragon-42"


@pytest.fixture
def signed_visit(county):
    return factories.VisitFactory(
        child=county.child,
        author=county.worker,
        status=codes.VisitStatus.SIGNED,
        child_said="I want to see my brother more.",
        analysis="Staff-only thinking about the family.",
    )


def joined(county):
    _, code = services.child_invite_create(child=county.child, actor=county.worker)
    return services.child_account_create(code=code, username="ava.t", password=GOOD_PASSWORD, password_again=GOOD_PASSWORD)


def correction(county, visit) -> RecordCheck:
    user = joined(county)
    share = services.visit_share(
        visit=visit, actor=county.worker, sections=["child_said"], child_versions=factories.for_child(["child_said"])
    )
    return services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words="I said sister")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# Invites and suspension -------------------------------------------------------------------------


def test_worker_invites_from_the_childs_page_and_sees_the_code_once(client, county):
    client.force_login(county.worker)

    page = client.post(reverse("casework:child-invite", args=[county.child.pk]))

    assert page.status_code == 200
    code = page.context["code"]
    assert code in page.content.decode()
    assert f"/me/join/?code={code}" in page.content.decode()
    assert code not in client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert ChildInvite.objects.filter(child=county.child, used_at__isnull=True).count() == 1


def test_the_invite_code_from_the_page_lets_the_child_join(client, county):
    client.force_login(county.worker)
    code = client.post(reverse("casework:child-invite", args=[county.child.pk])).context["code"]

    user = services.child_account_create(code=code, username="ava.t", password=GOOD_PASSWORD, password_again=GOOD_PASSWORD)

    assert selectors.own_child(user=user) == county.child
    page = client.get(reverse("casework:child-detail", args=[county.child.pk]))
    assert "signs in as <strong>ava.t</strong>" in page.content.decode()


def test_inviting_is_post_only(client, county):
    client.force_login(county.worker)

    assert client.get(reverse("casework:child-invite", args=[county.child.pk])).status_code == 405


@pytest.mark.parametrize(("who", "status"), [("teammate", 403), ("other_worker", 404), ("other_manager", 404), ("admin", 404)])
def test_only_those_who_record_for_the_child_invite_suspend_or_share(client, county, signed_visit, who, status):
    joined(county)
    client.force_login(getattr(county, who))

    answers = [
        client.post(reverse("casework:child-invite", args=[county.child.pk])).status_code,
        client.post(reverse("casework:child-account-suspend", args=[county.child.pk]), {"reason": "x"}).status_code,
        client.post(reverse("casework:child-account-reinstate", args=[county.child.pk])).status_code,
        client.post(reverse("casework:child-story", args=[county.child.pk]), {"my_story": "x"}).status_code,
        client.post(reverse("casework:visit-share", args=[signed_visit.pk]), {"sections": ["child_said"]}).status_code,
    ]

    assert answers == [status] * 5
    assert not SharedRecord.objects.exists()
    assert county.child.account.suspended_at is None


def test_suspending_signs_the_child_out_at_once(client, county):
    user = joined(county)
    child_client = type(client)()
    child_client.force_login(user)
    assert child_client.get(reverse("me:journey")).status_code == 200
    client.force_login(county.manager)

    missing_reason = client.post(reverse("casework:child-account-suspend", args=[county.child.pk]), {"reason": ""})
    done = client.post(reverse("casework:child-account-suspend", args=[county.child.pk]), {"reason": "Carer asked"})

    assert "Why are you suspending" in missing_reason.content.decode()
    assert done.status_code == 302
    assert child_client.get(reverse("me:journey")).status_code in (302, 404)
    page = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert "Suspended" in page and "Carer asked" in page
    client.post(reverse("casework:child-account-reinstate", args=[county.child.pk]))
    county.child.account.refresh_from_db()
    assert not county.child.account.is_suspended


def test_worker_writes_the_childs_story_with_them(client, county):
    client.force_login(county.worker)

    client.post(reverse("casework:child-story", args=[county.child.pk]), {"my_story": "  Mum was poorly.\n"})

    county.child.refresh_from_db()
    assert county.child.my_story == "  Mum was poorly.\n"  # as written
    assert "Mum was poorly." in client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()


# Sharing a visit -------------------------------------------------------------------------------


def test_worker_shares_chosen_parts_of_a_signed_visit(client, county, signed_visit):
    client.force_login(county.worker)
    form = client.get(reverse("casework:visit-share", args=[signed_visit.pk]))
    assert "What you told me" in form.content.decode()
    assert "What happens next" not in form.content.decode()  # nothing written there: not offered

    offered = form.context["form"]["child_child_said"].value()
    assert offered == signed_visit.child_said  # the record's words, offered to rewrite or accept
    shared = {"sections": ["child_said"], "child_child_said": "You told me you like your room.", "note_to_child": "Hi"}
    client.post(reverse("casework:visit-share", args=[signed_visit.pk]), shared)

    share = SharedRecord.objects.get()
    assert share.sections == ["child_said"]
    assert share.child_versions == {"child_said": "You told me you like your room."}
    page = client.get(reverse("casework:visit-detail", args=[signed_visit.pk])).content.decode()
    assert "has not checked it yet" in page


def test_sharing_nothing_keeps_the_note_and_says_why(client, county, signed_visit):
    client.force_login(county.worker)

    page = client.post(reverse("casework:visit-share", args=[signed_visit.pk]), {"note_to_child": "Kept"})

    assert page.status_code == 200
    assert "Kept" in page.content.decode()
    assert not SharedRecord.objects.exists()


def test_a_second_click_on_share_shares_once(client, county, signed_visit):
    client.force_login(county.worker)
    for _ in range(2):
        client.post(
            reverse("casework:visit-share", args=[signed_visit.pk]), {"sections": ["child_said"], "child_child_said": "Hi"}
        )

    assert SharedRecord.objects.filter(visit=signed_visit).count() == 1
    assert SharedRecord.history.filter(visit=signed_visit).count() == 1  # the second click changed nothing


# Corrections --------------------------------------------------------------------------------------


def test_a_correction_shows_on_the_workers_caseload_until_answered(client, county, signed_visit):
    check = correction(county, signed_visit)
    client.force_login(county.worker)

    caseload = client.get(reverse("casework:caseload")).content.decode()
    assert "Children asking for a correction" in caseload
    assert reverse("casework:correction-answer", args=[check.pk]) in caseload
    assert "Correction asked" in caseload

    client.post(
        reverse("casework:correction-answer", args=[check.pk]),
        {"answer": "Changed it.", "child_said": "I want to see my sister more."},
    )

    check.refresh_from_db()
    signed_visit.refresh_from_db()
    assert check.status == codes.CheckStatus.AMENDED
    assert signed_visit.child_said == "I want to see my sister more."
    assert "Children asking for a correction" not in client.get(reverse("casework:caseload")).content.decode()


def test_the_teammate_does_not_see_the_correction_on_their_caseload(client, county, signed_visit):
    correction(county, signed_visit)
    client.force_login(county.teammate)

    assert "Children asking for a correction" not in client.get(reverse("casework:caseload")).content.decode()


def test_answer_page_offers_only_the_shared_parts(client, county, signed_visit):
    check = correction(county, signed_visit)
    client.force_login(county.worker)

    page = client.get(reverse("casework:correction-answer", args=[check.pk])).content.decode()

    assert "I said sister" in page
    assert 'name="child_said"' in page
    assert 'name="analysis"' not in page


def test_an_answer_without_words_is_refused_and_what_was_typed_kept(client, county, signed_visit):
    check = correction(county, signed_visit)
    client.force_login(county.worker)

    page = client.post(reverse("casework:correction-answer", args=[check.pk]), {"answer": "", "child_said": "Typed text"})

    assert page.status_code == 200
    assert "Typed text" in page.content.decode()
    check.refresh_from_db()
    assert check.is_open


@pytest.mark.parametrize(("who", "status"), [("teammate", 403), ("other_worker", 404), ("other_manager", 404)])
def test_outsiders_cannot_answer(client, county, signed_visit, who, status):
    check = correction(county, signed_visit)
    client.force_login(getattr(county, who))

    assert client.post(reverse("casework:correction-answer", args=[check.pk]), {"answer": "No"}).status_code == status
    check.refresh_from_db()
    assert check.is_open


# The API -----------------------------------------------------------------------------------------


def test_api_share_then_child_checks_then_worker_answers(county, signed_visit):
    user = joined(county)

    shared = api(county.worker).post(
        f"/api/v1/visits/{signed_visit.pk}/share/",
        {"sections": ["child_said"], "child_versions": {"child_said": "You told me about your sister."}},
        format="json",
    )
    records = api(user).get("/api/v1/me/records/").json()
    check = api(user).post(
        f"/api/v1/me/records/{shared.json()['id']}/check/",
        {"verdict": "not_right", "child_words": "I said sister"},
        format="json",
    )
    listed = api(county.worker).get("/api/v1/corrections/?status=open").json()
    answered = api(county.worker).post(
        f"/api/v1/corrections/{check.json()['id']}/answer/",
        {
            "answer": "Changed.",
            "changes": {"child_said": "I want to see my sister more."},
            "child_changes": {"child_said": "You told me you want to see your sister more."},
        },
        format="json",
    )

    assert shared.status_code == 201
    assert records["results"][0]["shared"] == [
        {"name": "child_said", "label": "What you told me", "text": "You told me about your sister."}
    ]
    assert "analysis" not in str(records)
    assert check.status_code == 201
    assert [row["id"] for row in listed["results"]] == [check.json()["id"]]
    assert answered.status_code == 200
    assert answered.json()["status"] == "amended"
    corrected = api(user).get("/api/v1/me/records/").json()["results"][0]["shared"][0]["text"]
    assert corrected == "You told me you want to see your sister more."  # the child's version, never the record's
    signed_visit.refresh_from_db()
    assert signed_visit.child_said == "I want to see my sister more."


def test_api_a_child_cannot_reach_another_childs_records_or_any_staff_endpoint(county, signed_visit):
    user = joined(county)
    theirs = factories.SharedRecordFactory(visit__child=county.other_child, visit__author=county.other_worker)
    client = api(user)

    answers = [
        client.get(f"/api/v1/me/records/{theirs.pk}/").status_code,
        client.post(f"/api/v1/me/records/{theirs.pk}/check/", {"verdict": "right"}, format="json").status_code,
        client.get(f"/api/v1/children/{county.child.pk}/").status_code,
        client.get(f"/api/v1/children/{county.other_child.pk}/").status_code,
        client.get(f"/api/v1/visits/{signed_visit.pk}/").status_code,
        client.post(f"/api/v1/visits/{signed_visit.pk}/share/", {"sections": ["child_said"]}, format="json").status_code,
    ]

    assert answers == [404] * 6
    assert client.get("/api/v1/children/").json()["count"] == 0
    assert client.get("/api/v1/visits/").json()["count"] == 0
    assert client.get("/api/v1/corrections/").json()["count"] == 0
    assert not RecordCheck.objects.exists()


def test_api_my_words_for_the_child_only(county):
    user = joined(county)

    changed = api(user).patch("/api/v1/me/words/", {"proud_of": " My swimming badge "}, format="json")

    assert changed.status_code == 200
    assert changed.json()["proud_of"] == " My swimming badge "
    assert api(county.worker).get("/api/v1/me/words/").status_code == 404
    assert APIClient().get("/api/v1/me/words/").status_code in (401, 403)


def test_api_outsiders_do_not_see_corrections(county, signed_visit):
    check = correction(county, signed_visit)

    assert api(county.other_worker).get(f"/api/v1/corrections/{check.pk}/").status_code == 404
    assert api(county.other_manager).get("/api/v1/corrections/").json()["count"] == 0
    teammate = api(county.teammate).post(f"/api/v1/corrections/{check.pk}/answer/", {"answer": "No"}, format="json")
    assert teammate.status_code == 403


def test_an_untouched_multi_line_part_is_not_an_amendment(client, county):
    # Browsers send textarea text with CRLF line ends; the record keeps LF. Explaining must not amend.
    visit = factories.VisitFactory(
        child=county.child, author=county.worker, status=codes.VisitStatus.SIGNED, child_said="Line one.\nLine two."
    )
    check = correction(county, visit)
    client.force_login(county.worker)

    client.post(
        reverse("casework:correction-answer", args=[check.pk]),
        {"answer": "This is what you said.", "child_said": "Line one.\r\nLine two."},
    )

    check.refresh_from_db()
    assert check.status == codes.CheckStatus.EXPLAINED
    assert visit.history.count() == 1  # created, never amended


def test_saving_the_childs_words_unchanged_adds_no_history(client, county):
    services.child_words_update(child=county.child, actor=county.worker, my_story="We moved.\nThen I came here.")
    before = county.child.history.count()
    client.force_login(county.worker)

    page = client.post(reverse("casework:child-story", args=[county.child.pk]), {"my_story": "We moved.\r\nThen I came here."})

    assert page.status_code == 302
    assert county.child.history.count() == before
