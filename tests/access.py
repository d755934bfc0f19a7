"""The access matrix (issue 8): who may see and change what, for every page and every API operation.

Three parts, used by tests/test_access_matrix.py:

- the users (ten kinds, from anonymous to another child) and the **access classes**: for each class, the answer each
  user gets when reading (GET) and when writing (POST/PATCH);
- the **expectations table**: every URL name (pages) and every operation in the OpenAPI schema (endpoints) with its
  class, the methods tried, and how its URL and body are filled. A page or endpoint missing from the table fails the
  test, and so does an entry for one that no longer exists;
- the **world**: the subject child (`county.child`) with one record of each kind, marked with sentinel words that must
  never reach anyone who may not see them.
"""

import copy
import datetime
import io
import re
import uuid
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from casework import codes, services
from casework.models import CaseNote, FamilyMember, RecordCheck, RecordView, SharedRecord, User, Visit
from outcomes import codes as outcome_codes
from outcomes.models import CheckIn, Star, StarArea, StarTemplate
from placements.models import Home, PlacementDecision, PreviousPermanence
from tests import factories
from tests.conftest import County
from tests.outcomes import factories as outcome_factories
from tests.placements import factories as placement_factories
from voice.models import Recording, RecordingStatus

# The users -------------------------------------------------------------------------------------------

USERS = ("anonymous", "worker", "teammate", "other_worker", "manager", "other_manager", "head", "admin", "child", "other_child")
USER_WORDS = {
    "anonymous": "anonymous",
    "worker": "social worker with the child allocated",
    "teammate": "social worker in the same team",
    "other_worker": "social worker in another team",
    "manager": "team manager of the child's team",
    "other_manager": "team manager of another team",
    "head": "head of service",
    "admin": "administrator",
    "child": "the child",
    "other_child": "another child",
}
# Who may not see the subject child's record at all: nothing of it may reach them, in any answer.
MAY_NOT_SEE = ("anonymous", "other_worker", "other_manager", "admin", "other_child")
# Who may see the subject child's staff record.
MAY_SEE = ("worker", "teammate", "manager", "head")

# Sentinels: words written only into the subject child's record. The child's own last name reaches the child's own
# pages; the note on a family member and the unshared visit section are staff-only and never reach the child.
SURNAME = "Sentinelchild"
OBSERVATION = "SENTINEL-OBSERVATION-7Q"
FAMILY_NOTE = "SENTINEL-NOTE-3Z"
ALL_SENTINELS = (SURNAME, OBSERVATION, FAMILY_NOTE)
STAFF_ONLY_SENTINELS = (OBSERVATION, FAMILY_NOTE)

# Expected answers --------------------------------------------------------------------------------------
# A number is the exact status. The words below are answers that need more than a number.

LOGIN = "302 to sign-in"  # a redirect to the staff sign-in page
CHILD_LOGIN = "302 to the child's sign-in"  # a redirect to /me/sign-in/
REDIRECT = "302 elsewhere"  # a redirect, not to a sign-in page (a signed-in user sent on to their own home)
SIGNED_OUT = "302 to a sign-in page, signed out"  # not a refusal: what signing out does
ALLOWED = "allowed"  # not refused: the request reached the form or the service (2xx, 3xx, 400 or 409)
Expect = int | str
REFUSALS = (LOGIN, CHILD_LOGIN, 401, 403, 404, 405)


def row(*answers: Expect) -> dict[str, Expect]:
    """One answer per user, in the order of USERS."""
    assert len(answers) == len(USERS), answers
    return dict(zip(USERS, answers, strict=True))


def everyone(answer: Expect) -> dict[str, Expect]:
    return dict.fromkeys(USERS, answer)


@dataclass(frozen=True)
class Access:
    name: str
    read: dict[str, Expect]
    write: dict[str, Expect] | None = None
    # A read of one child's record: every 200 adds a row to that child's access log.
    logged: bool = False


