"""The head of service's "Check the return" page and API: the DfE's validator run over Hearth's return as a stored
check, its issues child by child with the page that puts each right."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import RecordView
from placements import codes, services
from placements.models import ReturnCheck
from placements.validation import CollectionYear
from tests import factories as casework_factories
from tests.conftest import County

pytestmark = pytest.mark.django_db
d = datetime.date
YEAR = CollectionYear(2025)  # 2025/26: the validator calls it 2026, the export 2025
PAGE = reverse("placements:ssda903-check")
Status = codes.ReturnCheckStatus


def checked(county: County, year: CollectionYear = YEAR) -> ReturnCheck:
    """A check asked for and run here, as the task runs it (tests/placements/test_check_task.py runs the task)."""
    check = services.return_check_request(user=county.head, year=year)
    ran = services.return_check_run(check_id=check.pk)
    assert ran is not None
    return ran


@pytest.mark.parametrize("who", ["worker", "manager", "admin"])
def test_only_a_head_of_service_may_open_or_start_the_check(client, county, who):
    client.force_login(getattr(county, who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"year": YEAR.start}).status_code == 403
    assert not ReturnCheck.objects.exists()
    client.force_login(county.head)
    assert client.get(PAGE).status_code == 200


def test_the_page_shows_the_totals_and_a_childs_issue_with_the_page_that_puts_it_right(client, county, wrong_ethnicity):
    check = checked(county)
    assert check.status == Status.DONE and check.validator_version == "0.1.17"
    client.force_login(county.head)
    response = client.get(PAGE, {"year": YEAR.start})
    html = response.content.decode()
    card = html.split(f'data-child="{wrong_ethnicity.pk}"')[1].split("</div>\n</div>")[0]
    assert "Robin Newchild" in card and f"903 CHILD {wrong_ethnicity.pk}" in card
    ethnicity = card.split('data-rule="103"')[1].split("</li>")[0]
    assert "The ethnicity code is either not valid or has not been entered." in ethnicity
    assert "Header: ETHNIC" in ethnicity
    assert f'href="{reverse("casework:child-edit", args=[wrong_ethnicity.pk])}"' in ethnicity
    assert "2025/26" in html and "Checked just now" in html and "csc-validator-be-903 0.1.17" in html
    assert f'data-total="issues">{len(check.issues)}<' in html
    assert f'data-total="rules">{len({issue["rule"] for issue in check.issues})}<' in html
    children = len({issue["child"] for issue in check.issues})
    assert f'data-total="children">{children} of {check.summary["children"]} in the return<' in html
    assert f"{len(check.summary['run'])} ran" in html and check.summary["rules"] > 100
    # Reading it is in the access log, with everyone in the return (as the download is).
    view = RecordView.objects.get(user=county.head, page=f"ssda903:check:{YEAR.start}")
    assert set(view.children.values_list("pk", flat=True)) == set(check.children) >= {wrong_ethnicity.pk, county.child.pk}
    ReturnCheck.objects.filter(pk=check.pk).update(finished_at=timezone.now() - datetime.timedelta(hours=3))
    assert "Checked 3\xa0hours ago" in client.get(PAGE, {"year": YEAR.start}).content.decode()


WHERE_EACH_IS_PUT_RIGHT = [
    ("Header", ["ETHNIC"], "casework:child-edit", ""),
    ("Episodes", ["HOME_POST", "PL_POST"], "placements:child-homes", ""),
    ("Episodes", ["LS"], "casework:legal-status-change", ""),
    ("SWEpisodes", ["SW_REASON"], "casework:change-worker", ""),
    ("OC3", ["ACCOM"], "casework:leaving-care", ""),
    ("Reviews", ["REVIEW_CODE"], "casework:child-detail", "#reviews"),
    ("DoLo", ["DOLO_START"], "casework:child-detail", ""),  # a table with no line in placements/fixes.py
]


def test_each_table_and_field_links_to_the_page_that_holds_its_records(client, county):
    child = county.child
    issues = [
        {"rule": f"R{n}", "message": f"Words of rule R{n}.", "child": str(child.pk), "child_id": child.pk}
        | {"table": table, "row": 0, "fields": fields}
        for n, (table, fields, _, _) in enumerate(WHERE_EACH_IS_PUT_RIGHT)
    ]
    ReturnCheck.objects.create(
        year=YEAR.start, requested_by=county.head, status=Status.DONE, finished_at=timezone.now(),
        summary={"issues": len(issues), "children": 1, "rules": 9, "run": ["R0"], "skipped": [], "not_run": {}},
        issues=issues, children=[child.pk],
    )  # fmt: skip
    client.force_login(county.head)
    html = client.get(PAGE, {"year": YEAR.start}).content.decode()
    for n, (table, fields, page, anchor) in enumerate(WHERE_EACH_IS_PUT_RIGHT):
        issue = html.split(f'data-rule="R{n}"')[1].split("</li>")[0]
        assert f'href="{reverse(page, args=[child.pk])}{anchor}"' in issue, (table, fields)
        assert f"{table}: {', '.join(fields)}" in issue


def test_a_year_with_nobody_in_care_has_no_issues(client, county):
    year = CollectionYear(2022)  # the county's children came into care 400 days ago
    check = checked(county, year)
    assert check.status == Status.DONE and check.issues == [] and check.summary["children"] == 0
    client.force_login(county.head)
    html = client.get(PAGE, {"year": year.start}).content.decode()
    assert "No issues" in html and "Every rule that ran found the 2022/23 return right." in html


def test_a_missing_validator_is_shown_with_the_command_that_installs_it(client, county, settings, tmp_path):
    settings.HEARTH_SSDA903_VALIDATOR_PYTHON = str(tmp_path / "no-such-python")
    check = checked(county)
    assert check.status == Status.FAILED and "bin/setup-validator" in check.failure
    client.force_login(county.head)
    html = client.get(PAGE, {"year": YEAR.start}).content.decode()
    assert "could not finish" in html and "bin/setup-validator" in html and "Check the 2025/26 return" in html


def test_every_check_is_kept_and_the_page_lists_them(client, county, settings, tmp_path):
    python = settings.HEARTH_SSDA903_VALIDATOR_PYTHON
    settings.HEARTH_SSDA903_VALIDATOR_PYTHON = str(tmp_path / "no-such-python")
    failed = checked(county)
    settings.HEARTH_SSDA903_VALIDATOR_PYTHON = python
    done = checked(county)
    assert (failed.status, done.status) == (Status.FAILED, Status.DONE)
    client.force_login(county.head)
    html = client.get(PAGE, {"year": YEAR.start}).content.decode()
    history = html.split('id="history"')[1]
    assert "could not check" in history and f"checked, {len(done.issues)} issue" in history
    assert "could not finish" not in html  # the newest check finished: the failure before it is history


def test_a_second_click_joins_the_check_under_way(client, county):
    client.force_login(county.head)
    for _ in range(2):
        response = client.post(PAGE, {"year": YEAR.start})
        assert response.status_code == 302 and response["Location"] == f"{PAGE}?year={YEAR.start}"
    check = ReturnCheck.objects.get()
    assert check.status == Status.QUEUED and check.requested_by == county.head
    html = client.get(PAGE, {"year": YEAR.start}).content.decode()
    assert "Checking the 2025/26 return" in html
    assert f'data-check-under-way="/api/v1/ssda903/checks/latest/?year={YEAR.start}"' in html  # check.mjs asks there
    assert "Check again" not in html


def test_the_check_is_run_once_however_often_its_message_arrives(county, wrong_ethnicity):
    check = services.return_check_request(user=county.head, year=YEAR)
    assert services.return_check_run(check_id=check.pk) is not None
    assert services.return_check_run(check_id=check.pk) is None
    check.refresh_from_db()
    assert check.status == Status.DONE and check.attempts == 1


def test_a_check_left_waiting_is_sent_again_by_the_next_click(client, county, django_capture_on_commit_callbacks):
    waiting = services.return_check_request(user=county.head, year=YEAR)  # its message lost (the broker was down)
    client.force_login(county.head)
    assert "may have stopped" not in client.get(PAGE, {"year": YEAR.start}).content.decode()
    ReturnCheck.objects.filter(pk=waiting.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=2))
    html = client.get(PAGE, {"year": YEAR.start}).content.decode()
    assert "may have stopped" in html and "Check again" in html
    with django_capture_on_commit_callbacks() as sent:
        client.post(PAGE, {"year": YEAR.start})
    assert len(sent) == 1 and list(ReturnCheck.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_a_check_whose_worker_died_is_closed_and_the_next_click_starts_another(client, county):
    dead = services.return_check_request(user=county.head, year=YEAR)
    ReturnCheck.objects.filter(pk=dead.pk).update(status=Status.RUNNING, started_at=timezone.now())  # no lock held
    client.force_login(county.head)
    assert "may have stopped" in client.get(PAGE, {"year": YEAR.start}).content.decode()
    fresh = services.return_check_request(user=county.head, year=YEAR)
    dead.refresh_from_db()
    assert dead.status == Status.FAILED and "stopped before it finished" in dead.failure
    assert fresh.pk != dead.pk and fresh.status == Status.QUEUED


def test_a_check_running_elsewhere_is_joined_not_closed(county):
    running = services.return_check_request(user=county.head, year=YEAR)
    ReturnCheck.objects.filter(pk=running.pk).update(status=Status.RUNNING)
    with connection.cursor() as cursor:  # the runner's lock (held by this connection here, by a worker's in life)
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.CHECK_LOCK, running.pk])
    try:
        joined = services.return_check_request(user=county.head, year=YEAR)
        assert services.return_check_run(check_id=running.pk) is None  # nor does a second message run it again
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [services.CHECK_LOCK, running.pk])
    assert joined.pk == running.pk and ReturnCheck.objects.count() == 1


@pytest.mark.parametrize("year", ["2025/26", "abc", "1999", "2021", str(timezone.localdate().year + 2), ""])
def test_a_year_not_on_the_list_is_a_clear_error_and_starts_nothing(client, county, year):
    client.force_login(county.head)
    response = client.get(PAGE, {"year": year})
    assert response.status_code == 400
    message = "Choose a collection year." if year == "" else "Choose a collection year from the list."
    assert message in response.content.decode()
    assert client.post(PAGE, {"year": year}).status_code == 400
    assert not ReturnCheck.objects.exists()


def test_the_year_reads_as_people_write_it_everywhere_on_the_page(client, county):
    client.force_login(county.head)
    html = client.get(PAGE, {"year": YEAR.start}).content.decode()
    assert '<option value="2025" selected>2025/26</option>' in html
    assert "has not been checked yet" in html and "Download the 2025/26 return" in html


def test_hundreds_of_children_come_a_page_at_a_time_in_few_queries(client, county, django_assert_max_num_queries):
    children = [casework_factories.ChildFactory(first_name="Child", last_name=f"Number{n:02d}") for n in range(30)]
    issue = {"rule": "103", "message": "The ethnicity code is either not valid.", "table": "Header", "row": 0}
    ReturnCheck.objects.create(
        year=YEAR.start, requested_by=county.head, status=Status.DONE, finished_at=timezone.now(),
        summary={"issues": 30, "children": 30, "rules": 1, "run": ["103"], "skipped": [], "not_run": {}},
        issues=[issue | {"child": str(c.pk), "child_id": c.pk, "fields": ["ETHNIC"]} for c in children],
        children=[c.pk for c in children],
    )  # fmt: skip
    client.force_login(county.head)
    with django_assert_max_num_queries(12):
        first = client.get(PAGE, {"year": YEAR.start}).content.decode()
    second = client.get(PAGE, {"year": YEAR.start, "page": 2}).content.decode()
    assert first.count("data-child=") == 25 and second.count("data-child=") == 5
    assert "Page 1 of 2" in first and f"?year={YEAR.start}&amp;page=2" in first


def test_the_download_and_the_menu_lead_to_the_check(client, county):
    client.force_login(county.head)
    html = client.get(reverse("placements:ssda903")).content.decode()
    assert f'href="{PAGE}"' in html
    assert client.get(reverse("placements:ssda903"), {"year": "2025", "table": "header"}).status_code == 200


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_starts_a_check_and_gives_the_latest_with_its_issues(county, wrong_ethnicity):
    assert api(county.worker).post("/api/v1/ssda903/checks/", {"year": YEAR.start}).status_code == 403
    assert api(county.head).get("/api/v1/ssda903/checks/latest/", {"year": YEAR.start}).status_code == 404
    started = api(county.head).post("/api/v1/ssda903/checks/", {"year": YEAR.start})
    assert started.status_code == 202 and started.json()["status"] == "queued"
    assert started.json()["collection_year"] == "2025/26"
    again = api(county.head).post("/api/v1/ssda903/checks/", {"year": YEAR.start})
    assert again.json()["id"] == started.json()["id"]
    services.return_check_run(check_id=started.json()["id"])
    latest = api(county.head).get("/api/v1/ssda903/checks/latest/", {"year": YEAR.start}).json()
    assert latest["status"] == "done"
    ethnicity = [issue for issue in latest["issues"] if issue["rule"] == "103"]
    assert ethnicity == [
        {
            "rule": "103",
            "message": "The ethnicity code is either not valid or has not been entered.",
            "child": str(wrong_ethnicity.pk),
            "child_id": wrong_ethnicity.pk,
            "table": "Header",
            "row": ethnicity[0]["row"],
            "fields": ["ETHNIC"],
        }
    ]
    assert api(county.manager).get("/api/v1/ssda903/checks/latest/", {"year": YEAR.start}).status_code == 403


@pytest.mark.parametrize("year", ["abc", 2021, timezone.localdate().year + 2])
def test_the_api_refuses_a_year_it_cannot_check(county, year):
    assert api(county.head).post("/api/v1/ssda903/checks/", {"year": year}).status_code == 400
    assert api(county.head).get("/api/v1/ssda903/checks/latest/", {"year": year}).status_code == 400
    assert not ReturnCheck.objects.exists()
