"""The seam through which other apps add to casework pages without casework importing them.

An app registers in its AppConfig.ready(); casework's views render whatever is registered.
- A visit panel takes (request, visit or None while starting one, child id) and returns HTML.
- A child panel takes (request, child) and returns HTML: a section of the child's page.
- A caseload notice takes (request) and returns HTML shown above the caseload: something waiting for this
  user (a manager's emergency moves to approve), or "" when nothing is.
- A caseload column takes the children on one page of a caseload and returns {child id: text},
  fetched for the whole page at once (never a query per row)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.utils.safestring import SafeString, mark_safe

from casework.http import SignedInRequest
from casework.models import Child, Visit

T = TypeVar("T")
VisitPanel = Callable[[SignedInRequest, Visit | None, int], str]
ChildPanel = Callable[[SignedInRequest, Child], str]
CaseloadNotice = Callable[[SignedInRequest], str]


@dataclass(frozen=True)
class CaseloadColumn:
    heading: str
    values: Callable[[Sequence[Child]], dict[int, str]]
    empty: str = "Not recorded"


_visit_panels: list[VisitPanel] = []
_child_panels: list[ChildPanel] = []
_caseload_columns: list[CaseloadColumn] = []
_caseload_notices: list[CaseloadNotice] = []


def _register(registry: list[T], item: T) -> None:
    if item not in registry:
        registry.append(item)


def register_visit_panel(panel: VisitPanel) -> VisitPanel:
    _register(_visit_panels, panel)
    return panel


def register_child_panel(panel: ChildPanel) -> ChildPanel:
    _register(_child_panels, panel)
    return panel


def register_caseload_notice(notice: CaseloadNotice) -> CaseloadNotice:
    _register(_caseload_notices, notice)
    return notice


def register_caseload_column(column: CaseloadColumn) -> CaseloadColumn:
    _register(_caseload_columns, column)
    return column


def render_visit_panels(request: SignedInRequest, visit: Visit | None, child_id: int) -> SafeString:
    """Panels for a visit's page; `visit` is None while the visit is being started."""
    return mark_safe("".join(panel(request, visit, child_id) for panel in _visit_panels))  # noqa: S308 - panels render templates


def render_child_panels(request: SignedInRequest, child: Child) -> SafeString:
    return mark_safe("".join(panel(request, child) for panel in _child_panels))  # noqa: S308 - panels render templates


def render_caseload_notices(request: SignedInRequest) -> SafeString:
    return mark_safe("".join(notice(request) for notice in _caseload_notices))  # noqa: S308 - notices render templates


def caseload_columns(children: Sequence[Child]) -> list[tuple[CaseloadColumn, dict[int, str]]]:
    return [(column, column.values(children)) for column in _caseload_columns]
