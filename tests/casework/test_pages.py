"""The staff pages: who gets in, what they see, and what happens to bad input."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import codes
from casework.models import Allocation, RecordView, SiblingContactSession, Visit
from tests import factories

pytestmark = pytest.mark.django_db


def child_pages(county) -> list[str]:
    child = county.child
    visit = factories.VisitFactory(child=child, author=county.worker)
    return [
        reverse("casework:child-detail", args=[child.pk]),
        reverse("casework:visit-new", args=[child.pk]),
        reverse("casework:change-worker", args=[child.pk]),
        reverse("casework:sibling-contact-new", args=[child.pk]),
        reverse("casework:sibling-session-new", args=[child.pk]),
        reverse("casework:visit-detail", args=[visit.pk]),
        reverse("casework:visit-edit", args=[visit.pk]),
        reverse("casework:visit-amend", args=[visit.pk]),
    ]


def visit_post(**overrides) -> dict:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "visit_type": codes.VisitType.STATUTORY,
        "visited_on": yesterday.isoformat(),
        "visited_time": "09:30",
        "location": "Foster home",
        "present": "Child and carer",
        "seen_alone": "on",
        "child_said": "I like my new school.",
        "observations": "Relaxed, showed me her room.",
        "analysis": "Settling well.",
        "actions": "Ask school about the trip.",
    }
    return data | overrides


def test_anonymous_is_sent_to_sign_in(client, county):
    for url in [reverse("casework:caseload"), *child_pages(county)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("outsider", ["other_worker", "other_manager", "admin"])
def test_outsiders_get_not_found_on_every_child_page(client, county, outsider):
    client.force_login(getattr(county, outsider))
    for url in child_pages(county):
        assert client.get(url).status_code == 404, url
        assert client.post(url, visit_post()).status_code == 404, url
    assert not Visit.objects.filter(child=county.child).exclude(author=county.worker).exists()


def test_same_team_worker_reads_the_record_but_cannot_change_it(client, county):
    client.force_login(county.teammate)
    pages = child_pages(county)
    assert client.get(pages[0]).status_code == 200
    for url in pages[1:5] + pages[6:]:
        assert client.get(url).status_code == 403, url
    assert client.post(pages[1], visit_post()).status_code == 403
    assert Visit.objects.filter(child=county.child).count() == 1


def test_caseload_lists_my_children_and_not_another_teams(client, county, django_assert_max_num_queries):
    for _ in range(30):
        child = factories.ChildFactory()
        factories.AllocationFactory(child=child, worker=county.worker)
        factories.CareEpisodeFactory(child=child)
    client.force_login(county.worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("casework:caseload"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "31 children" in body
    assert "Page 1 of 2" in body
    assert county.other_child.last_name not in body


def test_caseload_marks_an_overdue_statutory_visit(client, county):
    factories.VisitFactory(child=county.child, author=county.worker, visited_at=timezone.now() - datetime.timedelta(weeks=7))
    client.force_login(county.worker)
    body = client.get(reverse("casework:caseload")).content.decode()
    assert "hearth-overdue" in body
    assert "Overdue since" in body


def test_team_manager_sees_the_teams_children_only(client, county):
    client.force_login(county.manager)
    body = client.get(reverse("casework:caseload")).content.decode()
    assert county.child.last_name in body
    assert county.other_child.last_name not in body


def test_empty_caseload_says_so(client, county):
    client.force_login(county.teammate)
    assert "No children are allocated to you yet" in client.get(reverse("casework:caseload")).content.decode()


def test_opening_a_childs_record_is_logged(client, county):
    client.force_login(county.teammate)
    client.get(reverse("casework:child-detail", args=[county.child.pk]))
    view = RecordView.objects.get(child=county.child)
    assert (view.user, view.page) == (county.teammate, "child")


def test_child_page_shows_family_workers_and_sibling_contact(client, county):
    sister = factories.FamilyMemberFactory(child=county.child, name="Bea Testsister", lives_with_child=False)
    arrangement = factories.SiblingContactArrangementFactory(child=county.child, sibling=sister)
    factories.SiblingContactSessionFactory(arrangement=arrangement, child_comment="We went bowling")
    client.force_login(county.worker)
    body = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert "Bea Testsister" in body
    assert "lives apart" in body
    assert "We went bowling" in body
    assert str(county.worker) in body


def test_worker_records_a_draft_then_signs_it(client, county):
    client.force_login(county.worker)
    response = client.post(reverse("casework:visit-new", args=[county.child.pk]), visit_post(save=""))
    visit = Visit.objects.get(child=county.child)
    assert response.url == reverse("casework:visit-edit", args=[visit.pk])
    assert visit.status == codes.VisitStatus.DRAFT
    response = client.post(reverse("casework:visit-edit", args=[visit.pk]), visit_post(sign="", child_said="Changed words"))
    visit.refresh_from_db()
    assert (visit.status, visit.child_said, visit.signed_by) == (codes.VisitStatus.SIGNED, "Changed words", county.worker)


def test_a_double_submitted_visit_makes_one_visit(client, county):
    client.force_login(county.worker)
    data = visit_post(save="")
    url = reverse("casework:visit-new", args=[county.child.pk])
    client.post(url, data)
    client.post(url, data)
    assert Visit.objects.filter(child=county.child).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"visited_on": "2099-01-01"}, "cannot be recorded in the future"),
        ({"visited_on": "1990-01-01"}, "before the child was born"),
        ({"visited_on": "31/02/2024"}, "Enter a real date"),
        ({"visit_type": "party"}, "Select a valid choice"),
        ({"child_said": "x" * 20001}, "at most 20000 characters"),
    ],
)
def test_bad_visit_input_is_refused_next_to_the_field_and_keeps_what_was_typed(client, county, overrides, message):
    client.force_login(county.worker)
    response = client.post(reverse("casework:visit-new", args=[county.child.pk]), visit_post(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "govuk-error-summary" in body
    assert "Relaxed, showed me her room." in body
    assert not Visit.objects.exists()


def test_signing_an_empty_visit_is_refused(client, county):
    client.force_login(county.worker)
    data = visit_post(sign="", child_said="", observations="", analysis="")
    response = client.post(reverse("casework:visit-new", args=[county.child.pk]), data)
    assert "before signing" in response.content.decode()
    assert Visit.objects.get().status == codes.VisitStatus.DRAFT


def test_amending_a_signed_visit_needs_a_reason_and_keeps_both_versions(client, county):
    visit = factories.VisitFactory(
        child=county.child, author=county.worker, status=codes.VisitStatus.SIGNED, observations="First"
    )
    client.force_login(county.worker)
    url = reverse("casework:visit-amend", args=[visit.pk])
    local = timezone.localtime(visit.visited_at)
    data = visit_post(observations="Second", visited_on=local.date().isoformat(), visited_time=local.strftime("%H:%M"))
    assert "This field is required" in client.post(url, data).content.decode()
    client.post(url, data | {"reason": "Wrong school named"})
    visit.refresh_from_db()
    assert visit.observations == "Second"
    reasons = list(visit.history.values_list("history_change_reason", flat=True))
    assert "Amended: Wrong school named" in reasons
    assert visit.history.filter(observations="First").exists()
    assert "Wrong school named" in client.get(reverse("casework:visit-detail", args=[visit.pk])).content.decode()


def test_change_worker_ends_the_old_allocation_with_its_reason(client, county):
    client.force_login(county.manager)
    data = {"worker": county.teammate.pk, "started_on": timezone.localdate().isoformat(), "reason": "MANAGE"}
    response = client.post(reverse("casework:change-worker", args=[county.child.pk]), data)
    assert response.status_code == 302
    old, new = Allocation.objects.filter(child=county.child).order_by("started_on", "id")
    assert (old.end_reason, old.ended_on, new.worker, new.ended_on) == ("MANAGE", new.started_on, county.teammate, None)


def test_change_worker_refuses_a_worker_from_another_team(client, county):
    client.force_login(county.manager)
    data = {"worker": county.other_worker.pk, "started_on": timezone.localdate().isoformat(), "reason": "MANAGE"}
    response = client.post(reverse("casework:change-worker", args=[county.child.pk]), data)
    assert "Select a valid choice" in response.content.decode()
    assert Allocation.objects.filter(child=county.child).count() == 1


def test_cancelled_sibling_contact_needs_who_and_why(client, county):
    arrangement = factories.SiblingContactArrangementFactory(child=county.child)
    client.force_login(county.worker)
    url = reverse("casework:sibling-session-new", args=[county.child.pk])
    data = {"arrangement": arrangement.pk, "planned_on": timezone.localdate().isoformat(), "status": "cancelled"}
    assert "Say who cancelled" in client.post(url, data).content.decode()
    client.post(url, data | {"cancelled_by": "carer", "cancel_reason": "Carer unwell"})
    session = SiblingContactSession.objects.get()
    assert (session.cancelled_by, session.cancel_reason) == ("carer", "Carer unwell")


def test_another_childs_arrangement_cannot_be_used(client, county):
    theirs = factories.SiblingContactArrangementFactory(child=county.other_child)
    factories.SiblingContactArrangementFactory(child=county.child)
    client.force_login(county.worker)
    data = {"arrangement": theirs.pk, "planned_on": timezone.localdate().isoformat(), "status": "happened"}
    response = client.post(reverse("casework:sibling-session-new", args=[county.child.pk]), data)
    assert "Select a valid choice" in response.content.decode()
    assert not SiblingContactSession.objects.exists()


def test_arranging_contact_with_no_siblings_says_what_to_do(client, county):
    client.force_login(county.worker)
    body = client.get(reverse("casework:sibling-contact-new", args=[county.child.pk])).content.decode()
    assert "No brothers or sisters are recorded" in body


def test_administrator_is_sent_to_administration_not_case_content(client, county):
    client.force_login(county.admin)
    body = client.get(reverse("casework:caseload")).content.decode()
    assert "Go to administration" in body
    assert county.child.last_name not in body


def test_head_of_service_sees_who_viewed_a_childs_record(client, county, django_assert_max_num_queries):
    client.force_login(county.teammate)
    client.get(reverse("casework:child-detail", args=[county.child.pk]))
    client.force_login(county.head)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("casework:child-access-log", args=[county.child.pk])).content.decode()
    assert str(county.teammate) in body and "Social worker" in body
    assert "2 views" in body  # the teammate's, and this look itself


@pytest.mark.parametrize(("who", "status"), [("worker", 403), ("manager", 403), ("admin", 404), ("other_worker", 404)])
def test_only_a_head_of_service_sees_the_access_log(client, county, who, status):
    client.force_login(getattr(county, who))
    assert client.get(reverse("casework:child-access-log", args=[county.child.pk])).status_code == status
