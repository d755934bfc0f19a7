"""Fixtures for the placements tests: homes on each rung and a helper that walks a decision down the ladder."""

import datetime

import pytest
from django.utils import timezone

from casework import codes as casework_codes
from casework import services as casework_services
from casework.models import Child
from placements import codes, services
from placements.models import PlacementDecision
from tests.conftest import County
from tests.placements import factories

TODAY = timezone.localdate
d = datetime.date


@pytest.fixture
def homes(db) -> dict[int, object]:
    kinship = factories.ProviderFactory(name="Connected carers", kind=codes.ProviderKind.KINSHIP)
    ifa = factories.ProviderFactory(name="Brightstart Fostering", kind=codes.ProviderKind.IFA, provider_code="PR4")
    return {
        codes.Rung.KINSHIP: factories.HomeFactory(provider=kinship, rung=2, place_code="U3", name="Nan's house"),
        codes.Rung.IN_HOUSE_FOSTER: factories.HomeFactory(name="Patel foster carers"),
        codes.Rung.IFA: factories.HomeFactory(provider=ifa, rung=4, name="Brightstart carers", weekly_cost=900),
        codes.Rung.RESIDENTIAL: factories.residential_home(),
    }


def walk_down(decision: PlacementDecision, to_rung: int, actor) -> PlacementDecision:
    """Record a reason for every rung above `to_rung`, then choose it."""
    for rung in range(1, to_rung):
        services.decision_rung_record(
            decision=decision, rung=rung, why_not=codes.WhyNot.NO_CAPACITY, detail=f"Nobody at rung {rung}.", actor=actor
        )
    return services.decision_choose_rung(decision=decision, rung=to_rung, actor=actor)


def ready_decision(county: County, homes: dict, rung: int = codes.Rung.IN_HOUSE_FOSTER, **fields) -> PlacementDecision:
    decision = factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    walk_down(decision, rung, county.worker)
    values = {"chosen_home": homes[rung], "move_on": TODAY(), "reason_place_change": "CARPL"} | fields
    return services.decision_update(decision=decision, actor=county.worker, **values)


def residential_ready(county: County, homes: dict, **fields) -> PlacementDecision:
    values = {
        "ror_outcome": codes.RiskOfResidentialOutcome.RESIDENTIAL_AUTHORISED,
        "step_down_review_on": TODAY() + datetime.timedelta(weeks=8),
        "step_down_plan": "Look for an in-house carer with the IFA team.",
    } | fields
    return ready_decision(county, homes, codes.Rung.RESIDENTIAL, **values)


@pytest.fixture
def wrong_ethnicity(county: County) -> Child:
    """In care from 2 June 2025 with foster carers, recorded as a worker records it, with an ethnicity the 903 does
    not have (written past the form, which would refuse it): the validator's rule 103 for this child."""
    child = casework_services.child_create(
        actor=county.worker, worker=county.worker, allocated_on=d(2025, 5, 1), first_name="Robin", last_name="Newchild",
        date_of_birth=d(2016, 4, 2), sex=casework_codes.Sex.FEMALE, ethnicity=casework_codes.Ethnicity.WBRI,
        upn="A123456789012", home_postcode="WR5 3DA",
    )  # fmt: skip
    casework_services.care_start(
        child=child, actor=county.worker, started_on=d(2025, 6, 2), legal_status="C2", category_of_need="N1"
    )
    factories.move(child, factories.HomeFactory(), d(2025, 6, 2), county.worker)
    Child.objects.filter(pk=child.pk).update(ethnicity="WXYZ")
    return child
