"""The seam through which other apps add to casework pages without casework importing them.

An app registers a panel in its AppConfig.ready(); casework's views render whatever is registered.
A panel takes the request and the record and returns HTML (or "" to show nothing)."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from casework.models import Visit

VisitPanel = Callable[[HttpRequest, Visit | None, int], str]

_visit_panels: list[VisitPanel] = []


def register_visit_panel(panel: VisitPanel) -> VisitPanel:
    if panel not in _visit_panels:
        _visit_panels.append(panel)
    return panel


def render_visit_panels(request: HttpRequest, visit: Visit | None, child_id: int) -> SafeString:
    """Panels for a visit's page; `visit` is None while the visit is being started."""
    return mark_safe("".join(panel(request, visit, child_id) for panel in _visit_panels))  # noqa: S308 - panels render templates
