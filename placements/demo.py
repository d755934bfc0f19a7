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
from casework.demo import DemoExtension, lawful
from casework.demo.county import DAY, Mix, need_of
from casework.demo.loader import Row, insert
from casework.models import Child, User
from placements import codes, measures
from placements.models import (
    Adoption,
    AdoptionDecision,
    Home,
    PlacementDecision,
    PlacementEpisode,
    PreviousPermanence,
    Provider,
    RungConsideration,
)

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
    homes["short_breaks"] = _short_break_homes(county, area)
    return State(homes=homes, head=User.objects.get(username="head").pk)


def _short_break_homes(county: Any, area: Any) -> Iterator[Row]:
    """The council's short-break houses for disabled children, registered as residential care homes (903 PLACE R1):
    where a short break is, the 903 asks no postcode or URN (rules 214, 398), and R1 needs no URN (218). Never a
    long-term foster home (384) or a temporary one (382)."""
    provider = Provider.objects.create(name="Short breaks service", kind=K.COUNCIL_CHILDRENS_HOME, provider_code="PR1")
    rows = [{
        "provider_id": provider.pk, "name": f"{name} short-break house", "child_facing_name": f"{name} House",
        "rung": 5, "transition": "", "place_code": P.R1, "postcode": _postcode(county, area, out_of_area=False), "urn": "",
        "capacity": 6,
        "weekly_cost": Decimal(2500), "min_age": 4, "max_age": 18, "takes_sibling_groups": True, "active": True,
        "deregistered_on": None,
    } for name in ("Larkspur", "Meadow")]  # fmt: skip
    insert(Home, rows, with_ids=True)
    return itertools.cycle(rows)


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
    for day in [plan.start, *_apart_from_orders(plan, _moves(county, plan.start, end), end)]:
        age = (day - plan.child["date_of_birth"]).days / 365.25
        if kind == "own_family" and _accommodated_on(plan, day):
            kind = "kinship"  # placement with parents is under a care order, never section 20 (903 rule 378)
        stays.append((day, kind))
        if kind == "residential" and rng.random() < 0.55:
            kind = rng.choice(("in_house", "ifa"))  # a step down to a family
        elif age >= 16 and rng.random() < 0.35:
            kind = rng.choice(("lodgings", "supported"))
        else:
            kind = FIRST_HOME.draw(rng)
    return stays


def _apart_from_orders(plan: Any, days: list[datetime.date], end: datetime.date) -> list[datetime.date]:
    """Moves a day after a new legal status that starts the same day: the DfE's rule 435 queries a move on the
    day the legal status changes (903 RNE T), so the demo keeps them apart."""
    orders = {since for member in [plan, *plan.group] for _, since in member.legal[1:]}
    moved = [day + DAY if day in orders else day for day in days]
    return sorted({day for day in moved if day < end and day not in orders})


def _accommodated_on(plan: Any, day: datetime.date) -> bool:
    """Whether the child, or a brother or sister sharing their homes, is accommodated under section 20 (V2) on `day`."""
    for member in [plan, *(other for other in plan.group if other is not plan and plan.lives_with(other))]:
        status = [code for code, since in sorted(member.legal, key=lambda item: item[1]) if since <= day][-1:]
        if status == [lawful.L.V2]:
            return True
    return False


Stay = tuple[datetime.date, str, Row]  # (start, kind, home)


def _homes(county: Any, plan: Any, state: State, placed: dict[int, list[Stay]]) -> list[Stay]:
    """The child's homes. Brothers and sisters placed together (casework's Plan.lives_with) share each home, move
    for move, so that living together is what their homes say: the sibling measure works it out from them."""
    for other in plan.group:
        if id(other) in placed and plan.lives_with(other):
            return placed[id(other)]
    stays: list[Stay] = []
    for start, kind in _history(county, plan):
        home = next(state.homes[kind])
        for _ in range(20):  # a move the 903 can see: another type of home, provider, place or URN (rule 435)
            if not stays or _as_the_903_sees(stays[-1][2]) != _as_the_903_sees(home):
                break
            home = next(state.homes[kind])
        stays.append((start, kind, home))
    placed[id(plan)] = stays
    return stays


def _as_the_903_sees(home: Row) -> tuple[str, ...]:
    return home["place_code"], home["postcode"], home["urn"]


