"""The yearly health record of a child looked after all year (903 OC2), the date a child's UASC status ceased, and a
young person's own child in their network (903 MOTHER, MC_DOB): services, pages, API, history and bad input."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework import codes, dates, selectors, services
from casework.models import Child, HealthRecord
from casework.versions import RecordChanged
from tests import factories
from tests.conftest import County

pytestmark = pytest.mark.django_db
d = datetime.date
TODAY = timezone.localdate
LAST_YEAR = dates.year_ending_of(TODAY()) - 1  # the last whole year to 31 March
ANSWERS: dict[str, Any] = {"immunisations": True, "teeth_check": True, "health_assessment": True, "substance_misuse": False}


def in_care(county: County, born: datetime.date, since: datetime.date | None = None) -> Child:
    """A child on the county worker's caseload, in care since before last year began (or `since`)."""
    child = factories.ChildFactory(date_of_birth=born)
    factories.AllocationFactory(child=child, worker=county.worker)
    factories.CareEpisodeFactory(child=child, started_on=since or d(LAST_YEAR - 2, 1, 1))
    return child


def aged(years: int) -> datetime.date:
    """Born so as to be `years` old on last year's 31 March (and have turned it well inside that year)."""
    return d(LAST_YEAR - years, 1, 10)


def save(child: Child, actor: Any, year_ending: int = LAST_YEAR, **answers: Any) -> HealthRecord:
    return services.health_record_save(child=child, actor=actor, year_ending=year_ending, **(ANSWERS | answers))


# The questions by age -------------------------------------------------------------------------------------------


def test_a_twelve_year_old_gives_an_sdq_and_convictions_but_no_development_check(county):
    child = in_care(county, aged(12))
    record = save(child, county.worker, sdq_score=17, convicted=False)
    assert (record.sdq_score, record.convicted, record.development_check) == (17, False, None)
    with pytest.raises(ValidationError, match="development checks are asked about children under 5"):
        save(child, county.worker, sdq_score=17, convicted=False, development_check=True)
    with pytest.raises(ValidationError, match="convictions are asked about children 10 and over"):
        save(child, county.worker, sdq_score=17)


def test_a_three_year_old_gives_a_development_check_and_no_sdq_or_convictions(county):
    child = in_care(county, aged(3))
    assert save(child, county.worker, development_check=False).development_check is False
    with pytest.raises(ValidationError, match="Leave the SDQ empty"):
        save(child, county.worker, development_check=False, sdq_score=3)
    with pytest.raises(ValidationError, match="convictions"):
        save(child, county.worker, development_check=False, convicted=False)


def test_the_sdq_is_a_score_from_0_to_40_or_a_reason_never_both(county):
    child = in_care(county, aged(8))
    for answers, words in (
        ({}, "Give the SDQ score"),
        ({"sdq_score": 41}, "from 0 to 40"),
        ({"sdq_score": 5, "sdq_reason": "SDQ2"}, "not both"),
        ({"sdq_reason": "SDQ1"}, "between 4 and 16 all year"),  # "under 4 or 17 and over" cannot be true at 8
    ):
        with pytest.raises(ValidationError, match=words):
            save(child, county.worker, **answers)
    assert save(child, county.worker, sdq_reason="SDQ5").sdq_reason == "SDQ5"
    assert not HealthRecord.objects.exclude(sdq_reason="SDQ5").exists()  # nothing half-saved by the refusals


def test_a_young_person_who_turned_17_in_the_year_may_have_no_sdq_for_their_age(county):
    child = in_care(county, aged(17))
    assert save(child, county.worker, convicted=True, sdq_reason="SDQ1").sdq_reason == "SDQ1"


def test_substance_misuse_asks_about_an_intervention_received_and_else_one_offered(county):
    child = in_care(county, aged(15))
    base = {"sdq_score": 20, "convicted": False, "substance_misuse": True}
    with pytest.raises(ValidationError, match="received an intervention"):
        save(child, county.worker, **base)
    with pytest.raises(ValidationError, match="offered an intervention"):
        save(child, county.worker, **base, intervention_received=False)
    with pytest.raises(ValidationError, match="they received an intervention"):
        save(child, county.worker, **base, intervention_received=True, intervention_offered=False)
    with pytest.raises(ValidationError, match="no substance misuse problem"):
        save(child, county.worker, sdq_score=20, convicted=False, intervention_received=True)
    record = save(child, county.worker, **base, intervention_received=False, intervention_offered=True)
    assert (record.intervention_received, record.intervention_offered) == (False, True)


