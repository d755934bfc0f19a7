"""Trend charts drawn on the server as SVG, with no JavaScript (the style of outcomes/svg.py).

A line over the periods, a dot and value for each, a dashed line for the national comparator, and a title
and description for screen readers; the page has a table of the same figures. Presentation attributes
only (no style attribute), so the strict content security policy holds; hearth.scss sizes it to its box."""

from collections.abc import Callable, Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# 320 units wide: a 360 px phone's page column is about 330 px, so the chart is drawn at full size there
# and its 12-unit labels read at 12 px or more (a wider chart is shrunk, and its labels with it).
WIDTH, HEIGHT = 320, 200
FONT_SIZE = 12
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36
LINE, COMPARATOR, GRID, TEXT = "#1d70b8", "#f47738", "#b1b4b6", "#0b0c0c"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _scale(values: Sequence[float | None], comparator: float | None, unit: str) -> tuple[float, float]:
    known = [v for v in values if v is not None] + ([comparator] if comparator is not None else [])
    if unit == "%":
        return 0.0, 100.0
    top = max(known, default=0) or 1
    return 0.0, top * 1.15


def _value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "no figure"
    return f"{value:g}%" if unit == "%" else f"{value:g} {unit}"


def trend_svg(
    *,
    labels: Sequence[str],
    values: Sequence[float | None],
    title: str,
    unit: str = "%",
    comparator: float | None = None,
    element_id: str = "trend",
) -> SafeString:
    """A line chart of `values` over `labels`; a gap where a period has no figure (nobody counted)."""
    low, high = _scale(values, comparator, unit)
    step = (WIDTH - LEFT - RIGHT) / max(1, len(values) - 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / ((high - low) or 1))

    parts = [_axes(low, high, y, unit), *_labels(labels, x)]
    if comparator is not None:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>',
                LEFT,
                _n(y(comparator)),
                WIDTH - RIGHT,
                _n(y(comparator)),
                COMPARATOR,
            )
        )
    parts += _line(values, x, y, unit)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="hearth-trend" role="img" '
        'aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        element_id,
        element_id,
        element_id,
        title,
        element_id,
        _description(labels, values, unit, comparator),
        mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )


def _axes(low: float, high: float, y: Callable[[float], float], unit: str) -> str:
    ticks = []
    for fraction in (0, 0.5, 1):
        value = low + (high - low) * fraction
        label = f"{value:.0f}%" if unit == "%" else f"{value:.0f}"
        ticks.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.75"/>'
                '<text x="{}" y="{}" font-family="arial, sans-serif" font-size="{}" text-anchor="end" fill="{}">{}</text>',
                LEFT,
                _n(y(value)),
                WIDTH - RIGHT,
                _n(y(value)),
                GRID,
                LEFT - 6,
                _n(y(value) + 4),
                FONT_SIZE,
                TEXT,
                label,
            )
        )
    return format_html('<g aria-hidden="true">{}</g>', mark_safe("".join(ticks)))  # noqa: S308 - format_html parts


def _labels(labels: Sequence[str], x: Callable[[int], float]) -> list[SafeString]:
    # Every other label when there are many, so they never overlap on a phone; the last one ends at its
    # point rather than centring on it, which would run it off the chart's right edge.
    every = 2 if len(labels) > 5 else 1
    last = len(labels) - 1
    return [
        format_html(
            '<text x="{}" y="{}" font-family="arial, sans-serif" font-size="{}" text-anchor="{}" fill="{}" '
            'aria-hidden="true">{}</text>',
            _n(x(i)),
            HEIGHT - 12,
            FONT_SIZE,
            "end" if i == last and i > 0 else "middle",
            TEXT,
            label,
        )
        for i, label in enumerate(labels)
        if (last - i) % every == 0
    ]


def _line(values: Sequence[float | None], x: Callable[[int], float], y: Callable[[float], float], unit: str) -> list[SafeString]:
    parts: list[SafeString] = []
    run: list[str] = []
    for i, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{x(i):.1f},{y(value):.1f}")
            continue
        if len(run) > 1:
            parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>', " ".join(run), LINE))
        run = []
    for i, value in enumerate(values):
        if value is not None:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
                    _n(x(i)),
                    _n(y(value)),
                    LINE,
                    _value_text(value, unit),
                )
            )
    return parts


def _description(labels: Sequence[str], values: Sequence[float | None], unit: str, comparator: float | None) -> str:
    points = "; ".join(f"{label}: {_value_text(value, unit)}" for label, value in zip(labels, values, strict=True))
    england = f" England: {_value_text(comparator, unit)} (dashed line)." if comparator is not None else ""
    return f"{points}.{england}"
