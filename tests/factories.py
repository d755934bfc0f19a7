"""factory_boy factories for Hearth's records. Names are generated: no real people."""

import datetime

import factory
from django.utils import timezone

from casework import codes, services
from casework.models import (
    Allocation,
    CareEpisode,
    Child,
    ChildAccount,
    FamilyMember,
    LegalStatus,
    SharedRecord,
    SiblingContactArrangement,
    SiblingContactSession,
    Team,
    User,
    Visit,
)

PASSWORD = "a-test-password-1"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Children in Care Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"worker{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = codes.Role.SOCIAL_WORKER
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password(PASSWORD)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365 * 10))
    sex = codes.Sex.FEMALE
    ethnicity = codes.Ethnicity.WBRI


class CareEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareEpisode
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))

    @factory.post_generation
    def linked(episode: CareEpisode, create: bool, extracted: object, **kwargs: object) -> None:
        """What the care services keep: the child's statutory visits know the end of the care they were made in."""
        if create:
            services.statutory_visits_link(child_id=episode.child_id)


class LegalStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalStatus

    child = factory.SubFactory(ChildFactory)
    code = codes.LegalStatusCode.C2
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation
        skip_postgeneration_save = True  # a second save would write the mark the hook just set back

    child = factory.SubFactory(ChildFactory)
    worker = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=300))

    @factory.post_generation
    def marked(allocation: Allocation, create: bool, extracted: object, **kwargs: object) -> None:
        """What allocation_change keeps: which of the child's allocations ended with a first change that day."""
        if create:
            services.worker_changes_mark(child_id=allocation.child_id)
            allocation.refresh_from_db(fields=["first_change_that_day"])


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    child = factory.SubFactory(ChildFactory)
    name = factory.Faker("name")
    relationship = codes.Relationship.FULL_SIBLING


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True  # a second save would write the pointer the link just set back to empty

    child = factory.SubFactory(ChildFactory)
    author = factory.SubFactory(UserFactory)
    visit_type = codes.VisitType.STATUTORY
    visited_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    observations = "Settled and chatty; showed me the garden."

    @factory.post_generation
    def linked(visit: Visit, create: bool, extracted: object, **kwargs: object) -> None:
        """What the visit services keep: each statutory visit points at the child's next one."""
        if create:
            services.statutory_visits_link(child_id=visit.child_id)


class SiblingContactArrangementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiblingContactArrangement

    child = factory.SubFactory(ChildFactory)
    sibling = factory.SubFactory(FamilyMemberFactory, child=factory.SelfAttribute("..child"))
    frequency = codes.ContactFrequency.MONTHLY
    requested_by_child = True
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))


class SiblingContactSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiblingContactSession

    arrangement = factory.SubFactory(SiblingContactArrangementFactory)
    planned_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    status = codes.ContactSessionStatus.HAPPENED
    requested_by_child = factory.LazyAttribute(lambda session: session.arrangement.requested_by_child)  # as the service copies it


class ChildUserFactory(UserFactory):
    """The sign-in of a child or young person: no team, the child role."""

    username = factory.Sequence(lambda n: f"young.person{n}")
    role = codes.Role.CHILD
    team = None


class ChildAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildAccount

    child = factory.SubFactory(ChildFactory)
    user = factory.SubFactory(ChildUserFactory, first_name=factory.SelfAttribute("..child.first_name"))


class SharedRecordFactory(factory.django.DjangoModelFactory):
    """A signed visit with the observations shared with the child."""

    class Meta:
        model = SharedRecord

    visit = factory.SubFactory(VisitFactory, status=codes.VisitStatus.SIGNED, child_said="I like my new room.")
    sections = factory.LazyFunction(lambda: [codes.SharedSection.CHILD_SAID, codes.SharedSection.OBSERVATIONS])
    shared_by = factory.SelfAttribute("visit.author")