# Pages (signed-out staff pages redirect to the sign-in page).
#                                              anonymous    worker teammate other_w manager other_m head   admin child other_child
PAGE_CHILD_READ = Access("child record, read", row(LOGIN, 200, 200, 404, 200, 404, 200, 404, 404, 404), logged=True)
PAGE_CHILD_WRITE = Access(
    "child record, write",
    read=row(LOGIN, 200, 403, 404, 200, 404, 200, 404, 404, 404),
    write=row(LOGIN, ALLOWED, 403, 404, ALLOWED, 404, ALLOWED, 404, 404, 404),
    logged=True,
)
PAGE_CHILD_READ_WRITE = Access(
    "child record, read; write by who may record",
    read=PAGE_CHILD_READ.read,
    write=PAGE_CHILD_WRITE.write,
    logged=True,
)
PAGE_APPROVAL = Access(
    "decision approval (the child's team manager or a head of service)",
    read=row(LOGIN, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    write=row(LOGIN, 403, 403, 404, ALLOWED, 404, ALLOWED, 404, 404, 404),
)
PAGE_ACCESS_LOG = Access(
    "who viewed a child's record (head of service only)", row(LOGIN, 403, 403, 404, 403, 404, 200, 404, 404, 404), logged=True
)
PAGE_MANAGERS = Access(
    "managers only (team managers, heads of service)",
    read=row(LOGIN, 403, 403, 403, 200, 200, 200, 403, 403, 403),
    # The forum records an outcome on a decision: another team's manager cannot find this child's.
    write=row(LOGIN, 403, 403, 403, ALLOWED, 404, ALLOWED, 403, 403, 403),
)
PAGE_NEW_CHILD = Access(
    "adding a child (case staff; the worker chosen must be one they may allocate to)",
    read=row(LOGIN, 200, 200, 200, 200, 200, 200, 403, 403, 403),
    write=row(LOGIN, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, 403, 403, 403),
)
PAGE_RESIDENTIAL_REVIEW = Access(
    "the Residential Review Group's review of one child (managers who may see the child)",
    read=row(LOGIN, 403, 403, 403, 200, 404, 200, 403, 403, 403),
    write=row(LOGIN, 403, 403, 403, ALLOWED, 404, ALLOWED, 403, 403, 403),
)
PAGE_HEAD_ONLY = Access("head of service only", row(LOGIN, 403, 403, 403, 403, 403, 200, 403, 403, 403))
PAGE_HEAD_ONLY_WRITE = Access(
    "head of service only, read and write",
    read=PAGE_HEAD_ONLY.read,
    write=row(LOGIN, 403, 403, 403, 403, 403, ALLOWED, 403, 403, 403),
)
PAGE_DASHBOARD = Access(
    "case staff figures (their own children, team or all)", row(LOGIN, 200, 200, 200, 200, 200, 200, 403, 403, 403)
)
PAGE_HOME = Access(
    "signed-in home (caseload; the child goes to their journey)",
    row(LOGIN, 200, 200, 200, 200, 200, 200, 200, REDIRECT, REDIRECT),
)
PAGE_CASE_STAFF_TOOL = Access(
    "a tool for case staff that reads no record (how a text for a child reads)",
    read=row(LOGIN, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    write=row(LOGIN, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, 403, 403, 403),
)
PUBLIC = Access("public", everyone(200))
SIGN_IN = Access(
    "sign-in page", row(200, *[REDIRECT] * 9), write=row(200, *[REDIRECT] * 9)
)  # an empty form is shown again; a signed-in user is sent home
SIGN_OUT = Access("sign-out (POST only)", everyone(405), write=everyone(SIGNED_OUT))
CHILD_JOIN = Access(
    "a child joins with their worker's code",
    read=row(200, 200, 200, 200, 200, 200, 200, 200, REDIRECT, REDIRECT),
    write=row(200, 200, 200, 200, 200, 200, 200, 200, REDIRECT, REDIRECT),
)
CHILD_OWN = Access(
    "a child's own pages",
    read=row(CHILD_LOGIN, 404, 404, 404, 404, 404, 404, 404, 200, 200),
    write=row(CHILD_LOGIN, 404, 404, 404, 404, 404, 404, 404, ALLOWED, ALLOWED),
    logged=True,
)
CHILD_OWN_LIST = Access("a child's own list (of stars)", CHILD_OWN.read)
CHILD_OWN_RECORD = Access(
    "a child's own record, by id",
    read=row(CHILD_LOGIN, 404, 404, 404, 404, 404, 404, 404, 200, 404),
    write=row(CHILD_LOGIN, 404, 404, 404, 404, 404, 404, 404, ALLOWED, 404),
    logged=True,
)

# Endpoints (a signed-out request is a 401 that names the token: token and session authentication, no sign-in page).
#                                              anonymous worker teammate other_w manager other_m head   admin child other_child
API_LIST = Access("list of what the user may see", row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200))
API_REFERENCE = Access("reference data, any signed-in user", row(401, 200, 200, 200, 200, 200, 200, 200, 200, 200))
API_CASE_STAFF_REFERENCE = Access("reference data, case staff", row(401, 200, 200, 200, 200, 200, 200, 404, 404, 404))
API_CHILD_READ = Access("child record, read", row(401, 200, 200, 404, 200, 404, 200, 404, 404, 404), logged=True)
API_CHILD_WRITE = Access(
    "child record, write", read=API_CHILD_READ.read, write=row(401, ALLOWED, 403, 404, ALLOWED, 404, ALLOWED, 404, 404, 404)
)
API_CHILD_WRITE_BODY = Access(
    "child record, write (the record named in the body: one the user may not see is answered as one that does not exist)",
    read=API_LIST.read,
    write=row(401, ALLOWED, 403, 400, ALLOWED, 400, ALLOWED, 400, 400, 400),
)
API_APPROVAL = Access(
    "decision approval (the child's team manager or a head of service)",
    read=API_CHILD_READ.read,
    write=row(401, 403, 403, 404, ALLOWED, 404, ALLOWED, 404, 404, 404),
)
API_CHILD_OWN = Access(
    "a child's own (API)",
    read=row(401, 404, 404, 404, 404, 404, 404, 404, 200, 200),
    write=row(401, 404, 404, 404, 404, 404, 404, 404, ALLOWED, ALLOWED),
)
API_CHILD_OWN_RECORD = Access(
    "a child's own record, by id (API)",
    read=row(401, 404, 404, 404, 404, 404, 404, 404, 200, 404),
    write=row(401, 404, 404, 404, 404, 404, 404, 404, ALLOWED, 404),
    logged=True,
)
API_MANAGERS = Access("managers only (API)", row(401, 403, 403, 403, 200, 200, 200, 403, 403, 403))
API_DASHBOARD = Access("case staff figures (API)", row(401, 200, 200, 200, 200, 200, 200, 403, 403, 403))
API_HEAD_ONLY = Access("head of service only (API)", row(401, 403, 403, 403, 403, 403, 200, 403, 403, 403))
API_HEAD_ONLY_WRITE = Access(
    "head of service only, write (API)",
    read=API_HEAD_ONLY.read,
    write=row(401, 403, 403, 403, 403, 403, ALLOWED, 403, 403, 403),
)
API_NEW_CHILD = Access(
    "adding a child (case staff; the worker named must be one they may allocate to)",
    read=API_LIST.read,
    write=row(401, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, 403, 403, 403),
)
API_SIGN_IN = Access("exchanging a password for a token (no sign-in needed)", read=everyone(405), write=everyone(400))
API_TOKEN_END = Access("ending API tokens (only with a token: a browser session cannot)", read=everyone(401), write=everyone(401))


# The world: the subject child and one record of each kind ------------------------------------------------


@dataclass
class World:
    county: County
    child_user: User
    other_child_user: User
    sibling: FamilyMember
    arrangement: Any
    session: Any
    draft_visit: Visit
    signed_visit: Visit
    shared_record: SharedRecord
    correction: RecordCheck
    template: StarTemplate
    star: Star
    area: StarArea
    check_in: CheckIn
    home: Home
    decision: PlacementDecision
    recording: Recording
    draft_note: CaseNote
    signed_note: CaseNote
    clients: dict[str, APIClient] = field(default_factory=dict)
    adoption_decision: Any = None  # open, for the child's adoption pages
    adoption: Any = None  # on an earlier decision (the fixture's child need not have been placed first)
    previous_permanence: Any = None
    review: Any = None
    missing: Any = None

    def user(self, name: str) -> User | None:
        if name == "anonymous":
            return None
        return {"child": self.child_user, "other_child": self.other_child_user}.get(name) or getattr(self.county, name)

    def child_seen_by(self, name: str) -> Any:
        """The child whose record a user's 200 is about: the subject, except for another child on their own pages."""
        return self.county.other_child if name == "other_child" else self.county.child


def tiny_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 1600)
    return buffer.getvalue()


