"""The 903's Header, Episodes and social worker episodes as records people make give them (issue 17, part D):
each column on its own, then returns built through the services and checked by the DfE's validator."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework import codes
from casework import services as casework_services
from casework.models import Child
from placements import export
from placements import services as placement_services
from tests import factories as cw
from tests.conftest import County
from tests.placements import factories, returns

pytestmark = pytest.mark.django_db
d = datetime.date
YEAR = returns.YEAR - 1  # the export names the collection year by its start: 2025 is 2025/26
# The rules on the columns this part makes (Header SEX and UPN, the Episodes' CIN, reason for a move, postcodes and
# URN, and every social worker episode rule): a return built right gives none of them.
CORE_RULES = {
    "101", "168", "209", "210", "442",  # SEX, UPN or the UN code
    "169", "179", "392b", "392c", "398", "214", "1015",  # postcodes: the council and in/out of area worked out from them
    "218", "222", "242", "243",  # URN
    "225", "226",  # the reason for a move
    "SW02STG1", "SW04STG1", "SW05STG1", "SW09STG2", "SW10aSTG2", "SW10bSTG2", "SW13STG1", "SW17STG2", "SW18STG2",
    "SW19STG2", "SW11bSTG2",  # social worker episodes
}  # fmt: skip


def core_issues(result: export.Return) -> list[str]:
    """Every issue the validator finds, from every rule (and the rules on these columns ran)."""
    check = returns.checked(result)
    assert set(check.run) & CORE_RULES
    return returns.issues(check)


def the_return(county: County, *children: Child) -> export.Return:
    return returns.only(export.ssda903_build(user=county.head, year=YEAR), *children)


def new_child(county: County, born: datetime.date, *, referred: datetime.date, **details: Any) -> Child:
    fields: dict[str, Any] = {"upn_unknown": codes.UpnUnknown.UN5, "home_postcode": "WR1 2AA"} | details
    return casework_services.child_create(
        actor=county.worker, worker=county.worker, allocated_on=referred, first_name="Robin", last_name="Newchild",
        date_of_birth=born, sex=codes.Sex.MALE, ethnicity=codes.Ethnicity.WBRI, **fields,
    )  # fmt: skip


def foster_home(postcode: str = "WR5 3DA", **kwargs: object) -> object:
    return factories.HomeFactory(postcode=postcode, **kwargs)


# Columns -------------------------------------------------------------------------------------------------------------


def test_the_header_gives_sex_as_m_or_f_and_a_upn_or_the_reason_there_is_none(county):
    boy = cw.ChildFactory(sex=codes.Sex.MALE, upn="A123456789012")
    girl = cw.ChildFactory(sex=codes.Sex.FEMALE, upn_unknown=codes.UpnUnknown.UN2)
    for child in (boy, girl):
        cw.CareEpisodeFactory(child=child, started_on=d(2025, 5, 1))
    header = {row["CHILD"]: row for row in the_return(county, boy, girl).header}
    assert (header[boy.pk]["SEX"], header[boy.pk]["UPN"]) == ("M", "A123456789012")
    assert (header[girl.pk]["SEX"], header[girl.pk]["UPN"]) == ("F", "UN2")


def test_a_worker_with_no_registration_number_leaves_sw_id_blank_for_the_validator_to_show(county):
    county.worker.social_work_england_id = ""
    county.worker.save(update_fields=["social_work_england_id"])
    child = factories.child_in_care(d(2025, 5, 1))
    cw.AllocationFactory(child=child, worker=county.worker, started_on=d(2025, 5, 1))
    result = the_return(county, child)
    assert [row["SW_ID"] for row in result.social_workers] == [""]  # never Hearth's own id
    assert [line for line in core_issues(result) if line.startswith("SW02")] == [
        "SW02STG1 SWEpisodes[0] SW_ID: Social worker ID does not begin with the characters ‘SW’ or ‘XX’."
    ]


def test_sw_reason_is_why_each_worker_came_a_first_contact_for_the_first_and_after_a_gap(county):
    child = factories.child_in_care(d(2025, 5, 1))
    first = cw.AllocationFactory(
        child=child, worker=county.worker, started_on=d(2025, 5, 1), ended_on=d(2025, 7, 1), end_reason="LEFTRL"
    )
    cw.AllocationFactory(  # the second worker held the case only that day: no episode of their own
        child=child, worker=county.other_worker, started_on=d(2025, 7, 1), ended_on=d(2025, 7, 1), end_reason="MANAGE"
    )
    cw.AllocationFactory(
        child=child, worker=county.teammate, started_on=d(2025, 7, 1), ended_on=d(2025, 8, 1), end_reason="ABSENC"
    )
    cw.AllocationFactory(child=child, worker=county.worker, started_on=d(2025, 9, 1))  # a month with nobody
    rows = the_return(county, child).social_workers
    assert [(row["SW_ID"], row["SW_DECOM"], row["SW_REASON"]) for row in rows] == [
        (first.worker.social_work_england_id, "01/05/2025", "FCONTA"),
        (county.teammate.social_work_england_id, "01/07/2025", "LEFTRL"),
        (county.worker.social_work_england_id, "01/09/2025", "FCONTA"),
    ]


def test_first_contact_is_not_a_reason_a_worker_can_give_for_a_change(county):
    with pytest.raises(ValidationError, match="first worker, not for a change"):
        casework_services.allocation_change(
            child=county.child, worker=county.teammate, started_on=timezone.localdate(), reason="FCONTA", actor=county.worker
        )


def test_a_social_work_england_number_must_look_like_the_registers(county):
    county.worker.social_work_england_id = "12345"
    with pytest.raises(ValidationError) as refused:
        county.worker.full_clean()
    assert "social_work_england_id" in refused.value.message_dict


def test_the_reason_for_a_move_is_on_the_episode_the_move_ended(county):
    child = new_child(county, d(2015, 1, 1), referred=d(2025, 4, 2))
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 5, 1), legal_status="C2", category_of_need="N4")
    factories.move(child, foster_home(), d(2025, 5, 1), county.worker)
    factories.move(child, foster_home("WR14 1AA"), d(2025, 8, 1), county.worker, reason="CARPL")
    rows = the_return(county, child).episodes
    assert [(row["DECOM"], row["DEC"], row["REASON_PLACE_CHANGE"], row["CIN"]) for row in rows] == [
        ("01/05/2025", "01/08/2025", "CARPL", "N4"),
        ("01/08/2025", "", "", "N4"),  # still going on: nothing to say (rule 233)
    ]


def test_a_short_break_gives_no_postcodes_or_urn_and_a_home_with_parents_no_urn(county):
    respite = factories.child_in_care(d(2025, 5, 1))
    cw.LegalStatusFactory(child=respite, code="V3", started_on=d(2025, 5, 1))
    factories.homes(respite, (d(2025, 5, 1), d(2025, 5, 3)))
    at_home = factories.child_in_care(d(2025, 5, 1))
    cw.LegalStatusFactory(child=at_home, code="C2", started_on=d(2025, 5, 1))
    parents = factories.HomeFactory(place_code="P1", provider=factories.ProviderFactory(provider_code="PR0"))
    factories.homes(at_home, (d(2025, 5, 1), None), home=parents)
    rows = {row["CHILD"]: row for row in the_return(county, respite, at_home).episodes}
    assert (rows[respite.pk]["HOME_POST"], rows[respite.pk]["PL_POST"], rows[respite.pk]["URN"]) == ("", "", "")
    assert (rows[at_home.pk]["HOME_POST"], rows[at_home.pk]["PL_POST"], rows[at_home.pk]["URN"]) == (
        "WR1 2AA",
        "WR5 3DA",
        "",
    )


def test_a_home_in_wales_gives_no_urn(county):
    child = factories.child_in_care(d(2025, 5, 1))
    cw.LegalStatusFactory(child=child, code="C2", started_on=d(2025, 5, 1))
    factories.homes(child, (d(2025, 5, 1), None), home=factories.residential_home(postcode="CF10 1AA"))
    assert [row["URN"] for row in the_return(county, child).episodes] == [""]  # rule 243


# Postcodes and distance ----------------------------------------------------------------------------------------------


def test_a_move_works_out_the_distance_from_the_two_postcodes(county):
    child = new_child(county, d(2015, 1, 1), referred=d(2025, 4, 2), home_postcode="WR5 3DA")
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 5, 1), legal_status="C2", category_of_need="N1")
    episode = factories.move(child, foster_home("B1 1AA"), d(2025, 5, 1), county.worker)
    assert str(episode.distance_miles) == "24.4"  # as the validator's formula has it (lac_validator/datastore.py)


def test_a_postcode_hearth_does_not_know_is_refused_for_a_child_and_a_home(county):
    with pytest.raises(ValidationError, match="not a UK postcode in the reference data"):
        casework_services.child_update(child=county.child, actor=county.worker, home_postcode="WR99 9ZZ")
    home = factories.HomeFactory.build(provider=factories.ProviderFactory(), postcode="ZZ1 1ZZ")
    with pytest.raises(ValidationError) as refused:
        home.full_clean()
    assert "postcode" in refused.value.message_dict


def test_a_home_gives_its_urn_where_its_type_is_registered_and_none_where_not(county):
    fostering = factories.HomeFactory.build(provider=factories.ProviderFactory(), place_code="U6", urn="")
    with pytest.raises(ValidationError, match="Give the Ofsted URN"):
        fostering.full_clean()
    parents = factories.HomeFactory.build(provider=factories.ProviderFactory(), place_code="P1", urn="SC123456")
    with pytest.raises(ValidationError, match="has no Ofsted URN"):
        parents.full_clean()


def test_the_childs_homes_page_shows_the_distance_the_council_and_out_of_area(client, county):
    child = new_child(county, d(2015, 1, 1), referred=d(2025, 4, 2))
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 5, 1), legal_status="C2", category_of_need="N1")
    factories.move(child, foster_home("B1 1AA"), d(2025, 5, 1), county.worker)
    client.force_login(county.worker)
    page = client.get(reverse("placements:child-homes", args=[child.pk])).content.decode()
    assert "miles from home, in Birmingham (out of area)" in page


# Returns checked by the DfE's validator --------------------------------------------------------------------------


ALLOWED_UNDER_10 = ["C1", "C2", "D1", "E1", "L1", "L2", "L3", "V2", "V3", "V4"]  # not J1-J3 (rule 358)


@pytest.mark.parametrize("legal_status", ALLOWED_UNDER_10)
def test_a_child_under_10_in_care_on_each_legal_status_that_allows_it(county, legal_status):
    child = new_child(county, d(2019, 2, 1), referred=d(2025, 5, 20))
    placement_order = legal_status == "E1"  # follows a decision that the child should be placed for adoption (553)
    first = "C2" if placement_order else legal_status
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 6, 2), legal_status=first, category_of_need="N1")
    factories.move(child, foster_home(), d(2025, 6, 2), county.worker)
    if placement_order:
        placement_services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 6, 10))
        casework_services.legal_status_change(child=child, actor=county.worker, code="E1", started_on=d(2025, 7, 1))
    if legal_status.startswith(("L", "V3", "V4")):  # short: protection, an assessment, a short break
        placement_services.placement_end_care(child=child, ended_on=d(2025, 6, 5), rec_code="E13", actor=county.worker)
    found = core_issues(the_return(county, child))
    if legal_status in ("V3", "V4"):
        # 0.1.17's rule 218 asks a short break in a foster home for the URN that rule 214 (and the DfE's guide) says
        # it must not give: its 2024/25 version let a blank PL_LA through, its 2025/26 one does not. Hearth follows
        # 214; the issue stays for the head of service to explain in a bypass.
        assert found == ["218 Episodes[0] URN: Ofsted Unique reference number (URN) is required."]
    else:
        assert found == []


def test_a_worker_change_on_the_day_care_starts(county):
    child = new_child(county, d(2016, 4, 2), referred=d(2025, 5, 1))
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 6, 2), legal_status="C2", category_of_need="N1")
    casework_services.allocation_change(
        child=child, worker=county.teammate, started_on=d(2025, 6, 2), reason="TSPROC", actor=county.worker
    )
    factories.move(child, foster_home(), d(2025, 6, 2), county.teammate)
    result = the_return(county, child)
    assert [(row["SW_DECOM"], row["SW_DEC"], row["SW_REASON"]) for row in result.social_workers] == [
        ("01/05/2025", "02/06/2025", "FCONTA"),
        ("02/06/2025", "", "TSPROC"),
    ]
    assert core_issues(result) == []


def test_a_worker_allocated_and_changed_on_the_day_care_starts_is_no_episode(county):
    child = new_child(county, d(2016, 4, 2), referred=d(2025, 6, 2))
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 6, 2), legal_status="C2", category_of_need="N1")
    casework_services.allocation_change(
        child=child, worker=county.teammate, started_on=d(2025, 6, 2), reason="MANAGE", actor=county.worker
    )
    factories.move(child, foster_home(), d(2025, 6, 2), county.teammate)
    result = the_return(county, child)
    assert [(row["SW_ID"], row["SW_REASON"]) for row in result.social_workers] == [
        (county.teammate.social_work_england_id, "FCONTA")
    ]
    assert core_issues(result) == []


def test_a_move_out_of_the_councils_area(county):
    child = new_child(county, d(2012, 9, 1), referred=d(2025, 4, 20), upn="A123456789012", upn_unknown="")
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 5, 1), legal_status="C1", category_of_need="N1")
    factories.move(child, foster_home(), d(2025, 5, 1), county.worker)
    agency = factories.ProviderFactory(kind="ifa", provider_code="PR4")
    away = factories.HomeFactory(provider=agency, rung=4, place_code="U4", postcode="B12 9AA")
    moved = factories.move(child, away, d(2025, 9, 1), county.worker, reason="CARPL")
    assert (away.council, away.out_of_area, moved.distance_miles is not None) == ("Birmingham", True, True)
    result = the_return(county, child)
    assert [row["PL_POST"] for row in result.episodes] == ["WR5 3DA", "B12 9AA"]
    assert core_issues(result) == []


# The demo county's whole return, every rule, is tests/placements/test_demo_return.py.
