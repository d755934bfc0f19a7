"""The demo county's records for the 903's health, motherhood, UASC and care leaver tables: a yearly health record for
every child looked after all of a year, the day some unaccompanied children's asylum status was settled, a few young
mothers' own children, and contact with care leavers around their 17th to 21st birthdays.

Each child's draws come from a random source seeded by what the county drew for them, so adding these leaves the
rest of the county as it was, and the same seed makes the same records. Everything drawn is lawful by the services'
rules and the DfE validator's."""

import datetime
import random
from typing import Any

from casework import codes, dates, selectors
from casework.demo.loader import Row, insert
from casework.models import CareLeaverContact, Child, FamilyMember, HealthRecord

DAY = datetime.timedelta(days=1)
YEARS_BACK = 2  # finished years with a record for every child looked after all of them
ACTIVITIES = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6")
# Where care leavers live; S (no fixed abode) and X (custody) are never suitable; Z (staying put) only from 18.
HOMES_AFTER_CARE = ("B", "C", "D", "E", "K", "T", "U", "U", "U", "D", "E", "Z", "S", "X", "V", "W", "Y")
IN_TOUCH = (("YES", 85), ("NO", 5), ("REFU", 3), ("NREQ", 2), ("RHOM", 5))


def records_health(county: Any, plans: list[Any]) -> None:
    """Write this chunk's health records, own children, settled UASC status and care leavers' contact."""
    insert(HealthRecord, (row for plan in plans for row in _health_records(plan, county.today)))
    insert(FamilyMember, (row for plan in plans if (row := _own_child(plan, county.today))))
    insert(CareLeaverContact, (row for plan in plans for row in _care_leaver_contacts(plan, county.today)))
    settled = [Child(pk=plan.child["id"], uasc_ceased_on=day) for plan in plans if (day := _uasc_ceased(plan, county.today))]
    Child.objects.bulk_update(settled, ["uasc_ceased_on"])


def _rng(plan: Any, what: str) -> random.Random:
    """The child's own draws, from what the county drew for them (not their id: a database's ids differ run to run)."""
    child = plan.child
    return random.Random(f"{what}-{child['first_name']}-{child['last_name']}-{child['date_of_birth']}-{child['upn']}")


def _child(plan: Any) -> Child:
    return Child(date_of_birth=plan.child["date_of_birth"])


def _health_records(plan: Any, today: datetime.date) -> list[Row]:
    """Every finished year of the last few the child was in care for, and this year's for half who are now."""
    if plan.kind == "known":
        return []
    this_year = dates.year_ending_of(today)
    rng, rows = _rng(plan, "health"), []
    for year_ending in range(this_year - YEARS_BACK, this_year + 1):
        first_day, last_day = dates.year_to_march(year_ending)
        finished = year_ending < this_year
        whole = plan.start <= first_day and (plan.end is None if not finished else plan.end is None or plan.end >= last_day)
        if whole and (finished or rng.random() < 0.5):
            rows.append(_health_record(plan, year_ending, rng))
    return rows


def _health_record(plan: Any, year_ending: int, rng: random.Random) -> Row:
    questions = selectors.health_questions(child=_child(plan), year_ending=year_ending)
    misuse = questions.age >= 12 and rng.random() < 0.06
    received = (rng.random() < 0.6) if misuse else None
    row = {
        "child_id": plan.child["id"], "year_ending": year_ending, "recorded_by_id": plan.worker,
        "immunisations": rng.random() < 0.86, "teeth_check": rng.random() < 0.8, "health_assessment": rng.random() < 0.9,
        "substance_misuse": misuse, "intervention_received": received,
        "intervention_offered": (rng.random() < 0.5) if received is False else None,
        "development_check": (rng.random() < 0.9) if questions.development_check else None,
        "convicted": (rng.random() < 0.03) if questions.convicted else None,
    }  # fmt: skip
    return row | _sdq(questions, rng)


