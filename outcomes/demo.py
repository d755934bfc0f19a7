"""The outcomes part of the demo county (registered with casework.demo in OutcomesConfig.ready()).

Most children in care aged 5 or more get a star from the default template, with two to four
check-ins over the last eighteen months: the child answers each time, the worker at most, scores
mostly improve, and now and then the two see an area differently. A few children add an area of
their own or rename one. Rows are streamed with demo_county's insert(); only county.rng is used."""

import bisect
import datetime
from typing import Any

from django.contrib.auth.models import Permission
from django.db import connection

from casework import codes as casework_codes
from casework.demo import DemoExtension
from casework.demo.loader import insert
from casework.models import User
from outcomes import codes, selectors
from outcomes.models import CheckIn, CheckInScore, Star, StarArea, StarTemplate
from outcomes.progress import FIELDS as PROGRESS_FIELDS
from outcomes.progress import progress_changes

DEFAULT_TEMPLATE = "Hearth star"
CHILDS_OWN = ("My dog", "Football", "Seeing my nan", "Drawing", "My phone", "Being listened to", "Church", "Gaming with friends")
RENAMES = {"Home": "My room and my home", "Learning": "School", "Money": "Pocket money", "Health": "Sleeping and eating"}
STAGES = {2: ("start", "review"), 3: ("start", "mid_point", "review"), 4: ("start", "mid_point", "review", "review")}
DAY = datetime.timedelta(days=1)


def setup(county: Any, staff: Any) -> dict[str, Any]:
    template = StarTemplate.objects.get(name=DEFAULT_TEMPLATE)
    # The demo administrator sets up templates: configuration, not case content.
    wanted = Permission.objects.filter(
        content_type__app_label="outcomes", content_type__model__in=["startemplate", "templatearea"]
    )
    User.objects.get(username="admin").user_permissions.add(*wanted.exclude(codename__startswith="delete_"))
    areas = list(template.areas.values("id", "name", "question", "order"))
    return {"template": template.pk, "areas": areas, "min_age": template.min_age}


def _worker_on(plan: Any, day: datetime.date) -> int:
    starts = [a["started_on"] for a in plan.allocations]
    worker: int = plan.allocations[max(0, bisect.bisect_right(starts, day) - 1)]["worker_id"]
    return worker


def _star(county: Any, plan: Any, state: dict[str, Any]) -> dict[str, Any] | None:
    rng, dob = county.rng, plan.child["date_of_birth"]
    if plan.kind != "in_care" or not plan.allocations or rng.random() > 0.8:
        return None
    lo = max(plan.start, county.ago(540), dob + datetime.timedelta(days=366 * state["min_age"]))
    if (county.today - lo).days < 60:
        return None
    started = county.between(lo, min(lo + 90 * DAY, county.ago(60)))
    return {"child_id": plan.child["id"], "template_id": state["template"], "started_on": started,
            "created_by_id": _worker_on(plan, started), "_plan": plan}  # fmt: skip


def _areas(county: Any, star: dict[str, Any], state: dict[str, Any]) -> list[dict[str, Any]]:
    rng, rows = county.rng, []
    renamed = rng.choice(list(RENAMES)) if rng.random() < 0.1 else None
    for area in state["areas"]:
        name = RENAMES[area["name"]] if area["name"] == renamed else area["name"]
        rows.append({"star_id": star["id"], "template_area_id": area["id"], "origin": codes.AreaOrigin.TEMPLATE,
                     "original_name": area["name"], "name": name, "question": area["question"], "order": area["order"],
                     "added_on": star["started_on"]})  # fmt: skip
    if rng.random() < 0.15:
        based_on = rng.choice([None, None, *state["areas"]])
        name = rng.choice(CHILDS_OWN)
        group = based_on and based_on["id"]
        rows.append({"star_id": star["id"], "template_area_id": group, "origin": codes.AreaOrigin.CHILD, "original_name": name,
                     "name": name, "question": "", "order": 99, "added_on": star["started_on"]})  # fmt: skip
    return rows


