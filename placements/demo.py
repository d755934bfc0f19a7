"""The demo county's homes: carers and children's homes, every child's history of homes, and decisions.

Registered with casework.demo in PlacementsConfig.ready(). Homes are made once (setup); each chunk of
children gets homes consistent with their period in care, written with demo_county's insert() (COPY on
PostgreSQL). Shapes follow the national figures: about 11% of children in care have 3 or more homes in
a year, about 68% of long-stayers have been in the same home for 2 years, 10-13% live in children's
homes, and the ideal-vs-actual gap sits mostly at residential. Only county.rng is used."""

import datetime
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from casework import postcodes
from casework.demo import DemoExtension
from casework.demo.county import DAY, Mix, need_of
from casework.demo.loader import Row, insert
from casework.models import Child, User
from placements import codes, measures
from placements.models import Home, PlacementDecision, PlacementEpisode, Provider, RungConsideration

P, K = codes.PlaceCode, codes.ProviderKind
# (kind, provider code, rung or transition, PLACE codes, weekly cost, capacity, share of children now)
KINDS = {
    "own_family": (K.OWN_FAMILY, "PR0", 1, (P.P1,), 0, 1, 0.06),
    "kinship": (K.KINSHIP, "PR1", 2, (P.U3, P.U1), 300, 2, 0.19),
    "in_house": (K.IN_HOUSE_FOSTER, "PR1", 3, (P.U6, P.U4), 500, 3, 0.35),
    "ifa": (K.IFA, "PR4", 4, (P.U6, P.U4), 900, 3, 0.26),
    "residential": (K.PRIVATE_CHILDRENS_HOME, "PR4", 5, (P.K2,), 4000, 4, 0.11),
    "lodgings": (K.SUPPORTED_LODGINGS, "PR1", codes.Transition.SUPPORTED_LODGINGS, (P.P2,), 350, 1, 0.015),
    "supported": (K.SUPPORTED_ACCOMMODATION, "PR4", codes.Transition.SUPPORTED_ACCOMMODATION, (P.H5,), 1200, 6, 0.015),
}
FIRST_HOME = Mix({"kinship": 20, "in_house": 35, "ifa": 27, "residential": 13, "own_family": 5})
WHY_NOT = Mix({codes.WhyNot.NO_CAPACITY: 50, codes.WhyNot.SAFETY: 20, codes.WhyNot.NOT_SUITABLE: 20, codes.WhyNot.CHILD_WISH: 10})
MOVE_REASON = Mix(
    {"CARPL": 40, "CREQB": 15, "CREQO": 15, "CHILD": 10, "LAREQ": 8, "STAND": 4, "CLOSE": 4, "ALLEG": 2, "OTHER": 2}
)
LEFT_CARE = Mix({"E4A": 40, "E13": 8, "E45": 10, "E41": 6, "E11": 10, "E17": 8, "E5": 10, "E8": 8})
SURNAMES = ("Patel", "Evans", "Hughes", "Begum", "Nowak", "Okafor", "Walsh", "Ahmed", "Price", "Khan", "Lewis", "Murphy")
CARERS = ("Sam and Priya", "Jo", "Mark and Dee", "Aisha", "Tom and Lily", "Grace", "Ravi and Anne", "Bev", "Carl and Sue")
ORDINALS = {"third": 3, "fifth": 5, "sixth": 6}


@dataclass
class State:
    homes: dict[str, Iterator[Row]]  # round-robin through each kind's homes, so none fills up
    head: int