def _short_breaks(plan: Any, state: State) -> list[Row]:
    """A home for each short break, with the same carers each time: looked after only while there (903 V3)."""
    home = next(state.homes["short_breaks"])
    return [{
        "child_id": plan.child["id"], "home_id": home["id"], "started_on": start, "ended_on": end,
        "place": home["place_code"], "place_provider": "PR1", "legal_status": lawful.L.V3,
        "reason_place_change": "", "distance_miles": None, "school_changed": False,
        "rec": codes.ReasonEpisodeCeased.E4A, "category_of_need": need_of(plan),
    } for start, end in plan.breaks]  # fmt: skip


def _left_care(county: Any, plan: Any, left_on: datetime.date, home: Row) -> str:
    """Why care ended, as far as the law allows it for this home and age (903 rules 387, 390, 460, 516); returned
    home as planned otherwise."""
    code, dob, place = LEFT_CARE.draw(county.rng), plan.child["date_of_birth"], home["place_code"]
    adopted_from_adoptive_home = code not in ("E11", "E12") or place in (P.A3, P.A4, P.A5, P.A6)
    guardians_were_foster_carers = code not in ("E45", "E46") or place.startswith("U")
    old_enough = {"E5": 14, "E6": 14, "E17": 18}.get(code, 0)
    lawful_end = adopted_from_adoptive_home and guardians_were_foster_carers and left_on >= lawful.years_after(dob, old_enough)
    return code if lawful_end else codes.ReasonEpisodeCeased.E4A


def chunk(county: Any, plans: list[Any], state: State) -> None:
    episodes, decisions, placed = [], [], dict[int, list[Stay]]()
    for plan in plans:
        episodes += _short_breaks(plan, state) if plan.breaks else []
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
                "rec": _left_care(county, plan, end, home) if end is not None and end == plan.end else "",
                "category_of_need": need_of(plan),
            })  # fmt: skip
            rung = KINDS[kind][2]  # a transition (lodgings, supported) is not on the ladder: no decision
            if isinstance(rung, int):  # every move onto the ladder follows an approved decision
                decisions.append(_decision(county, plan, state, start, rung, home, end is None))
    episodes = adoption_histories(county, plans, episodes, state)
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


# Adoption and previous permanence --------------------------------------------------------------

PREVIOUS = Mix({"Z1": 84, "P4": 6, "P1": 3, "P2": 5, "P3": 2})
REVERSED = Mix({"RD1": 40, "RD2": 15, "RD3": 30, "RD4": 15})
ADOPTERS = Mix({"L11": 55, "L0": 15, "L12": 10, "L2": 8, "L3": 12})


def adoption_histories(county: Any, plans: list[Any], episodes: list[Row], state: State) -> list[Row]:
    """Adoptions as the 903 follows them: a decision, a match, the child placed for adoption with their foster carers
    (the last home becomes A3, or A5 under a placement order), then the order (E11/E12). A child who left care "adopted"
    from any other home left some other way. Every placement order (E1) has its decision, reversed if the child left
    care otherwise. Every child in care has their previous permanence recorded. Returns the episodes, rewritten."""
    by_child: dict[int, list[Row]] = {}
    for row in episodes:
        by_child.setdefault(row["child_id"], []).append(row)
    decisions: list[tuple[Row, list[Row]]] = []  # (decision, the adoption it ended in, if it did)
    previous: list[Row] = []
    for plan in plans:
        homes = by_child.get(plan.child["id"])
        if not homes:
            continue
        decision = _adoption(county, plan, homes, state) or _placement_order_decision(county, plan, homes, state)
        decisions += [decision] if decision is not None else []
        previous += _previous_permanence(county, plan, state)
    insert(AdoptionDecision, [row for row, _ in decisions], with_ids=True)
    insert(Adoption, ({**adopted, "decision_id": row["id"]} for row, adoption in decisions for adopted in adoption))
    insert(PreviousPermanence, previous)
    return [row for homes in by_child.values() for row in homes]


