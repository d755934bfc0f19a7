"""Bad input on every page: hypothesis sends generated query strings and form bodies to each HTML page of Hearth,
and to a few of Django's admin pages, as each kind of user. No answer may be a server error (5xx).

The pages come from Django's URL resolver (tests/test_fuzz.py fuzzes the API), so a new page is fuzzed without an
entry here. The ids in a page's URL are the subject child's real records (tests/access.py's world) or odd numbers. The
fields come from the page's own forms, as each user sees them, with the values the page offers; each example sends
them as offered (so a form gets past its checks to the service), or spoils one or two of them (odd values, several
values, left out), and adds a stray key. Each request runs in a savepoint undone after it, so no example changes the
next one's answer. Examples are bounded and derandomized, and a failure is not shrunk: the message names the user,
method, URL and data, and ends with the traceback's last frames."""

import copy
import datetime
import itertools
import re
import traceback
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from simple_history.admin import SimpleHistoryAdmin

from casework.dashboard.filters import AGE_BANDS, PERIODS
from casework.dashboard.registry import all_measures, child_filters
from placements import codes as placement_codes
from placements import forms as placement_forms
from placements.models import PlacementDecision
from tests import access
from tests.access import World
from tests.conftest import make_county
from tests.placements import factories as placement_factories

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = 10
FORM_EXAMPLES = 30  # a page with a form to post: more ways in
bounded = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: it takes minutes on a slow page
)

# Who sends the requests: the world's attribute for each, None for signed out.
ROLES = {
    "social worker": "county.worker",
    "team manager": "county.manager",
    "head of service": "county.head",
    "administrator": "county.admin",
    "child": "child_user",
    "signed out": None,
}

# Values that have broken forms and parsers elsewhere: digits int() refuses ("²") or reads as another number ("١٢"),
# ids past PostgreSQL's integer and bigint, dates and times past Python's and PostgreSQL's, NUL, very long text.
ODD_VALUES = [
    "", " ", "0", "-1", "1.5", "²", "١٢", "⑦", str(2**31), str(2**63 - 1), str(2**63), "9" * 30, "1e309", "NaN", "inf",
    "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2024-02-30", "0000-00-00",
    "31/12/2024", "25:61", "\x00", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "%", "../../etc/passwd",
    "null", "[]", "true", "\u202e", "🙂" * 100,
]  # fmt: skip
ODD_IDS = [0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30]
ODD_SLUGS = ["no-such-measure", "x" * 300, "0", "_"]
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
ODD_VALUE = st.one_of(st.sampled_from(ODD_VALUES), TEXT, st.integers().map(str), st.dates().map(str))
ODD_OR_SEVERAL = st.one_of(ODD_VALUE, ODD_VALUE, st.lists(ODD_VALUE, min_size=2, max_size=3))
STRAY_KEY = st.one_of(st.sampled_from(["", "\x00", "²", "x" * 300, "page[]", "__proto__"]), TEXT.filter(bool))