def test_a_yes_or_no_left_unanswered_is_refused(county):
    child = in_care(county, aged(12))
    with pytest.raises(ValidationError, match="Answer yes or no"):
        save(child, county.worker, sdq_score=1, convicted=False, teeth_check=None)


# Which years -------------------------------------------------------------------------------------------------------


def test_a_child_who_came_into_care_during_the_year_has_no_record_for_it(county):
    child = in_care(county, aged(12), since=d(LAST_YEAR - 1, 4, 2))
    with pytest.raises(ValidationError, match="was not in care on 1 April"):
        save(child, county.worker, sdq_score=1, convicted=False)
    with pytest.raises(ValidationError, match="not started yet"):
        save(child, county.worker, year_ending=LAST_YEAR + 2, sdq_score=1, convicted=False)


def test_one_record_a_year_is_corrected_in_place_with_its_history(county):
    child = in_care(county, aged(12))
    first = save(child, county.worker, sdq_score=10, convicted=False)
    with pytest.raises(RecordChanged):
        save(child, county.worker, sdq_score=11, convicted=False, version=first.updated_at - datetime.timedelta(seconds=1))
    second = save(child, county.worker, sdq_score=11, convicted=False, version=first.updated_at)
    assert second.pk == first.pk and HealthRecord.objects.count() == 1
    assert [row.sdq_score for row in second.history.order_by("history_date")] == [10, 11]
    assert second.history.latest().history_change_reason == f"Health in the year to 31 March {LAST_YEAR}"


def test_a_teammate_reads_but_may_not_record(county):
    child = in_care(county, aged(12))
    with pytest.raises(PermissionDenied):
        save(child, county.teammate, sdq_score=1, convicted=False)


def test_the_childs_page_says_which_years_need_a_record(client, county):
    child = in_care(county, aged(12))
    due = selectors.health_records_due(child=child, today=TODAY())
    assert [(item.year_ending, item.is_due) for item in due] == [(LAST_YEAR + 1, True), (LAST_YEAR, True)]
    save(child, county.worker, sdq_score=1, convicted=False)
    client.force_login(county.worker)
    page = client.get(reverse("casework:child-detail", args=[child.pk])).content.decode()
    assert f"Year to 31 March {LAST_YEAR + 1}: <strong" in page and f"Year to 31 March {LAST_YEAR}: recorded" in page
    newcomer = in_care(county, aged(12), since=TODAY() - datetime.timedelta(days=10))
    assert selectors.health_records_due(child=newcomer, today=TODAY()) == []


# Pages -------------------------------------------------------------------------------------------------------------


def test_the_health_records_page_makes_and_corrects_a_year_and_keeps_bad_input(client, county):
    child = in_care(county, aged(12))
    url = reverse("casework:health-records", args=[child.pk])
    client.force_login(county.worker)
    form = {"year_ending": str(LAST_YEAR), "sdq_score": "45", "convicted": "no", "immunisations": "yes",
            "teeth_check": "no", "health_assessment": "yes", "substance_misuse": "no"}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "Ensure this value is less than or equal to 40" in response.content.decode()
    assert 'value="45"' in response.content.decode() and not HealthRecord.objects.exists()
    response = client.post(url, form | {"development_check": "yes", "sdq_score": "12"})
    assert response.status_code == 200 and "Leave this empty" in response.content.decode()
    assert client.post(url, form | {"sdq_score": "12"}).status_code == 302
    record = HealthRecord.objects.get(child=child)
    assert (record.sdq_score, record.teeth_check, record.convicted) == (12, False, False)
    page = client.get(url, {"year": LAST_YEAR})
    assert page.context["form"].initial["version"] == record.updated_at.isoformat()
    assert "SDQ score 12" in page.content.decode()
    chronology = client.get(reverse("casework:child-chronology", args=[child.pk])).content.decode()
    assert f"Health record for the year to 31 March {LAST_YEAR}" in chronology


