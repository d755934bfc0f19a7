"""Helpers for tests that check a return with the DfE's validator (placements.validation): a return cut down to the
children a test made, and the validator's issues in words a failing assertion can show."""

from typing import Any

from casework import services as casework_services
from casework.models import Child, User
from placements import export, services, validation

YEAR = 2026  # the validator's year: the collection ending 31 March 2026 (2025/26); export names it 2025


def only(result: export.Return, *children: Child) -> export.Return:
    """The return with only these children's rows in every table (the county fixture's own children are not in care)."""
    ids = {export.child_id(child) for child in children}
    for table, rows in result.tables.items():
        result.tables[table] = [row for row in rows if row["CHILD"] in ids]
    result.children = [child.pk for child in children]
    return result


def checked(result: export.Return, year: int = YEAR) -> validation.Check:
    return validation.ssda903_validate(result, year=year)


# Rules of csc-validator-be-903 0.1.17 whose code flags what their own words ask for, so a right return gets their
# issue. The check page still shows them (a council explains them to the DfE); these tests set them aside, by name.
VALIDATOR_DEFECTS = {
    # Its words: "all social worker episodes for the full previous year should be reported, even those whilst they
    # were not looked after". Its code flags each social worker episode that began before the child came into care.
    "SW12STG2",
}


def issues(check: validation.Check) -> list[str]:
    """Each issue as one line, "rule table[row] fields: words", so `assert issues(check) == []` says what broke; all
    but those of VALIDATOR_DEFECTS."""
    found = [issue for issue in check.issues if issue.rule not in VALIDATOR_DEFECTS]
    return [f"{i.rule} {i.table}[{i.row}] {','.join(i.fields)}: {i.message}" for i in found]


def care_start(*, child: Child, actor: User, **care: Any) -> None:
    """Care started as a worker records it on the pages: the period in care (casework), then the previous permanence
    question the 903 asks of every child who starts to be looked after (placements; here "none", Z1)."""
    casework_services.care_start(child=child, actor=actor, **care)
    services.previous_permanence_record(child=child, actor=actor, option="Z1")
