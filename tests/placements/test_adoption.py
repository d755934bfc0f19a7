"""Adoption through placements (a decision, a match, a placement for adoption, the order that ends care) and previous
permanence: the services' rules, and the 903 tables (AD1, PlacedAdoption, PrevPerm) checked by the DfE's validator."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework import codes as casework_codes
from casework import services as casework_services
from casework.models import Child
from placements import export, services
from placements.models import Adoption, AdoptionDecision, PreviousPermanence
from tests.conftest import County
from tests.factories import ChildFactory
from tests.placements import factories, returns

pytestmark = pytest.mark.django_db
d = datetime.date
YEAR = returns.YEAR  # the collection ending 31 March 2026 (2025/26)
BORN = d(2022, 3, 4)

# The validator's rules on adoption, placement for adoption and previous permanence, and on the A3-A6 homes and E11/E12.
# Until the return's other columns are right (postcodes, SEX, SW_ID: issue 17's other parts), rules about those fire on
# every child, so the scenarios look at these rules only.
ADOPTION_RULES = {
    "112", "113", "114", "115", "116", "117", "118", "119", "120", "151", "175", "176", "177", "184", "199", "217", "331",
    "333", "334", "335", "336", "386", "390", "408", "511", "514", "517", "518", "519", "520", "521", "522", "523", "524",
    "525", "529", "551", "552", "553", "554", "557", "558", "563", "579", "582", "583", "601", "602", "630", "631", "632",
    "633", "634", "635", "1003", "INT01", "INT02", "INT07", "INT11", "INT12", "INT16", "INT31", "INT35",
}  # fmt: skip


def in_care(
    county: County, since: datetime.date, *, home=None, legal: str = "C2", born: datetime.date = BORN, permanence: bool = False
) -> Child:
    """A child referred a month before `since`, in care from then with foster carers (or `home`), as a worker records it
    (and their previous permanence, none, when `permanence`)."""
    child = casework_services.child_create(
        actor=county.worker, worker=county.worker, allocated_on=since - datetime.timedelta(days=30), first_name="Robin",
        last_name="Newchild", date_of_birth=born, sex=casework_codes.Sex.FEMALE, ethnicity=casework_codes.Ethnicity.WBRI,
        upn_unknown="UN5", home_postcode="WR1 2AA", not_a_duplicate=True,
    )  # fmt: skip
    casework_services.care_start(child=child, actor=county.worker, started_on=since, legal_status=legal, category_of_need="N1")
    if permanence:
        services.previous_permanence_record(child=child, actor=county.worker, option="Z1")
    factories.move(child, home or factories.HomeFactory(place_code="U4"), since, county.worker)
    return child


def none_before(county: County, child: Child) -> None:
    services.previous_permanence_record(child=child, actor=county.worker, option="Z1")


def decided_and_matched(county: County, child: Child, decided: datetime.date, matched: datetime.date) -> AdoptionDecision:
    decision = services.adoption_decision_record(child=child, actor=county.worker, decided_on=decided)
    return services.adoption_decision_update(decision=decision, actor=county.worker, matched_on=matched)


def adopt(county: County, child: Child, on: datetime.date, **fields) -> Adoption:
    values = {"rec": "E11", "adopters": "L11", "adopters_sex": "MF"} | fields
    return services.adoption_record(child=child, actor=county.worker, adopted_on=on, **values)


def checked(county: County, *children: Child) -> tuple[export.Return, list[str]]:
    result = returns.only(export.ssda903_build(user=county.head, year=YEAR - 1), *children)
    check = returns.checked(result)
    assert set(check.run) & ADOPTION_RULES, "the rules on these tables ran"
    return result, returns.issues(check)


# Scenarios, checked by the DfE's validator -------------------------------------------------------


def test_children_placed_for_adoption_and_adopted_within_the_year_pass_the_903s_rules(county):
    # Robin's foster carers adopt her, under a placement order; Sam moves to adopters found by the agency.
    robin = in_care(county, d(2025, 6, 2))
    none_before(county, robin)
    decided_and_matched(county, robin, d(2025, 7, 1), d(2025, 10, 10))
    casework_services.legal_status_change(child=robin, actor=county.worker, code="E1", started_on=d(2025, 9, 1))
    services.adoption_placement_start(child=robin, actor=county.worker, started_on=d(2025, 11, 1))
    adopt(county, robin, d(2026, 3, 2), rec="E12")
    sam = in_care(county, d(2025, 4, 20), born=d(2023, 1, 9))
    none_before(county, sam)
    decided_and_matched(county, sam, d(2025, 5, 1), d(2025, 8, 1))
    adopters = factories.adopters_home()
    services.adoption_placement_start(child=sam, actor=county.worker, started_on=d(2025, 8, 15), home=adopters)
    adopt(county, sam, d(2026, 1, 20), adopters="L0", adopters_sex="F1")

    result, issues = checked(county, robin, sam)

    assert issues == []
    assert [(e["PLACE"], e["RNE"], e["REC"]) for e in result.episodes if e["CHILD"] == robin.pk] == [
        ("U4", "S", "X1"), ("U4", "L", "X1"), ("A5", "T", "E12"),
    ]  # fmt: skip
    assert [(e["PLACE"], e["RNE"], e["REC"]) for e in result.episodes if e["CHILD"] == sam.pk] == [
        ("U4", "S", "X1"), ("A4", "P", "E11"),
    ]  # fmt: skip
    assert [(r["DATE_INT"], r["DATE_MATCH"], r["FOSTER_CARE"], r["NB_ADOPTR"], r["SEX_ADOPTR"], r["LS_ADOPTR"])
            for r in result.tables["ad1"]] == [
        ("01/07/2025", "10/10/2025", 1, 2, "MF", "L11"), ("01/05/2025", "01/08/2025", 0, 1, "F1", "L0"),
    ]  # fmt: skip
    assert [(r["DATE_PLACED"], r["DATE_PLACED_CEASED"]) for r in result.tables["placed_adoption"]] == [
        ("01/07/2025", ""), ("01/05/2025", ""),
    ]  # fmt: skip


def test_a_decision_reversed_and_a_new_one_pass_the_903s_rules(county):
    child = in_care(county, d(2025, 5, 12))
    none_before(county, child)
    first = services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 6, 1))
    services.adoption_decision_update(decision=first, actor=county.worker, ceased_on=d(2025, 9, 30), ceased_reason="RD3")
    services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2026, 1, 15))

    result, issues = checked(county, child)

    assert issues == []
    assert [(r["DATE_PLACED"], r["DATE_PLACED_CEASED"], r["REASON_PLACED_CEASED"]) for r in result.tables["placed_adoption"]] == [
        ("01/06/2025", "30/09/2025", "RD3"), ("15/01/2026", "", ""),
    ]  # fmt: skip
    assert result.tables["ad1"] == []


def test_a_child_who_left_care_through_an_order_before_passes_the_903s_rules(county):
    sgo = in_care(county, d(2025, 7, 1), born=d(2014, 2, 2))
    services.previous_permanence_record(child=sgo, actor=county.worker, option="P2", local_authority="885", order_month=5,
                                        order_year=2019)  # fmt: skip
    adopted = in_care(county, d(2025, 8, 1), born=d(2013, 2, 2))
    services.previous_permanence_record(child=adopted, actor=county.worker, option="P1", local_authority="WAL",
                                        order_day=14, order_month=3, order_year=2016)  # fmt: skip
    unknown = in_care(county, d(2025, 9, 1), born=d(2012, 2, 2))
    services.previous_permanence_record(child=unknown, actor=county.worker, option="P4")

    result, issues = checked(county, sgo, adopted, unknown)

    assert issues == []
    assert [(r["PREV_PERM"], r["LA_PERM"], r["DATE_PERM"]) for r in result.tables["prev_perm"]] == [
        ("P2", "885", "ZZ/05/2019"), ("P1", "WAL", "14/03/2016"), ("P4", "999", "ZZ/ZZ/ZZZZ"),
    ]  # fmt: skip


def test_a_child_starting_care_without_previous_permanence_is_the_validators_issue(county):
    child = in_care(county, d(2025, 7, 1))
    _, issues = checked(county, child)
    assert [line.split()[0] for line in issues] == ["630"]


# The services' rules -------------------------------------------------------------------------------


def test_a_decision_is_made_while_the_child_is_in_care(county):
    child = in_care(county, d(2025, 6, 2))
    with pytest.raises(ValidationError, match="was not in care on 01/06/2025"):
        services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 6, 1))
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2099, 1, 1))
    assert not AdoptionDecision.objects.filter(child=child).exists()


def test_a_new_decision_waits_for_the_reversal_of_the_one_before(county):
    child = in_care(county, d(2025, 6, 2))
    first = services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 7, 1))
    with pytest.raises(ValidationError, match="overlaps the decision of 01/07/2025"):
        services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 9, 1))
    services.adoption_decision_update(decision=first, actor=county.worker, ceased_on=d(2025, 10, 1), ceased_reason="RD1")
    with pytest.raises(ValidationError, match="overlaps"):
        services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 9, 1))
    assert services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 10, 1)).is_open


def test_a_match_follows_the_decision_and_a_reversal_says_why(county):
    child = in_care(county, d(2025, 6, 2))
    decision = services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 7, 1))
    with pytest.raises(ValidationError, match="A match follows the decision"):
        services.adoption_decision_update(decision=decision, actor=county.worker, matched_on=d(2025, 6, 30))
    with pytest.raises(ValidationError, match="both the date the decision was reversed and why"):
        services.adoption_decision_update(decision=decision, actor=county.worker, ceased_on=d(2025, 8, 1))
    with pytest.raises(ValidationError, match="not valid|choices|RD9"):
        services.adoption_decision_update(decision=decision, actor=county.worker, ceased_on=d(2025, 8, 1), ceased_reason="RD9")
    decision.refresh_from_db()
    assert (decision.matched_on, decision.ceased_on, decision.ceased_reason) == (None, None, "")


def test_correcting_a_date_says_why_and_the_history_keeps_both(county):
    child = in_care(county, d(2025, 6, 2))
    decision = decided_and_matched(county, child, d(2025, 7, 1), d(2025, 9, 1))
    with pytest.raises(ValidationError, match="Say why you are correcting"):
        services.adoption_decision_update(decision=decision, actor=county.worker, decided_on=d(2025, 7, 2))
    services.adoption_decision_update(decision=decision, actor=county.worker, decided_on=d(2025, 7, 2), reason="Panel minute")
    history = list(decision.history.order_by("history_date").values_list("decided_on", "history_change_reason"))
    assert history == [
        (d(2025, 7, 1), "Decision to place for adoption"), (d(2025, 7, 1), "Matched with adopters"),
        (d(2025, 7, 2), "Panel minute"),
    ]  # fmt: skip


def test_a_placement_for_adoption_follows_the_decision_and_the_match(county):
    child = in_care(county, d(2025, 6, 2))
    with pytest.raises(ValidationError, match="Record the decision"):
        services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1))
    decision = services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 7, 1))
    with pytest.raises(ValidationError, match="record the match"):
        services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1))
    services.adoption_decision_update(decision=decision, actor=county.worker, matched_on=d(2025, 9, 2))
    with pytest.raises(ValidationError, match="record the match, on or before this day"):
        services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1))
    episode = services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 3))
    assert (episode.place, episode.reason_place_change) == ("A3", "PLACE")


def test_a_child_in_a_childrens_home_is_placed_for_adoption_with_adopters_only_under_a_placement_order(county):
    child = in_care(county, d(2025, 6, 2), home=factories.residential_home())
    decided_and_matched(county, child, d(2025, 7, 1), d(2025, 8, 1))
    with pytest.raises(ValidationError, match="does not live with foster carers now"):
        services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1))
    adopters = factories.adopters_home()
    with pytest.raises(ValidationError, match="from a foster home"):
        services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1), home=adopters)
    casework_services.legal_status_change(child=child, actor=county.worker, code="E1", started_on=d(2025, 8, 20))
    episode = services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1), home=adopters)
    assert episode.place == "A6"


def test_an_adopters_home_is_not_an_ordinary_move(county):
    child = in_care(county, d(2025, 6, 2))
    with pytest.raises(ValidationError, match="adoption page"):
        services.placement_start(child=child, home=factories.adopters_home(), started_on=d(2025, 9, 1), actor=county.worker)


def test_an_adoption_ends_care_only_from_a_placement_for_adoption(county):
    child = in_care(county, d(2025, 6, 2))
    with pytest.raises(ValidationError, match="not placed for adoption"):
        adopt(county, child, d(2025, 12, 1))
    with pytest.raises(ValidationError, match="adoption page"):
        services.placement_end_care(child=child, ended_on=d(2025, 12, 1), rec_code="E11", actor=county.worker)
    decided_and_matched(county, child, d(2025, 7, 1), d(2025, 8, 1))
    with pytest.raises(ValidationError, match="open decision to be placed for adoption"):
        services.placement_end_care(child=child, ended_on=d(2025, 12, 1), rec_code="E4A", actor=county.worker)
    services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1))
    with pytest.raises(ValidationError, match="follows the placement for adoption"):
        adopt(county, child, d(2025, 9, 1))
    with pytest.raises(ValidationError, match="A married couple of different sexes is a man and a woman"):
        adopt(county, child, d(2025, 12, 1), adopters_sex="FF")
    adoption = adopt(county, child, d(2025, 12, 1))
    assert (adoption.adopters_count, child.care_episodes.get().ended_on) == (2, d(2025, 12, 1))
    assert child.placement_episodes.get(ended_on=d(2025, 12, 1)).rec == "E11"


def test_a_decision_cannot_be_reversed_while_the_child_is_placed_for_adoption(county):
    child = in_care(county, d(2025, 6, 2))
    decision = decided_and_matched(county, child, d(2025, 7, 1), d(2025, 8, 1))
    services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1))
    with pytest.raises(ValidationError, match="placed for adoption on that day"):
        services.adoption_decision_update(decision=decision, actor=county.worker, ceased_on=d(2025, 10, 1), ceased_reason="RD4")


def test_no_adoption_in_the_year_a_decision_was_reversed(county):
    child = in_care(county, d(2025, 4, 2))
    first = services.adoption_decision_record(child=child, actor=county.worker, decided_on=d(2025, 4, 10))
    services.adoption_decision_update(decision=first, actor=county.worker, ceased_on=d(2025, 5, 1), ceased_reason="RD1")
    decided_and_matched(county, child, d(2025, 6, 1), d(2025, 7, 1))
    services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 8, 1))
    with pytest.raises(ValidationError, match="reversed this year"):
        adopt(county, child, d(2026, 2, 1))
    assert adopt(county, child, d(2026, 4, 1)).adopted_on == d(2026, 4, 1)


def test_nobody_is_adopted_at_18(county):
    child = in_care(county, d(2025, 4, 2), born=d(2007, 11, 1))
    decided_and_matched(county, child, d(2025, 5, 1), d(2025, 6, 1))
    services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 7, 1))
    with pytest.raises(ValidationError, match="at 18 or over"):
        adopt(county, child, d(2025, 11, 1))


def test_correcting_the_adopters_says_why_and_changes_the_reason_care_ended(county):
    child = in_care(county, d(2025, 6, 2))
    decided_and_matched(county, child, d(2025, 7, 1), d(2025, 8, 1))
    services.adoption_placement_start(child=child, actor=county.worker, started_on=d(2025, 9, 1))
    adoption = adopt(county, child, d(2025, 12, 1))
    with pytest.raises(ValidationError, match="Say why"):
        services.adoption_correct(adoption=adoption, actor=county.worker, reason="", rec="E12")
    services.adoption_correct(adoption=adoption, actor=county.worker, reason="Court order read again", rec="E12")
    assert child.placement_episodes.get(ended_on=d(2025, 12, 1)).rec == "E12"
    assert adoption.history.count() == 2


def test_only_those_who_may_record_for_the_child_record_adoption(county):
    child = in_care(county, d(2025, 6, 2))
    with pytest.raises(PermissionDenied):
        services.adoption_decision_record(child=child, actor=county.other_worker, decided_on=d(2025, 7, 1))
    with pytest.raises(PermissionDenied):
        services.previous_permanence_record(child=child, actor=county.other_worker, option="Z1")


def test_previous_permanence_describes_an_order_before_this_care(county):
    child = in_care(county, d(2025, 6, 2), born=d(2015, 1, 1))
    record = services.previous_permanence_record
    with pytest.raises(ValidationError, match="Only an adoption or an order"):
        record(child=child, actor=county.worker, option="Z1", local_authority="885")
    with pytest.raises(ValidationError, match="council's code"):
        record(child=child, actor=county.worker, option="P2", local_authority="123")
    with pytest.raises(ValidationError, match="before this care started"):
        record(child=child, actor=county.worker, option="P2", local_authority="885", order_month=6, order_year=2025)
    with pytest.raises(ValidationError, match="the year with the month"):
        record(child=child, actor=county.worker, option="P2", local_authority="885", order_month=6)
    with pytest.raises(ValidationError, match="does not exist"):
        record(child=child, actor=county.worker, option="P2", local_authority="885", order_day=31, order_month=2, order_year=2020)
    with pytest.raises(ValidationError, match="Choose whether"):
        record(child=child, actor=county.worker, option="P9")
    assert not PreviousPermanence.objects.filter(child=child).exists()
    record(child=child, actor=county.worker, option="Z1")
    with pytest.raises(ValidationError, match="Say why"):
        record(child=child, actor=county.worker, option="P4")
    record(child=child, actor=county.worker, option="P4", reason="The family told us more")
    assert list(child.previous_permanence.history.order_by("history_date").values_list("option", flat=True)) == ["Z1", "P4"]


def test_previous_permanence_waits_for_care(county):
    never_in_care = ChildFactory()
    with pytest.raises(ValidationError, match="once"):
        services.previous_permanence_record(child=never_in_care, actor=county.head, option="Z1")
