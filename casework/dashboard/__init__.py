"""The manager dashboard's seam: each app registers its measures here and casework shows them.

casework imports no other app. An app registers in its AppConfig.ready():
- a Measure: its definition in words, the national comparator where there is one, and two selectors
  over a set of children (a QuerySet[Child], already narrowed by access and by the filters):
  `figures(children=, periods=)` is the ONE selector that computes the measure, in the database and in
  a fixed number of queries, for every period asked (the chosen one first, with its breakdown rows);
  `children_behind(children=, period=, part=)` is the list of children behind a figure.
- a ChildFilter: one more way to narrow the children (placements adds the ladder rung).

Periods end on the as-at date, inclusive. A measure "on D" (who is in care, where they live) uses the
period's end; a measure "in the period" (visits, sessions, decisions) uses the whole period."""

from casework.dashboard.registry import (
    ChildFilter,
    Figure,
    Measure,
    Period,
    Periods,
    Row,
    all_measures,
    percent,
    periods_for,
    register_child_filter,
    register_measure,
    share,
)

__all__ = [
    "ChildFilter",
    "Figure",
    "Measure",
    "Period",
    "Periods",
    "Row",
    "all_measures",
    "percent",
    "periods_for",
    "register_child_filter",
    "register_measure",
    "share",
]
