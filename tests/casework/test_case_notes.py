"""Case notes (issue 16): contact that is not a visit. A draft its author writes and signs, then only amendments
with a reason; nobody else changes someone's draft; the same service under the pages and the API, with clear
messages keyed by field and nothing saved on bad input; the access rules of visits."""

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework import codes, services
from casework.models import CaseNote, RecordView, User
from casework.versions import RecordChanged
from tests.conftest import County

pytestmark = pytest.mark.django_db

HOUR_AGO = timezone.now() - datetime.timedelta(hours=1)
TOMORROW = timezone.now() + datetime.timedelta(days=1)
NO_TIME_ZONE = datetime.datetime(2024, 5, 1, 10, 0)  # noqa: DTZ001 - what a careless caller sends


def write(county: County, author: User | None = None, **changes: Any) -> CaseNote:
    fields = {"kind": codes.CaseNoteKind.PHONE_CALL, "happened_at": HOUR_AGO, "who": "Her teacher", "summary": "Rang school."}
    return services.case_note_create(child=county.child, author=author or county.worker, **(fields | changes))  # type: ignore[arg-type]


def signed(county: County) -> CaseNote:
    return services.case_note_sign(note=write(county), actor=county.worker)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# The service -------------------------------------------------------------------------------------------------


def test_the_author_changes_a_draft_and_signs_it_with_history(county: County) -> None:
    note = write(county)
    note = services.case_note_update(note=note, actor=county.worker, version=note.updated_at, summary="Rang school: all well.")
    note = services.case_note_sign(note=note, actor=county.worker)
    assert (note.status, note.signed_by, note.summary) == (codes.VisitStatus.SIGNED, county.worker, "Rang school: all well.")
    assert [row.history_change_reason for row in note.history.order_by("history_id")] == [None, None, "Signed"]
    assert services.case_note_sign(note=note, actor=county.worker).signed_at == note.signed_at  # a second click


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"happened_at": TOMORROW}, "happened_at"),
        ({"happened_at": datetime.datetime(1990, 1, 1, tzinfo=datetime.UTC)}, "happened_at"),  # before the child was born
        ({"happened_at": NO_TIME_ZONE}, "happened_at"),
        ({"happened_at": None}, "happened_at"),
        ({"kind": "carrier_pigeon"}, "kind"),
        ({"who": "x" * 301}, "who"),
        ({"summary": "x" * 20001}, "summary"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(county: County, changes, field) -> None:
    with pytest.raises(ValidationError) as refused:
        write(county, **changes)
    assert field in refused.value.message_dict
    assert not CaseNote.objects.exists()


def test_a_bad_change_to_a_draft_saves_nothing(county: County) -> None:
    note = write(county)
    with pytest.raises(ValidationError) as refused:
        services.case_note_update(note=note, actor=county.worker, summary="Later", happened_at=TOMORROW)
    assert "happened_at" in refused.value.message_dict
    note.refresh_from_db()
    assert note.summary == "Rang school." and note.history.count() == 1


def test_nobody_else_changes_or_signs_someones_draft(county: County) -> None:
    note = write(county)
    for other in (county.manager, county.head):  # they may record for the child, but this is the worker's account
        with pytest.raises(PermissionDenied):
            services.case_note_update(note=note, actor=other, summary="Changed by someone else")
        with pytest.raises(PermissionDenied):
            services.case_note_sign(note=note, actor=other)
    with pytest.raises(PermissionDenied):  # a teammate only reads
        services.case_note_create(child=county.child, author=county.teammate, kind="meeting", happened_at=HOUR_AGO)
    note.refresh_from_db()
    assert (note.summary, note.status) == ("Rang school.", codes.VisitStatus.DRAFT)


def test_signing_needs_a_summary(county: County) -> None:
    note = write(county, summary="  ")
    with pytest.raises(ValidationError) as refused:
        services.case_note_sign(note=note, actor=county.worker)
    assert "summary" in refused.value.message_dict
    note.refresh_from_db()
    assert note.status == codes.VisitStatus.DRAFT


def test_a_signed_note_changes_only_by_amendment_with_a_reason_and_keeps_both_versions(county: County) -> None:
    note = signed(county)
    with pytest.raises(ValidationError):
        services.case_note_update(note=note, actor=county.worker, summary="Quietly changed")
    with pytest.raises(ValidationError) as refused:
        services.case_note_amend(note=note, actor=county.worker, reason=" ", summary="Changed")
    assert "reason" in refused.value.message_dict
    # Someone else who may record for the child may amend a signed note, saying why.
    services.case_note_amend(note=note, actor=county.manager, reason="Wrong school named", summary="Rang the academy.")
    latest, before = note.history.order_by("-history_id")[:2]
    assert (before.summary, latest.summary) == ("Rang school.", "Rang the academy.")
    assert (latest.history_change_reason, latest.history_user) == ("Amended: Wrong school named", county.manager)


def test_a_change_based_on_an_older_version_is_refused(county: County) -> None:
    note = write(county)
    read = note.updated_at
    services.case_note_update(note=note, actor=county.worker, version=read, summary="First save")
    with pytest.raises(RecordChanged):
        services.case_note_update(note=note, actor=county.worker, version=read, summary="Second save")
    note.refresh_from_db()
    assert note.summary == "First save"


# Pages ----------------------------------------------------------------------------------------------------------


def test_a_worker_records_and_signs_a_note_from_the_childs_page(county: County) -> None:
    client = client_for(county.worker)
    child_page = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert reverse("casework:case-note-new", args=[county.child.pk]) in child_page
    data = {"kind": "meeting", "happened_on": timezone.localdate().isoformat(), "happened_time": "00:00", "who": "Her carer",
            "summary": "Talked about the school trip.", "sign": ""}  # fmt: skip
    response = client.post(reverse("casework:case-note-new", args=[county.child.pk]), data)
    note = CaseNote.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("casework:case-note-detail", args=[note.pk])
    assert (note.status, note.author, note.who) == (codes.VisitStatus.SIGNED, county.worker, "Her carer")
    detail = client.get(response["Location"]).content.decode()
    assert "Talked about the school trip." in detail and "Signed" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"happened_on": "2024-02-30"}, "Enter a real date."),
        ({"happened_on": "0001-01-01"}, "Enter a date between 1 January 1900 and 31 December 2100."),
        ({"happened_on": (TOMORROW + datetime.timedelta(days=1)).date().isoformat()}, "cannot be about something in the future"),
        ({"kind": ""}, "This field is required."),
        ({"happened_time": "25:61"}, "Enter a time like 14:30."),
    ],
)
def test_bad_input_on_the_page_says_what_is_wrong_and_saves_nothing(county: County, data, message) -> None:
    sent = {"kind": "email", "happened_on": timezone.localdate().isoformat(), "happened_time": "00:00", "summary": "Kept."}
    response = client_for(county.worker).post(reverse("casework:case-note-new", args=[county.child.pk]), sent | data)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text and "govuk-error-summary" in text and "Kept." in text  # what was typed is shown back
    assert not CaseNote.objects.exists()


