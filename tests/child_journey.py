"""A child with a journey like the demo county's: an account, words of their own, two workers, two homes,
a brother with contact planned, a star with their own answers, and a visit shared with them.

Staff-only text is planted with STAFF_ONLY in it, so tests can check it never reaches a child's page."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from casework import codes, services
from casework.models import Allocation, ChildAccount, FamilyMember, SharedRecord, User
from outcomes import codes as outcome_codes
from outcomes.models import CheckIn, Star
from tests import factories
from tests.conftest import County
from tests.outcomes.factories import record, start_star
from tests.placements.factories import HomeFactory, PlacementEpisodeFactory

STAFF_ONLY = "STAFF-ONLY"
# The shared visit as Ava reads it: her worker's version written to her, not the record's words.
FOR_AVA = {
    "child_said": "You told me you like your room, and you want to see Kai more.",
    "observations": "You showed me your room and your swimming badge.",
}
CHILD_USERNAME = "ava.t"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@dataclass
class ChildJourney:
    user: User
    account: ChildAccount
    brother: FamilyMember
    earlier_worker: Allocation
    star: Star
    own_check_ins: list[CheckIn]
    worker_check_in: CheckIn
    shared: SharedRecord


def child_account(child, username: str = CHILD_USERNAME) -> ChildAccount:
    """An account for the child, signed in with tests.factories.PASSWORD."""
    return factories.ChildAccountFactory(child=child, user__username=username)


def build_journey(county: County) -> ChildJourney:
    child, worker = county.child, county.worker
    account = child_account(child)
    child.my_story = "Mum was poorly.\nShe could not look after me, so I came to live with a family."
    child.proud_of = "I learned to swim!"
    child.people_who_matter = "My brother Kai and my Nan."
    child.save()

    worker.first_name, worker.last_name = "Jo", "Harper"
    worker.introduction = "Hi, I'm Jo. I will visit you every few weeks. We can talk about anything."
    worker.save()
    county.teammate.introduction = "Hello, I'm your first worker. I help children find a safe home."
    county.teammate.save()
    earlier = factories.AllocationFactory(
        child=child,
        worker=county.teammate,
        started_on=days_ago(400),
        ended_on=days_ago(301),
        end_reason=codes.WorkerChangeReason.LEFTRL,
    )

    brother = factories.FamilyMemberFactory(
        child=child, name="Kai", relationship=codes.Relationship.FULL_SIBLING, notes=f"{STAFF_ONLY}: court papers"
    )
    factories.FamilyMemberFactory(
        child=child, name="Nan Rose", relationship=codes.Relationship.GRANDPARENT, notes=f"{STAFF_ONLY}: health worries"
    )
    arrangement = factories.SiblingContactArrangementFactory(child=child, sibling=brother, plan=f"{STAFF_ONLY} plan")
    factories.SiblingContactSessionFactory(
        arrangement=arrangement, planned_on=timezone.localdate() + datetime.timedelta(days=10), status="planned"
    )

    first_home = HomeFactory(name=f"Patel foster carers ({STAFF_ONLY})", child_facing_name="Living with Sam and Priya")
    second_home = HomeFactory(name=f"Rose kinship carers ({STAFF_ONLY})", child_facing_name="Living with Nan")
    PlacementEpisodeFactory(child=child, home=first_home, started_on=days_ago(400), ended_on=days_ago(200))
    PlacementEpisodeFactory(child=child, home=second_home, started_on=days_ago(200))

    star = start_star(child, worker, days=300)
    own = [
        record(star, worker, {"Feeling safe": 4, "Home": 3, "Learning": 5}, days=250),
        record(star, worker, {"Feeling safe": 8, "Home": 9, "Learning": 6}, days=20, stage=outcome_codes.Stage.REVIEW),
    ]
    worker_check_in = record(star, worker, {"Feeling safe": 2}, days=20, respondent=outcome_codes.Respondent.WORKER)
    worker_check_in.scores.update(comment=f"{STAFF_ONLY} worker comment")

    visit = factories.VisitFactory(
        child=child,
        author=worker,
        status=codes.VisitStatus.SIGNED,
        child_said="I like my room and I want to see Kai more.",
        observations="Ava showed me her room and her swimming badge.",
        analysis=f"{STAFF_ONLY} analysis",
        actions="Ask about more time with Kai.",
        location=f"{STAFF_ONLY} location",
    )
    shared = services.visit_share(
        visit=visit,
        actor=worker,
        sections=["child_said", "observations"],
        child_versions=FOR_AVA,
        note_to_child="Is this right? Tell me.",
    )
    return ChildJourney(account.user, account, brother, earlier, star, own, worker_check_in, shared)
