"""The seam through which other apps add their part of the demo county, without casework importing them.

An app registers a DemoExtension in its AppConfig.ready(). demo_county calls `setup` once, after
the staff exist and before any child, then `chunk` for every chunk of children it writes, after
their casework rows are saved. `chunk` receives the County (its seeded `rng`, `today`, `ago()`,
`between()`, and the `insert()` helper through demo_county) and the list of Plans: each has the
saved child row (`plan.child["id"]`, `["date_of_birth"]`), `kind` ("in_care", "left_care",
"known"), `start`/`end` of care, `group` (brothers and sisters), `together`, and `journey`
(a DESIGN.md case study, with `chapters` of (months ago, where, what)). Use the county's rng
only, so the same seed gives the same county."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoExtension:
    name: str
    chunk: Callable[[Any, list[Any], Any], None]  # (county, plans, state from setup)
    setup: Callable[[Any, Any], Any] | None = None  # (county, staff) -> state
    summary: Callable[[], list[str]] | None = None  # lines for the command's closing summary


_extensions: list[DemoExtension] = []


def register_demo_extension(extension: DemoExtension) -> DemoExtension:
    if all(existing.name != extension.name for existing in _extensions):
        _extensions.append(extension)
    return extension


def demo_extensions() -> list[DemoExtension]:
    return list(_extensions)