# Query parameters the pages read from request.GET, with values that mean something to them (the forms on the pages
# add theirs: the dashboard's filters, the star's comparison, the 903 export's year and table).
GET_KEYS: dict[str, list[str]] = {
    "page": ["1", "2", "last", "-1", "0"],
    "view": ["team", "child"],
    "on": ["2024-03-31", "1999-12-31", "2000-01-01"],
    "period": list(PERIODS),
    "age_band": list(AGE_BANDS),
    "part": ["", "first", "1"],
    "code": ["ABCDE-FGHJK"],
    "year": ["2023", "1999", "2101"],
    "table": ["header", "episodes", "social_workers"],
    "next": ["/", "//elsewhere.example/", "/admin/"],
}
# Fields of forms that are on another page than the URL they post to.
POST_KEYS: dict[str, list[str]] = {
    "login": ["username", "password", "next"],
    "placements:decision-reject": ["reason"],
    "placements:risk-of-residential": ["decision", "outcome", "actions", "reviewed_on"],
    "placements:ssda903-import": ["checked"],  # shown only after a dry run
    "voice:upload": ["client_id", "audio"],
}
# Voice notes sent without JavaScript: real audio, empty, cut short, not audio at all. Their client ids are fixed, so
# the files they leave in the private storage can be found and removed (the database is rolled back, files are not).
UPLOAD_CLIENT_IDS = [str(uuid.UUID(int=n)) for n in (1, 2)]
AUDIO = st.sampled_from([access.tiny_wav(), access.tiny_wav()[:60], b"", b"not audio"]) | st.binary(max_size=64)
# The 903 import's tables: a real Header row, a cut one, no columns, bytes that are not UTF-8, anything at all.
TABLE = st.sampled_from(
    [access.IMPORT_HEADER, access.IMPORT_HEADER[:30], b"", b"CHILD\n\x00", b"\xff\xfe", b'"unclosed\n1,2']
) | st.binary(max_size=64)
CSV_UPLOAD = st.builds(lambda content: SimpleUploadedFile("table.csv", content, content_type="text/csv"), TABLE)
SPECIAL: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "placements:ssda903-import": {table: CSV_UPLOAD for table in placement_forms.ImportForm.base_fields},
    "voice:upload": {
        "client_id": st.sampled_from(UPLOAD_CLIENT_IDS),
        "audio": st.builds(lambda content: SimpleUploadedFile("note.wav", content, content_type="audio/wav"), AUDIO),
    },
}
# A byte range (a voice note played from the middle), as browsers and odd clients ask for one.
RANGES = ["bytes=0-", "bytes=0-1", "bytes=-0", "bytes=-99999999999999999999", "bytes=99999999999999999999-",
          "bytes=5-2", "bytes=0-0,5-9", "bytes=١٢-", "bytes=", "bytes=-", "pages=1-2"]  # fmt: skip
HEADERS = st.fixed_dictionaries({}, optional={"Range": st.sampled_from(RANGES)})


# The world: one record of each kind, made once for the module ------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = None
        try:
            built = access.build_world(make_county())
            _heading_for_residential(built)
            built.county.head.is_staff = True  # the admin's case records are for heads of service
            built.county.head.save(update_fields=["is_staff"])
            yield built
        finally:
            if built is not None:
                access.remove_uploads(built)
                _remove_fuzzed_uploads(built)
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _heading_for_residential(world: World) -> None:
    """A decision heading for a children's home, sent to the manager: the forum and approval pages list it, and its
    home step has the step-down fields."""
    placement_factories.PlacementDecisionFactory(
        child=world.county.child,
        created_by=world.county.worker,
        chosen_rung=placement_codes.Rung.RESIDENTIAL,
        status=placement_codes.DecisionStatus.SUBMITTED,
    )
    placement_factories.residential_home()


def _remove_fuzzed_uploads(world: World) -> None:
    storage = world.recording.audio.storage
    for visit in (world.draft_visit, world.signed_visit):
        folder = f"voice/{visit.pk}"
        for name in storage.listdir(folder)[1] if storage.exists(folder) else []:
            if name.startswith(tuple(UPLOAD_CLIENT_IDS)):
                storage.delete(f"{folder}/{name}")


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker) -> dict[str, Client]:
    signed_in = {}
    with django_db_blocker.unblock():
        for role, attribute in ROLES.items():
            client = Client(raise_request_exception=False)
            if attribute is not None:
                client.force_login(_attribute(world, attribute))
            signed_in[role] = client
    return signed_in


def _attribute(world: World, path: str) -> Any:
    value: Any = world
    for part in path.split("."):
        value = getattr(value, part)
    return value


def real_ids(world: World) -> dict[str, list[int]]:
    """For each URL argument, the records it may name: the subject child's, another child's, both decisions."""
    county = world.county
    return {
        "child_id": [county.child.pk, county.other_child.pk],
        "visit_id": [world.draft_visit.pk, world.signed_visit.pk],
        "check_id": [world.correction.pk],
        "star_id": [world.star.pk],
        "area_id": [world.area.pk],
        "check_in_id": [world.check_in.pk],
        "shared_record_id": [world.shared_record.pk],
        "decision_id": [*PlacementDecision.objects.order_by("pk").values_list("pk", flat=True), world.adoption_decision.pk],
        "recording_id": [world.recording.pk],
        "adoption_id": [world.adoption.pk],
        "review_id": [world.review.pk],
        "episode_id": [world.missing.pk],
        "member_id": [world.sibling.pk],
        "note_id": [world.draft_note.pk, world.signed_note.pk],
        "arrangement_id": [world.arrangement.pk],
        "session_id": [world.session.pk],
        "rung": [*placement_codes.Rung.values, 8],
    }


