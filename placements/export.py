"""The SSDA903 return (children looked after) for a collection year, 1 April to 31 March.

Three tables as CSV with dd/mm/YYYY dates: Header, Episodes and social worker episodes. A 903 episode
starts whenever the legal status, the home or the type of home changes, so episodes are cut at every
such date inside each period in care. Only a head of service may run it."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q

from casework import postcodes
from casework.codes import WorkerChangeReason
from casework.models import Allocation, CareEpisode, Child, LegalStatus, User
from placements import codes, selectors
from placements.models import PlacementEpisode

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
# Respite (short breaks): the 903 asks for no postcodes, distance or URN (rules 214, 398).
SHORT_BREAKS = ("V3", "V4")
MOVES = ("P", "T", "U")  # the RNE of an episode that starts in a new home (or type of home)
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


def _header(child: Child, year: Year) -> list[Row]:
    return [
        {
            "CHILD": child_id(child),
            "SEX": child.sex,
            "DOB": _d(child.date_of_birth),
            "ETHNIC": child.ethnicity,
            "UPN": child.upn or child.upn_unknown,  # the 903 puts a UN code where there is no UPN
            "MOTHER": "",
            "MC_DOB": "",
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
            "PLACE": state[2],
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
    return {"HOME_POST": child.home_postcode, "PL_POST": home.home.postcode, "URN": home.home.urn if registered else ""}


def _reason_place_change(ending: Row, starting: Row, home: PlacementEpisode | None) -> str:
    """The 903 gives the reason for a move on the episode the move ends (rule 225): the reason recorded with the
    move, which Hearth keeps on the next home. None for a change of legal status alone, or to or from a temporary
    home (rule 226)."""
    if home is None or starting["RNE"] not in MOVES or ending["PLACE"] in TEMPORARY:
        return ""
    return "" if starting["PLACE"] in TEMPORARY else home.reason_place_change


def _rne(before: State, after: State) -> str:
    legal, moved, place = before[0] != after[0], before[1] != after[1], before[2] != after[2]
    if legal and (moved or place):
        return "T"
    if legal:
        return "L"
    return "P" if moved else "U"


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


# Every table of the return, in the order the DfE lists them; each writes its own rows for each child.
TABLES: dict[str, Table] = {
    "header": Table(HEADER, _header),
    "episodes": Table(EPISODES, _episodes, _episode_loads),
    "social_workers": Table(SOCIAL_WORKERS, _social_workers, _social_worker_loads),
}
