"""The placements pages: who gets in, the caseload column and child panel, and query counts."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import codes, services
from tests.placements import factories
from tests.placements.conftest import ready_decision, residential_ready

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def child_pages(county, homes) -> tuple[list[str], list[str]]:
    """(pages to read, pages that change the record)."""
    decision = ready_decision(county, homes)
    c, d = county.child.pk, decision.pk
    read = [reverse("placements:child-homes", args=[c]), reverse("placements:decision-detail", args=[d])]
    write = [
        reverse("placements:move-new", args=[c]),
        reverse("placements:end-care", args=[c]),
        reverse("placements:decision-new", args=[c]),
        reverse("placements:decision-rung", args=[d, 1]),
        reverse("placements:decision-home", args=[d]),
        reverse("placements:decision-checklist", args=[d]),
    ]
    return read, write


MANAGER_PAGES = ["risk-of-residential", "residential-review", "sufficiency"]  # measures: on the dashboard now


@pytest.mark.parametrize("outsider", ["other_worker", "other_manager", "admin"])
def test_outsiders_get_not_found_on_every_child_page(client, county, homes, outsider):
    read, write = child_pages(county, homes)
    client.force_login(getattr(county, outsider))
    for url in read + write:
        assert client.get(url).status_code == 404, url
    decision = ready_decision(county, homes)
    for name in ("decision-submit", "decision-approve", "decision-reject"):
        assert client.post(reverse(f"placements:{name}", args=[decision.pk])).status_code == 404


def test_a_same_team_worker_reads_but_cannot_change(client, county, homes):
    read, write = child_pages(county, homes)
    client.force_login(county.teammate)
    for url in read:
        assert client.get(url).status_code == 200, url
    for url in write:
        assert client.get(url).status_code == 403, url


def test_manager_pages_are_for_managers_and_the_903_for_heads(client, county):
    client.force_login(county.worker)
    for name in [*MANAGER_PAGES, "ssda903"]:
        assert client.get(reverse(f"placements:{name}")).status_code == 403, name
    client.force_login(county.manager)
    for name in MANAGER_PAGES:
        assert client.get(reverse(f"placements:{name}")).status_code == 200, name
    assert client.get(reverse("placements:ssda903")).status_code == 403
    client.force_login(county.head)
    response = client.get(reverse("placements:ssda903"), {"year": 2024, "table": "episodes"})
    assert response.status_code == 200 and response.content.decode().startswith("CHILD,DECOM,RNE")


def test_the_caseload_shows_each_childs_home_in_one_query(client, county, homes, django_assert_max_num_queries):
    factories.move(county.child, homes[3], TODAY(), county.worker)
    client.force_login(county.head)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("casework:caseload"))
    assert "Patel foster carers" in response.content.decode() and "No home recorded" in response.content.decode()


def test_the_childs_page_shows_the_home_by_its_child_facing_name(client, county, homes):
    factories.move(county.child, homes[3], TODAY(), county.worker)
    client.force_login(county.worker)
    page = client.get(reverse("casework:child-detail", args=[county.child.pk])).content.decode()
    assert homes[3].child_facing_name in page and "placement" not in page.lower().replace("placements/", "")


def test_the_residential_review_group_lists_each_child_with_weeks_and_cost(client, county, homes, django_assert_max_num_queries):
    decision = services.decision_submit(
        decision=residential_ready(county, homes, move_on=TODAY() - datetime.timedelta(weeks=3)), actor=county.worker
    )
    services.decision_approve(decision=decision, actor=county.head)
    for _ in range(3):
        factories.PlacementEpisodeFactory(home=factories.residential_home())
    client.force_login(county.head)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("placements:residential-review"))
    page = response.content.decode()
    assert county.child.display_name in page and "£12,000" in page


def test_the_risk_of_residential_forum_records_its_outcome(client, county, homes):
    decision = residential_ready(county, homes, ror_outcome="")
    client.force_login(county.manager)
    assert county.child.display_name in client.get(reverse("placements:risk-of-residential")).content.decode()
    data = {
        "decision": decision.pk,
        "outcome": "keep_searching",
        "actions": "Ask the IFA again.",
        "reviewed_on": TODAY().isoformat(),
    }
    assert client.post(reverse("placements:risk-of-residential"), data).status_code == 302
    decision.refresh_from_db()
    assert (decision.ror_outcome, decision.ror_actions) == ("keep_searching", "Ask the IFA again.")


def test_a_refused_step_shows_the_reason_on_the_form(client, county, homes):
    decision = factories.PlacementDecisionFactory(child=county.child, created_by=county.worker)
    client.force_login(county.worker)
    response = client.post(reverse("placements:decision-rung", args=[decision.pk, 3]), {"verdict": "yes"})
    assert response.status_code == 200 and "record why each higher rung is not right" in response.content.decode()


def test_a_decision_names_each_approver_once_with_their_role(client, county, homes):
    decision = services.decision_submit(decision=residential_ready(county, homes), actor=county.worker)
    services.decision_approve(decision=decision, actor=county.manager)
    services.decision_approve(decision=decision, actor=county.head)
    client.force_login(county.head)
    page = client.get(reverse("placements:decision-detail", args=[decision.pk])).content.decode()
    assert f"{county.manager} (team manager); {county.head} (head of service)" in page


def test_the_residential_review_group_shows_costs_with_thousands_separated(client, county, homes):
    home = homes[codes.Rung.RESIDENTIAL]
    home.weekly_cost = 6000
    home.save()
    factories.move(county.child, home, timezone.localdate() - datetime.timedelta(days=200), county.worker)
    client.force_login(county.manager)
    page = client.get(reverse("placements:residential-review")).content.decode()
    assert re.search(r"£\d{1,3}(,\d{3})+<", page)  # about £171,429 so far, not £171429
