"""One child's whole life with the council, walked through the pages on a phone (issue 16's "done when").

A worker adds the child and their family, records that they come into care, decides on a first home that the team
manager approves, moves them in an emergency that is then decided and approved in time, visits, phones, fills in a
star, changes the legal status, keeps the leaving-care record, ends care at 18 and closes the case, which a head of
service opens again. The chronology, the history and the dashboard then tell the same story.

The child cannot grow up during a test, so the pages are given the dates of a life already lived: born 18 years and
a few weeks ago, in care from 16. Only an emergency move must be recorded on the day it happens, so it, the end of
care and the closing are today; everything else keeps to the services' date rules (nothing in the future, care after
birth, each move after the one before)."""

import datetime
import re
import time
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from casework.models import CareLeaverContact, Child, FamilyMember, Visit
from placements.models import PlacementDecision, PlacementEpisode
from tests.browser.conftest import phone_page, sign_in
from tests.factories import PASSWORD, AllocationFactory, ChildFactory
from tests.placements.factories import HomeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
FIRST_AREAS = {"Feeling happy and well": 3, "Feeling safe": 4, "Home": 5}
LATER_AREAS = {"Feeling happy and well": 6, "Feeling safe": 7, "Home": 8}


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


BORN = years_before(TODAY, 18) - datetime.timedelta(days=40)  # turned 18 about six weeks ago
ALLOCATED, IN_CARE, PATHWAY_PLAN, NEW_LEGAL_STATUS = days_ago(730), days_ago(700), days_ago(500), days_ago(400)
VISITED, STAR_STARTED, PHONED, STAR_REVIEWED = days_ago(300), days_ago(250), days_ago(200), days_ago(100)


@pytest.fixture
def manager_phone(browser: Browser, live_server) -> Iterator[Page]:
    """The team manager's own phone: a second browser, signed in alongside the worker's."""
    yield from phone_page(browser, live_server.url)


@pytest.fixture
def head_phone(browser: Browser, live_server) -> Iterator[Page]:
    yield from phone_page(browser, live_server.url)


def watch_console(page: Page, seen: list[str]) -> None:
    """Every console error and script error on the page, with where it happened."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"{page.url}: {error}"))


def fits_the_phone(page: Page) -> None:
    """No sideways scrolling of the page itself at 360 px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide"


def said(page: Page, message: str) -> None:
    expect(page.get_by_text(message)).to_be_visible()
    fits_the_phone(page)


def rule_out(page: Page, heading: str, reason: str, detail: str) -> None:
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_label("No, record why not").check()
    page.get_by_label(reason).check()
    page.get_by_label("Why it was not right").fill(detail)
    page.get_by_role("button", name="Continue").click()


def decide_on_a_foster_home(page: Page, *, why: str, views: str, ideal: str, home: str, move_on: datetime.date | None) -> str:
    """Walk the ladder from the child's homes page to the council's own foster carers and send it to the manager."""
    page.get_by_role("link", name="Decide on a new home").click()
    page.get_by_label("Why does the child need a new home?").fill(why)
    page.get_by_label("What the child says, in their words").fill(views)
    page.get_by_label("The ideal home would be").select_option(label=ideal)
    page.get_by_role("button", name="Save and continue").click()
    rule_out(page, "Own family", "Not safe", "The court found home unsafe.")
    rule_out(page, "Kinship: family, friends or community", "No home available (no capacity)", "Her aunt has no room.")
    expect(page.get_by_role("heading", name="The council's own foster carers")).to_be_visible()
    fits_the_phone(page)
    page.get_by_label("Yes, look for a home here").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("The home").select_option(label=f"{home} (WR5 3DA, £500 a week)")
    if move_on is not None:
        page.get_by_label("Date of the move").fill(move_on.isoformat())
    page.get_by_role("button", name="Save and continue").click()
    for question in (
        "A connected person was considered first",
        "The home is near the child's home",
        "The child's education is not disrupted",
        "The home is within the council's area",
    ):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    for question in ("Brothers and sisters live together", "The home suits any disability the child has"):
        page.get_by_role("group", name=question).get_by_label("Not applicable").check()
    page.get_by_role("button", name="Save and check answers").click()
    page.get_by_role("button", name="Send for approval").click()
    said(page, "Sent to the manager for approval.")
    return page.url


