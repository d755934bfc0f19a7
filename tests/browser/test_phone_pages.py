"""Every staff and child page on the two phone widths people use most (360 and 390 px): nothing wider
than the screen, every column of the caseload on it, and axe-core with no issue of any impact.

A failure names each page and width that went wrong, so one run shows the whole list."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from casework import codes
from casework import services as casework_services
from casework.dashboard.registry import all_measures
from tests import factories
from tests.browser.axe import all_violations
from tests.browser.conftest import sign_in, sign_in_child
from tests.child_journey import CHILD_USERNAME, build_journey
from tests.placements import factories as placement_factories

pytestmark = [pytest.mark.browser, pytest.mark.accessibility, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 390)


@pytest.fixture
def everything(county):
    """The child's journey (an account, homes, a star, a shared visit) and a visit in each state, a
    decision and a correction waiting: enough for every page to have something on it."""
    journey = build_journey(county)
    child = county.child
    draft = factories.DraftVisitFactory(child=child, author=county.worker)
    check = casework_services.record_check(
        shared_record=journey.shared, actor=journey.user, verdict=codes.Verdict.NOT_RIGHT, child_words="I said my bedroom."
    )
    decision = placement_factories.PlacementDecisionFactory(child=child, created_by=county.worker)
    adoption_decision, adoption = placement_factories.adoption_records(child, county.worker)
    a_week_ago = timezone.localdate() - datetime.timedelta(days=7)
    review = casework_services.review_record(
        child=child, actor=county.worker, reviewed_on=a_week_ago, participation=codes.ReviewParticipation.PN6,
        chaired_by="Priya Shah",
    )  # fmt: skip
    missing = casework_services.missing_episode_record(
        child=child, actor=county.worker, kind=codes.MissingKind.MISSING, started_on=a_week_ago
    )
    return {
        "adoption_decision": adoption_decision,
        "adoption": adoption,
        "review": review,
        "missing": missing,
        "journey": journey,
        "draft": draft,
        "signed": journey.shared.visit,
        "check": check,
        "star": journey.star,
        "decision": decision,
    }


def staff_pages(county, things) -> list[str]:
    child, signed, star = county.child.pk, things["signed"].pk, things["star"].pk
    pages = [
        "/",
        "/?view=team",
        f"/children/{child}/",
        f"/children/{child}/details/",
        f"/children/{child}/chronology/",
        f"/children/{child}/leaving-care/",
        "/children/new/",
        f"/children/{child}/close/",
        f"/children/{child}/care/legal-status/",
        f"/children/{child}/worker/",
        f"/children/{child}/family/new/",
        f"/children/{child}/visits/new/",
        f"/children/{child}/case-notes/new/",
        f"/visits/{things['draft'].pk}/edit/",
        f"/visits/{signed}/",
        f"/visits/{signed}/amend/",
        f"/visits/{signed}/share/",
        f"/corrections/{things['check'].pk}/",
        f"/children/{child}/words/",
        f"/children/{child}/account/suspend/",
        f"/children/{child}/sibling-contact/new/",
        f"/children/{child}/sibling-contact/sessions/new/",
        f"/children/{child}/reviews/new/",
        f"/reviews/{things['review'].pk}/",
        f"/children/{child}/missing/new/",
        f"/children/{child}/health-records/",
        f"/missing/{things['missing'].pk}/",
        f"/placements/children/{child}/homes/",
        f"/placements/children/{child}/homes/move/",
        f"/placements/children/{child}/decisions/new/",
        f"/placements/decisions/{things['decision'].pk}/",
        f"/placements/decisions/{things['decision'].pk}/checklist/",
        f"/placements/decisions/{things['decision'].pk}/rungs/1/",
        f"/placements/children/{child}/adoption/",
        f"/placements/children/{child}/adoption/decisions/new/",
        f"/placements/adoption-decisions/{things['adoption_decision'].pk}/",
        f"/placements/children/{child}/adoption/placement/",
        f"/placements/children/{child}/adoption/adopted/",
        f"/placements/adoptions/{things['adoption'].pk}/correct/",
        f"/placements/children/{child}/previous-permanence/",
        f"/outcomes/stars/{star}/",
        f"/outcomes/stars/{star}/check-ins/new/",
        f"/outcomes/stars/{star}/areas/",
    ]
    return pages


MANAGER_PAGES = [
    "/",
    "/?view=team",
    "/placements/risk-of-residential/",
    "/placements/residential-review/",
    "/placements/sufficiency/",
    "/dashboard/",
    "/dashboard/social-worker-changes/",
    "/dashboard/social-worker-changes/children/",
]


def child_pages(things) -> list[str]:
    star = things["star"].pk
    return [
        "/me/",
        "/me/words/",
        "/me/records/",
        f"/me/records/{things['journey'].shared.pk}/",
        "/me/star/",
        f"/me/star/{star}/",
        f"/me/star/{star}/check-in/",
        f"/me/star/{star}/areas/",
    ]


def problems_on(page: Page, path: str, width: int) -> list[str]:
    response = page.goto(path)
    if response is None or not response.ok:
        return [f"{path} @{width}: answered {response and response.status}"]
    found = []
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        found.append(f"{path} @{width}: {scroll_width}px wide on a {inner_width}px screen")
    for violation in all_violations(page):
        targets = [node["target"] for node in violation["nodes"]][:3]
        found.append(f"{path} @{width}: axe {violation['id']} ({violation['impact']}) at {targets}")
    return found


def phone_of(browser: Browser, base_url: str, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 780}, is_mobile=True, has_touch=True, base_url=base_url)
    return context.new_page()


def visit_all(browser: Browser, base_url: str, sign_in_as, paths: list[str]) -> list[str]:
    found = []
    for width in WIDTHS:
        page = phone_of(browser, base_url, width)
        sign_in_as(page)
        for path in paths:
            found += problems_on(page, path, width)
        page.context.close()
    return found


def test_every_social_worker_page_fits_a_phone_with_no_accessibility_issue(browser, live_server, county, everything):
    found = visit_all(
        browser,
        live_server.url,
        lambda page: sign_in(page, county.worker.username, factories.PASSWORD),
        staff_pages(county, everything),
    )
    assert not found, "\n".join(found)


def test_every_manager_page_fits_a_phone_with_no_accessibility_issue(browser, live_server, county, everything):
    child = county.child.pk
    pages = [*MANAGER_PAGES, "/placements/ssda903/", "/placements/ssda903/check/", "/placements/ssda903/import/"]
    pages.append(f"/children/{child}/")
    pages += [f"/children/{child}/access-log/", f"/children/{child}/chronology/", f"/placements/children/{child}/homes/"]
    pages.append(f"/children/{child}/worker/")
    found = visit_all(browser, live_server.url, lambda page: sign_in(page, county.head.username, factories.PASSWORD), pages)
    # Every measure's page, as a team manager reads it.
    measures = [f"/dashboard/{measure.key}/" for measure in all_measures()]
    found += visit_all(
        browser,
        live_server.url,
        lambda page: sign_in(page, county.manager.username, factories.PASSWORD),
        [*MANAGER_PAGES, *measures],
    )
    assert not found, "\n".join(found)


def test_every_child_page_fits_a_phone_with_no_accessibility_issue(browser, live_server, county, everything):
    found = visit_all(
        browser,
        live_server.url,
        lambda page: sign_in_child(page, CHILD_USERNAME, factories.PASSWORD),
        child_pages(everything),
    )
    found += visit_all(browser, live_server.url, lambda page: None, ["/sign-in/", "/me/sign-in/", "/me/join/"])
    assert not found, "\n".join(found)


def on_screen(page: Page, selector: str, width: int) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["width"] > 1 and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_every_column_of_the_caseload_is_on_a_phone_screen(browser, live_server, county, everything):
    """Each column's name and the first child's value under it are on screen, as a table or as cards."""
    factories.AllocationFactory(child=factories.ChildFactory(), worker=county.worker)
    for width in WIDTHS:
        page = phone_of(browser, live_server.url, width)
        sign_in(page, county.worker.username, factories.PASSWORD)
        for path in ("/", "/?view=team"):
            page.goto(path)
            headings = page.locator("main table th[scope=col]").all_inner_texts()
            assert "Next visit due" in headings and "Flags" in headings
            for heading in headings:
                cell = f'main table tbody tr:first-child td[data-label="{heading}"]'
                assert page.locator(cell).count() == 1, f"{heading} has no cell labelled for a phone"
                assert on_screen(page, cell, width), f"{path}: {heading} off the screen at {width}px"
                # The card shows the column's name before the value.
                label = page.locator(cell).evaluate("cell => getComputedStyle(cell, '::before').content")
                assert heading in label, f"{path}: {heading} not named on its card at {width}px"
        page.context.close()


def test_the_dashboards_chart_labels_read_at_12px_and_stay_on_the_chart(browser, live_server, county, everything):
    for width in WIDTHS:
        page = phone_of(browser, live_server.url, width)
        sign_in(page, county.head.username, factories.PASSWORD)
        page.goto("/dashboard/")
        labels = page.evaluate(
            """() => [...document.querySelectorAll('svg.hearth-trend')].flatMap(svg => {
                const box = svg.getBoundingClientRect();
                const scale = box.width / svg.viewBox.baseVal.width;
                return [...svg.querySelectorAll('text')].map(text => {
                    const own = text.getBoundingClientRect();
                    return {text: text.textContent, px: parseFloat(text.getAttribute('font-size')) * scale,
                            inside: own.left >= box.left - 0.5 && own.right <= box.right + 0.5};
                });
            })"""
        )
        assert labels, "no chart on the dashboard"
        small = [label for label in labels if label["px"] < 12 or not label["inside"]]
        assert not small, f"at {width}px: {small[:5]}"
        page.context.close()


def test_the_share_page_shows_the_reading_age_and_disliked_words_as_the_worker_types(phone: Page, county, everything):
    sign_in(phone, county.worker.username, factories.PASSWORD)
    phone.goto(f"/visits/{everything['signed'].pk}/share/")
    field = phone.get_by_label("“What you told me”, for the child")
    check = phone.locator("#id_child_child_said-check")

    field.fill("Your social worker will visit you regularly.")
    expect(check).to_contain_text("Reading age: 15. Aim for 11 or under")

    field.fill("You like your room. We talked about your placement.")
    expect(check).to_contain_text("“placement”: children say they dislike this")
    expect(check).not_to_contain_text("Aim for 11 or under")


def test_the_childs_page_folds_into_sections_and_names_each_visit(phone: Page, county, everything):
    sign_in(phone, county.worker.username, factories.PASSWORD)
    phone.goto(f"/children/{county.child.pk}/")
    visits = phone.locator("#visits")
    expect(visits).to_be_hidden()  # folded until opened
    phone.get_by_text("Show the 2 visits recorded").click()
    expect(visits).to_be_visible()
    signed = everything["signed"]
    when = timezone.localtime(signed.visited_at).strftime("%-d %b %Y, %H:%M")
    expect(visits.get_by_role("link", name=f"{when}: statutory visit to a child in care by Jo Harper (signed)")).to_be_visible()
    # A link to a folded section opens it.
    phone.goto(f"/children/{county.child.pk}/#family")
    expect(phone.locator("#family")).to_be_visible()


def test_the_staff_menu_folds_behind_a_menu_button_on_a_phone(phone: Page, county):
    sign_in(phone, county.manager.username, factories.PASSWORD)
    menu = phone.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Dashboard")).to_be_hidden()
    menu.get_by_role("button", name="Menu").click()
    menu.get_by_role("link", name="Dashboard").click()
    expect(phone.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(phone.locator('nav a[aria-current="page"]')).to_have_text("Dashboard")  # the page the menu is on