def test_the_pages_refuse_outsiders_with_404_and_readers_with_403(county: County) -> None:
    note = write(county)
    new = reverse("casework:case-note-new", args=[county.child.pk])
    pages = [reverse(f"casework:case-note-{page}", args=[note.pk]) for page in ("detail", "edit", "amend")]
    for url in [new, *pages]:
        assert client_for(county.other_worker).get(url).status_code == 404
    assert client_for(county.teammate).get(pages[0]).status_code == 200
    for url in (new, pages[1]):
        assert client_for(county.teammate).get(url).status_code == 403
    assert client_for(county.teammate).post(reverse("casework:case-note-sign", args=[note.pk])).status_code == 403
    # The team manager may record for the child, but not in the worker's draft.
    assert client_for(county.manager).get(pages[1]).status_code == 403
    assert client_for(county.manager).post(reverse("casework:case-note-sign", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.status == codes.VisitStatus.DRAFT


def test_amending_on_the_page_needs_a_reason(county: County) -> None:
    note = signed(county)
    local = timezone.localtime(note.happened_at)
    data = {"kind": note.kind, "happened_on": local.date().isoformat(), "happened_time": f"{local:%H:%M}",
            "summary": "Rang the academy.", "version": note.updated_at.isoformat()}  # fmt: skip
    url = reverse("casework:case-note-amend", args=[note.pk])
    refused = client_for(county.worker).post(url, data)
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert client_for(county.worker).post(url, data | {"reason": "Wrong school"}).status_code == 302
    note.refresh_from_db()
    assert note.summary == "Rang the academy."


# The API --------------------------------------------------------------------------------------------------------


def test_the_api_writes_a_note_from_draft_to_amendment(county: County) -> None:
    api = api_for(county.worker)
    body = {"child": county.child.pk, "kind": "email", "happened_at": HOUR_AGO.isoformat(), "summary": "Emailed the carer."}
    created = api.post("/api/v1/case-notes/", body, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/case-notes/{created.data['id']}/"
    stale = {"version": created.data["updated_at"], "who": "The carer"}
    assert api.patch(url, stale, format="json").status_code == 200
    conflict = api.patch(url, stale | {"who": "Someone"}, format="json")
    assert conflict.status_code == 409
    assert api.post(url + "sign/").data["status"] == "signed"
    assert api.patch(url, {"who": "Again"}, format="json").status_code == 400
    no_reason = api.post(url + "amend/", {"summary": "Emailed both carers."}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.data
    amended = api.post(url + "amend/", {"reason": "Both were copied in", "summary": "Emailed both carers."}, format="json")
    assert amended.status_code == 200 and amended.data["summary"] == "Emailed both carers."


def test_bad_input_to_the_api_is_keyed_by_field_and_nothing_is_saved(county: County) -> None:
    api = api_for(county.worker)
    bad_input = [({"happened_at": TOMORROW.isoformat()}, "happened_at"), ({"kind": "fax"}, "kind")]
    for bad, field in [*bad_input, ({"happened_at": "31/12/2024"}, "happened_at")]:
        body = {"child": county.child.pk, "kind": "email", "happened_at": HOUR_AGO.isoformat()} | bad
        response = api.post("/api/v1/case-notes/", body, format="json")
        assert response.status_code == 400 and field in response.data, (bad, response.data)
    assert not CaseNote.objects.exists()


def test_the_api_answers_outsiders_with_404_and_readers_with_403(county: County) -> None:
    note = write(county)
    url = f"/api/v1/case-notes/{note.pk}/"
    outsider, reader = api_for(county.other_worker), api_for(county.teammate)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url + "sign/").status_code == 404
    assert outsider.get(f"/api/v1/case-notes/?child={county.child.pk}").data["count"] == 0
    assert reader.get(url).status_code == 200
    assert reader.patch(url, {"who": "Someone"}, format="json").status_code == 403
    assert reader.post(url + "sign/").status_code == 403
    assert api_for(county.manager).post(url + "sign/").status_code == 403  # not the author's
    note.refresh_from_db()
    assert (note.who, note.status) == ("Her teacher", codes.VisitStatus.DRAFT)


def test_the_list_filters_by_child_and_logs_who_was_shown(county: County) -> None:
    mine = write(county)
    services.case_note_create(
        child=county.other_child, author=county.other_worker, kind="meeting", happened_at=HOUR_AGO, summary="Elsewhere."
    )
    response = api_for(county.head).get(f"/api/v1/case-notes/?child={county.child.pk}")
    assert [row["id"] for row in response.data["results"]] == [mine.pk]
    logged = RecordView.objects.filter(user=county.head, page__startswith="api:").latest("viewed_at")
    assert list(logged.children.values_list("pk", flat=True)) == [county.child.pk]


def test_signing_an_empty_new_note_keeps_one_draft_and_says_why(county: County) -> None:
    data = {"kind": "meeting", "happened_on": timezone.localdate().isoformat(), "happened_time": "00:00", "sign": ""}
    response = client_for(county.worker).post(reverse("casework:case-note-new", args=[county.child.pk]), data, follow=True)
    note = CaseNote.objects.get()
    assert response.redirect_chain[-1][0] == reverse("casework:case-note-edit", args=[note.pk])
    assert "Write what was said or agreed before signing." in response.content.decode()
    assert note.status == codes.VisitStatus.DRAFT


def test_a_second_click_or_a_resent_request_makes_one_note(county: County) -> None:
    key = uuid.uuid4()
    first = write(county, idempotency_key=key)
    assert write(county, idempotency_key=key) == first  # the service: the same note back
    client = Client()
    client.force_login(county.worker)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page = {"kind": "phone_call", "happened_on": yesterday, "happened_time": "09:30", "summary": "Rang."}
    page["idempotency_key"] = str(uuid.uuid4())
    url = reverse("casework:case-note-new", args=[county.child.pk])
    assert client.post(url, page).status_code == 302
    assert client.post(url, page).status_code == 302  # the second click lands on the same note
    api = APIClient()
    api.force_authenticate(county.worker)
    body = {
        "child": county.child.pk,
        "kind": "meeting",
        "happened_at": HOUR_AGO.isoformat(),
        "idempotency_key": str(uuid.uuid4()),
    }
    assert api.post("/api/v1/case-notes/", body, format="json").status_code == 201
    assert api.post("/api/v1/case-notes/", body, format="json").status_code in (200, 201)
    assert CaseNote.objects.filter(child=county.child).count() == 3
    with pytest.raises(ValidationError, match="different case note"):  # someone else's key is not theirs to reuse
        services.case_note_create(
            child=county.child, author=county.manager, idempotency_key=key, kind="meeting", happened_at=HOUR_AGO
        )