def build_world(county: County) -> World:
    child, worker = county.child, county.worker
    child.last_name = SURNAME
    child.save(update_fields=["last_name"])
    child_user = factories.ChildAccountFactory(child=child).user
    other_child_user = factories.ChildAccountFactory(child=county.other_child).user

    sibling = factories.FamilyMemberFactory(child=child, name="Bea Sibling", notes=f"Staff only: {FAMILY_NOTE}")
    arrangement = factories.SiblingContactArrangementFactory(child=child, sibling=sibling)
    session = factories.SiblingContactSessionFactory(arrangement=arrangement)

    draft = factories.DraftVisitFactory(child=child, author=worker, observations=f"Draft: {OBSERVATION}")
    signed = factories.VisitFactory(
        child=child, author=worker, status=codes.VisitStatus.SIGNED, child_said="I like my new room.", observations=OBSERVATION
    )
    shared = factories.SharedRecordFactory(visit=signed, sections=[codes.SharedSection.CHILD_SAID])
    correction = services.record_check(
        shared_record=shared, actor=child_user, verdict=codes.Verdict.NOT_RIGHT, child_words="It was Tuesday."
    )

    template = outcome_factories.default_template()
    star = outcome_factories.start_star(child, worker, template=template)
    area = star.areas.order_by("order", "id").first()
    assert area is not None, "the template gives a star its areas"
    check_in = outcome_factories.record(star, worker, {area.name: 3}, respondent=outcome_codes.Respondent.CHILD)

    home = placement_factories.HomeFactory()
    placement_factories.PlacementEpisodeFactory(child=child, home=home)
    decision = placement_factories.PlacementDecisionFactory(child=child, created_by=worker)

    recording = Recording(visit=draft, uploaded_by=worker, status=RecordingStatus.FAILED, format="wav", failure_reason="test")
    recording.audio.save("note.wav", ContentFile(tiny_wav()), save=False)
    recording.size_bytes = recording.audio.size
    recording.save()

    happened_at = timezone.now() - datetime.timedelta(days=2)
    draft_note = services.case_note_create(
        child=child, author=worker, kind=codes.CaseNoteKind.PHONE_CALL, happened_at=happened_at, summary=f"Draft: {OBSERVATION}"
    )
    signed_note = services.case_note_create(
        child=child, author=worker, kind=codes.CaseNoteKind.MEETING, happened_at=happened_at, summary=OBSERVATION
    )
    signed_note = services.case_note_sign(note=signed_note, actor=worker)

    world = World(
        county,
        child_user,
        other_child_user,
        sibling,
        arrangement,
        session,
        draft,
        signed,
        shared,
        correction,
        template,
        star,
        area,
        check_in,
        home,
        decision,
        recording,
        draft_note,
        signed_note,
    )
    _adoption_records(world)
    world.review = services.review_record(
        child=child, actor=worker, reviewed_on=timezone.localdate() - datetime.timedelta(days=30), participation="PN1"
    )
    world.missing = services.missing_episode_record(
        child=child, actor=worker, kind="M", started_on=timezone.localdate() - datetime.timedelta(days=20),
        ended_on=timezone.localdate() - datetime.timedelta(days=19),
    )  # fmt: skip
    for name in USERS:
        client = APIClient()
        if (user := world.user(name)) is not None:
            client.force_login(user)
        world.clients[name] = client
    return world


def _adoption_records(world: World) -> None:
    world.adoption_decision, world.adoption = placement_factories.adoption_records(world.county.child, world.county.worker)
    world.previous_permanence = PreviousPermanence.objects.create(
        child=world.county.child, option="Z1", recorded_by=world.county.worker
    )


# The expectations table ----------------------------------------------------------------------------------


def _today() -> str:
    return timezone.localdate().isoformat()


UPLOADED: list[str] = []  # client ids of voice notes uploaded by those allowed to: their files are removed afterwards


def upload_body(world: World) -> dict[str, Any]:
    client_id = str(uuid.uuid4())
    UPLOADED.append(client_id)
    return {"client_id": client_id, "audio": SimpleUploadedFile("note.wav", tiny_wav(), content_type="audio/wav")}


IMPORT_HEADER = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nM1,1,01/02/2015,WBRI,UN1,,\r\n"


def import_body(world: World) -> dict[str, Any]:
    """The 903 import's dry run: a Header table of one made-up child."""
    return {"header": SimpleUploadedFile("header.csv", IMPORT_HEADER, content_type="text/csv")}


def remove_uploads(world: World) -> None:
    """The database is rolled back after each request, the private storage is not."""
    storage = world.recording.audio.storage
    for client_id in [*UPLOADED, world.recording.client_id]:
        storage.delete(f"voice/{world.draft_visit.pk}/{client_id}")
    UPLOADED.clear()


@dataclass(frozen=True)
class Target:
    """One page (by URL name) or one API operation, with its access class and how to call it."""

    access: Access
    writes: tuple[str, ...] = ()  # methods tried after GET (pages); the schema's method (endpoints)
    post_only: bool = False  # a page that answers GET with 405 (signed-out: the sign-in page first)
    ids: dict[str, str] = field(default_factory=dict)  # URL argument -> World attribute, when not the default
    body: Callable[[World], dict[str, Any]] | None = None
    multipart: bool = False
    query: Callable[[World], str] | None = None  # added to every request (e.g. a required parameter)
    # A query that names the subject child: those who may not see them get an empty list, the others do not.
    leak_query: Callable[[World], str] | None = None
    overrides: dict[str, Expect] = field(default_factory=dict)  # "METHOD user" -> answer, where a class needs a nuance
    note: str = ""

    def expect(self, method: str, user: str) -> Expect:
        if f"{method} {user}" in self.overrides:
            return self.overrides[f"{method} {user}"]
        if method == "GET":
            if self.post_only:
                return LOGIN if user == "anonymous" else 405
            return self.access.read[user]
        assert self.access.write is not None, f"{self.access.name} has no write answers"
        return self.access.write[user]


