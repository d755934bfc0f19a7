"""Where a person puts right what the DfE's validator found in the 903 return: for each table (by the validator's
name for it) the page that holds its records, and for a field whose record lives elsewhere, that page.

A part of Hearth that adds a table to the return adds its line here. Each entry builds the URL from the child's
Hearth id, so the check page makes URLs only for the children it shows. Sections of the child's page are reached by
their id on that page (casework/templates/casework/child_detail.html and the panels other apps add to it)."""

from collections.abc import Callable, Sequence

from django.urls import reverse

Page = Callable[[int], str]  # the child's Hearth id -> a URL


def page(name: str, anchor: str = "") -> Page:
    """A page that takes the child's id, at a section of it when `anchor` is given."""
    return lambda child_id: reverse(name, args=[child_id]) + (f"#{anchor}" if anchor else "")


def section(anchor: str) -> Page:
    """A section of the child's page."""
    return page("casework:child-detail", anchor)


CHILD_PAGE = section("")  # for a table with no line below

TABLES: dict[str, Page] = {
    "Header": page("casework:child-edit"),  # sex, date of birth, ethnicity, UPN: the child's details
    "Episodes": page("placements:child-homes"),  # periods in care and homes, with their 903 codes
    "SWEpisodes": page("casework:change-worker"),  # who the social worker was, and why they changed
    "UASC": page("casework:child-edit"),
    "OC3": page("casework:leaving-care"),  # care leavers' contact at 17 to 21
    "Reviews": section("reviews"),
    "Missing": section("missing"),
    "OC2": page("casework:health-records"),  # the yearly health records, a page of their own
    "AD1": section("adoption"),
    "PlacedAdoption": section("adoption"),
    "PrevPerm": section("adoption"),  # the child's adoption and permanence panel
}

FIELDS: dict[tuple[str, str], Page] = {
    ("Episodes", "LS"): page("casework:legal-status-change"),
}


def fix_url(*, table: str, fields: Sequence[str], child_id: int) -> str:
    """The page for the first of the issue's fields with a page of its own, else its table's page."""
    for field in fields:
        if (table, field) in FIELDS:
            return FIELDS[table, field](child_id)
    return TABLES.get(table, CHILD_PAGE)(child_id)
