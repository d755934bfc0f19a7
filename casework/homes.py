"""Where children lived on a day, for working out which brothers and sisters in care live together.

Living together is worked out from each child's home that day (same home: together), never from
FamilyMember.lives_with_child, a flag nobody keeps up to date when a child moves. The homes are the placements
app's records; casework imports no other app (DESIGN.md), so this module, and only this module, reads the
placements app's table by name, with SQL. A home is open on a day as a care episode is (casework.measures.in_care_on):
started by the day and not ended by it, so on the day of a move a child is in the new home."""

import datetime
from collections.abc import Iterable

from django.db.models import DateField, Q
from django.db.models.expressions import RawSQL
from psycopg import sql

from casework.dashboard.sql import fetch

# Each child's home on the day %(on)s: (child_id, home_id). A child moves home, never lives in two at once.
HOMES_ON_DAY = sql.SQL("""
    SELECT p.child_id, p.home_id
    FROM placements_placementepisode AS p
    WHERE p.started_on <= %(on)s AND (p.ended_on IS NULL OR p.ended_on > %(on)s)""")


def homes_on(day: datetime.date, children: Iterable[int]) -> dict[int, int]:
    """{child id: the id of their home on `day`} for these children; a child with no home recorded that day is left out."""
    ids = sorted(set(children))
    if not ids:
        return {}
    query = sql.SQL("SELECT child_id, home_id FROM ({}) AS homes WHERE child_id = ANY(%(children)s)").format(HOMES_ON_DAY)
    return dict(fetch(query, {"on": day, "children": ids}))


def together(homes: dict[int, int], child_id: int, sibling_id: int) -> bool:
    """Two children live together when both have a home recorded that day and it is the same one."""
    return child_id in homes and homes.get(sibling_id) == homes[child_id]


# A move is a change of carer or address: an episode `p` that does not carry on the home the child was in the day
# before (a new episode in the same home, for a change of its type or provider, is not a move).
A_MOVE = (
    "NOT EXISTS (SELECT 1 FROM placements_placementepisode AS q "
    "WHERE q.child_id = p.child_id AND q.home_id = p.home_id AND q.ended_on = p.started_on)"
)


# Constant SQL (A_MOVE is a constant too): the days are bound parameters.
LATEST_MOVE = f"""
    SELECT max(p.started_on) FROM placements_placementepisode AS p
    WHERE p.child_id = "casework_child"."id" AND p.started_on <= %s AND {A_MOVE}"""  # noqa: S608
MOVED_BETWEEN = f"""
    SELECT p.child_id FROM placements_placementepisode AS p
    WHERE p.started_on >= %s AND p.started_on <= %s AND {A_MOVE}"""  # noqa: S608


def latest_move(today: datetime.date) -> RawSQL:
    """For a queryset of children: the day each last moved home by `today` (a move approved for a later day has not
    happened yet); empty if none has."""
    return RawSQL(LATEST_MOVE, (today,), output_field=DateField())  # noqa: S611 - constant SQL, the day bound


def moved_between(since: datetime.date, until: datetime.date) -> Q:
    """Children who moved home (a change of carer or address) from `since` to `until`, both days counted."""
    return Q(pk__in=RawSQL(MOVED_BETWEEN, (since, until)))  # noqa: S611 - constant SQL, the days bound
