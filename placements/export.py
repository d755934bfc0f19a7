"""The SSDA903 return (children looked after) for a collection year, 1 April to 31 March.

All eleven tables of the return (TABLES), as CSV with dd/mm/YYYY dates: Header, Episodes, UASC, Reviews, AD1,
PlacedAdoption, PrevPerm, Missing, OC2, OC3 and social worker episodes. A 903 episode starts whenever the legal status,
the home or the type of home changes, so episodes are cut at every such date inside each period in care. Only a head
of service may run it."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q

from casework import codes as casework_codes
from casework import dates, postcodes
from casework.codes import WorkerChangeReason
from casework.models import (
    Allocation,
    CareEpisode,
    CareLeaverContact,
    Child,
    FamilyMember,
    HealthRecord,
    LegalStatus,
    LookedAfterReview,
    MissingEpisode,
    User,
)
from placements import codes, selectors
from placements.models import Adoption, AdoptionDecision, PlacementEpisode

HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
SOCIAL_WORKERS = ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")
AD1 = ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
PLACED_ADOPTION = ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")
PREV_PERM = ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM")
REVIEWS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
MISSING = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
UASC = ("CHILD", "SEX", "DOB", "DUC")
OC2 = (
    "CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
    "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
)  # fmt: skip
OC3 = ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")
# How a period in care ended that leaves no care leaver to ask about: died, another council took over, adopted.
NO_CARE_LEAVER = ("E2", "E3", "E11", "E12")
# Legal statuses of a child looked after only during agreed short breaks (respite): no home postcodes or URN, no
# reviews collected, and not looked after as the 903's cohorts (OC2, MOTHER) count it.
SHORT_BREAKS = ("V3", "V4")
MOVES = ("P", "T", "U", "B")  # the RNE of an episode that starts in a new home (or type of home)
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")  # no reason for the change to or from a temporary home (rules 225, 226)
# SW10a: a change of worker is a new episode within 7 days of the last; after a longer gap it is a first contact.
SAME_WORKER_CHAIN = datetime.timedelta(days=7)

Row = dict[str, Any]  # one CSV row, by column name
State = tuple[str, int | None, str]  # what a new 903 episode starts on: legal status, home, type of home


class Dated(Protocol):
    @property
    def started_on(self) -> datetime.date: ...

    @property
    def ended_on(self) -> datetime.date | None: ...


D = TypeVar("D", bound=Dated)


@dataclass(frozen=True)
class Year:
    """A collection year, 1 April to 31 March."""

    start: datetime.date
    end: datetime.date

    def overlapping(self) -> Q:
        """Rows with started_on/ended_on that touch the year."""
        return Q(started_on__lte=self.end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=self.start))


@dataclass(frozen=True)
class Table:
    """One table of the return: its columns as the DfE names them, its rows for one child, what those rows need
    loaded with every child (so 3,000 children take a few queries, not 3,000), and which children it adds to the
    return beyond those looked after during the year (a care leaver's OC3, for one)."""

    columns: tuple[str, ...]
    rows: Callable[[Child, Year], list[Row]]
    prefetch: Callable[[Year], list[Prefetch[Any] | str]] = lambda year: []
    adds: Callable[[Year], Q] | None = None


def collection_year(year: int) -> tuple[datetime.date, datetime.date]:
    """The year named by its start: 2024 is 1 April 2024 to 31 March 2025."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


@dataclass
class Return:
    tables: dict[str, list[Row]]  # every table's rows, by the name in TABLES
    children: list[int] = field(default_factory=list)  # Hearth's ids of everyone in it, for the access log

    @property
    def header(self) -> list[Row]:
        return self.tables["header"]

    @property
    def episodes(self) -> list[Row]:
        return self.tables["episodes"]

    @property
    def social_workers(self) -> list[Row]:
        return self.tables["social_workers"]

    def child_ids(self) -> list[int]:
        """Everyone in the return (each child in it has a header row): for the access log."""
        return self.children

    def csv(self, table: str) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=TABLES[table].columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(self.tables[table])
        return out.getvalue()


def ssda903_build(*, user: User, year: int) -> Return:
    if not selectors.may_produce_903(user):
        raise PermissionDenied("Only a head of service may produce the SSDA903 return.")
    period = Year(*collection_year(year))
    in_return = Q(pk__in=CareEpisode.objects.filter(period.overlapping()).values("child_id"))
    for table in TABLES.values():
        if table.adds is not None:
            in_return |= table.adds(period)
    loads = [item for table in TABLES.values() for item in table.prefetch(period)]
    children = Child.objects.filter(in_return).prefetch_related(*loads).order_by("pk")
    result = Return({name: [] for name in TABLES})
    for child in children:
        result.children.append(child.pk)
        for name, table in TABLES.items():
            result.tables[name] += table.rows(child, period)
    return result


def child_id(child: Child) -> str | int:
    """CHILD: the council's own id when the child came from its 903 files (an import), so a return names them as
    its earlier returns did; Hearth's id otherwise."""
    return child.la_child_id or child.pk


def worker_id(worker: User) -> str:
    """SW_ID: the worker's Social Work England registration number. Never Hearth's own id in its place: a worker with
    none recorded leaves it blank, and the DfE's validator (rule SW02) shows the head of service every row that
    needs it, child by child, while the rest of the return is still checked, rather than one error stopping it."""
    return worker.social_work_england_id


def _who(child: Child) -> Row:
    """The columns that name the child, the same in every table that has them (the validator compares them)."""
    return {"CHILD": child_id(child), "SEX": child.sex, "DOB": _d(child.date_of_birth)}


def _header(child: Child, year: Year) -> list[Row]:
    mother, first_born = _motherhood(child, year)
    return [
        {
            **_who(child),
            "ETHNIC": child.ethnicity,
            "UPN": child.upn or child.upn_unknown,  # the 903 puts a UN code where there is no UPN
            "MOTHER": mother,
            "MC_DOB": _d(first_born),
        }
    ]


def _at(rows: list[D], day: datetime.date) -> D | None:
    """The row (legal status or home) in force on `day`."""
    current = None
    for row in rows:
        if row.started_on <= day and (row.ended_on is None or row.ended_on > day or row.ended_on == row.started_on == day):
            current = row
    return current


def _episodes(child: Child, year: Year) -> list[Row]:
    return [row for care in child.care_episodes.all() for row in _care_episodes(child, care, year.start, year.end)]


def _care_episodes(child: Child, care: CareEpisode, start: datetime.date, end: datetime.date) -> list[Row]:
    statuses = list(child.legal_statuses.all())
    homes = [
        home
        for home in child.placement_episodes.all()
        if home.started_on >= care.started_on and (care.ended_on is None or home.started_on <= care.ended_on)
    ]
    cuts = sorted(
        {care.started_on}
        | {
            row.started_on
            for row in statuses + homes
            if care.started_on < row.started_on and (care.ended_on is None or row.started_on < care.ended_on)
        }
    )
    rows: list[Row] = []
    previous: Row | None = None
    for day in cuts:
        status, home = _at(statuses, day), _at(homes, day)
        state: State = (status.code if status else "", home.home_id if home else None, home.place if home else "")
        if previous is not None and state == previous["state"]:
            continue
        rne = "S" if previous is None else _rne(previous["state"], state)
        row = {
            "state": state,
            "CHILD": child_id(child),
            "DECOM": day,
            "RNE": rne,
            "LS": state[0],
            "CIN": care.category_of_need or (home.category_of_need if home else ""),
            "PLACE": codes.place_in_year(state[2], start.year),
            "PLACE_PROVIDER": home.place_provider if home else "",
            "REASON_PLACE_CHANGE": "",
            **_where(child, home, state[0]),
        }
        if previous is not None:
            previous.update(DEC=day, REC="X1", REASON_PLACE_CHANGE=_reason_place_change(previous, row, home))
        rows.append(row)
        previous = row
    if previous is not None:
        last_home = homes[-1] if homes and care.ended_on else None
        previous.update(DEC=care.ended_on, REC=(last_home.rec if last_home and last_home.rec else "E8") if care.ended_on else "")
    return [_dated(row, end) for row in rows if (row["DEC"] is None or row["DEC"] >= start) and row["DECOM"] <= end]


def _where(child: Child, home: PlacementEpisode | None, legal_status: str) -> Row:
    """HOME_POST, PL_POST and URN: the child's home postcode and the home's, in full, and the home's Ofsted URN where
    its type of home is registered (and it is in England, rule 243); none of them for a short break (rules 214, 398)."""
    if home is None or legal_status in SHORT_BREAKS:
        return {"HOME_POST": "", "PL_POST": "", "URN": ""}
    place = postcodes.find(home.home.postcode)
    in_england = place is None or place.local_authority not in postcodes.COUNTRIES.values()
    registered = home.place not in codes.NO_URN_PLACES and in_england
    # A child who came unaccompanied seeking asylum has no home postcode the DfE asks for: no distance (rule 406).
    home_post = "" if child.uasc else child.home_postcode
    return {"HOME_POST": home_post, "PL_POST": home.home.postcode, "URN": home.home.urn if registered else ""}


def _reason_place_change(ending: Row, starting: Row, home: PlacementEpisode | None) -> str:
    """The 903 gives the reason for a move on the episode the move ends (rule 225): the reason recorded with the
    move, which Hearth keeps on the next home. None for a change of legal status alone, or to or from a temporary
    home (rule 226)."""
    if home is None or starting["RNE"] not in MOVES or ending["PLACE"] in TEMPORARY:
        return ""
    return "" if starting["PLACE"] in TEMPORARY else home.reason_place_change


def _rne(before: State, after: State) -> str:
    """903 RNE: L legal status only; P a new home (new carers); T the same carers, a new type of home (a foster home
    becoming a placement for adoption); U a new home and a new legal status at once; B the same carers, a new type
    of home and a new legal status at once."""
    legal, moved, place = before[0] != after[0], before[1] != after[1], before[2] != after[2]
    if moved:
        return "U" if legal else "P"
    if place:
        return "B" if legal else "T"
    return "L"


def _dated(row: Row, end: datetime.date) -> Row:
    row = {key: value for key, value in row.items() if key != "state"}
    ended = row["DEC"] is not None and row["DEC"] <= end
    row.update(DECOM=_d(row["DECOM"]), DEC=_d(row["DEC"]) if ended else "", REC=row["REC"] if ended else "")
    if not ended:
        row["REASON_PLACE_CHANGE"] = ""  # not for an episode still going on at the year's end (rule 233)
    return row


def _social_workers(child: Child, year: Year) -> list[Row]:
    """Each worker the child had in the year, with why they became the child's worker. A worker who held the case
    for less than a day (changed again the same day) is no episode: the child's worker is who held it at the day's
    end. SW_REASON is the reason for the change to this worker, kept on the end of the worker before; the child's
    first worker, or the first after a gap of over a week, is a first contact (FCONTA, rules SW10a and SW10b)."""
    rows: list[Row] = []
    before: Allocation | None = None
    for allocation in child.allocations.all():
        if allocation.ended_on == allocation.started_on:
            continue
        if allocation.started_on <= year.end and (allocation.ended_on is None or allocation.ended_on >= year.start):
            rows.append(_social_worker(child, allocation, _sw_reason(before, allocation), year.end))
        before = allocation
    return rows


def _sw_reason(before: Allocation | None, allocation: Allocation) -> str:
    if before is None or before.ended_on is None or allocation.started_on - before.ended_on > SAME_WORKER_CHAIN:
        return WorkerChangeReason.FCONTA
    return before.end_reason


def _social_worker(child: Child, allocation: Allocation, reason: str, end: datetime.date) -> Row:
    ended = allocation.ended_on is not None and allocation.ended_on <= end
    return {
        "CHILD": child_id(child),
        "DOB": _d(child.date_of_birth),
        "SW_ID": worker_id(allocation.worker),
        "SW_DECOM": _d(allocation.started_on),
        "SW_DEC": _d(allocation.ended_on) if ended else "",
        "SW_REASON": reason,
    }


def _episode_loads(year: Year) -> list[Prefetch[Any] | str]:
    return [
        Prefetch("care_episodes", queryset=CareEpisode.objects.filter(year.overlapping()).order_by("started_on")),
        Prefetch("legal_statuses", queryset=LegalStatus.objects.order_by("started_on")),
        Prefetch("placement_episodes", queryset=PlacementEpisode.objects.select_related("home").order_by("started_on", "id")),
    ]


def _social_worker_loads(year: Year) -> list[Prefetch[Any] | str]:
    # All of them, not only the year's: the reason for the year's first change is kept on the worker before.
    allocations = Allocation.objects.filter(started_on__lte=year.end).select_related("worker").order_by("started_on", "id")
    return [Prefetch("allocations", queryset=allocations)]


def _ad1(child: Child, year: Year) -> list[Row]:
    """The adoption that ended the child's care during the year."""
    adoption: Adoption | None = getattr(child, "adoption", None)
    if adoption is None or not year.start <= adoption.adopted_on <= year.end:
        return []
    last_home = next((e for e in child.placement_episodes.all() if e.ended_on == adoption.adopted_on and e.rec), None)
    return [
        {
            "CHILD": child_id(child),
            "DOB": _d(child.date_of_birth),
            "DATE_INT": _d(adoption.decision.decided_on),
            "DATE_MATCH": _d(adoption.decision.matched_on),
            "FOSTER_CARE": int(last_home is not None and last_home.place in codes.WITH_FOSTER_CARERS),
            "NB_ADOPTR": adoption.adopters_count,
            "SEX_ADOPTR": adoption.adopters_sex,
            "LS_ADOPTR": adoption.adopters,
        }
    ]


def _ad1_loads(year: Year) -> list[Prefetch[Any] | str]:
    return [Prefetch("adoption", queryset=Adoption.objects.select_related("decision"))]


def _placed_adoption(child: Child, year: Year) -> list[Row]:
    """Decisions that stood during the year; one reversed after it ends still stood at its end."""
    return [
        {
            "CHILD": child_id(child),
            "DOB": _d(child.date_of_birth),
            "DATE_PLACED": _d(decision.decided_on),
            "DATE_PLACED_CEASED": _d(decision.ceased_on) if reversed_ else "",
            "REASON_PLACED_CEASED": decision.ceased_reason if reversed_ else "",
        }
        for decision in child.adoption_decisions.all()
        for reversed_ in [decision.ceased_on is not None and decision.ceased_on <= year.end]
    ]


def _placed_adoption_loads(year: Year) -> list[Prefetch[Any] | str]:
    stood = Q(decided_on__lte=year.end) & (Q(ceased_on__isnull=True) | Q(ceased_on__gte=year.start))
    return [Prefetch("adoption_decisions", queryset=AdoptionDecision.objects.filter(stood).order_by("decided_on", "id"))]


def _prev_perm(child: Child, year: Year) -> list[Row]:
    """For a child who started to be looked after during the year. Anything but Z1 (none) names a council and a date,
    so an unknown option (P4) gives both as not known."""
    record = getattr(child, "previous_permanence", None)
    if record is None or not any(year.start <= care.started_on <= year.end for care in child.care_episodes.all()):
        return []
    described = record.option != codes.PreviousPermanence.Z1
    ordered = record.option in codes.PERMANENCE_ORDERS
    return [
        {
            "CHILD": child_id(child),
            "DOB": _d(child.date_of_birth),
            "PREV_PERM": record.option,
            "LA_PERM": (record.local_authority if ordered else codes.LA_NOT_KNOWN) if described else "",
            "DATE_PERM": record.order_date if described else "",
        }
    ]


def _reviews(child: Child, year: Year) -> list[Row]:
    """The child's looked-after reviews in the year, except those held while the child was on agreed short breaks
    (V3, V4): the DfE does not collect those (its rule 399)."""
    statuses = list(child.legal_statuses.all())
    return [
        {"CHILD": child_id(child), "DOB": _d(child.date_of_birth), "REVIEW": _d(review.reviewed_on),
         "REVIEW_CODE": review.participation}
        for review in child.reviews.all()
        if (status := _at(statuses, review.reviewed_on)) is None or status.code not in SHORT_BREAKS
    ]  # fmt: skip


def _review_loads(year: Year) -> list[Prefetch[Any] | str]:
    in_year = LookedAfterReview.objects.filter(reviewed_on__range=(year.start, year.end)).order_by("reviewed_on")
    return [Prefetch("reviews", queryset=in_year)]


def _missing(child: Child, year: Year) -> list[Row]:
    """Missing episodes that touch the year. One that ended after 31 March is returned as open: on the day the
    return counts to, the child was still missing."""
    return [
        {"CHILD": child_id(child), "DOB": _d(child.date_of_birth), "MISSING": episode.kind,
         "MIS_START": _d(episode.started_on),
         "MIS_END": _d(episode.ended_on) if episode.ended_on and episode.ended_on <= year.end else ""}
        for episode in child.missing_episodes.all()
    ]  # fmt: skip


def _missing_loads(year: Year) -> list[Prefetch[Any] | str]:
    touching = MissingEpisode.objects.filter(year.overlapping()).order_by("started_on", "id")
    return [Prefetch("missing_episodes", queryset=touching)]


def _looked_after_in(child: Child, year: Year) -> bool:
    """Looked after at some time in the year other than on short breaks: who the Header's MOTHER is asked of."""
    return any(row["LS"] not in SHORT_BREAKS for row in _episodes(child, year))


def _motherhood(child: Child, year: Year) -> tuple[str, datetime.date | None]:
    """MOTHER and MC_DOB, from the girl's network: her own children with their dates of birth (a worker adds them as
    "their own child"). Asked of every girl looked after in the year, so "0" for one with none; a child born after
    she left care, or after 31 March, is not yet in this year's return. Boys, and care leavers in the return only
    for OC3, have neither."""
    if child.sex != casework_codes.Sex.FEMALE or not _looked_after_in(child, year):
        return "", None
    ended = [care.ended_on for care in child.care_episodes.all()]
    until = year.end if None in ended else min(year.end, max(day for day in ended if day is not None))
    born = sorted(member.date_of_birth for member in child.own_children if member.date_of_birth <= until)  # type: ignore[attr-defined]
    return ("1", born[0]) if born else ("0", None)


def _header_loads(year: Year) -> list[Prefetch[Any] | str]:
    own_children = FamilyMember.objects.filter(relationship=casework_codes.Relationship.OWN_CHILD, date_of_birth__isnull=False)
    return [Prefetch("family", queryset=own_children, to_attr="own_children")]


def _continuously_looked_after(child: Child, year: Year) -> bool:
    """In care for the whole year (the 903's 12 months at 31 March), and never on short breaks in it: whom OC2 asks."""
    whole_year = any(
        care.started_on <= year.start and (care.ended_on is None or care.ended_on >= year.end)
        for care in child.care_episodes.all()
    )
    breaks = any(
        status.code in SHORT_BREAKS and status.started_on <= year.end and (status.ended_on or year.end) >= year.start
        for status in child.legal_statuses.all()
    )
    return whole_year and not breaks


def _yes_no(answer: bool | None) -> str:
    return "" if answer is None else str(int(answer))


def _oc2(child: Child, year: Year) -> list[Row]:
    """The year's health record, for a child looked after all year. One looked after all year with no record has
    no row: the validator names them (rule 191), as the return's check should."""
    records: list[HealthRecord] = child.health_this_year  # type: ignore[attr-defined]
    if not records or not _continuously_looked_after(child, year):
        return []
    record = records[0]
    answers = {
        "SDQ_SCORE": "" if record.sdq_score is None else record.sdq_score,
        "SDQ_REASON": record.sdq_reason,
        "CONVICTED": record.convicted,
        "HEALTH_CHECK": record.development_check,
        "IMMUNISATIONS": record.immunisations,
        "TEETH_CHECK": record.teeth_check,
        "HEALTH_ASSESSMENT": record.health_assessment,
        "SUBSTANCE_MISUSE": record.substance_misuse,
        "INTERVENTION_RECEIVED": record.intervention_received,
        "INTERVENTION_OFFERED": record.intervention_offered,
    }
    coded = {name: _yes_no(value) if isinstance(value, bool) or value is None else value for name, value in answers.items()}
    return [{"CHILD": child_id(child), "DOB": _d(child.date_of_birth), **coded}]


def _oc2_loads(year: Year) -> list[Prefetch[Any] | str]:
    this_year = HealthRecord.objects.filter(year_ending=year.end.year)
    return [Prefetch("health_records", queryset=this_year, to_attr="health_this_year")]


def _uasc(child: Child, year: Year) -> list[Row]:
    """A child looked after in the year who was an unaccompanied asylum-seeking child in it; DUC is the day that
    ended (the recorded day, or the 18th birthday, whichever came first), empty if it goes on past 31 March."""
    if not child.uasc or not child.care_episodes.all():
        return []
    ceased = min(day for day in (child.uasc_ceased_on, dates.birthday(child.date_of_birth, 18)) if day is not None)
    if ceased < year.start:
        return []
    return [{**_who(child), "DUC": _d(ceased) if ceased <= year.end else ""}]


def _oc3(child: Child, year: Year) -> list[Row]:
    """Contact with a care leaver around the 17th to 21st birthday that falls in the year, when the DfE asks it:
    they were looked after at least 13 weeks from 14, some of it from 16; at 17 or 18, they had left care by the
    birthday; and their care did not end in death, adoption or another council's care."""
    contacts = {contact.birthday: contact for contact in child.care_leaver_contacts_in_year}  # type: ignore[attr-defined]
    rows = []
    for age, contact in contacts.items():
        day = dates.birthday(child.date_of_birth, age)
        if year.start <= day <= year.end and _asks_care_leaver(child, year, age, day):
            rows.append(_oc3_row(child, contact))
    return rows


def _asks_care_leaver(child: Child, year: Year, age: int, day: datetime.date) -> bool:
    care: list[CareEpisode] = child.whole_care  # type: ignore[attr-defined]
    if age in (17, 18) and any(period.ended_on is None or period.ended_on >= day for period in care):
        return False
    this_year = _episodes(child, year)
    if this_year and this_year[-1]["REC"] in NO_CARE_LEAVER:
        return False
    return _days_in_care_from(child, care, 14, year.end) >= 91 and _days_in_care_from(child, care, 16, year.end) >= 1


def _days_in_care_from(child: Child, care: list[CareEpisode], age: int, end: datetime.date) -> int:
    from_day = dates.birthday(child.date_of_birth, age)
    return sum(max(0, ((period.ended_on or end) - max(period.started_on, from_day)).days) for period in care)


def _oc3_row(child: Child, contact: CareLeaverContact) -> Row:
    suitable = "1" if contact.accommodation_suitable else "2"
    return {
        "CHILD": child_id(child),
        "DOB": _d(child.date_of_birth),
        "IN_TOUCH": contact.in_touch,
        "ACTIV": contact.activity or "0",  # the 903's 0: nothing to say (died, went home, not in touch)
        "ACCOM": f"{contact.accommodation}{suitable}" if contact.accommodation else "0",
    }


def _oc3_loads(year: Year) -> list[Prefetch[Any] | str]:
    return [
        Prefetch("care_leaver_contacts", queryset=CareLeaverContact.objects.all(), to_attr="care_leaver_contacts_in_year"),
        Prefetch("care_episodes", queryset=CareEpisode.objects.order_by("started_on"), to_attr="whole_care"),
    ]


def _care_leavers(year: Year) -> Q:
    """Young people with contact recorded around a 17th to 21st birthday that falls in the year."""
    birthdays = Q()
    for age in casework_codes.CARE_LEAVER_BIRTHDAYS:
        born = (dates.months_before(year.start, 12 * age), dates.months_before(year.end, 12 * age))
        birthdays |= Q(birthday=age, child__date_of_birth__range=born)
    return Q(pk__in=CareLeaverContact.objects.filter(birthdays).values("child_id"))


# Every table of the return, in the order the DfE lists them; each writes its own rows for each child.
TABLES: dict[str, Table] = {
    "header": Table(HEADER, _header, _header_loads),
    "episodes": Table(EPISODES, _episodes, _episode_loads),
    "uasc": Table(UASC, _uasc),
    "reviews": Table(REVIEWS, _reviews, _review_loads),
    "ad1": Table(AD1, _ad1, _ad1_loads),
    "placed_adoption": Table(PLACED_ADOPTION, _placed_adoption, _placed_adoption_loads),
    "prev_perm": Table(PREV_PERM, _prev_perm, lambda year: ["previous_permanence"]),
    "missing": Table(MISSING, _missing, _missing_loads),
    "oc2": Table(OC2, _oc2, _oc2_loads),
    "oc3": Table(OC3, _oc3, _oc3_loads, _care_leavers),
    "social_workers": Table(SOCIAL_WORKERS, _social_workers, _social_worker_loads),
}