def approve(page: Page, decision_url: str, views: str) -> None:
    page.goto(decision_url)
    expect(page.get_by_text(views)).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()
    said(page, "Decision approved.")


def check_in(page: Page, stage: str, day: datetime.date, scores: dict[str, int]) -> None:
    page.get_by_role("link", name="Record a check-in").first.click()
    page.get_by_label(stage, exact=True).check()
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("The child", exact=True).check()
    for area, score in scores.items():
        page.get_by_label(f"{area} (1 to 10)", exact=True).fill(str(score))
    page.get_by_role("button", name="Save check-in").click()
    said(page, "Check-in saved.")


def children_behind(page: Page, measure: str) -> list[str]:
    page.goto(f"/dashboard/{measure}/children/")
    fits_the_phone(page)
    return page.locator("table.govuk-table tbody td:first-child").all_inner_texts()


def test_a_childs_whole_life_through_the_pages_on_a_phone(phone: Page, manager_phone: Page, head_phone: Page, county):
    # Set-up only: the people, the homes and a brother already known to the council.
    county.head.is_staff = True  # a head of service audits the admin's history (tests/casework/test_admin.py)
    county.head.save(update_fields=["is_staff"])
    brother = ChildFactory(first_name="Leo", last_name="Marsh", date_of_birth=years_before(TODAY, 14))
    AllocationFactory(child=brother, worker=county.worker)
    first_home = HomeFactory(name="Patel foster carers", child_facing_name="Living with Sam and Priya")
    emergency_home = HomeFactory(name="Okafor foster carers", child_facing_name="Living with Grace")
    worker, manager, head = county.worker, county.manager, county.head
    errors: list[str] = []
    for page in (phone, manager_phone, head_phone):
        watch_console(page, errors)

    # Before the walk the manager's dashboard has no decision to count.
    sign_in(manager_phone, manager.username, PASSWORD)
    manager_phone.goto("/dashboard/decisions-child-views/")
    expect(manager_phone.get_by_text("No figure of decisions record the child's views")).to_be_visible()

    # 1. The worker adds the child, with herself as the first worker two years ago.
    sign_in(phone, worker.username, PASSWORD)
    phone.get_by_role("link", name="Add a child").click()
    phone.get_by_label("Legal first name").fill("Maya")
    phone.get_by_label("Legal last name").fill("Marsh")
    phone.get_by_label("Pronouns").fill("she/her")
    phone.get_by_label("Date of birth").fill(BORN.isoformat())
    phone.get_by_label("Sex", exact=True).select_option(label="Female")
    phone.get_by_label("Ethnicity").select_option(label="White British")
    phone.get_by_label("Unique pupil number (UPN)").fill("A12345678901B")
    phone.get_by_label("Allocated social worker").select_option(label=f"{worker} (North)")
    phone.get_by_label("Date the worker starts").fill(ALLOCATED.isoformat())
    fits_the_phone(phone)
    phone.get_by_role("button", name="Add child").click()
    said(phone, f"Maya Marsh is now on {worker}'s caseload.")
    expect(phone.get_by_role("heading", name="Maya Marsh", exact=True)).to_be_visible()
    child = Child.objects.get(first_name="Maya", last_name="Marsh")
    child_url = f"/children/{child.pk}/"
    assert phone.url.endswith(child_url)

    # 2. Family: her mother, and her brother Leo, who has his own record.
    phone.get_by_role("link", name="Add someone to the network").click()
    phone.get_by_label("Name", exact=True).fill("Jade Marsh")
    phone.get_by_label("Relationship to the child").select_option(label="Mother")
    phone.get_by_label("Has parental responsibility").check()
    phone.get_by_role("button", name="Save").click()
    said(phone, "Jade Marsh added to Maya Marsh's network.")
    phone.get_by_role("link", name="Add someone to the network").click()
    phone.get_by_label("Name", exact=True).fill("Leo Marsh")
    phone.get_by_label("Relationship to the child").select_option(label="Brother or sister")
    phone.get_by_label("Their own record, if a brother or sister is known to us").select_option(label="Leo Marsh")
    phone.get_by_role("button", name="Save").click()
    said(phone, "Leo Marsh added to Maya Marsh's network.")
    family = phone.locator("#family ul")  # the saved page opens at the family, unfolded
    expect(family.get_by_text("Jade Marsh – Mother, has parental responsibility")).to_be_visible()
    expect(family.get_by_text("Leo Marsh – Brother or sister")).to_contain_text("(also in our care)")
    phone.goto(f"/children/{brother.pk}/#family")  # the link shows on Leo's record too, back to Maya
    expect(phone.locator("#family ul").get_by_text("Maya Marsh – Brother or sister")).to_contain_text("(also in our care)")
    assert FamilyMember.objects.get(child=brother, own_record=child).relationship == "full_sibling"

    # 3. She comes into care at 16; her first home follows a decision the manager approves.
    phone.goto(child_url)
    phone.get_by_role("link", name="Comes into care").click()
    phone.get_by_label("Date the child came into care").fill(IN_CARE.isoformat())
    phone.get_by_label("Legal status").select_option(label="Interim care order")
    phone.get_by_label("Abuse or neglect").check()
    fits_the_phone(phone)
    phone.get_by_role("button", name="Record").click()
    said(phone, f"Maya Marsh is in care from {IN_CARE:%-d %b %Y}. Record their first home next.")
    first_views = "I want to stay at my school."
    first_decision = decide_on_a_foster_home(
        phone, why="Home is not safe.", views=first_views, ideal="Kinship: family, friends or community",
        home=first_home.name, move_on=IN_CARE,
    )  # fmt: skip
    approve(manager_phone, first_decision, first_views)
    phone.goto(f"/placements/children/{child.pk}/homes/")
    expect(phone.get_by_text("Living with Sam and Priya")).to_be_visible()
    fits_the_phone(phone)
    first_stay = PlacementEpisode.objects.get(child=child, home=first_home)
    assert (first_stay.started_on, first_stay.emergency) == (IN_CARE, False)

    # 4. Her carers fall ill: an emergency move today, with no decision yet.
    phone.get_by_role("link", name="Record a move").click()
    phone.get_by_label("New home").select_option(label=f"{emergency_home.name} (WR5 3DA, £500 a week)")
    phone.get_by_label("Date of the move").fill(TODAY.isoformat())
    phone.get_by_label("Why is the child moving?").select_option(label="Resignation or closure of the provision")
    phone.get_by_label("If this is an emergency move").fill("Both carers were taken into hospital last night.")
    phone.get_by_role("button", name="Record the move").click()
    said(phone, f"Emergency move to {emergency_home.name} recorded.")
    manager_phone.goto("/")
    notice = manager_phone.get_by_role("region", name="Emergency moves to approve")
    expect(notice).to_contain_text(f"Maya Marsh: {emergency_home.name} from {TODAY:%-d %b %Y}.")
    expect(notice.get_by_text("Approve by")).to_be_visible()  # within the 72 hours, not overdue
    fits_the_phone(manager_phone)
    phone.goto(f"/placements/children/{child.pk}/homes/")
    second_views = "I like Grace. Can I stay?"
    emergency_decision = decide_on_a_foster_home(
        phone, why="An emergency move: her carers are in hospital.", views=second_views,
        ideal="The council's own foster carers", home=emergency_home.name, move_on=None,
    )  # fmt: skip
    approve(manager_phone, emergency_decision, second_views)
    manager_phone.goto("/")
    expect(manager_phone.get_by_role("heading", name="Team's children")).to_be_visible()
    expect(manager_phone.get_by_text("Emergency moves to approve")).to_have_count(0)
    emergency_stay = PlacementEpisode.objects.get(child=child, ended_on__isnull=True)
    assert (emergency_stay.home, emergency_stay.emergency) == (emergency_home, True)
    assert PlacementDecision.objects.get(episode=emergency_stay).status == "approved"

    # 5. A statutory visit, a phone call and a star.
    phone.goto(child_url)
    phone.get_by_role("link", name="Record a visit").click()
    phone.get_by_label("Date of the visit").fill(VISITED.isoformat())
    phone.get_by_label("Time", exact=True).fill("16:15")
    phone.get_by_label("Where").fill("Her foster home")
    phone.get_by_label("I saw the child alone").check()
    phone.get_by_label("What the child said, in their words").fill("I want to see Leo more.")
    phone.get_by_label("What I saw").fill("Settled, proud of her college place.")
    phone.get_by_role("button", name="Save draft").click()
    said(phone, "Draft saved.")
    phone.get_by_role("button", name="Sign visit").click()
    said(phone, "Visit signed.")
    expect(phone.get_by_text("I want to see Leo more.")).to_be_visible()
    assert Visit.objects.get(child=child).signed_by == worker

    phone.goto(child_url)
    phone.get_by_role("link", name="Record a case note").click()
    phone.get_by_label("Type of contact").select_option(label="Phone call")
    phone.get_by_label("Date", exact=True).fill(PHONED.isoformat())
    phone.get_by_label("Time", exact=True).fill("10:00")
    phone.get_by_label("With whom").fill("Mrs Patel")
    phone.get_by_label("What was said or agreed").fill("Maya is sleeping better; contact with Leo to be weekly.")
    phone.get_by_role("button", name="Save draft").click()
    said(phone, "Draft saved.")
    phone.get_by_role("button", name="Sign case note").click()
    said(phone, "Case note signed.")
    expect(phone.get_by_text("contact with Leo to be weekly")).to_be_visible()

    phone.goto(child_url)
    phone.get_by_role("link", name="Start an outcome star").click()
    phone.get_by_label("Date started").fill(STAR_STARTED.isoformat())
    phone.get_by_role("button", name="Start the star").click()
    said(phone, "Star started.")
    check_in(phone, "Start", STAR_STARTED, FIRST_AREAS)
    check_in(phone, "Review", STAR_REVIEWED, LATER_AREAS)
    expect(phone.locator("svg[role=img] polygon[aria-label]")).to_have_count(2)

    # 6. The court makes a full care order.
    phone.goto(child_url)
    phone.get_by_role("link", name="Change legal status").click()
    phone.get_by_label("New legal status").select_option(label="Full care order")
    phone.get_by_label("Date it began").fill(NEW_LEGAL_STATUS.isoformat())
    phone.get_by_role("button", name="Save").click()
    said(phone, "Legal status is now full care order.")
    expect(phone.get_by_text(f"Full care order (C2) since {NEW_LEGAL_STATUS:%-d %b %Y}")).to_be_visible()

    # 7. Leaving care: the pathway plan and adviser, contact at 17 and 18, care ends at 18, the case closes and opens.
    phone.get_by_role("link", name="Leaving care").click()
    phone.get_by_label("Date of the pathway plan").fill(PATHWAY_PLAN.isoformat())
    phone.get_by_label("Personal adviser", exact=True).fill("Sam Okoro")
    phone.get_by_label("Personal adviser's phone").fill("01905 555 123")
    phone.get_by_role("button", name="Save", exact=True).click()
    said(phone, "Leaving-care record saved.")
    expect(phone.get_by_label("Personal adviser", exact=True)).to_have_value("Sam Okoro")
    for birthday, doing, living in (
        ("17th birthday", "Other education, full-time", "Other accommodation"),
        ("18th birthday", "Training or employment, full-time", "Staying put with former foster carers"),
    ):
        phone.get_by_label("Around which birthday?").select_option(label=birthday)
        phone.get_by_label("In touch", exact=True).check()
        phone.get_by_label("What they are doing").select_option(label=doing)
        phone.get_by_label("Where they live").select_option(label=living)
        phone.get_by_label("Is it suitable?").select_option(label="Yes")
        phone.get_by_role("button", name="Record contact").click()
        said(phone, "Contact recorded.")
        expect(phone.get_by_text(f"In touch; {doing.lower()}; {living.lower()} (suitable)")).to_be_visible()
    assert list(CareLeaverContact.objects.filter(child=child).values_list("birthday", flat=True).order_by("birthday")) == [17, 18]

    phone.goto(f"/placements/children/{child.pk}/homes/")
    phone.get_by_role("link", name="Leaves care").click()
    phone.get_by_label("Date the child left care").fill(TODAY.isoformat())
    phone.get_by_label("Why did care end?").select_option(label="Aged 18 or over and stayed with current carers (staying put)")
    phone.get_by_role("button", name="End care").click()
    said(phone, "Care ended. The child's home and period in care are closed.")
    expect(phone.get_by_text("Left care: Aged 18 or over and stayed with current carers (staying put)")).to_be_visible()

    phone.goto(child_url)
    expect(phone.get_by_text(f"{IN_CARE:%-d %b %Y} – {TODAY:%-d %b %Y}", exact=True)).to_be_visible()  # the period in care, ended
    phone.get_by_role("link", name="Close the case").click()
    phone.get_by_label("Why is the case closing?").select_option(
        label="Grew up: moved to adult services, or leaving care support ended"
    )
    phone.get_by_label("About the closing").fill("Staying put with Grace; her personal adviser keeps in touch.")
    fits_the_phone(phone)
    phone.get_by_role("button", name="Close the case").click()
    said(phone, "Maya Marsh's case is closed. A head of service can open it again.")

    sign_in(head_phone, head.username, PASSWORD)
    head_phone.goto(child_url)
    expect(head_phone.get_by_text("Closed on")).to_be_visible()
    head_phone.get_by_role("link", name="Open the case again").click()
    head_phone.get_by_label("Why is the case opening again?").fill("Maya asked for help with her college course.")
    head_phone.get_by_label("Allocated social worker").select_option(label=f"{worker} (North)")
    fits_the_phone(head_phone)
    head_phone.get_by_role("button", name="Open the case").click()
    said(head_phone, "Maya Marsh's case is open again.")

    # 8. The chronology tells her life in date order; the history says who did what; the dashboard counts her.
    phone.goto(f"/children/{child.pk}/chronology/?order=oldest")
    fits_the_phone(phone)
    titles = [title.strip() for title in phone.locator(".hearth-chronology__title").all_inner_texts()]
    days = [
        datetime.date(*time.strptime(when.split(",")[0].split(" · ")[0].strip(), "%d %b %Y")[:3])
        for when in phone.locator(".hearth-chronology__when").all_inner_texts()
    ]
    assert days == sorted(days), "the chronology is not in date order"
    expected = [
        f"{worker} became the allocated worker",  # two years ago
        "Came into care",  # 700 days ago, with her first home and legal status that day
        f"Moved to {first_home.name}",
        "Legal status: C1 Interim care order",
        "Legal status: C2 Full care order",  # 400 days ago
        "Statutory visit to a child in care",  # 300
        "Hearth star star started",  # 250
        "Star check-in (start): The child",
        "Phone call with Mrs Patel",  # 200
        "Star check-in (review): The child",  # 100
        "Left care",  # today
        "Case closed",
        f"Left {emergency_home.name}",
        f"Moved to {emergency_home.name}",
        f"{worker} stopped being the allocated worker",
        "Jade Marsh added to the network (mother)",  # recorded today, at the time it was recorded
        "Leo Marsh added to the network (brother or sister)",
        "Placement decision approved by the team manager",
        "Case opened again",
    ]
    positions = [titles.index(title) for title in expected if title in titles]
    assert [title for title in expected if title not in titles] == []
    assert positions == sorted(positions), f"out of order: {titles}"

    # Django's admin, an audit tool for the desk, is not held to the phone's width: its history table is wider.
    head_phone.goto(f"/admin/casework/child/{child.pk}/history/")
    history = head_phone.locator("#change-history")
    expect(history).to_contain_text("New child")
    expect(history).to_contain_text("Case closed")
    expect(history).to_contain_text("Reopened: Maya asked for help with her college course.")
    expect(history.get_by_role("row").filter(has_text="New child")).to_contain_text(str(worker))
    expect(history.get_by_role("row").filter(has_text="Reopened")).to_contain_text(str(head))
    closing = history.get_by_role("row").filter(has_text=str(worker)).filter(has_text="Case closed")
    expect(closing).to_contain_text(re.compile(r"Status:\s*open\s*→\s*closed"))  # what changed, not only who

    manager_phone.goto("/dashboard/")
    expect(manager_phone.get_by_role("heading", name="Voice of the child: decisions")).to_be_visible()
    fits_the_phone(manager_phone)
    manager_phone.goto("/dashboard/decisions-child-views/")
    expect(manager_phone.get_by_text("100% of decisions record the child's views (2 of 2)")).to_be_visible()
    for measure in ("decisions-child-views", "ideal-vs-actual", "outcome-stars"):
        assert "Maya Marsh" in children_behind(manager_phone, measure), measure

    assert errors == []
