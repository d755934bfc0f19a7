"""The figures that `bin/prove` prints: each family of proof tests records what it covered while it runs.

Rows are kept in memory during the pytest session and written, one JSON file per family, to
var/proof/<family>.json when the session ends (only for the families that recorded something, so a
file always describes one whole run of its family). `python -m tests.proof` prints them as a table.

The families, their pytest markers, and the hooks their tests call:

- ``fuzz`` (marker ``fuzz``; tests/test_fuzz.py): ``fuzz_request(role=, operation=, failed=)`` for every
  request schemathesis sends. Figures: operations, requests, failures, by role.
- ``faults`` (marker ``faults``; tests/test_faults.py): ``fault_survived(scenario=, checks=)`` once a fault
  scenario's assertions have all passed. Figures: scenarios survived, and what each one checked.
- ``access`` (marker ``access``; the access-matrix tests): call ``access_checked(target=, kind=, users=)``
  once per page or endpoint, with ``kind`` "page" or "endpoint" and ``users`` the number of different
  users (roles and outsiders) whose answer the test asserted, and optionally ``requests``, ``refusals`` and
  ``leaks``. Figures: pages and endpoints covered, users per page, requests, refusals checked, leaks found.
- ``accessibility`` (marker ``accessibility``; the axe-core browser tests): call
  ``accessibility_checked(page=, violations=)`` once per page checked, with the number of axe violations
  found. Figures: pages checked, violations.
"""

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

PROOF_DIR = Path(__file__).resolve().parents[1] / "var" / "proof"
FAMILIES = ("access", "fuzz", "faults", "accessibility")
_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)


def record(family: str, **row: Any) -> None:
    if family not in FAMILIES:
        raise ValueError(f"Unknown proof family {family!r}: one of {', '.join(FAMILIES)}")
    _rows[family].append(row)


def fuzz_request(*, role: str, operation: str, failed: bool) -> None:
    record("fuzz", role=role, operation=operation, failed=failed)


def fault_survived(*, scenario: str, checks: str) -> None:
    record("faults", scenario=scenario, checks=checks)


def access_checked(*, target: str, kind: str, users: int, requests: int = 0, refusals: int = 0, leaks: int = 0) -> None:
    """`requests` made, `refusals` among them whose answer and unchanged rows were asserted, `leaks` found."""
    if kind not in ("page", "endpoint"):
        raise ValueError("kind is 'page' or 'endpoint'")
    record("access", target=target, kind=kind, users=users, requests=requests, refusals=refusals, leaks=leaks)


def accessibility_checked(*, page: str, violations: int) -> None:
    record("accessibility", page=page, violations=violations)


def write(directory: Path = PROOF_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for family, rows in _rows.items():
        (directory / f"{family}.json").write_text(json.dumps({"family": family, "rows": rows}, indent=1))


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """A pytest hook (tests/conftest.py imports it): write what this session recorded."""
    if _rows:
        write()


# The summary ---------------------------------------------------------------------------------


def _load(family: str, directory: Path) -> list[dict[str, Any]] | None:
    path = directory / f"{family}.json"
    return json.loads(path.read_text())["rows"] if path.exists() else None


def summary(directory: Path = PROOF_DIR) -> list[tuple[str, str, str]]:
    """(family, figure, value) rows; a family not yet recorded says so."""
    lines: list[tuple[str, str, str]] = []
    for family in FAMILIES:
        rows = _load(family, directory)
        if rows is None:
            lines.append((family, "not recorded", f"no tests marked `{family}` recorded figures in the last run"))
            continue
        lines += SUMMARIES[family](rows)
    return lines


def _access(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    kinds = Counter(row["kind"] for row in rows)
    users = [row["users"] for row in rows]
    per_page = f"{min(users)} to {max(users)} (mean {sum(users) / len(users):.1f})" if users else "0"
    return [
        ("access", "pages covered", str(kinds["page"])),
        ("access", "endpoints covered", str(kinds["endpoint"])),
        ("access", "users checked per page or endpoint", per_page),
        ("access", "requests made", str(sum(row.get("requests", 0) for row in rows))),
        ("access", "refusals checked", str(sum(row.get("refusals", 0) for row in rows))),
        ("access", "leaks found", str(sum(row.get("leaks", 0) for row in rows))),
    ]


def _fuzz(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    by_role = Counter(row["role"] for row in rows)
    failed = [row for row in rows if row["failed"]]
    return [
        ("fuzz", "API operations fuzzed", str(len({row["operation"] for row in rows}))),
        ("fuzz", "requests sent", f"{len(rows)} ({', '.join(f'{role} {n}' for role, n in sorted(by_role.items()))})"),
        ("fuzz", "failures (5xx or schema mismatch)", str(len(failed))),
    ] + [("fuzz", "failed", f"{row['role']}: {row['operation']}") for row in failed]


def _faults(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [("faults", "scenarios survived", str(len(rows)))] + [("faults", row["scenario"], row["checks"]) for row in rows]


def _accessibility(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [
        ("accessibility", "pages checked", str(len(rows))),
        ("accessibility", "violations", str(sum(row["violations"] for row in rows))),
    ]


SUMMARIES = {"access": _access, "fuzz": _fuzz, "faults": _faults, "accessibility": _accessibility}


def print_table(directory: Path = PROOF_DIR) -> None:
    rows = summary(directory)
    widths = [max(len(row[column]) for row in rows) for column in (0, 1)]
    print(f"{'family':<{widths[0]}}  {'figure':<{widths[1]}}  value")
    print(f"{'-' * widths[0]}  {'-' * widths[1]}  -----")
    for family, figure, value in rows:
        print(f"{family:<{widths[0]}}  {figure:<{widths[1]}}  {value}")


if __name__ == "__main__":
    print_table(Path(sys.argv[1]) if len(sys.argv) > 1 else PROOF_DIR)
