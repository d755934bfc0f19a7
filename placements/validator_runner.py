"""Runs the DfE's SSDA903 validator over a folder of CSV tables and writes what it found as JSON.

This file runs in the validator's own Python (.venv-903, made by bin/setup-validator), never in Hearth's: it
imports only the standard library and data-to-insight's `lac_validator` (csc-validator-be-903).
placements.validation starts it as `python validator_runner.py FOLDER YEAR LA_CODE OUT.json`; YEAR is the year the
collection ends (2026 for 2025/26), as the validator names its rule sets. The answer goes to a file, not stdout,
as the validator's rules may print."""

import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any

from lac_validator.lac_validator import LacValidator  # type: ignore[import-not-found]
from lac_validator.rules.ruleset_utils import get_year_ruleset  # type: ignore[import-not-found]
from lac_validator.types import UploadedFile  # type: ignore[import-not-found]


def tables(folder: Path) -> list[Any]:
    """Every CSV in the folder as "this year's" upload: the validator knows each table by its columns."""
    return [
        UploadedFile(name=path.name, description="This year", file_content=path.read_bytes())
        for path in sorted(folder.glob("*.csv"))
    ]


def issues(validator: Any, rules: dict[str, Any]) -> list[dict[str, Any]]:
    """One issue per rule per row it flags, with the fields of that row's table the rule names."""
    found = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in [name for name in frame.columns if str(name).startswith("ERR_")]:
            rule = rules[column[4:]]
            fields = sorted(field for field in rule.affected_fields if field in frame.columns)
            for row, child in frame.loc[frame[column] == True, "CHILD"].items():  # noqa: E712 (a pandas mask)
                found.append(
                    {"rule": str(rule.code), "message": rule.message, "child": str(child), "table": table, "row": int(row)}
                    | {"fields": fields}
                )
    return found


def main(folder: str, year: str, local_authority: str, out: str) -> None:
    rules = {str(code): rule for code, rule in get_year_ruleset(year).items()}
    metadata = {"collectionYear": year, "localAuthority": local_authority}
    validator = LacValidator(metadata=metadata, files=tables(Path(folder)), registry=rules)
    answer = {
        "version": importlib.metadata.version("csc-validator-be-903"),  # kept with a stored check: which rules said so
        "rules": len(rules),
        "run": sorted(str(code) for code in validator.dones),
        "skipped": sorted(str(code) for code in validator.skips),  # they need a table the return does not have
        "not_run": {str(code): rules[str(code)].message for code in validator.fails},  # they crashed on this data
        "issues": issues(validator, rules),
    }
    Path(out).write_text(json.dumps(answer), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:5])
