"""What keeps the demo county's histories lawful: the limits the law (and the DfE's SSDA903 rules, which check
them) puts on legal statuses, short breaks and social worker changes. casework.demo.county draws a history, then
asks these what the law allows; the DfE rule each one answers is named, so a failing check points here."""

import datetime
import random

from casework import codes

L = codes.LegalStatusCode
DAY = datetime.timedelta(days=1)

# An emergency protection order is made for up to 8 days (Children Act 1989 s45(1)); the demo's are never extended.
EPO_MOST_DAYS = 8
# A worker's spell with a child is at least 3 days (SW09), and none ends in the last days of March (SW11b): the
# 903 reads a change then as a spell with no worker after it.
SHORTEST_SPELL_DAYS = 3
YEAR_END_DAYS = 6


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for a 29 February birthday)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def status_for_age(code: str, dob: datetime.date, start: datetime.date) -> str:
    """A child under 10 is not remanded (903 rule 358): the status they came into care under is a care order instead."""
    return L.C2 if code in codes.YOUTH_JUSTICE and start <= years_after(dob, codes.YOUTH_JUSTICE_FROM_AGE) else code


def after_emergency_order(rng: random.Random, start: datetime.date, end: datetime.date | None) -> list[tuple[str, datetime.date]]:
    """An emergency protection order, then the interim care order the court made within its days."""
    days = rng.randint(1, EPO_MOST_DAYS)
    if end is not None and (end - start).days <= days:
        return [(L.L2, start)]
    return [(L.L2, start), (L.C1, start + days * DAY)]


def year_end(day: datetime.date) -> datetime.date:
    """The 31 March that ends the collection year `day` is in."""
    return datetime.date(day.year + (day.month > 3), 3, 31)


def near_year_end(day: datetime.date) -> bool:
    return day.month == 3 and day.day > 31 - YEAR_END_DAYS


def spaced(days: list[datetime.date], after: datetime.date) -> list[datetime.date]:
    """Worker changes kept at least SHORTEST_SPELL_DAYS apart (and after `after`), none near a year's end."""
    kept: list[datetime.date] = []
    for day in sorted(days):
        previous = kept[-1] if kept else after
        if (day - previous).days >= SHORTEST_SPELL_DAYS and not near_year_end(day):
            kept.append(day)
    return kept


def case_closed_on(
    closed: datetime.date | None, left_care: datetime.date, last_change: datetime.date, today: datetime.date
) -> datetime.date | None:
    """When a case closes after the child left care: not before the collection year they left in has ended, because
    the 903 wants each child in the year's return to have a social worker at 31 March (SW17); support after care
    goes on at least that long. None while it is still open today."""
    if closed is None:
        return None
    closed = max(closed, last_change + SHORTEST_SPELL_DAYS * DAY)
    if closed <= year_end(left_care):
        closed = year_end(left_care) + (1 + (closed - left_care).days % 60) * DAY
    return closed if closed <= today else None


def short_breaks(rng: random.Random, since: datetime.date, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """A disabled child's planned short breaks in the same house: a long weekend or a few days every four to eight
    weeks, each ended before the next, all ended by today (the child is at home now). At most 14 breaks of 4 days a
    year: well inside a break's 17 days and a year's 75 (codes.MOST_DAYS_UNDER, 903 rules 365 and 367)."""
    breaks: list[tuple[datetime.date, datetime.date]] = []
    day = since + rng.randint(7, 28) * DAY
    while True:
        end = day + rng.randint(2, 4) * DAY
        if end >= today:
            return breaks
        breaks.append((day, end))
        day = end + rng.randint(24, 52) * DAY