def _check_ins(county: Any, star: dict[str, Any]) -> list[dict[str, Any]]:
    rng, count = county.rng, county.rng.choice((2, 3, 3, 4))
    span = (county.ago(1) - star["started_on"]).days
    days = sorted({star["started_on"] + round(span * i / (count - 1) - rng.randint(0, 10) * (i > 0)) * DAY for i in range(count)})
    rows = []
    for day, stage in zip(days, STAGES[len(days)] if len(days) > 1 else ("start",), strict=False):
        worker = _worker_on(star["_plan"], day)
        for respondent in ("child", "worker") if rng.random() < 0.6 else ("child",):
            rows.append({"star_id": star["id"], "stage": stage, "date": day, "respondent": respondent, "recorded_by_id": worker})
    return rows


def _copied_from(check_in: dict[str, Any]) -> dict[str, Any]:
    """What check_in_record copies from the check-in onto each score."""
    return {"check_in_date": check_in["date"], "respondent": check_in["respondent"]}


def _scores(county: Any, check_ins: list[dict[str, Any]], areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The child's scores drift upwards over time, mostly; the worker's are near the child's, now and then not."""
    rng, rows = county.rng, []
    current = {area["id"]: rng.randint(2, 7) for area in areas}
    last_date = None
    for check_in in check_ins:
        if check_in["date"] != last_date and last_date is not None:
            current = {k: min(10, max(1, v + rng.choice((-1, 0, 1, 1, 2, 2, 3)))) for k, v in current.items()}
        last_date = check_in["date"]
        for area_id, score in current.items():
            if check_in["respondent"] == "worker":
                score = min(
                    10, max(1, score + (rng.choice((-4, -3, 3, 4)) if rng.random() < 0.06 else rng.choice((-1, 0, 0, 1))))
                )
            rows.append({"check_in_id": check_in["id"], "area_id": area_id, "score": score} | _copied_from(check_in))
    template_areas = {area["id"]: area["template_area_id"] for area in areas}
    for row in rows:
        row["template_area_id"] = template_areas[row["area_id"]]
    _with_progress([row for row in rows if row["respondent"] == codes.Respondent.CHILD])
    return rows


def _with_progress(child_rows: list[dict[str, Any]]) -> None:
    """What check_in_record keeps on each of the child's scores (outcomes.progress); the rows are in check-in order."""
    by_area: dict[int, list[dict[str, Any]]] = {}
    for row in child_rows:
        by_area.setdefault(row["area_id"], []).append(row)
    for area_rows in by_area.values():
        for row, change in zip(area_rows, progress_changes([r["score"] for r in area_rows]), strict=True):
            row.update(zip(PROGRESS_FIELDS, change, strict=True))


def chunk(county: Any, plans: list[Any], state: dict[str, Any]) -> None:
    stars = [star for plan in plans if (star := _star(county, plan, state))]
    rows = [{k: v for k, v in star.items() if k != "_plan"} for star in stars]
    insert(Star, rows, with_ids=True)
    for row, star in zip(rows, stars, strict=True):
        star["id"] = row["id"]
    per_star = [(star, _areas(county, star, state)) for star in stars]
    insert(StarArea, [area for _, areas in per_star for area in areas], with_ids=True)
    check_ins = [(star, areas, _check_ins(county, star)) for star, areas in per_star]
    insert(CheckIn, [row for _, _, rows in check_ins for row in rows], with_ids=True)
    insert(CheckInScore, (score for _, areas, rows in check_ins for score in _scores(county, rows, areas)))


def summary() -> list[str]:
    head = User.objects.filter(role=casework_codes.Role.HEAD_OF_SERVICE).first()
    lines = [f"Outcome stars: {Star.objects.count():,}, with {CheckIn.objects.count():,} check-ins."]
    if head is None:
        return lines
    with connection.cursor() as cursor:  # freshly copied tables have no statistics yet, and the planner needs them
        cursor.execute("ANALYZE outcomes_stararea, outcomes_checkin, outcomes_checkinscore, outcomes_star")
    for row in selectors.area_figures(user=head):
        lines.append(
            f"  {row.area:<26} first {row.mean_first:4.1f} → latest {row.mean_latest:4.1f}; "
            f"{row.improved_percent:.0f}% of {row.children:,} children improved"
        )
    return lines


EXTENSION = DemoExtension(name="outcomes", chunk=chunk, setup=setup, summary=summary)
