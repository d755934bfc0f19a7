"""A child's chronology (issue 16): one timeline from every app's records, filtered by kind and dates, newest or
oldest first, on a page and as a CSV; every look logged; the number of queries the same however long it is."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import codes, services
from casework.chronology import Entry, chronology, chronology_sources
from casework.models import Child, RecordView, User
from outcomes import codes as outcome_codes
from placements import codes as placement_codes
from tests import factories
from tests.conftest import County
from tests.outcomes import factories as outcome_factories
from tests.placements import factories as placement_factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def moment(days: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(days_ago(days), datetime.time(10, 30)))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_life(county: County, *, times: int = 1) -> Child:
    """The subject child with a record of every kind the chronology draws on; `times` of most of them."""
    child, worker = county.child, county.worker
    factories.LegalStatusFactory(child=child, code=codes.LegalStatusCode.C2, started_on=days_ago(390))
    sibling = factories.FamilyMemberFactory(child=child, name="Bea Sibling")
    factories.SiblingContactArrangementFactory(child=child, sibling=sibling, started_on=days_ago(900))
    outcome_factories.start_star(child, worker, days=200)
    more_records(county, range(times))
    return child


def more_records(county: County, numbers: range) -> None:
    """Records of each repeated kind, the nth a day or so earlier than the one before."""
    child, worker = county.child, county.worker
    home = placement_factories.HomeFactory(name="Maple foster carers")
    arrangement = child.sibling_contact.get()
    star = child.stars.get()
    area = star.areas.order_by("order", "id").first()
    assert area is not None, "the template gives the star its areas"
    for n in numbers:
        visit = services.visit_create(child=child, author=worker, visited_at=moment(10 + n), child_said="I like it here.")
        services.visit_sign(visit=visit, actor=worker)
        services.visit_create(child=child, author=worker, visited_at=moment(3 + n), observations="Still writing this.")
        services.case_note_create(
            child=child, author=worker, kind=codes.CaseNoteKind.PHONE_CALL, happened_at=moment(5 + n), who="Her teacher",
            summary="=HYPERLINK(\"http://example.invalid\")",
        )  # fmt: skip
        placement_factories.PlacementEpisodeFactory(
            child=child, home=home, started_on=days_ago(700 - 20 * n), ended_on=days_ago(690 - 20 * n)
        )
        placement_factories.PlacementDecisionFactory(
            child=child, created_by=worker, ror_outcome=placement_codes.RiskOfResidentialOutcome.KEEP_SEARCHING,
            ror_reviewed_on=days_ago(650 - n), ror_actions="Ask the kinship team again.",
        )  # fmt: skip
        factories.SiblingContactSessionFactory(arrangement=arrangement, planned_on=days_ago(40 + n))
        services.family_member_add(child=child, actor=worker, name=f"Aunt {n}", relationship=codes.Relationship.AUNT_UNCLE)
        outcome_factories.record(star, worker, {area.name: 4}, days=100 + n, respondent=outcome_codes.Respondent.CHILD)


def kinds_of(entries: list[Entry]) -> set[str]:
    return {entry.kind for entry in entries}


def test_every_app_adds_its_records_to_one_timeline(county: County) -> None:
    child = a_life(county)
    entries = chronology(child=child)
    registered = {source.kind for source in chronology_sources()}
    # placements and outcomes add theirs through the seam (their AppConfig.ready()), not by casework importing them.
    assert {"home", "decision", "forum", "star"} <= registered
    assert {"visit", "case-note", "worker", "legal-status", "care", "home", "decision", "forum", "star", "sibling-contact",
            "family"} <= kinds_of(entries)  # fmt: skip
    draft = next(entry for entry in entries if entry.kind == "visit" and entry.draft)
    assert "draft" in draft.title and draft.link == reverse("casework:visit-detail", args=[child.visits.get(status="draft").pk])
    note = next(entry for entry in entries if entry.kind == "case-note")
    assert (note.title, note.recorded_by) == ("Phone call with Her teacher (draft, not signed)", str(county.worker))
    forum = next(entry for entry in entries if entry.kind == "forum")
    assert (forum.when, forum.detail) == (days_ago(650), "Ask the kinship team again.")


def test_newest_first_or_oldest_first_with_days_and_moments_in_order(county: County) -> None:
    child = a_life(county)
    newest = chronology(child=child)
    oldest = chronology(child=child, newest_first=False)
    assert [entry.sort_key for entry in newest] == sorted((entry.sort_key for entry in newest), reverse=True)
    assert [entry.sort_key for entry in oldest] == sorted(entry.sort_key for entry in newest)
    assert newest[0].day >= newest[-1].day and len(newest) == len(oldest)


def test_filters_by_kind_and_by_days_inclusive(county: County) -> None:
    child = a_life(county, times=2)
    assert kinds_of(chronology(child=child, kinds=["visit", "home"])) == {"visit", "home"}
    window = chronology(child=child, since=days_ago(11), until=days_ago(4))
    assert window and all(days_ago(11) <= entry.day <= days_ago(4) for entry in window)
    assert {entry.day for entry in window} >= {days_ago(11), days_ago(4)}  # both ends included


def test_closing_and_reopening_and_corrections_are_in_it(county: County) -> None:
    child = factories.ChildFactory(first_name="Cal", last_name="Closedcase")
    factories.AllocationFactory(child=child, worker=county.worker, started_on=days_ago(300))
    services.child_close(child=child, actor=county.worker, closed_on=days_ago(2), reason=codes.ClosureReason.MOVED_AWAY)
    services.child_reopen(child=child, actor=county.head, reason="A new referral", worker=county.worker, allocated_on=TODAY)
    visit = factories.VisitFactory(child=child, author=county.worker, status=codes.VisitStatus.SIGNED, child_said="Hi.")
    shared = factories.SharedRecordFactory(visit=visit, sections=[codes.SharedSection.CHILD_SAID])
    child_user = factories.ChildAccountFactory(child=child).user
    services.record_check(shared_record=shared, actor=child_user, verdict=codes.Verdict.NOT_RIGHT, child_words="It was Monday.")
    entries = chronology(child=child, kinds=["case", "correction", "worker"])
    titles = [entry.title for entry in entries]
    assert titles.count("Case closed") == 1 and titles.count("Case opened again") == 1
    closed = next(entry for entry in entries if entry.title == "Case closed")
    assert closed.when == days_ago(2) and "another council" in closed.detail and closed.recorded_by == str(county.worker)
    assert next(entry for entry in entries if entry.title == "Case opened again").detail == "A new referral"
    correction = next(entry for entry in entries if entry.kind == "correction")
    assert correction.detail == "It was Monday." and correction.recorded_by == child.display_name
    ended = next(entry for entry in entries if "stopped being" in entry.title)
    assert ended.when == days_ago(2) and ended.recorded_by == str(county.worker)


# The page and the CSV --------------------------------------------------------------------------------------------


def test_the_page_shows_the_chronology_and_logs_the_look(county: County) -> None:
    child = a_life(county)
    client = client_for(county.teammate)  # a reader: the chronology is a read of the record
    detail = client.get(reverse("casework:child-detail", args=[child.pk])).content.decode()
    url = reverse("casework:child-chronology", args=[child.pk])
    assert url in detail
    response = client.get(url, {"kind": ["case-note", "visit"], "order": "oldest"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Phone call with Her teacher" in text and "Statutory visit" in text and "Maple foster carers" not in text
    assert text.index("Statutory visit to a child in care</a>") < text.index("Phone call with Her teacher")  # oldest first
    assert RecordView.objects.filter(user=county.teammate, child=child, page="chronology").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2024-02-30"}, "Enter a real date."),
        ({"until": "0001-01-01"}, "Enter a date between 1 January 1900 and 31 December 2100."),
        ({"since": "2024-05-02", "until": "2024-05-01"}, "must be the same as or after"),
        ({"kind": "no-such-kind"}, "Choose from the kinds of record listed."),
        ({"order": "sideways"}, "Select a valid choice."),
    ],
)
def test_bad_filters_say_what_is_wrong_not_a_server_error(county: County, query, message) -> None:
    client = client_for(county.worker)
    for name in ("casework:child-chronology", "casework:child-chronology-csv"):
        response = client.get(reverse(name, args=[county.child.pk]), query)
        assert response.status_code == 400, name
        assert message in response.content.decode()


def test_the_csv_has_the_filtered_entries_and_no_formula_can_run(county: County) -> None:
    child = a_life(county)
    response = client_for(county.worker).get(
        reverse("casework:child-chronology-csv", args=[child.pk]), {"kind": "case-note", "since": days_ago(30).isoformat()}
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0] == ["date", "time", "kind", "title", "detail", "recorded by", "link"]
    (row,) = rows[1:]
    note = child.case_notes.get()
    assert row[:4] == [days_ago(5).isoformat(), "10:30", "case-note", "Phone call with Her teacher (draft, not signed)"]
    assert row[4] == '\'=HYPERLINK("http://example.invalid")'  # a spreadsheet reads it as text
    assert row[5] == str(county.worker) and row[6].endswith(reverse("casework:case-note-detail", args=[note.pk]))
    assert RecordView.objects.filter(user=county.worker, child=child, page="chronology.csv").exists()


def test_outsiders_get_404_and_nothing_is_logged_for_them(county: County) -> None:
    child_user = factories.ChildAccountFactory(child=county.child).user
    for user in (county.other_worker, county.other_manager, county.admin, child_user):
        for name in ("casework:child-chronology", "casework:child-chronology-csv"):
            response = client_for(user).get(reverse(name, args=[county.child.pk]))
            assert response.status_code == 404, (user, name)
    assert not RecordView.objects.filter(child=county.child).exists()


def test_the_number_of_queries_does_not_grow_with_the_entries(county: County, django_assert_max_num_queries) -> None:
    url = reverse("casework:child-chronology", args=[county.child.pk])
    client = client_for(county.worker)
    a_life(county)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    more_records(county, range(1, 7))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count("hearth-chronology__entry") > 60
