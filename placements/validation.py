"""The SSDA903 return checked by the DfE's own rules, as a council checks it before submitting.

The rules are data-to-insight's open validator (PyPI csc-validator-be-903). It pins pandas < 2 and numpy < 1.25,
so it lives in a virtual environment of its own (bin/setup-validator) and runs in a subprocess
(placements/validator_runner.py) over the CSV tables Hearth writes; nothing is downloaded when it runs.
Years here are the validator's: the year the collection ends, 2026 for 2025/26 (placements.export names a year by
its start)."""

import datetime
import json
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from casework.models import User
from placements import export

RUNNER = Path(__file__).with_name("validator_runner.py")
FIRST_CHECKED_YEAR = 2022  # by its start: the oldest year csc-validator-be-903 0.1.17 has rules for is 2022/23
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class CollectionYear:
    """A collection year, 1 April to 31 March, in the one place that knows its three names: people read "2025/26",
    the export (placements.export) names it by the year it starts (2025), the validator by the year it ends (2026)."""

    start: int

    @property
    def end(self) -> int:
        return self.start + 1

    @property
    def label(self) -> str:
        return f"{self.start}/{self.end % 100:02d}"

    def __str__(self) -> str:
        return self.label


def collection_year_on(day: datetime.date) -> CollectionYear:
    """The collection year `day` falls in."""
    return CollectionYear(day.year if day.month >= 4 else day.year - 1)


def latest_ended(day: datetime.date) -> CollectionYear:
    """The last collection year to have ended by `day`: the one a council is returning."""
    return CollectionYear(collection_year_on(day).start - 1)


class ValidatorError(Exception):
    """The validator could not check the return at all (not installed, or it stopped with an error)."""


@dataclass(frozen=True)
class Issue:
    """One rule broken on one row: a child's header, an episode or a social worker episode."""

    rule: str  # the DfE's code, e.g. "392c"
    message: str  # the rule's words
    child: str  # CHILD as in the return
    table: str  # the validator's name for the table: Header, Episodes, SWEpisodes
    row: int  # the row in that table, from 0
    fields: tuple[str, ...]  # the fields of that table the rule names


@dataclass
class Check:
    """What the validator said about one return."""

    year: int
    children: int  # children in the return
    rules: int  # rules in the year's rule set
    run: list[str]  # rules that ran over the return
    skipped: list[str]  # rules that need a table the return does not have
    not_run: dict[str, str]  # rules that crashed on the return, with their words: the return is unchecked by them
    issues: list[Issue]
    seconds: float = 0.0  # how long the validator took, start of its Python included
    messages: dict[str, str] = field(default_factory=dict)  # every rule with an issue, and its words
    version: str = ""  # csc-validator-be-903's version

    def where(self, rule: str) -> str:
        """The table and fields a rule's issues are in, e.g. "Episodes: HOME_POST, PL_POST"."""
        places = sorted({f"{issue.table}: {', '.join(issue.fields)}" for issue in self.issues if issue.rule == rule})
        return "; ".join(places)

    def by_rule(self) -> list[tuple[str, int]]:
        """Issues per rule, most first (then by code)."""
        counts = Counter(issue.rule for issue in self.issues)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def by_child(self) -> dict[str, list[Issue]]:
        children: dict[str, list[Issue]] = {}
        for issue in self.issues:
            children.setdefault(issue.child, []).append(issue)
        return children


def ssda903_check(*, user: User, year: int) -> Check:
    """The return for the collection ending on 31 March `year`, checked by the rules of that year. Only a head of
    service may run it, as only they may produce the return (export.ssda903_build raises PermissionDenied)."""
    result = export.ssda903_build(user=user, year=year - 1)
    return ssda903_validate(result, year=year)


def ssda903_validate(result: export.Return, *, year: int) -> Check:
    """The validator's findings on tables already built: the CSV files a council would upload, in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="hearth-903-") as folder:
        for table in _uploaded(result):
            (Path(folder) / f"{table}.csv").write_text(result.csv(table), encoding="utf-8")
        answer = Path(folder) / "answer.json"
        started = time.monotonic()
        _run(Path(folder), year, answer)
        check = _check(json.loads(answer.read_text(encoding="utf-8")), year, children=len(result.header))
    check.seconds = time.monotonic() - started
    return check


def _uploaded(result: export.Return) -> list[str]:
    """Every table, even one with no rows, so the rules that look for a row a child should have run; but no UASC
    table for a return with nobody in it: the validator (0.1.17) stops when it joins an empty Header to UASC."""
    return [table for table in export.TABLES if table != "uasc" or result.header]


def _run(folder: Path, year: int, answer: Path) -> None:
    python = settings.HEARTH_SSDA903_VALIDATOR_PYTHON
    if not Path(python).exists():
        raise ValidatorError(f"The SSDA903 validator is not installed at {python}: run bin/setup-validator.")
    # -I: the runner's folder (placements/, with its own selectors.py) must not shadow the standard library.
    command = [python, "-I", str(RUNNER), str(folder), str(year), settings.HEARTH_LOCAL_AUTHORITY_CODE, str(answer)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ValidatorError(f"The SSDA903 validator stopped with an error:\n{done.stderr[-4000:]}")


def _check(answer: dict[str, Any], year: int, *, children: int) -> Check:  # answer: the runner's JSON
    issues = [Issue(**{**issue, "fields": tuple(issue["fields"])}) for issue in answer["issues"]]
    return Check(
        year=year,
        children=children,
        rules=answer["rules"],
        run=answer["run"],
        skipped=answer["skipped"],
        not_run=answer["not_run"],
        issues=issues,
        messages={issue.rule: issue.message for issue in issues},
        version=answer.get("version", ""),
    )