def query_values(world: World) -> dict[str, set[str]]:
    county = world.county
    ids = {
        "first": [world.check_in.pk],
        "second": [world.check_in.pk],
        "arrangement": [world.arrangement.pk],
        "team": [county.team.pk, county.other_team.pk],
        "worker": [county.worker.pk, county.other_worker.pk, county.head.pk],
    }
    values = {key: set(known) for key, known in GET_KEYS.items()} | {key: set(map(str, pks)) for key, pks in ids.items()}
    for child_filter in child_filters():
        values[child_filter.key] = {value for value, _ in child_filter.choices()}
    return values


# Reading a page's forms ---------------------------------------------------------------------------------------------

# What a person would type into an empty field of each kind, so that a whole form can get past its checks.
TYPED = {
    "date": lambda: [timezone.localdate().isoformat(), (timezone.localdate() - datetime.timedelta(days=30)).isoformat()],
    "time": lambda: ["10:30"],
    "number": lambda: ["3"],
    "text": lambda: ["Some words."],
    "password": lambda: ["a-test-password-1"],
    "checkbox": lambda: ["on"],
    "textarea": lambda: ["Some words, and more.\r\nOn two lines."],
}


@dataclass
class Fields:
    """The fields of a page's forms, each with the values the page offers for it or a person might type into it."""

    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    hidden: set[str] = field(default_factory=set)  # fields nobody types, so views are apt to trust them

    def merge(self, other: "Fields") -> None:
        for name, values in other.values.items():
            self.values[name] |= values
        self.hidden |= other.hidden


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields = Fields()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name, values = found.get("name"), self.fields.values
        if tag in ("input", "button") and name:
            kind = found.get("type", "text")
            values[name] |= {found["value"]} if found.get("value") else set(TYPED.get(kind, list)())
            if kind == "hidden":
                self.fields.hidden.add(name)
        elif tag == "select" and name:
            self._select = name
            values.setdefault(name, set())
        elif tag == "option" and self._select:
            values[self._select].add(found.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            values[name] |= set(TYPED["textarea"]())
        elif tag == "a" and found.get("href", "").startswith("?"):  # the admin's filters and sorting are links
            for key, value in re.findall(r"[?&]([^=&]+)=([^&]*)", found["href"].replace("&amp;", "&")):
                values[key].add(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and data.strip():
            self.fields.values[self._textarea].add(data)


def form_fields(html: str) -> Fields:
    reader = FormReader()
    reader.feed(html)
    reader.fields.values.pop("csrfmiddlewaretoken", None)
    reader.fields.hidden.discard("csrfmiddlewaretoken")
    return reader.fields


# Sending and checking -----------------------------------------------------------------------------------------------


def send(client: Client, method: str, url: str, data: dict[str, Any], headers: dict[str, str]) -> HttpResponseBase:
    """One request in a savepoint undone afterwards. A streamed answer (a CSV) is read to its end, as it can fail
    midway; the test client then closes it without closing the test's database connection."""
    cookies = copy.deepcopy(client.cookies)  # signing out must not sign the next request out
    try:
        with transaction.atomic():
            response = (client.get if method == "GET" else client.post)(url, data, headers=headers)
            if response.streaming:
                try:
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                except Exception as error:  # whatever stops a streamed answer midway is a server error
                    response.status_code = 500
                    response.exc_info = (type(error), error, error.__traceback__)  # type: ignore[attr-defined]
            transaction.set_rollback(True)
        return response
    finally:
        client.cookies = cookies


def page_text(response: HttpResponseBase) -> str:
    return response.content.decode() if isinstance(response, HttpResponse) else ""


def check(
    client: Client, role: str, method: str, url: str, data: dict[str, Any], headers: dict[str, str] | None = None
) -> HttpResponseBase:
    response = send(client, method, url, data, headers or {})
    if response.status_code >= 500:
        exc_info = getattr(response, "exc_info", None)  # the test client keeps the view's exception
        where = "".join(traceback.format_exception(*exc_info)[-6:]) if exc_info else "(no exception recorded)"
        shown = {key: value[:80] + "…" if isinstance(value, str) and len(value) > 80 else value for key, value in data.items()}
        pytest.fail(f"{response.status_code} for {role}: {method} {url} with {shown!r} {headers or ''}\n{where}")
    return response


# What the examples send -----------------------------------------------------------------------------------------------

MISSING = object()
HOW = ["as offered", "one spoiled", "one spoiled", "two spoiled", "some, any value"]


@st.composite
def body(draw: Any, fields: Fields, special: dict[str, st.SearchStrategy[Any]] | None = None) -> dict[str, Any]:
    """A query string or form body: every field with a value the page offers (so the form gets past its checks to
    the service), then one or two fields spoiled (an odd value, several values, or left out), hidden fields the most
    often; or else some of the fields, any value. And a stray key or two."""
    names = sorted(fields.values)
    offered = {name: st.sampled_from(sorted(values)) for name, values in fields.values.items() if values} | (special or {})
    data: dict[str, Any] = draw(st.fixed_dictionaries(offered), label="offered")
    how = draw(st.sampled_from(HOW), label="how")
    if how == "some, any value":
        either = {name: st.one_of(offered.get(name, ODD_VALUE), ODD_OR_SEVERAL) for name in names}
        data = draw(st.fixed_dictionaries({}, optional=either), label="some")
    elif how != "as offered" and names:
        candidates = st.sampled_from(names + sorted(fields.hidden) * 2)
        spoiled = draw(st.lists(candidates, min_size=1, max_size=2 if how == "two spoiled" else 1, unique=True))
        for name in spoiled:
            data[name] = draw(st.one_of(ODD_OR_SEVERAL, st.just(MISSING)), label=name)
    data |= draw(st.dictionaries(STRAY_KEY, ODD_VALUE, max_size=2), label="stray")
    return {name: value for name, value in data.items() if value is not MISSING}


ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_for(route: access.Route, world: World, draw: Any) -> str:
    """The page's URL: mostly with real records, now and then with ids or keys that name nothing."""
    ids, keys = real_ids(world), [measure.key for measure in all_measures()]
    kwargs: dict[str, Any] = {}
    for converter, argument in ARGUMENT.findall(route.route):
        if converter == "int":
            kwargs[argument] = draw(st.sampled_from(ids[argument] * 6 + ODD_IDS), label=argument)
        elif converter == "slug":
            kwargs[argument] = draw(st.sampled_from(keys * 2 + ODD_SLUGS), label=argument)
        else:
            raise AssertionError(f"{route.name}: no values for <{converter}:{argument}>: add them here")
    return reverse(route.name, kwargs=kwargs)


# Every page -------------------------------------------------------------------------------------------------------------

PAGES = [route for route in access.url_routes() if not route.route.startswith(("api/", "admin/"))]


def test_every_page_is_fuzzed():
    names = {route.name for route in PAGES}
    assert names >= {"casework:caseload", "casework:dashboard-children-csv", "me:record", "voice:upload", "manifest"}
    assert not any(name.startswith(("api:", "admin:")) for name in names)


def plain_urls(route: access.Route, world: World) -> list[str]:
    """The page's URL with each of the real records it may name (the first rung only: every rung has the same form)."""
    ids = real_ids(world)
    arguments = [argument for _, argument in ARGUMENT.findall(route.route)]
    if any(argument not in ids for argument in arguments):  # a measure's key: the access matrix knows one
        return [access.page_url(world, route.name, access.PAGES.get(route.name, access.Target(access.PUBLIC)))]
    choices = [ids[argument][:1] if argument == "rung" else ids[argument][:2] for argument in arguments]
    return [reverse(route.name, kwargs=dict(zip(arguments, values, strict=True))) for values in itertools.product(*choices)]


def read_page(route: access.Route, world: World, clients: dict[str, Client]) -> tuple[Fields, list[str]]:
    """The page as each user sees it, with real ids and nothing typed (each answer is checked too): the fields of its
    forms, and the users it does not turn away (they get past the sign-in and the access rules to the forms)."""
    fields, let_in = Fields(), set()
    for url in plain_urls(route, world):
        for role, client in clients.items():
            response = check(client, role, "GET", url, {})
            if response.status_code not in (403, 404) and "sign-in/" not in response.get("Location", ""):
                let_in.add(role)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                fields.merge(form_fields(page_text(response)))
    for name in POST_KEYS.get(route.name, []):
        fields.values.setdefault(name, set())
    return fields, sorted(let_in)


@pytest.mark.parametrize("route", PAGES, ids=[route.name for route in PAGES])
def test_generated_requests_to_a_page_get_no_server_error(route, world, clients):
    fields, let_in = read_page(route, world, clients)
    query = Fields(values=defaultdict(set, query_values(world)))
    query.merge(fields)
    roles = let_in * 3 + sorted(ROLES)  # mostly those who get as far as the page's forms; now and then anyone

    @settings(bounded, max_examples=FORM_EXAMPLES if fields.values else EXAMPLES)
    @given(draw=st.data())
    def one_request(draw):
        role = draw.draw(st.sampled_from(roles), label="role")
        method = draw.draw(st.sampled_from(["GET", "POST"]), label="method")
        url = url_for(route, world, draw.draw)
        data = draw.draw(body(query if method == "GET" else fields, SPECIAL.get(route.name)), label="data")
        check(clients[role], role, method, url, data, draw.draw(HEADERS, label="headers"))

    one_request()


# A few of the admin's pages: each registered model's list, an object's change page and its history -------------------

ADMIN_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
ADMIN_ROLES = ["administrator", "administrator", "administrator", "head of service", "social worker", "signed out"]
ADMIN_KEYS = ("q", "o", "p", "all", "e", "_popup", "_to_field", "_changelist_filters")
ODD_OBJECT_IDS = ["0", "-1", "²", "١٢", "abc", str(2**63), "9" * 30, "1/2", "\x00", "%00", "x" * 300]


def _last(value: Any) -> Any:
    """What request.GET.get() reads of a key sent once or several times."""
    return value[-1] if isinstance(value, list) and value else value


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=[model._meta.label_lower for model in ADMIN_MODELS])
def test_generated_requests_to_the_admin_get_no_server_error(model, world, clients):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{prefix}_changelist")
    response = check(clients["administrator"], "administrator", "GET", changelist, {})
    fields = form_fields(page_text(response)) if response.status_code == 200 else Fields()
    for name in ADMIN_KEYS:
        fields.values.setdefault(name, set())
    first = model._default_manager.order_by("pk").first()
    object_ids = [str(first.pk)] * 3 if first is not None else []
    with_history = isinstance(admin.site._registry[model], SimpleHistoryAdmin)
    versions = [str(pk) for pk in model.history.order_by("pk").values_list("pk", flat=True)[:1]] if with_history else []

    @bounded
    @given(draw=st.data())
    def one_request(draw):
        role = draw.draw(st.sampled_from(ADMIN_ROLES), label="role")
        page = draw.draw(st.sampled_from(["changelist", "change", "history", "version"]), label="page")
        data = draw.draw(body(fields), label="data")
        url = changelist
        if page != "changelist":
            ids = object_ids + ODD_OBJECT_IDS
            object_id = draw.draw(st.sampled_from(ids), label="object id")
            url = reverse(f"{prefix}_{'change' if page == 'change' else 'history'}", args=[object_id])
            if page == "version" and versions:  # one past version of the object, as simple_history shows it
                version_ids = versions * 2 + ODD_OBJECT_IDS
                url += draw.draw(st.sampled_from(version_ids), label="version") + "/"
        check(clients[role], role, "GET", url, data)

    one_request()
