"""The star picture: a radar chart drawn on the server as SVG, with no JavaScript.

One axis per area, one polygon per check-in shown (the earlier dashed, the later filled), a title
and description for screen readers (the page also has a table of the same scores). It scales to
its container, so it reads on a 360 px phone; the child's version has larger labels."""

import math
import textwrap
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from outcomes.models import CheckIn, StarArea
from outcomes.selectors import StarPicture

SIZE = 400
CENTRE = SIZE / 2
RADIUS = 110
# Earlier check-in, then later: colours from GOV.UK Frontend, told apart by dashes as well as colour.
STYLES = (
    {"colour": "#f47738", "dash": "6 4", "fill": "0.12", "name": "earlier"},
    {"colour": "#1d70b8", "dash": "", "fill": "0.25", "name": "later"},
)


@dataclass(frozen=True)
class Labels:
    font_size: int
    wrap: int


STAFF, CHILD = Labels(font_size=14, wrap=13), Labels(font_size=16, wrap=10)


def check_in_label(check_in: CheckIn, *, child_friendly: bool) -> str:
    who = "Me" if child_friendly and check_in.respondent == "child" else check_in.who
    return f"{check_in.get_stage_display()}, {check_in.date:%-d %b %Y} ({who})"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _point(index: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # the first area points straight up
    return CENTRE + RADIUS * fraction * math.cos(angle), CENTRE + RADIUS * fraction * math.sin(angle)


def _fraction(score: int, low: int, high: int) -> float:
    return (score - low + 1) / (high - low + 1)


def star_svg(picture: StarPicture, *, child_friendly: bool = False, element_id: str = "star") -> SafeString:
    areas, template = picture.areas, picture.star.template
    if len(areas) < 3:  # fewer than three points make a line, not a star: the table says it all
        return mark_safe("")
    labels = CHILD if child_friendly else STAFF
    parts = [_grid(len(areas), template.scale_min, template.scale_max)]
    parts += [_axis_label(i, len(areas), area, labels, child_friendly) for i, area in enumerate(areas)]
    for style, check_in in zip(STYLES[len(STYLES) - len(picture.shown) :], picture.shown, strict=True):
        parts.append(_polygon(picture, check_in, style, child_friendly))
    title = "My star" if child_friendly else f"Outcome star for {picture.star.child.display_name}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-20 0 {} {}" class="outcomes-star" role="img" '
        'aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        SIZE + 40,
        SIZE,
        element_id,
        element_id,
        element_id,
        title,
        element_id,
        _description(picture, child_friendly),
        mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )


def _grid(count: int, low: int, high: int) -> str:
    rings = []
    for score in range(low, high + 1):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, count, _fraction(score, low, high)) for i in range(count)))
        width = "1.5" if score == high else "0.75"
        rings.append(format_html('<polygon points="{}" fill="none" stroke="#b1b4b6" stroke-width="{}"/>', points, width))
    spokes = [
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6"/>', CENTRE, CENTRE, *map(_n, _point(i, count, 1)))
        for i in range(count)
    ]
    return format_html('<g aria-hidden="true">{}</g>', mark_safe("".join(rings + spokes)))  # noqa: S308 - format_html parts


def _axis_label(index: int, count: int, area: StarArea, labels: Labels, child_friendly: bool) -> str:
    x, y = _point(index, count, 1.12)
    anchor = "middle" if abs(x - CENTRE) < 10 else ("start" if x > CENTRE else "end")
    name = area.name + ("" if child_friendly or not area.is_retired else " (retired)")
    lines = textwrap.wrap(name, labels.wrap)[:3]
    # Labels above the centre grow upwards, so they never run into the star.
    top = y - (len(lines) - 1) * labels.font_size if y < CENTRE - 10 else y + (labels.font_size / 2 if y > CENTRE + 10 else 0)
    spans = "".join(
        format_html('<tspan x="{}" y="{}">{}</tspan>', _n(x), _n(top + i * labels.font_size * 1.1), line)
        for i, line in enumerate(lines)
    )
    return format_html(
        '<text font-family="arial, sans-serif" font-size="{}" text-anchor="{}" fill="#0b0c0c">{}</text>',
        labels.font_size,
        anchor,
        mark_safe(spans),  # noqa: S308 - format_html parts
    )


def _polygon(picture: StarPicture, check_in: CheckIn, style: dict[str, str], child_friendly: bool) -> str:
    low, high, count = picture.star.template.scale_min, picture.star.template.scale_max, len(picture.areas)
    points = [
        _point(i, count, _fraction(picture.scores[(check_in.pk, area.pk)], low, high))
        for i, area in enumerate(picture.areas)
        if (check_in.pk, area.pk) in picture.scores
    ]
    label = check_in_label(check_in, child_friendly=child_friendly)
    dots = "".join(format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', _n(x), _n(y), style["colour"]) for x, y in points)
    return format_html(
        '<g class="outcomes-star__check-in outcomes-star__check-in--{}">'
        '<polygon points="{}" aria-label="{}" fill="{}" fill-opacity="{}" stroke="{}" stroke-width="3" stroke-dasharray="{}">'
        "<title>{}</title></polygon>{}</g>",
        style["name"],
        " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
        label,
        style["colour"],
        style["fill"],
        style["colour"],
        style["dash"] or "none",
        label,
        mark_safe(dots),  # noqa: S308 - format_html parts
    )


def _description(picture: StarPicture, child_friendly: bool) -> str:
    if not picture.shown:
        return "No check-ins yet."
    parts = []
    for check_in in picture.shown:
        scores = ", ".join(
            f"{area.name} {picture.scores[(check_in.pk, area.pk)]}"
            for area in picture.areas
            if (check_in.pk, area.pk) in picture.scores
        )
        parts.append(f"{check_in_label(check_in, child_friendly=child_friendly)}: {scores}.")
    scale = f"Scores from {picture.star.template.scale_min} to {picture.star.template.scale_max}."
    return " ".join([scale, *parts])