def setup(county: Any, staff: Any) -> State:
    rng, children = county.rng, max(40, sum(len(w) for w in staff.team_workers.values()) * 10)
    homes: dict[str, Iterator[Row]] = {}
    area = county.area()
    for key, (kind, provider_code, rung, places, cost, capacity, share) in KINDS.items():
        providers = [
            Provider.objects.create(name=f"{kind.label} {i + 1}", kind=kind, provider_code=provider_code)
            for i in range(1 if key != "ifa" else 3)
        ]
        # A fostering service (the council's, or an agency) is registered with Ofsted; its foster homes give its URN.
        service_urns = [_urn(county) for _ in providers]
        n = max(2, math.ceil(children * share * 1.3 / capacity))
        rows = []
        for i in range(n):
            carers, surname = rng.choice(CARERS), SURNAMES[i % len(SURNAMES)]
            is_rung, place_code = isinstance(rung, int), rng.choice(places)
            own_urn = f"SC{rng.randint(100000, 999999)}" if rung == 5 else ""
            rows.append({
                "provider_id": providers[i % len(providers)].pk, "name": _home_name(kind, surname, carers, i),
                "child_facing_name": f"Living with {carers}" if capacity <= 3 else f"{surname} House",
                "rung": rung if is_rung else None, "transition": "" if is_rung else rung, "place_code": place_code,
                "postcode": _postcode(county, area, out_of_area=provider_code == "PR4"),
                "urn": "" if place_code in codes.NO_URN_PLACES else own_urn or service_urns[i % len(providers)],
                "capacity": capacity if key != "own_family" else 1000,
                "weekly_cost": Decimal(round(cost * rng.uniform(0.85, 1.2))),
                "min_age": 0 if capacity <= 3 else 11, "max_age": 18,
                "takes_sibling_groups": capacity >= 3 and rng.random() < 0.4,
                "active": True, "deregistered_on": None,
            })  # fmt: skip
        # A few foster carers left in the last year (the "leavers").
        for row in rows[: max(1, n // 12)] if key in ("in_house", "ifa", "kinship") else []:
            row.update(active=False, deregistered_on=county.between(county.ago(360), county.ago(20)))
        insert(Home, rows, with_ids=True)
        homes[key] = itertools.cycle([row for row in rows if row["active"]])
    return State(homes=homes, head=User.objects.get(username="head").pk)


OUT_OF_AREA = 0.3  # of private homes (agency foster carers, children's homes, supported accommodation)


def _postcode(county: Any, area: Any, *, out_of_area: bool) -> str:
    """A real postcode in the council, or for some private homes in a council nearby (the council's own homes
    other than foster carers must be in its area, rule 1015)."""
    draw: random.Random = county.register_rng
    choices: list[str] = area.nearby if out_of_area and area.nearby and draw.random() < OUT_OF_AREA else area.inside
    return draw.choice(choices)


def _urn(county: Any) -> str:
    return f"SC{county.register_rng.randint(100000, 999999)}"


def _moves(county: Any, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Days the child moved: a few move often (3+ homes in the last year); most rarely."""
    rng, span, days = county.rng, (end - start).days, set()
    if span > 90 and rng.random() < 0.11:
        lo = max(start + DAY, end - 360 * DAY)
        days |= {county.between(lo, end - DAY) for _ in range(rng.choice((2, 2, 3)))}
    else:
        if span > 760:
            days |= {county.between(start + DAY, end - 760 * DAY) for _ in range(int(span / 365 * rng.uniform(0, 0.5)))}
        if span > 60 and rng.random() < 0.25:
            days.add(county.between(max(start + DAY, end - 700 * DAY), end - 30 * DAY))
    return sorted(day for day in days if start < day < end)


# How staff name a home: the carers' surname and who they foster for, or the house itself.
HOME_NAMES = {
    codes.ProviderKind.OWN_FAMILY: "{surname} family home",
    codes.ProviderKind.KINSHIP: "{surname} family (kinship carers)",
    codes.ProviderKind.IN_HOUSE_FOSTER: "{surname} foster carers (in-house)",
    codes.ProviderKind.IFA: "{surname} foster carers (agency)",
    codes.ProviderKind.COUNCIL_CHILDRENS_HOME: "{surname} House (council children's home)",
    codes.ProviderKind.PRIVATE_CHILDRENS_HOME: "{surname} House (private children's home)",
    codes.ProviderKind.SUPPORTED_LODGINGS: "{surname} supported lodgings",
    codes.ProviderKind.SUPPORTED_ACCOMMODATION: "{surname} Court (supported accommodation)",
}


def _home_name(kind: codes.ProviderKind, surname: str, carers: str, i: int) -> str:
    """A name a person would say; the number tells apart two homes of a kind with the same surname."""
    name = HOME_NAMES.get(kind, "{surname} " + kind.label.lower()).format(surname=surname)
    return f"{name} {i // len(SURNAMES) + 1}" if i >= len(SURNAMES) else name


def _journey_homes(county: Any, plan: Any) -> list[tuple[datetime.date, str]]:
    """(start, kind) following the case study's chapters, with the extra homes its text counts."""
    stays: list[tuple[datetime.date, str, str]] = []  # (start, kind, where)
    count = 0
    for months, where, _ in plan.journey.chapters:
        day, lower = county.months_ago(months), where.lower()
        kind = "residential" if "children's home" in lower else "own_family" if "family" in lower else (
            "in_house" if "in-house" in lower or "farm" in lower else "ifa")  # fmt: skip
        same_home = stays and (stays[-1][2] == where or stays[-1][1] == kind == "own_family")
        if plan.end and day >= plan.end or same_home:
            continue
        target = next((n for word, n in ORDINALS.items() if word in lower), count + 1)
        gap_start = stays[-1][0] if stays else day
        for i in range(1, target - count):  # homes the chapter counts but does not describe
            stays.append((gap_start + (day - gap_start) * i // (target - count), kind, ""))
        stays.append((max(day, plan.start), kind, where))
        count = target
    return [(start, kind) for start, kind, _ in stays]


def _history(county: Any, plan: Any) -> list[tuple[datetime.date, str]]:
    if plan.journey:
        return _journey_homes(county, plan)
    rng, end = county.rng, plan.end or county.today
    kind, stays = FIRST_HOME.draw(rng), []
    for day in [plan.start, *_moves(county, plan.start, end)]:
        age = (day - plan.child["date_of_birth"]).days / 365.25
        stays.append((day, kind))
        if kind == "residential" and rng.random() < 0.55:
            kind = rng.choice(("in_house", "ifa"))  # a step down to a family
        elif age >= 16 and rng.random() < 0.35:
            kind = rng.choice(("lodgings", "supported"))
        else:
            kind = FIRST_HOME.draw(rng)
    return stays


Stay = tuple[datetime.date, str, Row]  # (start, kind, home)


def _homes(county: Any, plan: Any, state: State, placed: dict[int, list[Stay]]) -> list[Stay]:
    """The child's homes. Brothers and sisters placed together (casework's Plan.lives_with) share each home, move
    for move, so that living together is what their homes say: the sibling measure works it out from them."""
    for other in plan.group:
        if id(other) in placed and plan.lives_with(other):
            return placed[id(other)]
    stays = [(start, kind, next(state.homes[kind])) for start, kind in _history(county, plan)]
    placed[id(plan)] = stays
    return stays


def chunk(county: Any, plans: list[Any], state: State) -> None:
    episodes, decisions, placed = [], [], dict[int, list[Stay]]()
    for plan in plans:
        if plan.kind == "known":
            continue
        stays, legal = _homes(county, plan, state, placed), sorted(plan.legal, key=lambda item: item[1])
        for i, (start, kind, home) in enumerate(stays):
            end = stays[i + 1][0] if i + 1 < len(stays) else plan.end
            status = [code for code, since in legal if since <= start][-1:] or [""]
            episodes.append({
                "child_id": plan.child["id"], "home_id": home["id"], "started_on": start, "ended_on": end,
                "place": home["place_code"], "place_provider": KINDS[kind][1], "legal_status": status[0],
                "reason_place_change": MOVE_REASON.draw(county.rng) if i else "",
                "distance_miles": _distance(plan.child["home_postcode"], home["postcode"]),
                "school_changed": county.rng.random() < 0.3 if i else False,
                "rec": LEFT_CARE.draw(county.rng) if end is not None and end == plan.end else "",
                "category_of_need": need_of(plan),
            })  # fmt: skip
            rung = KINDS[kind][2]  # a transition (lodgings, supported) is not on the ladder: no decision
            if isinstance(rung, int):  # every move onto the ladder follows an approved decision
                decisions.append(_decision(county, plan, state, start, rung, home, end is None))
    insert(PlacementEpisode, episodes)
    insert(PlacementDecision, [row for row, _ in decisions], with_ids=True)
    insert(RungConsideration, (entry | {"decision_id": row["id"]} for row, entries in decisions for entry in entries))


def _distance(child: str, home: str) -> Decimal | None:
    """As services.placement_start works it out: from the child's home postcode and the home's."""
    there, away = postcodes.find(child), postcodes.find(home)
    return postcodes.distance_miles(there, away) if there and away else None


def _decision(
    county: Any, plan: Any, state: State, day: datetime.date, rung: int, home: Row, current: bool
) -> tuple[Row, list[Row]]:
    """An approved decision for a move. Residential ones usually wanted a family first (54-67% in the report)."""
    rng, worker = county.rng, plan.allocations[-1]["worker_id"]
    ideal = rng.choice((3, 3, 4)) if rung == 5 and rng.random() < 0.6 else max(1, rung - 1) if rng.random() < 0.12 else rung
    at = datetime.datetime.combine(day, datetime.time(12), tzinfo=county.tz)
    row = {
        "child_id": plan.child["id"], "created_by_id": worker, "status": codes.DecisionStatus.APPROVED,
        "why_needed": "A new home was needed.", "child_views": "I want somewhere I can stay.", "ideal_rung": ideal,
        "chosen_rung": rung, "chosen_home_id": home["id"], "move_on": day, "submitted_at": at,
        "manager_approved_by_id": state.head, "manager_approved_at": at,
        **{stem: codes.Answer.YES for stem, _ in codes.CHECKLIST},
    }  # fmt: skip
    if rung == 5:
        review = county.today + rng.randint(7, 80) * DAY if current else day + 8 * 7 * DAY
        row |= {"ror_outcome": codes.RiskOfResidentialOutcome.RESIDENTIAL_AUTHORISED, "ror_reviewed_on": day - 7 * DAY,
                "step_down_review_on": review, "step_down_plan": "Search for a foster family who can manage a teenager.",
                "head_approved_by_id": state.head, "head_approved_at": at}  # fmt: skip
    entries = []
    for higher in range(1, rung):
        why = codes.WhyNot.NO_CAPACITY if higher >= ideal and rng.random() < 0.7 else WHY_NOT.draw(rng)
        entries.append({"rung": higher, "why_not": why, "detail": "Considered with the family; not possible now."})
    return row, entries


def summary() -> list[str]:
    children, today = Child.objects.all(), timezone.localdate()
    short, long = (
        measures.short_term_stability(children=children, on=today),
        measures.long_term_stability(children=children, on=today),
    )
    mix = {row["rung"]: row["percent"] for row in measures.mix_of_homes(children=children, on=today)}
    return [
        f"Children with 3 or more homes in 12 months: {short.percent}% (England: 11%).",
        f"Long-stayers under 16 in the same home for 2 years: {long.percent}% (England: 68%).",
        f"Children living in children's homes: {mix.get(5)}% (England: 10-13%).",
    ]


EXTENSION = DemoExtension(name="placements", chunk=chunk, setup=setup, summary=summary)