def _child_query(world: World) -> str:
    return f"?child={world.county.child.pk}"


# URL arguments filled with the subject child's records, unless a target says otherwise.
PAGE_IDS = {
    "child_id": "county.child",
    "visit_id": "draft_visit",
    "check_id": "correction",
    "star_id": "star",
    "area_id": "area",
    "check_in_id": "check_in",
    "shared_record_id": "shared_record",
    "decision_id": "decision",
    "recording_id": "recording",
    "adoption_id": "adoption",
    "member_id": "sibling",
    "note_id": "draft_note",
    "arrangement_id": "arrangement",
    "session_id": "session",
    "review_id": "review",
    "episode_id": "missing",
}
PAGE_VALUES: dict[str, Any] = {"rung": 1, "key": "statutory-visits"}

# A yearly health record's answers (the matrix child may be too new in care for one: a 400 counts as allowed).
HEALTH_YEAR = {"year_ending": timezone.localdate().year}
HEALTH_ANSWERS = {"immunisations": "yes", "teeth_check": "yes", "health_assessment": "yes", "substance_misuse": "no"}

PAGES: dict[str, Target] = {
    # Signing in and out, and files every browser fetches.
    "login": Target(SIGN_IN, writes=("POST",)),
    "logout": Target(SIGN_OUT, writes=("POST",)),
    "service-worker": Target(PUBLIC),
    "manifest": Target(PUBLIC),
    "casework:health": Target(PUBLIC),
    "casework:ready": Target(PUBLIC),
    "api:schema": Target(PUBLIC, note="drf-spectacular's schema: the API's shape, no records"),
    "api:docs": Target(PUBLIC, note="drf-spectacular's Swagger UI page"),
    # Staff: the caseload and the dashboard.
    "casework:caseload": Target(PAGE_HOME, query=lambda world: "?view=team"),
    "casework:dashboard": Target(PAGE_DASHBOARD),
    "casework:dashboard-measure": Target(PAGE_DASHBOARD),
    "casework:dashboard-measure-csv": Target(PAGE_DASHBOARD),
    "casework:dashboard-children": Target(PAGE_DASHBOARD),
    "casework:dashboard-children-csv": Target(PAGE_DASHBOARD),
    # A child's record.
    "casework:child-detail": Target(PAGE_CHILD_READ),
    "casework:child-access-log": Target(PAGE_ACCESS_LOG),
    "casework:visit-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:change-worker": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:child-new": Target(PAGE_NEW_CHILD, writes=("POST",)),
    "casework:child-edit": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:child-close": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:care-start": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:legal-status-change": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:leaving-care": Target(
        PAGE_CHILD_READ_WRITE, writes=("POST",), body=lambda world: {"pathway": "1", "personal_adviser": "Matrix PA"}
    ),
    "casework:health-records": Target(PAGE_CHILD_READ_WRITE, writes=("POST",), body=lambda world: HEALTH_ANSWERS | HEALTH_YEAR),
    "casework:child-reopen": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:review-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:review-edit": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:missing-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:missing-edit": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:family-member-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:family-member-edit": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:sibling-contact-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:sibling-session-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:sibling-contact-edit": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:sibling-session-outcome": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:child-invite": Target(PAGE_CHILD_WRITE, writes=("POST",), post_only=True),
    "casework:child-account-suspend": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:child-account-reinstate": Target(PAGE_CHILD_WRITE, writes=("POST",), post_only=True),
    "casework:child-story": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:visit-share": Target(PAGE_CHILD_WRITE, writes=("POST",), ids={"visit_id": "signed_visit"}),
    "casework:words-check": Target(
        PAGE_CASE_STAFF_TOOL, writes=("POST",), post_only=True, body=lambda world: {"text": "You like your room."}
    ),
    "casework:correction-answer": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:visit-detail": Target(PAGE_CHILD_READ),
    # Case notes: only the author changes or signs a draft (the team manager and head of service may record for the
    # child, but not in someone else's unfinished account).
    "casework:case-note-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:case-note-detail": Target(PAGE_CHILD_READ),
    "casework:case-note-edit": Target(
        PAGE_CHILD_WRITE, writes=("POST",), overrides={f"{m} {u}": 403 for m in ("GET", "POST") for u in ("manager", "head")}
    ),
    "casework:case-note-sign": Target(
        PAGE_CHILD_WRITE, writes=("POST",), post_only=True, overrides={f"POST {u}": 403 for u in ("manager", "head")}
    ),
    "casework:case-note-amend": Target(PAGE_CHILD_WRITE, writes=("POST",), ids={"note_id": "signed_note"}),
    # The chronology, on the page and as a CSV: a read of the child's record.
    "casework:child-chronology": Target(PAGE_CHILD_READ),
    "casework:child-chronology-csv": Target(PAGE_CHILD_READ),
    "casework:visit-edit": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "casework:visit-amend": Target(PAGE_CHILD_WRITE, writes=("POST",), ids={"visit_id": "signed_visit"}),
    # Voice notes.
    "voice:upload": Target(PAGE_CHILD_WRITE, writes=("POST",), post_only=True, body=upload_body, multipart=True),
    "voice:audio": Target(PAGE_CHILD_READ),
    "voice:retry": Target(PAGE_CHILD_WRITE, writes=("POST",), post_only=True),
    # Moving sentences of a voice draft between the record's sections, before signing.
    "voice:move-sentences": Target(PAGE_CHILD_WRITE, writes=("POST",), post_only=True),
    # Homes and placement decisions.
    "placements:child-homes": Target(PAGE_CHILD_READ),
    "placements:move-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:end-care": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:decision-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:decision-detail": Target(PAGE_CHILD_READ),
    "placements:decision-rung": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    # A draft with no rung chosen yet sends the worker back to the ladder.
    "placements:decision-home": Target(
        PAGE_CHILD_WRITE, writes=("POST",), overrides={f"GET {u}": REDIRECT for u in ("worker", "manager", "head")}
    ),
    "placements:decision-checklist": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:decision-submit": Target(PAGE_CHILD_WRITE, writes=("POST",), post_only=True),
    "placements:decision-approve": Target(PAGE_APPROVAL, writes=("POST",), post_only=True),
    "placements:decision-reject": Target(PAGE_APPROVAL, writes=("POST",), post_only=True),
    "placements:risk-of-residential": Target(
        PAGE_MANAGERS,
        writes=("POST",),
        body=lambda world: {
            "decision": world.decision.pk,
            "outcome": "residential_authorised",
            "actions": "",
            "reviewed_on": _today(),
        },
    ),
    "placements:residential-review": Target(PAGE_MANAGERS),
    "placements:residential-review-new": Target(PAGE_RESIDENTIAL_REVIEW, writes=("POST",)),
    # Adoption and previous permanence.
    "placements:child-adoption": Target(PAGE_CHILD_READ),
    "placements:adoption-decision-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:adoption-decision": Target(PAGE_CHILD_WRITE, writes=("POST",), ids={"decision_id": "adoption_decision"}),
    "placements:adoption-placement-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:adoption-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:adoption-correct": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:previous-permanence": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "placements:sufficiency": Target(PAGE_MANAGERS),
    # The placement measures moved to the dashboard: old links land there, for managers only.
    "placements:measures": Target(PAGE_MANAGERS, overrides={f"GET {u}": REDIRECT for u in ("manager", "other_manager", "head")}),
    "placements:ssda903": Target(PAGE_HEAD_ONLY),
    # A dry run of the 903 import: it saves nothing, so the matrix can send it.
    "placements:ssda903-import": Target(PAGE_HEAD_ONLY_WRITE, writes=("POST",), body=import_body, multipart=True),
    # Starting a check stores it and sends it to a worker once committed: the matrix's requests never commit.
    "placements:ssda903-check": Target(
        PAGE_HEAD_ONLY_WRITE, writes=("POST",), body=lambda world: {"year": str(timezone.localdate().year - 1)}
    ),
    # Outcome stars (staff).
    "outcomes:star-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "outcomes:star-detail": Target(PAGE_CHILD_READ),
    "outcomes:check-in-new": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "outcomes:star-areas": Target(PAGE_CHILD_READ_WRITE, writes=("POST",)),
    "outcomes:area-rename": Target(PAGE_CHILD_WRITE, writes=("POST",)),
    "outcomes:area-retire": Target(PAGE_CHILD_WRITE, writes=("POST",), post_only=True),
    # The child's own pages.
    "me:journey": Target(CHILD_OWN),
    "me:join": Target(CHILD_JOIN, writes=("POST",)),
    "me:sign-in": Target(SIGN_IN, writes=("POST",)),
    "me:sign-out": Target(SIGN_OUT, writes=("POST",)),
    "me:words": Target(CHILD_OWN, writes=("POST",)),
    "me:records": Target(CHILD_OWN),
    "me:record": Target(CHILD_OWN_RECORD, writes=("POST",)),
    # The child has one star, so "my stars" goes straight to it; another child has none yet.
    "my-star:stars": Target(CHILD_OWN_LIST, overrides={"GET child": REDIRECT}),
    "my-star:star": Target(CHILD_OWN_RECORD),
    "my-star:check-in-new": Target(CHILD_OWN_RECORD, writes=("POST",)),
    "my-star:areas": Target(CHILD_OWN_RECORD, writes=("POST",)),
    "my-star:area-rename": Target(CHILD_OWN_RECORD, writes=("POST",)),
    "my-star:check-in": Target(CHILD_OWN_RECORD),
}