def _adoption(county: Any, plan: Any, homes: list[Row], state: State) -> tuple[Row, list[Row]] | None:
    """Split the last home at the day the child was placed for adoption there; None if this child was not adopted."""
    last, rng = homes[-1], county.rng
    if last["rec"] not in codes.ADOPTED:
        return None
    end, dob = last["ended_on"], plan.child["date_of_birth"]
    if last["place"] not in codes.FOSTERING or (end - last["started_on"]).days < 60 or (end - dob).days >= 17 * 365:
        last["rec"] = "E4A"  # not adoptable from this home: they went home instead
        return None
    placed_on = end - rng.randint(30, min(200, (end - last["started_on"]).days - 1)) * DAY
    order = _placement_order(plan)
    legal = [code for code, since in plan.legal if since <= placed_on][-1:] or [""]
    decided = max(plan.start, min(order or placed_on, placed_on) - rng.randint(20, 200) * DAY)
    matched = max(decided, placed_on - rng.randint(7, 40) * DAY)
    order_then = legal[0] == codes.PLACEMENT_ORDER
    adopted = {**last, "started_on": placed_on, "place": "A5" if order_then else "A3",
               "rec": "E12" if order_then and rng.random() < 0.3 else "E11",
               "reason_place_change": codes.ReasonPlaceChange.PLACE, "distance_miles": 0, "school_changed": False,
               "legal_status": legal[0]}  # fmt: skip
    last.update(ended_on=placed_on, rec="")
    homes.append(adopted)
    who = ADOPTERS.draw(rng)
    sex = rng.choice(codes.ADOPTERS_SEXES[codes.AdoptersLegalStatus(who)])
    adoption = {"child_id": plan.child["id"], "adopted_on": end, "rec": adopted["rec"], "adopters": who,
                "adopters_sex": sex, "recorded_by_id": state.head}  # fmt: skip
    return _decision_row(plan, state, decided, matched_on=matched)[0], [adoption]


def _placement_order(plan: Any) -> datetime.date | None:
    return next((since for code, since in plan.legal if code == codes.PLACEMENT_ORDER), None)


def _placement_order_decision(county: Any, plan: Any, homes: list[Row], state: State) -> tuple[Row, list[Row]] | None:
    """A placement order follows the decision that the child should be placed for adoption. Some children still in
    care are placed for adoption with their foster carers now (A5); one who left care otherwise had it reversed."""
    order, rng = _placement_order(plan), county.rng
    if order is None:
        return None
    decided = max(plan.start, order - rng.randint(30, 120) * DAY)
    if plan.end:
        return _decision_row(plan, state, decided, ceased_on=plan.end, ceased_reason=REVERSED.draw(rng))
    last = homes[-1]
    placed_from = max(last["started_on"], order) + 14 * DAY
    if last["place"] not in codes.FOSTERING or placed_from >= county.today - 30 * DAY or rng.random() < 0.5:
        return _decision_row(plan, state, decided)
    placed_on = county.between(placed_from, county.today - 30 * DAY)
    if [code for code, since in plan.legal if since <= placed_on][-1] != codes.PLACEMENT_ORDER:
        return _decision_row(plan, state, decided)
    placed = {"started_on": placed_on, "place": "A5", "legal_status": codes.PLACEMENT_ORDER, "distance_miles": 0,
              "reason_place_change": codes.ReasonPlaceChange.PLACE, "school_changed": False}  # fmt: skip
    homes.append(last | placed)
    last.update(ended_on=placed_on, rec="")
    return _decision_row(plan, state, decided, matched_on=max(decided, placed_on - rng.randint(7, 30) * DAY))


def _decision_row(plan: Any, state: State, decided: datetime.date, **dates: Any) -> tuple[Row, list[Row]]:
    row = {"child_id": plan.child["id"], "decided_on": decided, "matched_on": None, "ceased_on": None, "ceased_reason": "",
           "recorded_by_id": state.head}  # fmt: skip
    return row | dates, []


def _latest(day: datetime.date, parts: int) -> datetime.date:
    """The latest day a date known only by its year (parts 1) or its month and year (2) may be."""
    if parts == 1:
        return datetime.date(day.year, 12, 31)
    following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - DAY


def _previous_permanence(county: Any, plan: Any, state: State) -> list[Row]:
    """Most children had none; a few left an earlier care through adoption or an order, some dated only in part."""
    rng, option = county.rng, PREVIOUS.draw(county.rng)
    row = {"child_id": plan.child["id"], "option": option, "local_authority": "", "order_day": None, "order_month": None,
           "order_year": None, "recorded_by_id": state.head}  # fmt: skip
    lived = (plan.start - plan.child["date_of_birth"]).days
    if option in codes.PERMANENCE_ORDERS and lived > 400:
        made = plan.child["date_of_birth"] + rng.randint(200, lived - 60) * DAY
        known = rng.random()
        parts = 3 if known < 0.4 else 2 if known < 0.7 else 1  # day, month and year known; month and year; the year
        while parts < 3 and _latest(made, parts) >= plan.start:
            parts += 1  # a date known only in part still falls before this care began (rule 632), or it says more
        row.update(local_authority=rng.choice(sorted(codes.LA_CODES)) if rng.random() < 0.8 else codes.LA_NOT_KNOWN,
                   order_year=made.year, order_month=made.month if parts >= 2 else None,
                   order_day=made.day if parts == 3 else None)  # fmt: skip
    elif option in codes.PERMANENCE_ORDERS:
        row["option"] = codes.PreviousPermanence.Z1
    return [row]


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
