"""The demo county: generated, deterministic, and true to the rules that real records follow."""

import bisect
import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.test import RequestFactory
from django.utils import timezone

from casework import codes, selectors, services
from casework.demo.county import DEMO_PASSWORD
from casework.models import (
    Allocation,
    CareEpisode,
    CareLeaverContact,
    Child,
    ChildAccount,
    FamilyMember,
    HealthRecord,
    LegalStatus,
    LookedAfterReview,
    MissingEpisode,
    RecordCheck,
    SharedRecord,
    SiblingContactArrangement,
    SiblingContactSession,
    Team,
    User,
    Visit,
)
from tests.casework import kept

pytestmark = pytest.mark.django_db


def build(**options: object) -> str:
    out = StringIO()
    call_command("demo_county", stdout=out, **options)
    return out.getvalue()


def in_care_ids() -> set[int]:
    return set(CareEpisode.objects.filter(ended_on__isnull=True).values_list("child_id", flat=True))


def fingerprint() -> str:
    """Names, dates and who-did-what, without database ids (which differ between runs)."""
    parts = [
        sorted(
            Child.objects.values_list("first_name", "last_name", "preferred_name", "date_of_birth", "sex", "ethnicity", "upn")
        ),
        sorted(CareEpisode.objects.values_list("child__first_name", "child__last_name", "started_on", "ended_on")),
        sorted(
            Allocation.objects.values_list(
                "child__first_name", "child__last_name", "worker__username", "started_on", "end_reason"
            )
        ),
        sorted(
            Visit.objects.values_list("child__first_name", "child__last_name", "author__username", "visited_at", "visit_type")
        ),
        sorted(FamilyMember.objects.values_list("child__first_name", "name", "relationship", "own_record__first_name")),
        sorted(SiblingContactSession.objects.values_list("arrangement__sibling__name", "planned_on", "status")),
        sorted(map(repr, HealthRecord.objects.values_list("child__first_name", "year_ending", "sdq_score", "teeth_check"))),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def wipe() -> None:
    for model in (
        LookedAfterReview,
        MissingEpisode,
        RecordCheck,
        SharedRecord,
        ChildAccount,
        SiblingContactSession,
        SiblingContactArrangement,
        Visit,
        HealthRecord,
        CareLeaverContact,
        FamilyMember,
        Allocation,
        LegalStatus,
        CareEpisode,
        Child,
    ):
        model.objects.all().delete()
    User.objects.all().delete()
    Team.objects.all().delete()


def test_demo_users_sign_in_with_the_demo_password_and_have_their_roles():
    build(children=40)
    request = RequestFactory().post("/accounts/login/")
    for username in ("worker", "teammate", "manager", "head", "admin", "young.person"):
        user = authenticate(request=request, username=username, password=DEMO_PASSWORD)
        assert user is not None and user.username == username
    assert authenticate(request=request, username="worker", password="not-the-password") is None
    worker, teammate, manager = (User.objects.get(username=name) for name in ("worker", "teammate", "manager"))
    assert worker.role == teammate.role == codes.Role.SOCIAL_WORKER and manager.role == codes.Role.TEAM_MANAGER
    assert worker.team_id == teammate.team_id == manager.team_id is not None
    young_person = User.objects.get(username="young.person")
    assert young_person.role == codes.Role.CHILD
    assert selectors.own_child(user=young_person).allocations.get(ended_on__isnull=True).worker == worker
    assert selectors.open_corrections_for(user=worker).count() == 1
    assert selectors.shared_records_for_child(user=young_person).count() == 1
    assert User.objects.get(username="head").role == codes.Role.HEAD_OF_SERVICE
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser and admin.role == codes.Role.ADMINISTRATOR
    assert admin.has_perm("casework.change_user") and admin.has_perm("casework.add_team")
    assert not admin.has_perm("casework.view_child")


def test_the_same_seed_builds_the_same_county_and_another_seed_does_not():
    build(children=40, seed=7)
    first = fingerprint()
    wipe()
    build(children=40, seed=7)
    assert fingerprint() == first
    wipe()
    build(children=40, seed=8)
    assert fingerprint() != first


def test_if_empty_leaves_a_populated_database_alone():
    build(children=40)
    before = (Child.objects.count(), Visit.objects.count(), User.objects.count())
    out = build(children=40, if_empty=True)
    assert "not added" in out
    assert (Child.objects.count(), Visit.objects.count(), User.objects.count()) == before
    with pytest.raises(CommandError):
        build(children=40)


def test_the_county_has_the_children_asked_for():
    out = build(children=40, known=15)
    assert len(in_care_ids()) == 40
    assert Child.objects.count() == 55
    assert "Children in care with a worker change in 24 months" in out


def test_every_open_child_has_exactly_one_current_allocation_and_closed_children_none():
    build(children=40)
    current = Child.objects.annotate(n=Count("allocations", filter=Q(allocations__ended_on__isnull=True)))
    assert set(current.filter(status=codes.CaseStatus.OPEN).values_list("n", flat=True)) == {1}
    assert not current.exclude(status=codes.CaseStatus.OPEN).filter(n__gt=0).exists()
    assert not Allocation.objects.filter(ended_on__isnull=False, end_reason="").exists()
    assert not Allocation.objects.filter(ended_on__lt=F("started_on")).exists()


def test_the_database_keeps_the_values_for_the_measures_of_the_records_the_demo_copies_in():
    """The demo leaves them to PostgreSQL's triggers: each day's first change of worker, each statutory visit's next
    visit and the end of its care, each session's requested_by_child."""
    build(children=40)
    assert any(kept.first_changes().values())
    assert any(until for _, until, _ in kept.visit_links().values())
    assert any(kept.sessions_asked_for().values())
    assert kept.kept_now() == kept.expected()


def test_every_child_in_care_has_one_current_legal_status_and_one_open_episode():
    build(children=40)
    ids = in_care_ids()
    per_child = LegalStatus.objects.filter(ended_on__isnull=True).values("child_id").annotate(n=Count("id"))
    assert {row["child_id"] for row in per_child} == ids
    assert {row["n"] for row in per_child} == {1}


def test_reviews_and_missing_episodes_follow_the_services_rules():
    """Each review and missing episode the demo writes, checked by the services' own rule checks, as a page would."""
    build(children=40)
    reviews = list(LookedAfterReview.objects.select_related("child"))
    episodes = list(MissingEpisode.objects.select_related("child"))
    assert len(reviews) > 40 and {review.participation for review in reviews} >= {"PN1", "PN6"}
    assert episodes and all(episode.ended_on for episode in episodes)  # none still missing: see casework/demo/reviews.py
    for review in reviews:
        services._check_review(review)
    for episode in episodes:
        services._check_missing_in_care(episode)
        services._check_return_interview(episode)
        services._check_no_overlap(episode)
    gaps = [(later.reviewed_on - earlier.reviewed_on).days for earlier, later in zip(reviews, reviews[1:], strict=False)
            if earlier.child_id == later.child_id]  # fmt: skip
    assert gaps and max(abs(gap) for gap in gaps) <= 182  # every six months at the longest


def test_no_visit_is_in_the_future_or_before_the_child_was_born():
    build(children=40)
    assert Visit.objects.count() > 100
    assert not Visit.objects.filter(visited_at__gt=timezone.now()).exists()
    assert not Visit.objects.filter(visited_at__date__lt=F("child__date_of_birth")).exists()
    assert not Visit.objects.filter(signed_at__gt=timezone.now()).exists()


def test_each_visit_is_by_the_worker_allocated_that_day():
    build(children=40)
    allocations: dict[int, list[tuple[datetime.date, int]]] = {}
    for child_id, started_on, worker_id in Allocation.objects.order_by("started_on").values_list(
        "child_id", "started_on", "worker_id"
    ):
        allocations.setdefault(child_id, []).append((started_on, worker_id))
    visits = list(Visit.objects.values_list("child_id", "visited_at", "author_id"))
    assert visits
    for child_id, visited_at, author_id in visits:
        history = allocations[child_id]
        day = timezone.localdate(visited_at)
        assert history[bisect.bisect_right([start for start, _ in history], day) - 1][1] == author_id


def test_about_one_child_in_ten_is_overdue_a_statutory_visit():
    build(children=200)
    six_weeks_ago = timezone.now() - datetime.timedelta(weeks=6)
    statutory = Visit.objects.filter(visit_type=codes.VisitType.STATUTORY)
    recent = set(statutory.filter(visited_at__gte=six_weeks_ago).values_list("child_id", flat=True))
    overdue = len(in_care_ids() - recent) / len(in_care_ids())
    assert 0.03 <= overdue <= 0.20


def test_worker_changes_look_like_the_national_figures():
    build(children=200)
    since = timezone.localdate() - datetime.timedelta(days=730)
    changes = Allocation.objects.filter(child_id__in=in_care_ids(), ended_on__gt=since)
    share = changes.values("child_id").distinct().count() / len(in_care_ids())
    between_teams = changes.filter(end_reason=codes.WorkerChangeReason.TSPROC).count() / changes.count()
    assert 0.65 <= share <= 0.95
    assert 0.40 <= between_teams <= 0.70


def test_transfers_between_teams_move_the_child_to_another_team():
    build(children=40)
    rows = list(Allocation.objects.order_by("child_id", "started_on").values_list("child_id", "worker__team_id", "end_reason"))
    pairs = [(a, b) for a, b in zip(rows, rows[1:], strict=False) if a[0] == b[0]]
    assert pairs
    for (_, team, reason), (_, next_team, _) in pairs:
        assert (reason == codes.WorkerChangeReason.TSPROC) == (team != next_team)


def test_worker_has_a_caseload_of_children_in_care():
    build(children=40)
    worker = User.objects.get(username="worker")
    caseload = set(selectors.my_caseload(user=worker).values_list("pk", flat=True))
    assert 10 <= len(caseload) <= 14
    assert caseload <= in_care_ids()


def test_the_many_moves_journey_ends_with_one_worker_since_age_ten():
    build(children=40)
    today = timezone.localdate()
    caseload = selectors.my_caseload(user=User.objects.get(username="worker"))
    many_workers = Child.objects.filter(pk__in=caseload).annotate(n=Count("allocations")).filter(n__gte=7)
    found = [
        child
        for child in many_workers
        if child.age_on(today) == 12
        and child.allocations.get(ended_on__isnull=True).started_on < today - datetime.timedelta(days=730)
    ]
    assert len(found) == 1


def test_brothers_and_sisters_in_care_point_at_each_other():
    build(children=200)
    links = set(
        FamilyMember.objects.filter(own_record__isnull=False).values_list("child_id", "own_record_id", "lives_with_child")
    )
    assert links
    assert {(b, a, together) for a, b, together in links} == links


def test_brothers_and_sisters_the_demo_places_together_share_their_homes():
    """Living together is worked out from homes (casework.homes), so the demo's "together" is a shared home."""
    from casework.homes import homes_on, together

    build(children=200)
    today = timezone.localdate()
    links = list(
        FamilyMember.objects.filter(own_record__isnull=False).values_list("child_id", "own_record_id", "lives_with_child")
    )
    homes = homes_on(today, {child for child, _, _ in links} | {sibling for _, sibling, _ in links})
    placed_together = [(child, sibling) for child, sibling, flagged in links if flagged]
    assert placed_together
    assert all(together(homes, child, sibling) for child, sibling in placed_together)


def test_sibling_contact_sessions_follow_the_rules():
    build(children=200)
    sessions = SiblingContactSession.objects
    assert sessions.count() > 100
    happened = sessions.filter(status=codes.ContactSessionStatus.HAPPENED).count() / sessions.count()
    assert 0.65 <= happened <= 0.85
    cancelled = sessions.filter(status=codes.ContactSessionStatus.CANCELLED)
    assert cancelled.exists() and not cancelled.filter(Q(cancelled_by="") | Q(cancel_reason="")).exists()
    assert not sessions.filter(status=codes.ContactSessionStatus.HAPPENED, planned_on__gt=timezone.localdate()).exists()
    assert not sessions.filter(planned_on__lt=F("arrangement__started_on")).exists()


def test_too_small_a_county_is_refused():
    with pytest.raises(CommandError):
        build(children=5)


def test_every_closed_child_in_the_demo_says_why() -> None:
    """A closed case always has a reason (issue 16), the demo's too."""
    build(children=120, seed=3)
    closed = Child.objects.filter(status=codes.CaseStatus.CLOSED)
    assert closed.exists()
    assert not closed.filter(closed_reason="").exists()
