"""Factories for homes, children's homes and decisions. Names are generated: no real people."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from casework.models import Child, User
from placements import codes
from placements.models import Adoption, AdoptionDecision, Home, PlacementDecision, PlacementEpisode, Provider
from tests.factories import CareEpisodeFactory, ChildFactory


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Council fostering service {n}")
    kind = codes.ProviderKind.IN_HOUSE_FOSTER
    provider_code = codes.ProviderCode.PR1


class HomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Home

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Foster carers {n} (in-house)")
    child_facing_name = factory.Sequence(lambda n: f"Living with Sam and Priya {n}")
    rung = codes.Rung.IN_HOUSE_FOSTER
    place_code = codes.PlaceCode.U6
    postcode = "WR5 3DA"  # in Worcester, the council the tests' settings name
    # Its fostering service's Ofsted URN; none for a type of home Ofsted does not register.
    urn = factory.LazyAttributeSequence(lambda o, n: "" if o.place_code in codes.NO_URN_PLACES else f"SC{200000 + n}")
    capacity = 2
    weekly_cost = Decimal("500.00")


def residential_home(**kwargs: object) -> Home:
    provider = ProviderFactory(name="Hilltop Care Ltd", kind=codes.ProviderKind.PRIVATE_CHILDRENS_HOME, provider_code="PR4")
    defaults = {"provider": provider, "name": "Hilltop children's home", "child_facing_name": "Hilltop House",
                "rung": codes.Rung.RESIDENTIAL, "place_code": codes.PlaceCode.K2, "capacity": 4,
                "weekly_cost": Decimal("4000.00"), "urn": "SC123456"}  # fmt: skip
    return HomeFactory(**(defaults | kwargs))


class PlacementEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementEpisode

    child = factory.SubFactory(ChildFactory)
    home = factory.SubFactory(HomeFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=300))
    place = factory.SelfAttribute("home.place_code")
    place_provider = factory.SelfAttribute("home.provider.provider_code")
    legal_status = "C2"
    category_of_need = "N1"


CHECKLIST_YES = {stem: codes.Answer.YES for stem, _ in codes.CHECKLIST}


class PlacementDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementDecision

    why_needed = "Her foster carers are retiring."
    needs = "Needs to stay at her school."
    child_views = "I want to live with a family with a dog."
    ideal_rung = codes.Rung.KINSHIP
    connected_person = codes.Answer.YES
    near_home = codes.Answer.YES
    education = codes.Answer.YES
    siblings = codes.Answer.NOT_APPLICABLE
    disability = codes.Answer.NOT_APPLICABLE
    in_area = codes.Answer.YES


def child_in_care(
    since: datetime.date, left: datetime.date | None = None, born: datetime.date = datetime.date(2015, 1, 1)
) -> Child:
    child = ChildFactory(date_of_birth=born)
    CareEpisodeFactory(child=child, started_on=since, ended_on=left)
    return child


def homes(child: Child, *spans: tuple[datetime.date, datetime.date | None], home: Home | None = None) -> None:
    for start, end in spans:
        PlacementEpisodeFactory(child=child, started_on=start, ended_on=end, **({"home": home} if home else {}))


def approved_decision(child: Child, home: Home, by: User) -> PlacementDecision:
    """An approved decision for a move to `home`, as if it had been walked down the ladder and signed off."""
    return PlacementDecisionFactory(
        child=child, created_by=by, status=codes.DecisionStatus.APPROVED, chosen_rung=home.rung,
        transition=home.transition, manager_approved_by=by, manager_approved_at=timezone.now(),
    )  # fmt: skip


def move(child: Child, home: Home, started_on: datetime.date, actor: User, **kwargs: object) -> PlacementEpisode:
    """A move that follows an approved decision (placement_start refuses one without, unless an emergency)."""
    from placements import services

    approved_decision(child, home, actor)
    return services.placement_start(child=child, home=home, started_on=started_on, actor=actor, **kwargs)  # type: ignore[arg-type]


def adopters_home(**kwargs: object) -> Home:
    """Approved adopters' home, through the council's regional adoption agency: placed for adoption, on no rung."""
    provider = ProviderFactory(name="Three Counties Adoption", kind=codes.ProviderKind.IN_HOUSE_FOSTER)
    defaults = {"provider": provider, "name": "Okafor adopters", "child_facing_name": "Living with Ada and Tunde",
                "rung": None, "place_code": codes.PlaceCode.A6, "capacity": 1, "weekly_cost": Decimal("0.00")}  # fmt: skip
    return HomeFactory(**(defaults | kwargs))


def adoption_records(child: Child, by: User) -> tuple[AdoptionDecision, Adoption]:
    """An open decision to place for adoption, and an adoption on an earlier one: something on every adoption page
    (written directly, as fixtures: the services' order of events is tested in test_adoption.py)."""
    today = timezone.localdate()
    earlier = AdoptionDecision.objects.create(
        child=child, decided_on=today - datetime.timedelta(days=300), matched_on=today - datetime.timedelta(days=250),
        ceased_on=today - datetime.timedelta(days=200), ceased_reason="RD4", recorded_by=by,
    )  # fmt: skip
    adoption = Adoption.objects.create(
        child=child, decision=earlier, adopted_on=today - datetime.timedelta(days=210), rec="E11", adopters="L0",
        adopters_sex="F1", recorded_by=by,
    )  # fmt: skip
    decision = AdoptionDecision.objects.create(child=child, decided_on=today - datetime.timedelta(days=20), recorded_by=by)
    return decision, adoption
