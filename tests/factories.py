"""factory_boy factories for Hearth's records. Names are generated: no real people.

The values kept for the dashboard's measures (a visit's next statutory visit, an allocation's first change that
day, a session's requested_by_child) are PostgreSQL's to keep (casework migration 0008): a factory's row has them
in the database, not on the object it returns."""

import datetime

import factory
from django.utils import timezone

from casework import codes
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
    social_work_england_id = factory.Sequence(lambda n: f"SW{100000 + n}")
    password = factory.django.Password(PASSWORD)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365 * 10))
    sex = codes.Sex.FEMALE
    ethnicity = codes.Ethnicity.WBRI
    upn = ""
    upn_unknown = factory.LazyAttribute(lambda child: "" if child.upn else codes.UpnUnknown.UN5)
    home_postcode = "WR1 2AA"  # in Worcester, the council the tests' settings name


class CareEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareEpisode

    child = factory.SubFactory(ChildFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))
    category_of_need = "N1"


class LegalStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalStatus

    child = factory.SubFactory(ChildFactory)
    code = codes.LegalStatusCode.C2
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=400))


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    child = factory.SubFactory(ChildFactory)
    worker = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=300))


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    child = factory.SubFactory(ChildFactory)
    name = factory.Faker("name")
    relationship = codes.Relationship.FULL_SIBLING


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    child = factory.SubFactory(ChildFactory)
    author = factory.SubFactory(UserFactory)
    visit_type = codes.VisitType.STATUTORY
    visited_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    observations = "Settled and chatty; showed me the garden."
    # A visit as the measures count it: signed by its author (only a signed record is a visit). Pass status="draft"
    # (and signed_at=None, signed_by=None) for one still being written.
    status = codes.VisitStatus.SIGNED
    signed_at = factory.SelfAttribute("visited_at")
    signed_by = factory.SelfAttribute("author")


class DraftVisitFactory(VisitFactory):
    """A visit still being written: not yet a visit for the measures or the caseload."""

    status = codes.VisitStatus.DRAFT
    signed_at = None
    signed_by = None


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


# The child's version of each part of a visit, written to them: tests tell it from the record's words.
FOR_CHILD: dict[str, str] = {
    codes.SharedSection.CHILD_SAID: "You told me you like your room.",
    codes.SharedSection.OBSERVATIONS: "I saw your room and your badges.",
    codes.SharedSection.ANALYSIS: "I think you are happy where you live.",
    codes.SharedSection.ACTIONS: "I will ask about more time with your brother.",
}


def for_child(sections: list[str]) -> dict[str, str]:
    """The child's versions of `sections`, for services.visit_share."""
    return {section: FOR_CHILD.get(section, "Written for you.") for section in sections}


class SharedRecordFactory(factory.django.DjangoModelFactory):
    """A signed visit with what the child said and the observations shared with the child, in their versions."""

    class Meta:
        model = SharedRecord

    visit = factory.SubFactory(VisitFactory, status=codes.VisitStatus.SIGNED, child_said="I like my new room.")
    sections = factory.LazyFunction(lambda: [codes.SharedSection.CHILD_SAID, codes.SharedSection.OBSERVATIONS])
    child_versions = factory.LazyAttribute(lambda share: for_child(share.sections))
    shared_by = factory.SelfAttribute("visit.author")
