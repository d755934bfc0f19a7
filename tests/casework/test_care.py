"""Care (issue 16): coming into care with the legal status and category of need the worker records, a new legal
status, and the leaving-care record from 16 with contact at 17 to 21."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework import codes, services
from casework.models import CareEpisode, CareLeaverContact, LegalStatus
from casework.versions import RecordChanged
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def known_child(county, **fields):
    """A child known to the service, not in care, allocated to the county's worker."""
    child = factories.ChildFactory(**fields)
    factories.AllocationFactory(child=child, worker=county.worker)
    return child


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = TODAY()
    return today.replace(year=today.year - years) - days * DAY


# Coming into care -------------------------------------------------------------------------------------------------


def test_coming_into_care_keeps_the_legal_status_and_category_of_need_the_worker_chose(county):
    child = known_child(county)
    care = services.care_start(
        child=child, actor=county.worker, started_on=TODAY() - DAY, legal_status="C1", category_of_need="N4"
    )
    assert (care.category_of_need, care.ended_on) == ("N4", None)
    status = LegalStatus.objects.get(child=child)
    assert (status.code, status.started_on) == ("C1", TODAY() - DAY)
    assert care.history.get().history_change_reason == "Came into care"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"legal_status": ""}, "legal_status"),
        ({"legal_status": "Z9"}, "legal_status"),
        ({"category_of_need": ""}, "category_of_need"),  # never a default: the worker chooses
        ({"category_of_need": "N9"}, "category_of_need"),
        ({"started_on": TODAY() + DAY}, "started_on"),
        ({"started_on": datetime.date(2000, 1, 1)}, "started_on"),  # before the child was born
    ],
)
def test_coming_into_care_with_a_field_wrong_is_refused_by_field_and_saves_nothing(county, fields, field):
    child = known_child(county, date_of_birth=datetime.date(2015, 1, 1))
    values = {"started_on": TODAY(), "legal_status": "V2", "category_of_need": "N1"} | fields
    with pytest.raises(ValidationError) as error:
        services.care_start(child=child, actor=county.worker, **values)
    assert field in error.value.message_dict
    assert not CareEpisode.objects.filter(child=child).exists() and not LegalStatus.objects.filter(child=child).exists()


def test_a_child_in_care_or_with_a_closed_case_or_not_yours_cannot_come_into_care(county):
    with pytest.raises(ValidationError, match="already in care"):
        services.care_start(child=county.child, actor=county.worker, started_on=TODAY(), legal_status="V2", category_of_need="N1")
    child = known_child(county)
    with pytest.raises(PermissionDenied):
        services.care_start(child=child, actor=county.teammate, started_on=TODAY(), legal_status="V2", category_of_need="N1")
    services.child_close(child=child, actor=county.worker, closed_on=TODAY(), reason=codes.ClosureReason.NO_FURTHER_ACTION)
    with pytest.raises(ValidationError, match="closed"):
        services.care_start(child=child, actor=county.head, started_on=TODAY(), legal_status="V2", category_of_need="N1")


def test_the_page_brings_a_child_into_care_and_sends_the_worker_on_to_the_first_home(client, county):
    child = known_child(county)
    client.force_login(county.worker)
    url = reverse("casework:care-start", args=[child.pk])
    page = client.post(url, {"started_on": TODAY().isoformat(), "legal_status": "V2"})
    assert page.status_code == 200 and "Choose the main reason the child needs care" in page.content.decode()
    response = client.post(url, {"started_on": TODAY().isoformat(), "legal_status": "V2", "category_of_need": "N2"})
    assert response.status_code == 302 and response["Location"] == reverse("placements:child-homes", args=[child.pk])
    assert CareEpisode.objects.get(child=child).category_of_need == "N2"


# Legal status ----------------------------------------------------------------------------------------------------


def in_care_with(county, code: str, since: datetime.date):
    child = known_child(county)
    services.care_start(child=child, actor=county.worker, started_on=since, legal_status=code, category_of_need="N1")
    return child


def test_a_new_legal_status_ends_the_current_one_the_day_it_begins(county):
    child = in_care_with(county, "C1", TODAY() - 100 * DAY)
    services.legal_status_change(child=child, actor=county.worker, code="C2", started_on=TODAY() - 10 * DAY)
    rows = list(LegalStatus.objects.filter(child=child).order_by("started_on").values_list("code", "started_on", "ended_on"))
    assert rows == [("C1", TODAY() - 100 * DAY, TODAY() - 10 * DAY), ("C2", TODAY() - 10 * DAY, None)]


