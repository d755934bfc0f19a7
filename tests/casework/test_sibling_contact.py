"""Sibling contact that adds up (issue 16): the sessions due from an arrangement's frequency, one row a session
with its outcome recorded on it, and arrangements changed or ended, on the services, the pages and the API."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework import codes, contact_due, services
from casework.models import SiblingContactArrangement, SiblingContactSession
from casework.versions import RecordChanged
from tests import factories
from tests.conftest import County

pytestmark = pytest.mark.django_db
d = datetime.date
S, F = codes.ContactSessionStatus, codes.ContactFrequency
TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


# The rule: slots from the frequency -------------------------------------------------------------------------------


def arrangement_of(frequency: str, started_on: datetime.date, ended_on: datetime.date | None = None) -> SiblingContactArrangement:
    return SiblingContactArrangement(frequency=frequency, started_on=started_on, ended_on=ended_on)


def windows(arrangement: SiblingContactArrangement, since: datetime.date, until: datetime.date, sessions=()) -> list[Any]:
    return [(slot.starts, slot.ends, slot.met) for slot in contact_due.slots(arrangement, sessions, since=since, until=until)]


def held(on: datetime.date, status: str = S.HAPPENED) -> SiblingContactSession:
    return SiblingContactSession(planned_on=on, status=status)


def test_monthly_slots_run_from_the_start_and_shorter_months_use_their_last_day():
    monthly = arrangement_of(F.MONTHLY, d(2025, 1, 31))
    assert windows(monthly, d(2025, 1, 1), d(2025, 5, 29)) == [
        (d(2025, 1, 31), d(2025, 2, 27), False),  # 31 Jan + 1 month = 28 Feb: the next slot starts then
        (d(2025, 2, 28), d(2025, 3, 30), False),  # counted from 31 Jan, not from 28 Feb: back to the 31st
        (d(2025, 3, 31), d(2025, 4, 29), False),
    ]  # the fourth, 30 Apr to 30 May, ends after `until`: not due yet
    leap = arrangement_of(F.QUARTERLY, d(2023, 11, 30))
    assert windows(leap, d(2024, 1, 1), d(2024, 6, 1)) == [
        (d(2023, 11, 30), d(2024, 2, 28), False),
        (d(2024, 2, 29), d(2024, 5, 29), False),
    ]


def test_a_slot_is_met_once_by_a_session_that_happened_inside_it():
    weekly = arrangement_of(F.WEEKLY, d(2025, 3, 3))  # Mondays
    sessions = [held(d(2025, 3, 4)), held(d(2025, 3, 9)), held(d(2025, 3, 12), S.CANCELLED), held(d(2025, 3, 18), S.PLANNED)]
    assert windows(weekly, d(2025, 3, 1), d(2025, 3, 23), sessions) == [
        (d(2025, 3, 3), d(2025, 3, 9), True),  # two held: one slot met
        (d(2025, 3, 10), d(2025, 3, 16), False),  # cancelled: missed
        (d(2025, 3, 17), d(2025, 3, 23), False),  # still marked planned: missed
    ]


def test_an_arrangement_ended_mid_slot_is_not_due_for_that_slot():
    ended = arrangement_of(F.MONTHLY, d(2025, 1, 1), ended_on=d(2025, 3, 15))
    assert [ends for _, ends, _ in windows(ended, d(2025, 1, 1), d(2025, 3, 31))] == [d(2025, 1, 31), d(2025, 2, 28)]
    fortnightly = arrangement_of(F.FORTNIGHTLY, d(2025, 1, 1), ended_on=d(2025, 1, 28))  # ends on a slot's last day
    assert [ends for _, ends, _ in windows(fortnightly, d(2025, 1, 1), d(2025, 3, 31))] == [d(2025, 1, 14), d(2025, 1, 28)]


def test_other_frequencies_expect_no_sessions():
    assert windows(arrangement_of(F.OTHER, d(2024, 1, 1)), d(2024, 1, 1), d(2025, 1, 1)) == []
    assert contact_due.current_slot(arrangement_of(F.OTHER, d(2024, 1, 1)), today=d(2025, 1, 1)) is None


def test_the_current_slot_is_the_one_today_falls_in():
    assert contact_due.current_slot(arrangement_of(F.MONTHLY, d(2025, 1, 31)), today=d(2025, 3, 1)) == (
        d(2025, 2, 28),
        d(2025, 3, 30),
    )
    ending = arrangement_of(F.MONTHLY, d(2025, 1, 31), ended_on=d(2025, 3, 15))
    assert contact_due.current_slot(ending, today=d(2025, 3, 1)) is None  # contact ends before the slot does


# One row a session --------------------------------------------------------------------------------------------------


def arrange(county: County, **fields: Any) -> SiblingContactArrangement:
    values: dict[str, Any] = {"frequency": F.MONTHLY, "requested_by_child": True, "plan": "", "started_on": days_ago(100)}
    values |= fields
    sibling = factories.FamilyMemberFactory(child=county.child, relationship=codes.Relationship.FULL_SIBLING)
    return services.sibling_contact_arrangement_create(child=county.child, sibling=sibling, actor=county.worker, **values)


def record(arrangement: SiblingContactArrangement, actor, **fields: Any) -> SiblingContactSession:
    values: dict[str, Any] = {"planned_on": days_ago(7), "status": S.HAPPENED} | fields
    return services.sibling_contact_session_record(arrangement=arrangement, actor=actor, **values)


def test_recording_the_outcome_of_a_planned_day_changes_that_session(county):
    arrangement = arrange(county)
    planned = record(arrangement, county.worker, status=S.PLANNED)
    held_ = record(arrangement, county.worker, child_comment="We baked.")
    assert held_.pk == planned.pk
    assert list(arrangement.sessions.values_list("status", "child_comment")) == [(S.HAPPENED, "We baked.")]
    assert [row.status for row in planned.history.order_by("history_date")] == [S.PLANNED, S.HAPPENED]


@pytest.mark.parametrize("status", [S.HAPPENED, S.CANCELLED, S.PLANNED])
def test_a_second_session_on_the_same_day_is_refused_and_nothing_changes(county, status):
    arrangement = arrange(county)
    first = record(arrangement, county.worker)
    with pytest.raises(ValidationError) as refused:
        record(arrangement, county.worker, status=status, cancelled_by="carer", cancel_reason="Ill")
    assert list(refused.value.message_dict) == ["planned_on"]
    assert "already recorded" in refused.value.message_dict["planned_on"][0]
    assert list(arrangement.sessions.values_list("pk", "status")) == [(first.pk, S.HAPPENED)]


def test_a_session_outcome_is_recorded_on_the_same_row_with_history(county):
    session = record(arrange(county), county.worker, status=S.PLANNED)
    read = SiblingContactSession.objects.get(pk=session.pk).updated_at
    services.sibling_contact_session_update(
        session=session, actor=county.worker, version=read, status=S.CANCELLED, cancelled_by="sibling",
        cancel_reason="Her football match.", child_comment="Next time.",
    )  # fmt: skip
    session.refresh_from_db()
    assert (session.status, session.cancelled_by, session.cancel_reason, session.child_comment) == (
        S.CANCELLED, "sibling", "Her football match.", "Next time.",
    )  # fmt: skip
    latest = session.history.order_by("-history_date").first()
    assert (latest.history_user, latest.history_change_reason) == (county.worker, "Cancelled")


def test_a_session_saved_by_someone_else_since_is_not_overwritten(county):
    session = record(arrange(county), county.worker, status=S.PLANNED)
    read = session.updated_at
    services.sibling_contact_session_update(session=session, actor=county.worker, version=read, status=S.HAPPENED)
    with pytest.raises(RecordChanged):
        services.sibling_contact_session_update(
            session=session, actor=county.worker, version=read, status=S.CANCELLED, cancelled_by="carer", cancel_reason="Ill"
        )
    assert SiblingContactSession.objects.get(pk=session.pk).status == S.HAPPENED


@pytest.mark.parametrize(
    ("outcome", "fields"),
    [
        ({"status": S.CANCELLED}, {"cancelled_by", "cancel_reason"}),
        ({"status": S.CANCELLED, "cancelled_by": "carer", "cancel_reason": "  "}, {"cancel_reason"}),
        ({"status": S.CANCELLED, "cancel_reason": "Ill"}, {"cancelled_by"}),
        ({"status": "postponed"}, {"status"}),
    ],
)
def test_a_bad_outcome_is_refused_by_field_and_nothing_is_saved(county, outcome, fields):
    session = record(arrange(county), county.worker, status=S.PLANNED)
    with pytest.raises(ValidationError) as refused:
        services.sibling_contact_session_update(session=session, actor=county.worker, version=session.updated_at, **outcome)
    assert set(refused.value.message_dict) == fields
    session.refresh_from_db()
    assert (session.status, session.history.count()) == (S.PLANNED, 1)


def test_a_future_session_cannot_have_happened(county):
    session = record(arrange(county), county.worker, planned_on=TODAY() + datetime.timedelta(days=3), status=S.PLANNED)
    with pytest.raises(ValidationError) as refused:
        services.sibling_contact_session_update(session=session, actor=county.worker, version=None, status=S.HAPPENED)
    assert list(refused.value.message_dict) == ["status"]


def test_someone_who_may_only_read_the_record_cannot_record_an_outcome(county):
    from django.core.exceptions import PermissionDenied

    session = record(arrange(county), county.worker, status=S.PLANNED)
    with pytest.raises(PermissionDenied):
        services.sibling_contact_session_update(session=session, actor=county.teammate, version=None, status=S.HAPPENED)


# Arrangements changed and ended ---------------------------------------------------------------------------------------


def test_an_arrangement_is_changed_and_ended_with_a_reason_and_history(county):
    arrangement = arrange(county)
    services.sibling_contact_arrangement_update(
        arrangement=arrangement, actor=county.worker, version=arrangement.updated_at, frequency=F.FORTNIGHTLY, plan="Park."
    )
    ended = services.sibling_contact_arrangement_update(
        arrangement=arrangement, actor=county.worker, version=None, ended_on=days_ago(1), end_reason="Moved in together."
    )
    assert (ended.frequency, ended.plan, ended.ended_on, ended.end_reason) == (
        F.FORTNIGHTLY,
        "Park.",
        days_ago(1),
        "Moved in together.",
    )
    assert [row.history_change_reason for row in ended.history.order_by("history_date")] == [None, "Changed", "Ended"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ended_on": "yesterday"}, "end_reason"),
        ({"ended_on": "before start", "end_reason": "Oops"}, "ended_on"),
        ({"ended_on": "tomorrow", "end_reason": "Plan"}, "ended_on"),
        ({"ended_on": "before a session", "end_reason": "Ended"}, "ended_on"),
        ({"frequency": "daily"}, "frequency"),
    ],
)
def test_a_bad_change_to_an_arrangement_is_refused_by_field_and_nothing_is_saved(county, fields, field):
    arrangement = arrange(county)
    record(arrangement, county.worker, planned_on=days_ago(5))
    days = {"yesterday": days_ago(1), "before start": days_ago(200), "tomorrow": days_ago(-1), "before a session": days_ago(10)}
    fields = {name: days.get(value, value) if name == "ended_on" else value for name, value in fields.items()}
    with pytest.raises(ValidationError) as refused:
        services.sibling_contact_arrangement_update(arrangement=arrangement, actor=county.worker, version=None, **fields)
    assert list(refused.value.message_dict) == [field]
    arrangement.refresh_from_db()
    assert (arrangement.ended_on, arrangement.frequency, arrangement.history.count()) == (None, F.MONTHLY, 1)


def test_no_session_is_recorded_after_contact_ended(county):
    arrangement = arrange(county)
    services.sibling_contact_arrangement_update(
        arrangement=arrangement, actor=county.worker, version=None, ended_on=days_ago(20), end_reason="Ended by court."
    )
    with pytest.raises(ValidationError) as refused:
        record(arrangement, county.worker, planned_on=days_ago(10))
    assert list(refused.value.message_dict) == ["planned_on"]


# Pages -------------------------------------------------------------------------------------------------------------------


def test_a_worker_records_what_happened_from_the_childs_page(client, county):
    session = record(arrange(county), county.worker, status=S.PLANNED)
    client.force_login(county.worker)
    page = client.get(reverse("casework:child-detail", args=[county.child.pk]))
    outcome_url = reverse("casework:sibling-session-outcome", args=[session.pk])
    assert outcome_url in page.content.decode()
    form = client.get(outcome_url)
    assert form.status_code == 200
    version = form.context["form"].initial["version"]
    answer = client.post(outcome_url, {"status": S.HAPPENED, "child_comment": "Ice cream!", "version": version})
    assert answer.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.child_comment) == (S.HAPPENED, "Ice cream!")


def test_the_outcome_page_keeps_what_was_typed_and_says_what_to_fix(client, county):
    session = record(arrange(county), county.worker, status=S.PLANNED)
    client.force_login(county.worker)
    answer = client.post(
        reverse("casework:sibling-session-outcome", args=[session.pk]), {"status": S.CANCELLED, "child_comment": "Sad."}
    )
    assert answer.status_code == 200
    assert set(answer.context["form"].errors) == {"cancelled_by", "cancel_reason"}
    assert "Sad." in answer.content.decode()
    session.refresh_from_db()
    assert session.status == S.PLANNED


def test_a_worker_ends_contact_from_the_childs_page(client, county):
    arrangement = arrange(county)
    client.force_login(county.worker)
    url = reverse("casework:sibling-contact-edit", args=[arrangement.pk])
    initial = client.get(url).context["form"].initial
    body = {"frequency": F.MONTHLY, "requested_by_child": "on", "plan": "", "ended_on": days_ago(2).isoformat()}
    refused = client.post(url, body | {"version": initial["version"]})
    assert set(refused.context["form"].errors) == {"end_reason"}
    done = client.post(url, body | {"version": initial["version"], "end_reason": "They live together now."})
    assert done.status_code == 302
    arrangement.refresh_from_db()
    assert (arrangement.ended_on, arrangement.end_reason) == (days_ago(2), "They live together now.")


def test_the_childs_page_lists_sessions_due_and_missed(client, county):
    client.force_login(county.worker)
    page = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert "No sibling contact arranged." in page
    arrangement = arrange(county, frequency=F.WEEKLY, started_on=days_ago(20))
    record(arrangement, county.worker, planned_on=days_ago(19))
    page = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert page.count("Missed</strong>") == 1  # the first week held; the second missed; the third is due now
    assert "Nothing planned or recorded" in page
    assert "Due</strong>" in page


def test_the_childs_page_takes_the_same_queries_however_much_contact(client, county, django_assert_max_num_queries):
    client.force_login(county.worker)

    def contact(n: int) -> None:
        for _ in range(n):
            arrangement = arrange(county, frequency=F.WEEKLY)
            for days in (3, 10, 17):
                record(arrangement, county.worker, planned_on=days_ago(days))

    contact(1)
    url = reverse("casework:child-detail", args=[county.child.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    contact(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# API ------------------------------------------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_records_an_outcome_on_the_same_session_with_the_version(county):
    session = record(arrange(county), county.worker, status=S.PLANNED, child_comment="Looking forward to it.")
    url = reverse("api:sibling-contact-session-detail", args=[session.pk])
    read = api(county.worker).get(url).json()["updated_at"]
    answer = api(county.worker).patch(url, {"status": S.HAPPENED, "version": read}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["child_comment"]) == (S.HAPPENED, "Looking forward to it.")  # kept
    stale = api(county.worker).patch(url, {"status": S.PLANNED, "version": read}, format="json")
    assert stale.status_code == 409
    assert SiblingContactSession.objects.get(pk=session.pk).status == S.HAPPENED


def test_the_api_refuses_a_bad_outcome_by_field(county):
    session = record(arrange(county), county.worker, status=S.PLANNED)
    url = reverse("api:sibling-contact-session-detail", args=[session.pk])
    answer = api(county.worker).patch(url, {"status": S.CANCELLED, "cancelled_by": "dog"}, format="json")
    assert (answer.status_code, list(answer.json())) == (400, ["cancelled_by"])
    answer = api(county.worker).patch(url, {"status": S.CANCELLED}, format="json")
    assert (answer.status_code, set(answer.json())) == (400, {"cancelled_by", "cancel_reason"})
    assert SiblingContactSession.objects.get(pk=session.pk).status == S.PLANNED


def test_the_api_ends_an_arrangement(county):
    arrangement = arrange(county)
    url = reverse("api:sibling-contact-arrangement-detail", args=[arrangement.pk])
    body = {"ended_on": days_ago(1).isoformat(), "version": arrangement.updated_at.isoformat()}
    assert list(api(county.worker).patch(url, body, format="json").json()) == ["end_reason"]
    answer = api(county.worker).patch(url, body | {"end_reason": "Adopted together."}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["ended_on"], answer.json()["end_reason"]) == (days_ago(1).isoformat(), "Adopted together.")


def test_the_api_hides_another_teams_sessions_and_refuses_read_only_users(county):
    session = record(arrange(county), county.worker, status=S.PLANNED)
    url = reverse("api:sibling-contact-session-detail", args=[session.pk])
    assert api(county.other_worker).patch(url, {"status": S.HAPPENED}, format="json").status_code == 404
    assert api(county.teammate).patch(url, {"status": S.HAPPENED}, format="json").status_code == 403
    assert SiblingContactSession.objects.get(pk=session.pk).status == S.PLANNED
