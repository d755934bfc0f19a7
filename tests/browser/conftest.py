"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, ViewportSize, sync_playwright

CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
PHONE: ViewportSize = {"width": 360, "height": 740}
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# are ordinary blocking calls, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # One Playwright per run: its sync API cannot run twice in one thread.
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def phone_page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    """A phone-sized page whose relative URLs go to the live server."""
    yield from phone_page(browser, live_server.url)


@pytest.fixture
def microphone_speaking(playwright: Playwright, clips) -> Iterator[Browser]:
    """A Chromium whose microphone 'hears' the test speech, looping, with permission already given."""
    fake_microphone = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={clips['wav']}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + fake_microphone)
    yield browser
    browser.close()


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_child(page: Page, username: str, password: str) -> None:
    """A child signs in on their own page (/me/sign-in/)."""
    page.goto("/me/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(autouse=True)
def council_star_template(request: pytest.FixtureRequest) -> None:
    """A browser test's flush empties every table, the default star template a migration made included:
    put it back, so a star can be started whichever browser test ran first."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from tests.outcomes.factories import default_template  # after pytest-django has set up the database

    default_template()


@pytest.fixture
def child_journey(county):
    """A child with a demo-like journey and their own account (tests.child_journey)."""
    from tests.child_journey import build_journey

    return build_journey(county)


@pytest.fixture
def refused(phone: Page) -> Iterator[list[str]]:
    """Anything the browser refused under the Content Security Policy, and script errors."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen.append(f"{phone.url}: {message.text}")

    phone.on("console", on_console)
    phone.on("pageerror", lambda error: seen.append(f"{phone.url}: {error}"))
    yield seen
