"""The access matrix (issue 8): every page and every API operation, tried as each of ten kinds of user.

The URL configuration and the OpenAPI schema are read at test time, so a new page or endpoint without an entry in
tests/access.py fails here until someone says who may use it. For each one, each user gets the answer its access class
gives; a refused write changes no row; nothing of the subject child reaches a user who may not see them (their
surname, a visit's observations, a note on a family member), and no staff-only words reach the child; every read of
the child's record is in the access log, which a head of service can read.

The subject child's records are made once for the module (in a transaction undone at the end), and each request runs
in a savepoint undone after it, so one user's write never changes the next user's answer."""

import json
from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape

from casework import dashboard
from casework.models import RecordView
from tests import access, proof
from tests.access import (
    ALL_SENTINELS,
    ENDPOINTS,
    EXCLUDED_PREFIXES,
    MAY_NOT_SEE,
    MAY_SEE,
    PAGES,
    REFUSALS,
    STAFF_ONLY_SENTINELS,
    USERS,
    Target,
    World,
)
from tests.conftest import make_county

pytestmark = [pytest.mark.access, pytest.mark.django_db]
FIGURES: Counter = Counter()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = None
        try:
            built = access.build_world(make_county())
            yield built
        finally:
            if built is not None:
                access.remove_uploads(built)
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# Coverage: everything that exists is in the matrix, and nothing in the matrix is gone -----------------------


def test_every_page_is_in_the_access_matrix():
    routes = [route for route in access.url_routes() if not access.is_excluded(route) and not access.is_api(route)]
    names = {route.name for route in routes}
    missing = sorted(f"{route.name} (/{route.route})" for route in routes if route.name not in PAGES)
    gone = sorted(set(PAGES) - names)
    assert not missing, f"Pages with no entry in the access matrix: add each to PAGES in tests/access.py: {missing}"
    assert not gone, f"The access matrix names pages that no longer exist: remove them from tests/access.py: {gone}"


def test_every_api_operation_is_in_the_access_matrix():
    operations = access.schema_operations()
    missing = sorted(set(operations) - set(ENDPOINTS))
    gone = sorted(set(ENDPOINTS) - set(operations))
    assert not missing, f"API operations with no entry in the access matrix: add each to ENDPOINTS in tests/access.py: {missing}"
    assert not gone, f"The access matrix names API operations that no longer exist: remove them from tests/access.py: {gone}"


def test_every_api_route_is_in_the_schema():
    """An API view left out of the schema would slip past the matrix: every route under /api/ is in it, or is a page."""
    paths = {operation.split(" ", 1)[1] for operation in access.schema_operations()}
    routes = [route for route in access.url_routes() if access.is_api(route)]
    outside = sorted(f"{route.name} (/{route.route})" for route in routes if access.schema_path(route.route) not in paths)
    assert routes
    assert not outside, f"API routes missing from the OpenAPI schema (so from the access matrix): {outside}"


def test_only_the_admin_site_is_left_out():
    left_out = {route.route.split("/")[0] + "/" for route in access.url_routes() if access.is_excluded(route)}
    assert left_out == set(EXCLUDED_PREFIXES)


# The matrix ----------------------------------------------------------------------------------------------------


def _forbidden(user: str, refused: bool) -> tuple[str, ...]:
    if refused or user in MAY_NOT_SEE:
        return ALL_SENTINELS
    if user == "child":
        return STAFF_ONLY_SENTINELS
    return ()


def _try(world: World, label: str, target: Target, method: str, user: str, url: str, *, api: bool) -> list[str]:
    """One request as one user: the answer, no leak, nothing written when refused, the read logged when shown."""
    expect = target.expect(method, user)
    refused = expect in REFUSALS
    body = target.body(world) if target.body and method != "GET" else None
    problems = []
    seen_by = world.user(user)
    with access.rolled_back():
        before = access.fingerprint() if refused else None
        logged = RecordView.objects.filter(user=seen_by, child=world.child_seen_by(user)) if seen_by else None
        views_before = logged.count() if logged is not None else 0
        response = access.send(world.clients[user], method, url, body, api=api, multipart=target.multipart)
        text = access.content(response).decode(errors="replace")
        FIGURES["requests"] += 1
        where = f"{label}: {method} as {access.USER_WORDS[user]} ({user})"
        if not access.matches(expect, response):
            problems.append(f"{where}: expected {expect}, got {access.answer(response)}")
        elif refused:
            FIGURES["refusals"] += 1
        for sentinel in _forbidden(user, refused):
            if sentinel in text:
                FIGURES["leaks"] += 1
                problems.append(f"{where}: the answer ({response.status_code}) contains {sentinel!r}")
        if before is not None:
            after = access.fingerprint()
            changed = sorted(table for table in set(before) | set(after) if before.get(table) != after.get(table))
            if changed:
                problems.append(f"{where}: refused ({response.status_code}) but wrote to {changed}")
        shown = target.access.logged and method == "GET" and response.status_code == 200
        if shown and logged is not None and logged.count() <= views_before:
            problems.append(f"{where}: a read of the child's record that is not in the access log")
    return problems