@pytest.mark.parametrize(
    ("code", "days_ago", "field"),
    [("C1", 10, "code"), ("XX", 10, "code"), ("C2", 100, "started_on"), ("C2", 200, "started_on"), ("C2", -1, "started_on")],
)
def test_a_legal_status_change_that_is_no_change_or_out_of_order_is_refused(county, code, days_ago, field):
    child = in_care_with(county, "C1", TODAY() - 100 * DAY)
    with pytest.raises(ValidationError) as error:
        services.legal_status_change(child=child, actor=county.worker, code=code, started_on=TODAY() - days_ago * DAY)
    assert field in error.value.message_dict
    assert LegalStatus.objects.filter(child=child).count() == 1


def test_a_child_not_in_care_has_no_legal_status_to_change(county):
    with pytest.raises(ValidationError, match="not in care"):
        services.legal_status_change(child=known_child(county), actor=county.worker, code="C2", started_on=TODAY())


# Leaving care ----------------------------------------------------------------------------------------------------


def test_the_leaving_care_record_starts_at_16_and_keeps_its_version_and_history(county):
    with pytest.raises(ValidationError, match="starts at 16"):
        services.care_leaver_update(child=known_child(county, date_of_birth=years_ago(15)), actor=county.worker)
    child = known_child(county, date_of_birth=years_ago(16, 30))
    record = services.care_leaver_update(
        child=child, actor=county.worker, pathway_plan_on=TODAY() - DAY, personal_adviser="  Sam Adviser "
    )
    assert record.personal_adviser == "Sam Adviser" and record.history.get().history_user == county.worker
    with pytest.raises(RecordChanged):
        services.care_leaver_update(
            child=child, actor=county.worker, version=record.updated_at - DAY, personal_adviser="Someone else"
        )
    with pytest.raises(ValidationError) as error:
        services.care_leaver_update(child=child, actor=county.worker, pathway_plan_on=TODAY() + DAY)
    assert "pathway_plan_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"birthday": 16}, "birthday"),
        ({"birthday": 19}, "birthday"),  # not 19 yet
        ({"in_touch": "MAYBE"}, "in_touch"),
        ({"in_touch": "YES"}, "activity"),  # in touch: what they do and where they live
        ({"in_touch": "YES", "activity": "F1", "accommodation": "U"}, "accommodation_suitable"),
    ],
)
def test_contact_at_a_birthday_with_a_field_wrong_is_refused_by_field(county, fields, field):
    child = known_child(county, date_of_birth=years_ago(18, 10))
    values = {"birthday": 18, "in_touch": "NO"} | fields
    with pytest.raises(ValidationError) as error:
        services.care_leaver_contact_record(child=child, actor=county.worker, **values)
    assert field in error.value.message_dict
    assert not CareLeaverContact.objects.exists()


def test_contact_is_one_row_a_birthday_and_someone_who_went_home_needs_no_activity(county):
    child = known_child(county, date_of_birth=years_ago(18, 10))
    services.care_leaver_contact_record(
        child=child,
        actor=county.worker,
        birthday=18,
        in_touch="YES",
        activity="F4",
        accommodation="Z",
        accommodation_suitable=True,
    )
    contact = services.care_leaver_contact_record(
        child=child, actor=county.worker, birthday=18, in_touch="RHOM", activity="F4", accommodation="Z"
    )
    assert (contact.activity, contact.accommodation, contact.accommodation_suitable) == ("", "", None)
    assert CareLeaverContact.objects.filter(child=child).count() == 1 and contact.history.count() == 2


def test_the_leaving_care_page_saves_for_the_worker_and_only_reads_for_a_teammate(client, county):
    child = known_child(county, date_of_birth=years_ago(17, 5))
    url = reverse("casework:leaving-care", args=[child.pk])
    client.force_login(county.worker)
    response = client.post(url, {"pathway": "1", "pathway_plan_on": TODAY().isoformat(), "personal_adviser": "Sam"})
    assert response.status_code == 302
    response = client.post(url, {"contact": "1", "birthday": "17", "in_touch": "NO"})
    assert response.status_code == 302 and "Not in touch" in client.get(url).content.decode()
    client.force_login(county.teammate)
    assert client.get(url).status_code == 200
    assert client.post(url, {"contact": "1", "birthday": "17", "in_touch": "YES"}).status_code == 403


def test_the_api_brings_a_child_into_care_and_changes_the_legal_status(county):
    child = known_child(county)
    client = APIClient()
    client.force_authenticate(county.worker)
    base = f"/api/v1/children/{child.pk}"
    response = client.post(f"{base}/care/start/", {"started_on": TODAY().isoformat(), "legal_status": "C1"}, format="json")
    assert response.status_code == 400 and "category_of_need" in response.json()
    body = {"started_on": (TODAY() - 5 * DAY).isoformat(), "legal_status": "C1", "category_of_need": "N1"}
    assert client.post(f"{base}/care/start/", body, format="json").status_code == 201
    response = client.post(f"{base}/care/legal-status/", {"code": "C2", "started_on": TODAY().isoformat()}, format="json")
    assert response.status_code == 201 and response.json()["code"] == "C2"
