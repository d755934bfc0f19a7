"""Child accounts, sharing records with a child and the child's correction requests: the services and selectors."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from casework import codes, selectors, services
from casework.models import ChildAccount, ChildInvite, RecordCheck, User
from tests import factories

GOOD_PASSWORD = "purple-dragon-42"


def invite(county, child=None, actor=None) -> str:
    _, code = services.child_invite_create(child=child or county.child, actor=actor or county.worker)
    return code


def join(code: str, username: str = "ava.t", password: str = GOOD_PASSWORD) -> User:
    return services.child_account_create(code=code, username=username, password=password, password_again=password)


# Invites and accounts ------------------------------------------------------------------------


def test_worker_invites_and_child_chooses_a_password(county):
    code = invite(county)

    user = join(code)

    assert user.role == codes.Role.CHILD
    assert user.check_password(GOOD_PASSWORD)
    assert selectors.own_child(user=user) == county.child
    assert ChildInvite.objects.get().used_at is not None


def test_only_a_hash_of_the_code_is_kept(county):
    code = invite(county)

    stored = ChildInvite.objects.get()
    assert code.replace("-", "") not in stored.code_hash
    assert stored.code_hash == services.invite_code_hash(code.lower().replace("-", " "))


def test_a_code_works_once(county):
    code = invite(county)
    join(code)

    with pytest.raises(ValidationError) as error:
        join(code, username="someone.else")

    assert "already been used" in str(error.value.message_dict["code"])
    assert ChildAccount.objects.count() == 1


def test_an_old_code_is_refused(county):
    code = invite(county)
    ChildInvite.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(ValidationError) as error:
        join(code)

    assert "too old" in str(error.value.message_dict["code"])
    assert not User.objects.filter(role=codes.Role.CHILD).exists()


def test_a_new_invite_cancels_the_unused_one(county):
    first = invite(county)
    second = invite(county)

    with pytest.raises(ValidationError):
        join(first)
    assert join(second).role == codes.Role.CHILD


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [
        ("short1", "short1", "password"),
        ("password1234", "password1234", "password"),
        (GOOD_PASSWORD, "different-one-99", "password_again"),
    ],
)
def test_weak_or_mistyped_passwords_are_refused_with_a_message(county, password, again, field):
    code = invite(county)

    with pytest.raises(ValidationError) as error:
        services.child_account_create(code=code, username="ava.t", password=password, password_again=again)

    assert field in error.value.message_dict
    assert ChildInvite.objects.get().used_at is None  # the code still works for the next try


def test_a_username_already_taken_is_refused(county):
    code = invite(county)

    with pytest.raises(ValidationError) as error:
        join(code, username=county.worker.username)

    assert "username" in error.value.message_dict


def test_an_invite_for_a_child_with_an_account_sets_a_new_password(county):
    user = join(invite(county))

    again = join(invite(county), username="ignored", password="a-brand-new-pass-7")

    assert again.pk == user.pk
    assert again.check_password("a-brand-new-pass-7")


@pytest.mark.parametrize("actor", ["teammate", "other_worker", "other_manager", "admin"])
def test_only_those_who_record_for_the_child_can_invite(county, actor):
    with pytest.raises((PermissionDenied, Http404)):
        services.child_invite_create(child=county.child, actor=getattr(county, actor))


@pytest.mark.parametrize("actor", ["worker", "manager", "head"])
def test_worker_or_manager_suspends_at_once_and_reinstates(county, actor):
    user = join(invite(county))

    services.child_account_suspend(child=county.child, actor=getattr(county, actor), reason="Asked by the carer")

    user.refresh_from_db()
    assert not user.is_active
    with pytest.raises(Http404):
        selectors.own_child(user=user)
    with pytest.raises(ValidationError):
        invite(county)
    services.child_account_reinstate(child=county.child, actor=county.worker)
    user.refresh_from_db()
    assert user.is_active
    assert selectors.own_child(user=user) == county.child


def test_suspending_needs_a_reason_and_is_in_the_history(county):
    join(invite(county))
    with pytest.raises(ValidationError):
        services.child_account_suspend(child=county.child, actor=county.worker, reason=" ")

    services.child_account_suspend(child=county.child, actor=county.worker, reason="Safety")

    latest = county.child.account.history.latest()
    assert latest.history_user == county.worker
    assert latest.history_change_reason == "Suspended"


def test_a_child_sees_no_staff_record_not_even_their_own(county):
    user = join(invite(county))

    assert not selectors.children_visible_to(user=user).exists()
    assert not selectors.visits_visible_to(user=user).exists()
    with pytest.raises(Http404):
        selectors.child_get(user=user, child_id=county.child.pk)


@pytest.mark.parametrize("who", ["worker", "head", "admin"])
def test_staff_have_no_journey(county, who):
    with pytest.raises(Http404):
        selectors.own_child(user=getattr(county, who))


# The child's words -----------------------------------------------------------------------------


def test_child_words_are_kept_exactly_as_written_with_history(county):
    user = join(invite(county))

    services.child_words_update(child=county.child, actor=user, proud_of="  I learned to swim!!  ")
    services.child_words_update(child=county.child, actor=user, proud_of="I can swim 10 lengths")

    county.child.refresh_from_db()
    assert county.child.proud_of == "I can swim 10 lengths"
    versions = [h.proud_of for h in county.child.history.order_by("history_id")]
    assert versions[-2:] == ["  I learned to swim!!  ", "I can swim 10 lengths"]
    assert county.child.history.latest().history_change_reason == "Written by the child"


def test_worker_writes_the_story_with_the_child(county):
    services.child_words_update(child=county.child, actor=county.worker, my_story="Mum was poorly and couldn't look after us.")

    county.child.refresh_from_db()
    assert county.child.my_story.startswith("Mum was poorly")


def test_a_child_cannot_change_another_childs_words(county):
    user = join(invite(county))

    with pytest.raises(PermissionDenied):
        services.child_words_update(child=county.other_child, actor=user, proud_of="not mine")


def test_only_the_childs_words_can_be_changed_this_way(county):
    user = join(invite(county))

    with pytest.raises(ValidationError):
        services.child_words_update(child=county.child, actor=user, first_name="Changed")


# Sharing and checking ----------------------------------------------------------------------


def signed_visit(county, **fields):
    defaults = {"child_said": "I want to see my brother more.", "analysis": "Staff-only thinking."}
    return factories.VisitFactory(child=county.child, author=county.worker, status=codes.VisitStatus.SIGNED, **defaults | fields)


def test_worker_shares_chosen_sections_of_a_signed_visit(county):
    visit = signed_visit(county)

    share = services.visit_share(
        visit=visit,
        actor=county.worker,
        sections=["observations", "child_said"],
        child_versions=factories.for_child(["observations", "child_said"]),
        note_to_child="Is this right?",
    )

    assert share.sections == ["child_said", "observations"]  # in the record's order
    assert [label for _, label in share.section_labels()] == ["What you told me", "What I saw and heard"]


@pytest.mark.parametrize(
    ("sections", "message"),
    [([], "at least one"), (["child_said", "notes"], "at least one"), (["actions"], "Nothing is written")],
)
def test_sharing_refuses_nothing_unknown_or_empty_sections(county, sections, message):
    with pytest.raises(ValidationError) as error:
        services.visit_share(
            visit=signed_visit(county, actions=""),
            actor=county.worker,
            sections=sections,
            child_versions=factories.for_child(sections),
        )

    assert message in str(error.value)


def test_a_draft_cannot_be_shared(county):
    draft = factories.DraftVisitFactory(child=county.child, author=county.worker)

    with pytest.raises(ValidationError, match="Sign the visit"):
        services.visit_share(
            visit=draft, actor=county.worker, sections=["observations"], child_versions=factories.for_child(["observations"])
        )


def test_a_teammate_cannot_share(county):
    with pytest.raises(PermissionDenied):
        services.visit_share(
            visit=signed_visit(county),
            actor=county.teammate,
            sections=["observations"],
            child_versions=factories.for_child(["observations"]),
        )


def test_child_sees_only_records_shared_with_them(county):
    user = join(invite(county))
    shared = services.visit_share(
        visit=signed_visit(county),
        actor=county.worker,
        sections=["child_said"],
        child_versions=factories.for_child(["child_said"]),
    )
    signed_visit(county)  # not shared
    factories.SharedRecordFactory(visit__child=county.other_child, visit__author=county.other_worker)

    assert list(selectors.shared_records_for_child(user=user)) == [shared]


def test_child_cannot_reach_another_childs_shared_record_by_id(county):
    user = join(invite(county))
    theirs = factories.SharedRecordFactory(visit__child=county.other_child, visit__author=county.other_worker)

    with pytest.raises(Http404):
        selectors.shared_record_for_child(user=user, shared_record_id=theirs.pk)
    with pytest.raises(PermissionDenied):
        services.record_check(shared_record=theirs, actor=user, verdict=codes.Verdict.RIGHT)
    assert not RecordCheck.objects.exists()


def test_this_is_right_needs_no_words_and_opens_nothing(county):
    user = join(invite(county))
    share = services.visit_share(
        visit=signed_visit(county),
        actor=county.worker,
        sections=["child_said"],
        child_versions=factories.for_child(["child_said"]),
    )

    check = services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.RIGHT)

    assert check.status == codes.CheckStatus.AGREED
    assert not selectors.open_corrections_for(user=county.worker).exists()
    assert services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.RIGHT) == check  # a double tap
    assert RecordCheck.objects.count() == 1


def test_this_isnt_right_needs_the_childs_words_and_asks_the_worker(county):
    user = join(invite(county))
    share = services.visit_share(
        visit=signed_visit(county),
        actor=county.worker,
        sections=["child_said"],
        child_versions=factories.for_child(["child_said"]),
    )
    with pytest.raises(ValidationError):
        services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words="  ")

    check = services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words="I said sister")

    assert list(selectors.open_corrections_for(user=county.worker)) == [check]
    assert not selectors.open_corrections_for(user=county.teammate).exists()
    assert not selectors.open_corrections_for(user=county.other_worker).exists()
    with pytest.raises(ValidationError, match="already told"):
        services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words="again")


def test_worker_amends_the_record_and_history_keeps_both_versions(county):
    user = join(invite(county))
    visit = signed_visit(county)
    share = services.visit_share(
        visit=visit, actor=county.worker, sections=["child_said"], child_versions=factories.for_child(["child_said"])
    )
    check = services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words="I said sister")

    services.correction_answer(
        check=check,
        actor=county.worker,
        answer="You're right, I've changed it.",
        changes={"child_said": "I want to see my sister more.", "analysis": "not a shared section: ignored"},
    )

    visit.refresh_from_db()
    check.refresh_from_db()
    assert check.status == codes.CheckStatus.AMENDED
    assert visit.child_said == "I want to see my sister more."
    assert visit.analysis == "Staff-only thinking."
    texts = [h.child_said for h in visit.history.order_by("history_id")]
    assert texts[-2:] == ["I want to see my brother more.", "I want to see my sister more."]
    assert "I said sister" in visit.history.latest().history_change_reason
    assert not selectors.open_corrections_for(user=county.worker).exists()


def test_worker_explains_why_not_and_the_child_sees_it(county):
    user = join(invite(county))
    share = services.visit_share(
        visit=signed_visit(county),
        actor=county.worker,
        sections=["child_said"],
        child_versions=factories.for_child(["child_said"]),
    )
    check = services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words="Wrong")
    with pytest.raises(ValidationError):
        services.correction_answer(check=check, actor=county.worker, answer="")

    services.correction_answer(check=check, actor=county.worker, answer="This is what you told me; let's talk on Friday.")

    seen = selectors.shared_record_for_child(user=user, shared_record_id=share.pk).checks.all()[0]
    assert seen.status == codes.CheckStatus.EXPLAINED
    assert seen.answer.startswith("This is what you told me")
    with pytest.raises(ValidationError, match="already been answered"):
        services.correction_answer(check=check, actor=county.worker, answer="Twice")


@pytest.mark.parametrize("actor", ["teammate", "other_worker"])
def test_only_those_who_record_for_the_child_answer(county, actor):
    user = join(invite(county))
    share = services.visit_share(
        visit=signed_visit(county),
        actor=county.worker,
        sections=["child_said"],
        child_versions=factories.for_child(["child_said"]),
    )
    check = services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words="No")

    with pytest.raises(PermissionDenied):
        services.correction_answer(check=check, actor=getattr(county, actor), answer="No")
    with pytest.raises(Http404):
        selectors.correction_get(user=county.other_worker, check_id=check.pk)


def test_people_who_matter_never_carry_staff_notes(county):
    factories.FamilyMemberFactory(child=county.child, name="Sam", notes="Staff-only: court papers")

    people = list(selectors.people_who_matter_to_child(child=county.child))

    assert [person.name for person in people] == ["Sam"]
    assert "notes" in people[0].get_deferred_fields()