def test_the_health_records_page_reads_for_a_teammate_and_is_404_to_another_team(client, county):
    child = in_care(county, aged(12))
    url = reverse("casework:health-records", args=[child.pk])
    client.force_login(county.teammate)
    assert client.get(url).status_code == 200
    assert client.post(url, {"year_ending": str(LAST_YEAR)}).status_code == 403
    client.force_login(county.other_worker)
    assert client.get(url).status_code == 404


def test_a_child_new_to_care_has_an_empty_health_records_page(client, county):
    child = in_care(county, aged(12), since=TODAY() - datetime.timedelta(days=3))
    client.force_login(county.worker)
    page = client.get(reverse("casework:health-records", args=[child.pk])).content.decode()
    assert "No health record yet." in page and "no record is needed yet" in page


# API ---------------------------------------------------------------------------------------------------------------


def test_the_api_makes_lists_and_refuses_health_records(county):
    child = in_care(county, aged(3))
    api = APIClient()
    api.force_authenticate(county.worker)
    url = f"/api/v1/children/{child.pk}/health-records/"
    body = ANSWERS | {"year_ending": LAST_YEAR, "development_check": True}
    bad = api.post(url, body | {"convicted": True}, format="json")
    assert bad.status_code == 400 and "convicted" in bad.json()
    made = api.post(url, body, format="json")
    assert made.status_code == 200 and made.json()["development_check"] is True
    assert api.post(url, body | {"version": made.json()["updated_at"], "teeth_check": False}, format="json").status_code == 200
    listed = api.get(url).json()
    assert [(row["year_ending"], row["teeth_check"]) for row in listed] == [(LAST_YEAR, False)]
    api.force_authenticate(county.other_worker)
    assert api.get(url).status_code == 404


# UASC status and motherhood ------------------------------------------------------------------------------------------


def test_the_date_uasc_status_ceased_is_by_the_18th_birthday_and_only_for_a_uasc(county):
    child = in_care(county, d(2006, 6, 1))
    for fields, words in (
        ({"uasc_ceased_on": d(2025, 1, 1)}, "Only an unaccompanied"),
        ({"uasc": True, "uasc_ceased_on": d(2024, 6, 2)}, "ends by the 18th birthday"),
        ({"uasc": True, "uasc_ceased_on": d(2005, 1, 1)}, "before the child was born"),
        ({"uasc": True, "uasc_ceased_on": TODAY() + datetime.timedelta(days=1)}, "cannot be in the future"),
    ):
        with pytest.raises(ValidationError, match=words):
            services.child_update(child=child, actor=county.worker, **fields)
    child = services.child_update(child=child, actor=county.worker, uasc=True, uasc_ceased_on=d(2024, 3, 1))
    assert child.uasc_ceased_on == d(2024, 3, 1)
    api = APIClient()
    api.force_authenticate(county.worker)
    assert api.get(f"/api/v1/children/{child.pk}/").json()["uasc_ceased_on"] == "2024-03-01"


def test_a_young_persons_own_child_needs_a_date_of_birth_after_theirs(county):
    mother = in_care(county, d(2008, 5, 5))
    for born, words in ((None, "Give the date of birth"), (d(2008, 5, 5), "born after them")):
        with pytest.raises(ValidationError, match=words):
            services.family_member_add(
                child=mother, actor=county.worker, name="Baby", relationship="own_child", date_of_birth=born
            )
    member = services.family_member_add(
        child=mother, actor=county.worker, name="Baby", relationship="own_child", date_of_birth=d(2025, 2, 2)
    )
    assert member.get_relationship_display() == "Their own child"


def test_care_leaver_accommodation_that_is_never_suitable_or_too_early_is_refused(county):
    child = in_care(county, d(2005, 1, 1))
    with pytest.raises(ValidationError, match="never suitable"):
        services.care_leaver_contact_record(
            child=child, actor=county.worker, birthday=19, in_touch="YES", activity="G5", accommodation="S",
            accommodation_suitable=True,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="starts at 18"):
        services.care_leaver_contact_record(
            child=child, actor=county.worker, birthday=17, in_touch="YES", activity="F2",
            accommodation=codes.STAYING_PUT, accommodation_suitable=True,
        )  # fmt: skip