def _leak_query(world: World, label: str, target: Target, url: str) -> list[str]:
    """A list filtered to the subject child: those who may see them find them, nobody else finds anything."""
    assert target.leak_query is not None, "only lists with a leak query come here"
    query = target.leak_query(world)
    problems = []
    for user in USERS[1:]:
        with access.rolled_back():
            response = access.send(world.clients[user], "GET", url + query, None, api=True, multipart=False)
            FIGURES["requests"] += 1
            data = json.loads(response.content)
            found = data["count"] if isinstance(data, dict) else len(data)
        if user in MAY_SEE and found < 1:
            problems.append(f"{label}{query} as {user}: found nothing, so the check proves nothing")
        if user not in MAY_SEE and found != 0:
            FIGURES["leaks"] += 1
            problems.append(f"{label}{query} as {user}: found {found} record(s) of a child they may not see")
    return problems


def _record(target: str, kind: str, before: Counter) -> None:
    """The figures bin/prove prints (tests/proof.py): this page's or endpoint's share of the counts."""
    done = FIGURES - before
    proof.access_checked(
        target=target, kind=kind, users=len(USERS), requests=done["requests"], refusals=done["refusals"], leaks=done["leaks"]
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(world, name):
    target, before = PAGES[name], FIGURES.copy()
    url = access.page_url(world, name, target) + (target.query(world) if target.query else "")
    problems = [
        problem
        for method in ("GET", *target.writes)
        for user in USERS
        for problem in _try(world, f"{name} ({url})", target, method, user, url, api=False)
    ]
    _record(name, "page", before)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", sorted(ENDPOINTS))
def test_endpoint_access(world, key):
    target, before = ENDPOINTS[key], FIGURES.copy()
    method = key.split(" ", 1)[0]
    url = access.endpoint_url(world, key, target)
    query = target.query(world) if target.query else ""
    problems = [problem for user in USERS for problem in _try(world, key, target, method, user, url + query, api=True)]
    if target.leak_query:
        problems += _leak_query(world, key, target, url)
    _record(key, "endpoint", before)
    assert not problems, "\n".join(problems)


# Beyond one request per user ----------------------------------------------------------------------------------


DRILL_DOWNS = ("casework:dashboard-children-csv",)  # the page beside it uses the same selector


def test_dashboard_lists_and_exports_never_name_a_child_the_user_may_not_see(world):
    """Every measure's drill-down lists and CSV, every part: the subject child is there for the head of service
    (so the check can fail) and in no list or export of another team's worker or manager."""
    found_by_head = False
    for measure in dashboard.all_measures():
        for part, _ in measure.parts:
            query = f"?part={part}" if part else ""
            urls = [reverse(route, kwargs={"key": measure.key}) + query for route in DRILL_DOWNS]
            for url in [*urls, f"/api/v1/dashboard/{measure.key}/children/{query}"]:
                for user in ("head", "other_worker", "other_manager"):
                    with access.rolled_back():
                        response = world.clients[user].get(url)
                        text = access.content(response).decode()
                    FIGURES["requests"] += 1
                    assert response.status_code == 200, f"{url} as {user}: {response.status_code}"
                    if user == "head":
                        found_by_head |= access.SURNAME in text
                    else:
                        assert access.SURNAME not in text, f"{url} as {user} names the subject child"
    assert found_by_head, "the subject child is in none of the head of service's lists, so this test proves nothing"


def test_those_who_may_see_the_record_do_see_the_sentinels(world):
    """The other side of the leak checks: the words they look for are really on the pages."""
    with access.rolled_back():
        page = world.clients["worker"].get(reverse("casework:child-detail", args=[world.county.child.pk])).content.decode()
        family = world.clients["manager"].get(f"/api/v1/children/{world.county.child.pk}/family/").content.decode()
        visit = world.clients["teammate"].get(reverse("casework:visit-detail", args=[world.signed_visit.pk])).content.decode()
        shared = world.clients["child"].get(reverse("me:record", args=[world.shared_record.pk])).content.decode()
    assert access.SURNAME in page and access.FAMILY_NOTE in family
    assert access.OBSERVATION in visit
    # The child reads the version written to them (tests.factories.FOR_CHILD), never the record's words.
    assert "You told me you like your room." in shared and access.OBSERVATION not in shared


def test_the_write_check_sees_a_write(world):
    """The other side of "nothing written": a write that is allowed shows in the fingerprint."""
    with access.rolled_back():
        before = access.fingerprint()
        url = f"/api/v1/children/{world.county.child.pk}/about-me/"
        response = world.clients["worker"].patch(url, {"proud_of": "My swimming badge."}, format="json")
        after = access.fingerprint()
    assert response.status_code == 200
    assert before != after


def test_a_head_of_service_sees_who_viewed_a_childs_record_and_when(world):
    with access.rolled_back():
        world.clients["teammate"].get(reverse("casework:child-detail", args=[world.county.child.pk]))
        world.clients["worker"].get(f"/api/v1/visits/{world.draft_visit.pk}/")
        viewed = list(RecordView.objects.filter(child=world.county.child).order_by("-id")[:2])
        response = world.clients["head"].get(reverse("casework:child-access-log", args=[world.county.child.pk]))
        text = response.content.decode()
    assert response.status_code == 200
    assert {view.user for view in viewed} == {world.county.teammate, world.county.worker}
    for view in viewed:
        assert str(view.user.get_full_name() or view.user.username) in text or view.user.username in text
        assert escape(view.page_in_words) in text  # "The API: visit detail", not its route name


def test_the_admin_site_is_closed_to_everyone_but_administrators(world):
    before = FIGURES.copy()
    for user in USERS:
        with access.rolled_back():
            response = world.clients[user].get("/admin/")
        FIGURES["requests"] += 1
        if user == "admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), user
            FIGURES["refusals"] += 1
    _record("admin:index", "page", before)
