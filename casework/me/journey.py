"""The seam through which apps add their part of a child's own journey, without casework importing them.

Like casework.panels: an app registers a JourneySource in its AppConfig.ready(); the journey page
(casework.me.views) shows every registered source, in `order`, for the signed-in child only.
A source takes (request, child) and returns a JourneyPart: the HTML of its section (under the
heading the page gives it) and any dated moments for the timeline at the top of the page.

A source is called only with the child from casework.selectors.own_child, so it shows that child's
own records; it must never show staff-only fields (notes, addresses, costs, codes) or staff words
such as "placement" or "case". casework's own sections use orders 10, 30, 40, 60 and 70."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from casework.http import SignedInRequest
from casework.models import Child


@dataclass(frozen=True)
class JourneyEvent:
    """A moment on the timeline: shown by month and year, in the child's words ("I came into care")."""

    day: datetime.date
    text: str


@dataclass(frozen=True)
class JourneyPart:
    html: str
    events: Sequence[JourneyEvent] = field(default_factory=tuple)


@dataclass(frozen=True)
class JourneySource:
    key: str  # the section's id on the page, e.g. "my-homes"
    heading: str  # what the child reads, e.g. "My homes"
    order: int
    part: Callable[[SignedInRequest, Child], JourneyPart]


@dataclass(frozen=True)
class JourneySection:
    key: str
    heading: str
    html: SafeString


@dataclass(frozen=True)
class Journey:
    sections: list[JourneySection]
    timeline: list[JourneyEvent]  # oldest first: the story in order


_sources: list[JourneySource] = []


def register_journey_source(source: JourneySource) -> JourneySource:
    if all(existing.key != source.key for existing in _sources):
        _sources.append(source)
    return source


def journey_sources() -> list[JourneySource]:
    return sorted(_sources, key=lambda source: (source.order, source.key))


def journey_for(request: SignedInRequest, child: Child) -> Journey:
    """Every source's section, and one timeline of all their moments, oldest first."""
    sections: list[JourneySection] = []
    events: list[JourneyEvent] = []
    for source in journey_sources():
        part = source.part(request, child)
        sections.append(JourneySection(source.key, source.heading, mark_safe(part.html)))  # noqa: S308 - sources render templates
        events.extend(part.events)
    return Journey(sections, sorted(events, key=lambda event: event.day))
