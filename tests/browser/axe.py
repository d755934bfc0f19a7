"""Accessibility checks with axe-core (the npm package, served from node_modules, never a CDN)."""

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests import proof

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def serious_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations on the page as it is now, only the serious and critical ones."""
    # Evaluated through the DevTools protocol, which Hearth's Content Security Policy (rightly) does not
    # allow a page's own inline <script> to do.
    page.evaluate(AXE.read_text() + "\n;true")
    results = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [violation for violation in results["violations"] if violation["impact"] in SERIOUS]


def assert_no_serious_violations(page: Page) -> None:
    violations = serious_violations(page)
    proof.accessibility_checked(page=urlsplit(page.url).path, violations=len(violations))
    described = [f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']][:3]}" for v in violations]
    assert not violations, f"{page.url}: " + "; ".join(described)


def all_violations(page: Page) -> list[dict]:
    """Every axe-core violation on the page as it is now, whatever its impact (minor ones too)."""
    page.evaluate(AXE.read_text() + "\n;true")
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
    violations = results["violations"]
    proof.accessibility_checked(page=urlsplit(page.url).path, violations=len(violations))
    return violations