# Routes left out of the matrix, each with the reason.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin: only is_staff users get past its own sign-in (tests/casework/test_admin.py); "
    "test_the_admin_site_is_closed_to_everyone_else checks the door here",
}

# API operations: "METHOD /path" as the schema names them.
API_IDS = {  # the first part of the path -> the World attribute that fills {id}
    "children": "county.child",
    "visits": "draft_visit",
    "case-notes": "draft_note",
    "corrections": "correction",
    "me/records": "shared_record",
    "sibling-contact/arrangements": "arrangement",
    "sibling-contact/sessions": "session",
    "reviews": "review",
    "missing-episodes": "missing",
    "outcome-templates": "template",
    "stars": "star",
    "star-areas": "area",
    "check-ins": "check_in",
    "homes": "home",
    "placement-decisions": "decision",
    "adoption-decisions": "adoption_decision",
    "adoptions": "adoption",
    "previous-permanence": "previous_permanence",
    "recordings": "recording",
}


def _version(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"version": getattr(world, name).updated_at.isoformat()}


ENDPOINTS: dict[str, Target] = {
    "POST /api/v1/auth/token/": Target(API_SIGN_IN),
    "POST /api/v1/auth/sign-out/": Target(API_TOKEN_END),
    "POST /api/v1/auth/sign-out-everywhere/": Target(API_TOKEN_END),
    # Children.
    "GET /api/v1/children/": Target(API_LIST, leak_query=lambda world: f"?search={SURNAME}"),
    "GET /api/v1/children/{id}/": Target(API_CHILD_READ),
    "POST /api/v1/children/": Target(
        API_NEW_CHILD,
        body=lambda world: {
            "first_name": "Matrix",
            "last_name": "Newchild",
            "date_of_birth": "2015-06-01",
            "sex": "M",
            "ethnicity": "WBRI",
            "upn_unknown": "UN5",
            "worker": world.county.worker.pk,
            "allocated_on": _today(),
            "not_a_duplicate": True,
        },
    ),
    "PATCH /api/v1/children/{id}/": Target(API_CHILD_WRITE, body=lambda world: {"school": "Matrix Primary"}),
    # The subject child is in care, so closing is refused (a 400, which counts as allowed) and stays open for the rest.
    "POST /api/v1/children/{id}/close/": Target(API_CHILD_WRITE, body=lambda world: {"closed_on": _today(), "reason": "nfa"}),
    "POST /api/v1/children/{id}/care/start/": Target(
        API_CHILD_WRITE, body=lambda world: {"started_on": _today(), "legal_status": "V2", "category_of_need": "N4"}
    ),
    "POST /api/v1/children/{id}/care/legal-status/": Target(
        API_CHILD_WRITE, body=lambda world: {"code": "C2", "started_on": _today()}
    ),
    "PATCH /api/v1/children/{id}/leaving-care/": Target(API_CHILD_WRITE, body=lambda world: {"personal_adviser": "Matrix PA"}),
    "POST /api/v1/children/{id}/leaving-care/contact/": Target(
        API_CHILD_WRITE, body=lambda world: {"birthday": 17, "in_touch": "NO"}
    ),
    "GET /api/v1/children/{id}/health-records/": Target(API_CHILD_READ),
    "POST /api/v1/children/{id}/health-records/": Target(
        API_CHILD_WRITE, body=lambda world: {name: value == "yes" for name, value in HEALTH_ANSWERS.items()} | HEALTH_YEAR
    ),
    "POST /api/v1/children/{id}/reopen/": Target(
        API_CHILD_WRITE,
        body=lambda world: {"reason": "A new referral", "worker": world.county.worker.pk, "allocated_on": _today()},
    ),
    "GET /api/v1/children/{child_id}/family/": Target(API_CHILD_READ),
    "POST /api/v1/children/{child_id}/family/": Target(
        API_CHILD_WRITE, body=lambda world: {"name": "Matrix Aunt", "relationship": "aunt_uncle"}
    ),
    "PATCH /api/v1/family/{member_id}/": Target(API_CHILD_WRITE, body=lambda world: {"phone": "01905 000000"}),
    "PATCH /api/v1/children/{id}/about-me/": Target(API_CHILD_WRITE),
    "POST /api/v1/children/{id}/change-worker/": Target(
        API_CHILD_WRITE, body=lambda world: {"worker": world.county.teammate.pk, "started_on": _today(), "reason": "MANAGE"}
    ),
    "GET /api/v1/allocations/": Target(API_LIST, leak_query=_child_query),
    # The dashboard.
    "GET /api/v1/dashboard/": Target(API_DASHBOARD),
    "GET /api/v1/dashboard/{key}/": Target(API_DASHBOARD),
    "GET /api/v1/dashboard/{key}/children/": Target(API_DASHBOARD),
    # Visits.
    "GET /api/v1/visits/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/visits/": Target(
        API_CHILD_WRITE_BODY,
        body=lambda world: {
            "child": world.county.child.pk,
            "visit_type": "statutory",
            "idempotency_key": str(uuid.uuid4()),
            "visited_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        },
    ),
    "GET /api/v1/visits/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/visits/{id}/": Target(
        API_CHILD_WRITE, body=lambda world: _version("draft_visit")(world) | {"location": "Home"}
    ),
    "POST /api/v1/visits/{id}/sign/": Target(API_CHILD_WRITE),
    "POST /api/v1/visits/{id}/review/": Target(API_CHILD_WRITE),
    "POST /api/v1/visits/{id}/amend/": Target(
        API_CHILD_WRITE,
        ids={"id": "signed_visit"},
        body=lambda world: _version("signed_visit")(world) | {"reason": "A typo.", "location": "Home"},
    ),
    "POST /api/v1/visits/{id}/share/": Target(
        API_CHILD_WRITE,
        ids={"id": "signed_visit"},
        body=lambda world: {"sections": ["child_said"], "child_versions": {"child_said": "You like your room."}},
    ),
    "POST /api/v1/visits/{visit_id}/recordings/": Target(API_CHILD_WRITE, body=upload_body, multipart=True),
    # Case notes: only the author changes or signs a draft.
    "GET /api/v1/case-notes/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/case-notes/": Target(
        API_CHILD_WRITE_BODY,
        body=lambda world: {
            "child": world.county.child.pk,
            "kind": "phone_call",
            "happened_at": timezone.now().isoformat(),
            "summary": "Rang school.",
        },
    ),
    "GET /api/v1/case-notes/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/case-notes/{id}/": Target(
        API_CHILD_WRITE,
        body=lambda world: _version("draft_note")(world) | {"who": "The school nurse"},
        overrides={f"PATCH {u}": 403 for u in ("manager", "head")},
    ),
    "POST /api/v1/case-notes/{id}/sign/": Target(API_CHILD_WRITE, overrides={f"POST {u}": 403 for u in ("manager", "head")}),
    "POST /api/v1/case-notes/{id}/amend/": Target(
        API_CHILD_WRITE, ids={"id": "signed_note"}, body=lambda world: {"reason": "Wrong day.", "who": "Her teacher"}
    ),
    # Looked-after reviews and missing episodes.
    "GET /api/v1/reviews/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/reviews/": Target(
        API_CHILD_WRITE_BODY,
        body=lambda world: {"child": world.county.child.pk, "reviewed_on": _today(), "participation": "PN6"},
    ),
    "GET /api/v1/reviews/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/reviews/{id}/": Target(
        API_CHILD_WRITE, body=lambda world: _version("review")(world) | {"chaired_by": "Matrix IRO"}
    ),
    "GET /api/v1/missing-episodes/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/missing-episodes/": Target(
        API_CHILD_WRITE_BODY, body=lambda world: {"child": world.county.child.pk, "kind": "A", "started_on": _today()}
    ),
    "GET /api/v1/missing-episodes/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/missing-episodes/{id}/": Target(
        API_CHILD_WRITE, body=lambda world: _version("missing")(world) | {"return_interview_offered": True}
    ),
    # Sibling contact.
    "GET /api/v1/sibling-contact/arrangements/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/sibling-contact/arrangements/": Target(
        API_CHILD_WRITE_BODY,
        body=lambda world: {
            "child": world.county.child.pk,
            "sibling": world.sibling.pk,
            "frequency": "monthly",
            "started_on": _today(),
        },
    ),
    "GET /api/v1/sibling-contact/arrangements/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/sibling-contact/arrangements/{id}/": Target(
        API_CHILD_WRITE, body=lambda world: _version("arrangement")(world) | {"plan": "Meet at the park."}
    ),
    "GET /api/v1/sibling-contact/sessions/": Target(API_LIST, leak_query=lambda world: f"?arrangement={world.arrangement.pk}"),
    "POST /api/v1/sibling-contact/sessions/": Target(
        API_CHILD_WRITE_BODY,
        body=lambda world: {"arrangement": world.arrangement.pk, "planned_on": _today(), "status": "planned"},
    ),
    "GET /api/v1/sibling-contact/sessions/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/sibling-contact/sessions/{id}/": Target(
        API_CHILD_WRITE, body=lambda world: _version("session")(world) | {"child_comment": "We went to the park."}
    ),
    # The child's corrections, answered by staff.
    "GET /api/v1/corrections/": Target(API_LIST, leak_query=_child_query),
    "GET /api/v1/corrections/{id}/": Target(API_CHILD_READ),
    "POST /api/v1/corrections/{id}/answer/": Target(API_CHILD_WRITE, body=lambda world: {"answer": "You are right: changed."}),
    # The child's own.
    "GET /api/v1/me/words/": Target(API_CHILD_OWN),
    "PATCH /api/v1/me/words/": Target(API_CHILD_OWN),
    "GET /api/v1/me/records/": Target(API_CHILD_OWN),
    "GET /api/v1/me/records/{id}/": Target(API_CHILD_OWN_RECORD),
    "POST /api/v1/me/records/{id}/check/": Target(API_CHILD_OWN_RECORD, body=lambda world: {"verdict": "right"}),
    # Outcome stars.
    "GET /api/v1/outcome-templates/": Target(API_REFERENCE),
    "GET /api/v1/outcome-templates/{id}/": Target(API_REFERENCE),
    "GET /api/v1/outcome-figures/": Target(API_LIST),
    "GET /api/v1/stars/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/stars/": Target(
        API_CHILD_WRITE_BODY, body=lambda world: {"child": world.county.child.pk, "template": world.template.pk}
    ),
    "GET /api/v1/stars/{id}/": Target(API_CHILD_READ),
    "GET /api/v1/stars/{id}/disagreements/": Target(API_CHILD_READ),
    "GET /api/v1/star-areas/": Target(API_LIST, leak_query=lambda world: f"?star={world.star.pk}"),
    "POST /api/v1/star-areas/": Target(API_CHILD_WRITE_BODY, body=lambda world: {"star": world.star.pk, "name": "Drawing"}),
    "GET /api/v1/star-areas/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/star-areas/{id}/": Target(API_CHILD_WRITE, body=lambda world: {"name": "Sleeping well"}),
    "POST /api/v1/star-areas/{id}/retire/": Target(API_CHILD_WRITE),
    "GET /api/v1/check-ins/": Target(API_LIST, leak_query=lambda world: f"?star={world.star.pk}"),
    "POST /api/v1/check-ins/": Target(
        API_CHILD_WRITE_BODY,
        body=lambda world: {
            "star": world.star.pk,
            "stage": "review",
            "date": _today(),
            "respondent": "worker",
            "scores": [{"area": world.area.pk, "score": 4}],
        },
    ),
    "GET /api/v1/check-ins/{id}/": Target(API_CHILD_READ),
    # Homes and placement decisions.
    "GET /api/v1/homes/": Target(API_LIST),
    "GET /api/v1/homes/{id}/": Target(API_CASE_STAFF_REFERENCE),
    "GET /api/v1/placement-episodes/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/placement-episodes/children/{child_id}/start/": Target(
        API_CHILD_WRITE, body=lambda world: {"home": world.home.pk, "started_on": _today()}
    ),
    "POST /api/v1/placement-episodes/children/{child_id}/residential-review/": Target(
        API_APPROVAL,
        body=lambda world: {"reviewed_on": _today(), "outcome": "stays", "next_review_on": _today()},
    ),
    "POST /api/v1/placement-episodes/children/{child_id}/end-care/": Target(
        API_CHILD_WRITE, body=lambda world: {"ended_on": _today(), "rec_code": "E11"}
    ),
    "POST /api/v1/placement-episodes/children/{child_id}/placed-for-adoption/": Target(
        API_CHILD_WRITE, body=lambda world: {"started_on": _today()}
    ),
    # Adoption and previous permanence.
    "GET /api/v1/adoption-decisions/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/adoption-decisions/": Target(
        API_CHILD_WRITE_BODY, body=lambda world: {"child": world.county.child.pk, "decided_on": _today()}
    ),
    "GET /api/v1/adoption-decisions/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/adoption-decisions/{id}/": Target(API_CHILD_WRITE, body=lambda world: {"matched_on": _today()}),
    "GET /api/v1/adoptions/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/adoptions/": Target(
        API_CHILD_WRITE_BODY,
        body=lambda world: {
            "child": world.county.child.pk,
            "adopted_on": _today(),
            "rec": "E11",
            "adopters": "L0",
            "adopters_sex": "M1",
        },  # fmt: skip
    ),
    "GET /api/v1/adoptions/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/adoptions/{id}/": Target(
        API_CHILD_WRITE, body=lambda world: {"rec": "E12", "adopters": "L0", "adopters_sex": "F1", "reason": "Order re-read."}
    ),
    "GET /api/v1/previous-permanence/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/previous-permanence/": Target(
        API_CHILD_WRITE_BODY, body=lambda world: {"child": world.county.child.pk, "option": "P4", "reason": "Told more."}
    ),
    "GET /api/v1/previous-permanence/{id}/": Target(API_CHILD_READ),
    "GET /api/v1/placement-decisions/": Target(API_LIST, leak_query=_child_query),
    "POST /api/v1/placement-decisions/": Target(
        API_CHILD_WRITE_BODY, body=lambda world: {"child": world.county.child.pk, "why_needed": "Her carers are retiring."}
    ),
    "GET /api/v1/placement-decisions/{id}/": Target(API_CHILD_READ),
    "PATCH /api/v1/placement-decisions/{id}/": Target(
        API_CHILD_WRITE, body=lambda world: _version("decision")(world) | {"needs": "School."}
    ),
    "POST /api/v1/placement-decisions/{id}/rung/": Target(
        API_CHILD_WRITE, body=lambda world: {"rung": 1, "why_not": "no_capacity", "detail": "Nobody."}
    ),
    "POST /api/v1/placement-decisions/{id}/choose/": Target(API_CHILD_WRITE, body=lambda world: {"rung": 1}),
    "POST /api/v1/placement-decisions/{id}/submit/": Target(API_CHILD_WRITE),
    "POST /api/v1/placement-decisions/{id}/approve/": Target(API_APPROVAL),
    "POST /api/v1/placement-decisions/{id}/reject/": Target(API_APPROVAL, body=lambda world: {"reason": "Not yet."}),
    "GET /api/v1/placement-measures/": Target(API_MANAGERS),
    "GET /api/v1/ssda903/": Target(API_HEAD_ONLY, query=lambda world: f"?year={timezone.localdate().year - 1}"),
    "POST /api/v1/ssda903/checks/": Target(API_HEAD_ONLY_WRITE, body=lambda world: {"year": timezone.localdate().year - 1}),
    # Nobody has checked the world's return: past the access check, the head of service hears so.
    "GET /api/v1/ssda903/checks/latest/": Target(
        API_HEAD_ONLY, query=lambda world: f"?year={timezone.localdate().year - 1}", overrides={"GET head": 404}
    ),
    # Voice notes.
    "GET /api/v1/recordings/": Target(API_LIST, leak_query=lambda world: f"?visit={world.draft_visit.pk}"),
    "GET /api/v1/recordings/{id}/": Target(API_CHILD_READ),
    "GET /api/v1/recordings/{id}/audio/": Target(API_CHILD_READ),
    "POST /api/v1/recordings/{id}/retry/": Target(API_CHILD_WRITE),
}


# Enumerating what exists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # "children/<int:child_id>/"


def url_routes() -> list[Route]:
    """Every URL pattern Django would answer, with its full name and route."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(part for part in (namespace, pattern.name or f"<unnamed {prefix}{pattern.pattern}>") if part)
                yield Route(name, prefix + str(pattern.pattern))

    return list(walk(get_resolver().url_patterns, "", ""))


def schema_path(route: str) -> str:
    """`api/v1/children/<int:pk>/` -> `/api/v1/children/{id}/`, as the OpenAPI schema writes it."""
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return path.replace("{pk}", "{id}")


def schema_operations() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations]


def is_api(route: Route) -> bool:
    return route.route.startswith("api/") and route.name not in PAGES


def is_excluded(route: Route) -> bool:
    return any(route.route.startswith(prefix) for prefix in EXCLUDED_PREFIXES)


# Making the requests --------------------------------------------------------------------------------------


def world_value(world: World, attribute: str) -> Any:
    value: Any = world
    for part in attribute.split("."):
        value = getattr(value, part)
    return value.pk if hasattr(value, "pk") else value


def page_url(world: World, name: str, target: Target) -> str:
    from django.urls import reverse

    route = next(route for route in url_routes() if route.name == name)
    kwargs = {}
    for argument in re.findall(r"<(?:\w+:)?(\w+)>", route.route):
        attribute = target.ids.get(argument) or PAGE_IDS.get(argument)
        kwargs[argument] = world_value(world, attribute) if attribute else PAGE_VALUES[argument]
    return reverse(name, kwargs=kwargs)


def endpoint_url(world: World, key: str, target: Target) -> str:
    path = key.split(" ", 1)[1]
    values = {}
    for argument in re.findall(r"{(\w+)}", path):
        attribute = target.ids.get(argument)
        if attribute is None and argument == "id":
            resource = path.removeprefix("/api/v1/").split("/{id}")[0]
            attribute = API_IDS[resource]
        attribute = attribute or PAGE_IDS.get(argument)
        values[argument] = world_value(world, attribute) if attribute else PAGE_VALUES[argument]
    return path.format(**values)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each request in a savepoint undone afterwards, so one user's write never changes what the next one sees."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def send(client: APIClient, method: str, url: str, body: dict[str, Any] | None, *, api: bool, multipart: bool) -> HttpResponse:
    cookies = copy.deepcopy(client.cookies)  # signing out must not sign the next request out
    try:
        if method == "GET":
            return client.get(url)
        data = body or {}
        if multipart:
            return getattr(client, method.lower())(url, data, format="multipart")
        if api:
            return getattr(client, method.lower())(url, data, format="json")
        return getattr(client, method.lower())(url, data)
    finally:
        client.cookies = cookies


def content(response: HttpResponseBase) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response)  # iterating a streaming response gives its content
    assert isinstance(response, HttpResponse)
    return response.content


def matches(expect: Expect, response: HttpResponse) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    if expect == LOGIN:
        return status == 302 and location.startswith("/sign-in/")
    if expect == CHILD_LOGIN:
        return status == 302 and location.startswith("/me/sign-in/")
    if expect == SIGNED_OUT:
        return status == 302 and bool(re.match(r"^/(me/)?sign-in/", location))
    if expect == REDIRECT:
        return status == 302 and not re.match(r"^/(me/)?sign-in/", location)
    if expect == ALLOWED:
        signed_out = status == 302 and re.match(r"^/(me/)?sign-in/", location)
        return status < 500 and status not in (401, 403, 404, 405, 410) and not signed_out
    return status == expect


def answer(response: HttpResponse) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}{' to ' + location if location else ''}"


# Nothing written: PostgreSQL's count of rows this transaction inserted, updated and deleted, per table ------------


def _watched_tables() -> list[str]:
    """Every table of Hearth's own apps (their history tables too) but the access log, which a look may write to."""
    return sorted(
        model._meta.db_table
        for app in ("casework", "outcomes", "placements", "voice")
        for model in apps.get_app_config(app).get_models()
        if model is not RecordView and not model._meta.proxy
    )


def fingerprint() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far in this transaction, per table: a refused request changes none.

    pg_stat_xact_user_tables counts writes in the current transaction, including those a savepoint later undoes,
    so comparing before and after a request inside its savepoint catches any write, in one cheap query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [_watched_tables()],
        )
        return {name: (inserted, updated, deleted) for name, inserted, updated, deleted in cursor.fetchall()}