def _sdq(questions: selectors.HealthQuestions, rng: random.Random) -> Row:
    if not questions.sdq:
        return {"sdq_score": None, "sdq_reason": ""}
    if rng.random() < 0.78:
        return {"sdq_score": min(codes.SDQ_HIGHEST, max(0, round(rng.gauss(14, 7)))), "sdq_reason": ""}
    reasons = ["SDQ2", "SDQ3", "SDQ4", "SDQ5"] + (["SDQ1"] * 3 if questions.sdq1_possible else [])
    return {"sdq_score": None, "sdq_reason": rng.choice(reasons)}


def _own_child(plan: Any, today: datetime.date) -> Row | None:
    """About one girl in eight looked after from 15 is a mother; her baby was born before the last finished year
    began (so before any move in the years the returns cover), and after she turned 15."""
    born = plan.child["date_of_birth"]
    if plan.kind == "known" or plan.child["sex"] != codes.Sex.FEMALE:
        return None
    earliest, latest = dates.birthday(born, 15), dates.year_to_march(dates.year_ending_of(today) - 1)[0] - DAY
    rng = _rng(plan, "mother")
    if earliest >= latest or rng.random() > 0.12:
        return None
    baby = earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))
    return {"child_id": plan.child["id"], "name": f"{rng.choice(BABY_NAMES)} {plan.child['last_name']}",
            "relationship": codes.Relationship.OWN_CHILD, "date_of_birth": baby, "lives_with_child": rng.random() < 0.8,
            "notes": "Her own child."}  # fmt: skip


BABY_NAMES = ("Amelia", "Noah", "Isla", "Leo", "Ivy", "Oscar", "Freya", "Arlo", "Maya", "Theo")


def _uasc_ceased(plan: Any, today: datetime.date) -> datetime.date | None:
    """A quarter of the unaccompanied children have been granted leave to remain, some weeks after they arrived."""
    if not plan.child["uasc"] or plan.kind == "known":
        return None
    rng = _rng(plan, "uasc")
    latest: datetime.date = min(today, dates.birthday(plan.child["date_of_birth"], 18))
    earliest: datetime.date = plan.start + 60 * DAY
    if earliest > latest or rng.random() > 0.25:
        return None
    return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))


def _care_leaver_contacts(plan: Any, today: datetime.date) -> list[Row]:
    """Contact around each birthday from 17 that has come, for a young person who left care from 16 after 13 weeks
    or more in care from 14 (the DfE's care leavers); at 17 or 18 only if they had left care by the birthday."""
    born, end = plan.child["date_of_birth"], plan.end
    if plan.kind != "left_care" or end is None or not _is_care_leaver(born, plan.start, end):
        return []
    rng, rows = _rng(plan, "care-leaver"), []
    for age in codes.CARE_LEAVER_BIRTHDAYS:
        birthday = dates.birthday(born, age)
        if birthday > today:
            break
        if age in (17, 18) and end >= birthday:
            continue
        rows.append({"child_id": plan.child["id"], "birthday": age, "recorded_by_id": plan.worker} | _contact(age, rng))
    return rows


def _is_care_leaver(born: datetime.date, start: datetime.date, end: datetime.date) -> bool:
    from_14, from_16 = max(start, dates.birthday(born, 14)), max(start, dates.birthday(born, 16))
    return (end - from_14).days >= 91 and (end - from_16).days >= 1


def _contact(age: int, rng: random.Random) -> Row:
    in_touch = rng.choices([code for code, _ in IN_TOUCH], [weight for _, weight in IN_TOUCH])[0]
    if in_touch in ("RHOM", "NO"):
        return {"in_touch": in_touch, "activity": "", "accommodation": "", "accommodation_suitable": None}
    home = rng.choice([letter for letter in HOMES_AFTER_CARE if not (age == 17 and letter == codes.STAYING_PUT)])
    suitable = home not in codes.NEVER_SUITABLE and rng.random() < 0.88
    return {"in_touch": in_touch, "activity": rng.choice(ACTIVITIES), "accommodation": home, "accommodation_suitable": suitable}
