"""What the law forbids, a worker cannot record: short breaks past their limits or moving mid-break, a short break in
a long-term foster home, placement with parents under section 20, remand under 10, and emergency orders kept past
their days. Each refusal says what is wrong and saves nothing (the DfE's 903 rules check the same in the return)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import services as casework_services
from casework.models import CareEpisode, LegalStatus
from placements import codes, services
from placements.models import PlacementEpisode
from tests import factories as casework_factories
from tests.placements import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def known_child(county, born: datetime.date = datetime.date(2014, 1, 1)):
    child = casework_factories.ChildFactory(date_of_birth=born)
    casework_factories.AllocationFactory(child=child, worker=county.worker, started_on=TODAY() - 400 * DAY)
    return child


def short_break(county, child, home, began: datetime.date, days: int) -> None:
    """A short break recorded as the worker records it: in care under V3, the home, then home again."""
    casework_services.care_start(child=child, actor=county.worker, started_on=began, legal_status="V3", category_of_need="N2")
    factories.move(child, home, began, county.worker)
    services.placement_end_care(child=child, ended_on=began + days * DAY, rec_code="E4A", actor=county.worker)


def test_a_short_break_of_17_days_is_recorded_and_one_of_18_is_refused(county):
    child, home = known_child(county), factories.HomeFactory()
    short_break(county, child, home, TODAY() - 100 * DAY, 17)
    with pytest.raises(ValidationError) as error:
        short_break(county, child, home, TODAY() - 50 * DAY, 18)
    assert "at most 17 days" in error.value.message_dict["ended_on"][0]
    assert CareEpisode.objects.filter(child=child, ended_on__isnull=True).exists()  # the break goes on, unended
    assert LegalStatus.objects.get(child=child, ended_on__isnull=True).code == "V3"


def test_short_breaks_past_75_days_in_12_months_are_refused(county):
    child, home = known_child(county), factories.HomeFactory()
    for began in (300, 250, 200, 150):  # four breaks of 17 days: 68 days
        short_break(county, child, home, TODAY() - began * DAY, 17)
    with pytest.raises(ValidationError, match="at most 75 days in 12 months.*come to 78"):
        short_break(county, child, home, TODAY() - 100 * DAY, 10)
    services.placement_end_care(child=child, ended_on=TODAY() - 93 * DAY, rec_code="E4A", actor=county.worker)  # 75


def test_a_child_does_not_move_during_a_short_break(county):
    child, first, other = known_child(county), factories.HomeFactory(), factories.HomeFactory()
    casework_services.care_start(
        child=child, actor=county.worker, started_on=TODAY() - 5 * DAY, legal_status="V3", category_of_need="N2"
    )
    factories.move(child, first, TODAY() - 5 * DAY, county.worker)
    with pytest.raises(ValidationError, match="A short break is in one home"):
        factories.move(child, other, TODAY() - 2 * DAY, county.worker, reason="CARPL")
    assert PlacementEpisode.objects.get(child=child).home == first


@pytest.mark.parametrize("place", ["U1", "U4", "T4"])
def test_a_short_break_is_not_in_a_long_term_foster_home_or_a_temporary_one(county, place):
    child = known_child(county)
    casework_services.care_start(child=child, actor=county.worker, started_on=TODAY(), legal_status="V3", category_of_need="N2")
    with pytest.raises(ValidationError, match="long-term foster home or a temporary one"):
        factories.move(child, factories.HomeFactory(place_code=place), TODAY(), county.worker)
    assert not PlacementEpisode.objects.filter(child=child).exists()


def test_a_child_is_placed_with_parents_under_a_care_order_never_section_20(county):
    parents = factories.HomeFactory(rung=codes.Rung.OWN_FAMILY, place_code="P1", name="Mum's house")
    accommodated = known_child(county)
    casework_services.care_start(
        child=accommodated, actor=county.worker, started_on=TODAY() - 9 * DAY, legal_status="V2", category_of_need="N1"
    )
    with pytest.raises(ValidationError, match="care order, not section 20"):
        factories.move(accommodated, parents, TODAY() - 9 * DAY, county.worker)
    ordered = known_child(county)
    casework_services.care_start(
        child=ordered, actor=county.worker, started_on=TODAY() - 9 * DAY, legal_status="C2", category_of_need="N1"
    )
    factories.move(ordered, parents, TODAY() - 9 * DAY, county.worker)
    with pytest.raises(ValidationError, match="not section 20"):
        casework_services.legal_status_change(child=ordered, actor=county.worker, code="V2", started_on=TODAY() - DAY)
    assert LegalStatus.objects.get(child=ordered).code == "C2"


def test_a_child_under_10_is_not_remanded(county):
    ninth_year = known_child(county, born=TODAY().replace(year=TODAY().year - 10) + DAY)
    with pytest.raises(ValidationError) as error:
        casework_services.care_start(
            child=ninth_year, actor=county.worker, started_on=TODAY(), legal_status="J1", category_of_need="N6"
        )
    assert "cannot be remanded" in error.value.message_dict["legal_status"][0]
    casework_services.care_start(
        child=ninth_year, actor=county.worker, started_on=TODAY() - 3 * DAY, legal_status="V2", category_of_need="N6"
    )
    with pytest.raises(ValidationError, match="cannot be remanded"):
        casework_services.legal_status_change(child=ninth_year, actor=county.worker, code="J1", started_on=TODAY())
    ten = known_child(county, born=TODAY().replace(year=TODAY().year - 10) - DAY)
    casework_services.care_start(child=ten, actor=county.worker, started_on=TODAY(), legal_status="J1", category_of_need="N6")


@pytest.mark.parametrize(("code", "most"), [("L2", 15), ("L1", 3)])
def test_an_emergency_order_or_police_protection_ends_within_its_days(county, code, most):
    child = known_child(county)
    began = TODAY() - 30 * DAY
    casework_services.care_start(child=child, actor=county.worker, started_on=began, legal_status=code, category_of_need="N1")
    with pytest.raises(ValidationError) as error:
        casework_services.legal_status_change(child=child, actor=county.worker, code="C1", started_on=began + (most + 1) * DAY)
    assert f"at most {most} days" in error.value.message_dict["started_on"][0]
    casework_services.legal_status_change(child=child, actor=county.worker, code="C1", started_on=began + most * DAY)
    assert list(LegalStatus.objects.filter(child=child).order_by("started_on").values_list("code", flat=True)) == [code, "C1"]
