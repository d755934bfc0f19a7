"""Helpers for tests that check a return with the DfE's validator (placements.validation): a return cut down to the
children a test made, and the validator's issues in words a failing assertion can show."""

from casework.models import Child
from placements import export, validation

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


def issues(check: validation.Check) -> list[str]:
    """Each issue as one line, "rule table[row] fields: words", so `assert issues(check) == []` says what broke."""
    return [f"{i.rule} {i.table}[{i.row}] {','.join(i.fields)}: {i.message}" for i in check.issues]
