"""Bringing a council's children in from the SSDA903 CSV files it already sends the DfE.

Three files (Header, Episodes, SW episodes; dates dd/mm/YYYY) become children, periods in care, legal statuses,
homes, each child's homes and their allocated workers; three more, if sent, their decisions to place for adoption
(PlacedAdoption), adoptions (AD1) and previous permanence (PrevPerm). The report says, row by row, what the import
does or would do, or why the row is refused. Each child is imported whole or not at all: one bad row refuses that child (with the
reason) and the others come in. Importing the same files again changes nothing: every row is then 'already held'.

The moves in the files are facts from the council's own system, decided there: they need no placement decision in
Hearth, so they are written here (full_clean and save_with_history) rather than through placements.services'
placement_start, whose rules are for a move being made now (a vacancy, a current home to end, a reason asked for)."""

import csv
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from casework import codes as casework_codes
from casework import dates, postcodes
from casework.models import Allocation, CareEpisode, Child, FamilyMember, LegalStatus, User
from casework.selectors import UPN_SHAPE
from casework.services import missing_episode_record, missing_episode_update, review_record, save_with_history
from placements import codes, selectors, services
from placements.export import (
    AD1,
    EPISODES,
    HEADER,
    MISSING,
    PLACED_ADOPTION,
    PREV_PERM,
    REVIEWS,
    SAME_WORKER_CHAIN,
    SOCIAL_WORKERS,
    UASC,
)
from placements.models import Adoption, AdoptionDecision, Home, PlacementEpisode, PreviousPermanence, Provider

REASON = "SSDA903 import"
TABLES = {
    "header": HEADER,
    "episodes": EPISODES,
    "reviews": REVIEWS,
    "missing": MISSING,
    "social_workers": SOCIAL_WORKERS,
    "placed_adoption": PLACED_ADOPTION,
    "ad1": AD1,
    "prev_perm": PREV_PERM,
    "uasc": UASC,
}
TABLE_NAMES = {
    "header": "Header",
    "episodes": "Episodes",
    "reviews": "Reviews",
    "missing": "Missing",
    "social_workers": "SW episodes",
    "placed_adoption": "PlacedAdoption",
    "ad1": "AD1",
    "prev_perm": "PrevPerm",
    "uasc": "UASC",
}
REQUIRED = ("header",)  # a council may send a child's header alone; no episodes or workers is not an error
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # dd/mm/YYYY, as the 903 writes dates
PART_DATE = re.compile(r"(\d{1,2}|ZZ)/(\d{1,2}|ZZ)/(\d{4}|ZZZZ)")  # DATE_PERM: ZZ for a part not known
OFSTED_URN = re.compile(codes.OFSTED_URN)  # a home's Ofsted URN
NOT_OFSTED = "XXXXXXX"  # the 903's URN for a placement through a regional adoption agency: Hearth keeps none

# What each outcome means in the report.
ADD, UPDATE, HELD, REFUSED = "add", "update", "already held", "refused"


@dataclass
class ReportRow:
    table: str
    line: int
    child: str
    outcome: str  # ADD, UPDATE, HELD or REFUSED
    detail: str

    @property
    def table_name(self) -> str:
        return TABLE_NAMES[self.table]


@dataclass
class ImportReport:
    dry_run: bool
    problems: list[str] = field(default_factory=list)  # whole-file problems: then nothing is imported
    rows: list[ReportRow] = field(default_factory=list)
    held: set[int] = field(default_factory=set)  # Hearth's children the report names (for the access log)

    @property
    def refused(self) -> list[ReportRow]:
        return [row for row in self.rows if row.outcome == REFUSED]

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for row in self.rows:
            found[row.outcome] += 1
        return dict(found)

    def text(self) -> str:
        """The report as lines of plain text (the command prints it)."""
        mode = "Dry run: nothing was saved." if self.dry_run else "Imported."
        lines = [*(f"Problem: {problem}" for problem in self.problems), mode if not self.problems else "Nothing imported."]
        lines += [f"{TABLE_NAMES[r.table]} line {r.line} CHILD {r.child or '-'}: {r.outcome}: {r.detail}" for r in self.rows]
        lines.append(", ".join(f"{count} {outcome}" for outcome, count in sorted(self.counts().items())) or "No rows.")
        return "\n".join(lines)


class Refused(Exception):
    """A row that cannot be imported, and why; it refuses its child's whole import."""

    def __init__(self, line: "Line", reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


# Reading the files ---------------------------------------------------------------------------------------------


@dataclass
class Line:
    table: str
    number: int
    values: dict[str, str]

    @property
    def child(self) -> str:
        return self.values.get("CHILD", "")

    def refuse(self, reason: str) -> Refused:
        return Refused(self, reason)


def read_files(files: dict[str, IO[str]]) -> tuple[dict[str, list[Line]], list[str]]:
    """Each file's rows, and the problems that make a whole file unusable (then nothing is imported)."""
    tables: dict[str, list[Line]] = {}
    strangers = sorted(set(files) - set(TABLES))
    problems = [f"These are not SSDA903 tables: {', '.join(strangers)}."] if strangers else []
    for table in TABLES:
        stream = files.get(table)
        if stream is None:
            if table in REQUIRED:
                problems.append(f"The {TABLE_NAMES[table]} file is missing.")
            continue
        lines, problem = _read(table, stream)
        tables[table] = lines
        if problem:
            problems.append(f"{TABLE_NAMES[table]} file: {problem}")
    return tables, problems


def _read(table: str, stream: IO[str]) -> tuple[list[Line], str]:
    try:
        reader = csv.DictReader(stream, restkey="_extra", strict=True)
        columns = [name.strip().lstrip("\ufeff") for name in reader.fieldnames or []]
        if not columns:
            return [], "the file is empty."
        missing = [name for name in TABLES[table] if name not in columns]
        if missing:
            return [], f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (is it the right file?)."
        reader.fieldnames = columns
        lines = [Line(table, reader.line_num, _cleaned(row)) for row in reader]
    except UnicodeDecodeError:
        return [], "not UTF-8 text. Save it from the spreadsheet as 'CSV UTF-8'."
    except csv.Error as error:
        return [], f"not a CSV file ({error})."
    return lines, ""


def _cleaned(row: dict[str, Any]) -> dict[str, str]:
    return {key: value.strip() for key, value in row.items() if isinstance(key, str) and isinstance(value, str)}


# Checking a row's values -------------------------------------------------------------------------------------------


def _date(line: Line, column: str) -> datetime.date:
    day = _optional_date(line, column)
    if day is None:
        raise line.refuse(f"{column} is missing.")
    return day


def _optional_date(line: Line, column: str) -> datetime.date | None:
    text = line.values.get(column, "")
    if not text:
        return None
    match = DATE.fullmatch(text)
    try:
        day = datetime.date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        day = None
    if day is None:
        raise line.refuse(f"{column} '{text[:20]}' is not a date written dd/mm/YYYY.")
    if day > timezone.localdate():
        raise line.refuse(f"{column} {text} is in the future.")
    if day.year < 1900:
        raise line.refuse(f"{column} {text} is before 1900.")
    return day


def _code(line: Line, column: str, choices: Iterable[str], *, required: bool = True) -> str:
    value = line.values.get(column, "")
    if not value and not required:
        return ""
    if not value:
        raise line.refuse(f"{column} is missing.")
    if value not in set(choices):
        raise line.refuse(f"{column} '{value[:20]}' is not a 903 code for {column}.")
    return value


def _child_id(line: Line) -> str:
    if not line.child:
        raise line.refuse("CHILD is missing.")
    if len(line.child) > 10:
        raise line.refuse("CHILD is longer than 10 characters.")
    return line.child


@dataclass
class Identity:
    """What the Header row says about a child: the fields Hearth holds."""

    line: Line
    sex: str
    date_of_birth: datetime.date
    ethnicity: str
    upn: str
    upn_unknown: str
    first_born: datetime.date | None  # MC_DOB: a mother's first child's date of birth
    home_postcode: str = ""  # the Episodes' HOME_POST, the latest given: Hearth keeps one, on the child


def _identity(line: Line) -> Identity:
    _child_id(line)
    upn = line.values.get("UPN", "").replace(" ", "").upper()
    unknown = upn if upn in casework_codes.UpnUnknown.values else ""
    if not upn:
        raise line.refuse("UPN is missing: give the UPN or a UN1 to UN5 code saying why there is none.")
    if not unknown and not UPN_SHAPE.fullmatch(upn):
        raise line.refuse(f"UPN '{upn[:20]}' is neither a UPN (a letter, then 12 digits) nor a UN1 to UN5 code.")
    born = _date(line, "DOB")
    return Identity(
        line=line,
        sex=_sex(line),
        date_of_birth=born,
        ethnicity=_code(line, "ETHNIC", casework_codes.Ethnicity.values),
        upn="" if unknown else upn,
        upn_unknown=unknown,
        first_born=_first_born(line),
    )


def _first_born(line: Line) -> datetime.date | None:
    """MC_DOB when MOTHER is 1; a mother with no date for her child, or a date with no mother, is refused."""
    mother = _code(line, "MOTHER", ("0", "1"), required=False)
    first_born = _optional_date(line, "MC_DOB")
    if mother == "1" and first_born is None:
        raise line.refuse("MOTHER is 1 but MC_DOB, her child's date of birth, is missing.")
    if mother != "1" and first_born is not None:
        raise line.refuse("MC_DOB is given but MOTHER is not 1.")
    return first_born


# Returns before 2024/25 coded sex 1 and 2; Hearth keeps the 903's M and F.
OLD_SEX_CODES = {"1": casework_codes.Sex.MALE, "2": casework_codes.Sex.FEMALE}


def _sex(line: Line) -> str:
    written = line.values.get("SEX", "").strip().upper()
    return OLD_SEX_CODES.get(written) or _code(line, "SEX", casework_codes.Sex.values)


def _postcode(line: Line, column: str) -> str:
    """A postcode as Hearth writes it ("WR5 3DA"); one not shaped like a full postcode is kept as the file has it."""
    written = line.values.get(column, "").strip().upper()
    return postcodes.tidy(written) or written[:8]


@dataclass
class Episode:
    """One row of the Episodes table, checked."""

    line: Line
    started_on: datetime.date
    rne: str
    legal_status: str
    category_of_need: str
    place: str
    provider: str
    ended_on: datetime.date | None
    rec: str
    reason_place_change: str
    postcode: str  # the home's (PL_POST)
    home_postcode: str  # the child's (HOME_POST)
    urn: str

    @property
    def home_key(self) -> tuple[str, ...]:
        """How the home is found: by its Ofsted URN, or else by what the 903 says of it (type, provider, area)."""
        return ("urn", self.urn) if self.urn else ("codes", self.place, self.provider, self.postcode)


RNE = ("S", "L", "P", "T", "U", "B")  # how a 903 episode began: S is a new period in care


def _episode(line: Line) -> Episode:
    _child_id(line)
    started, ended = _date(line, "DECOM"), _optional_date(line, "DEC")
    rec = _code(line, "REC", codes.ReasonEpisodeCeased.values, required=False)
    if ended is not None and ended < started:
        raise line.refuse(f"DEC {ended:%d/%m/%Y} is before DECOM {started:%d/%m/%Y}.")
    if bool(ended) != bool(rec):
        raise line.refuse("DEC and REC go together: an episode that ended says why (REC), and one that has not has neither.")
    urn = line.values.get("URN", "").upper()
    if urn and urn != NOT_OFSTED and not OFSTED_URN.fullmatch(urn):
        raise line.refuse(f"URN '{urn[:20]}' is neither an Ofsted URN (like SC123456) nor {NOT_OFSTED}.")
    return Episode(
        line=line,
        started_on=started,
        rne=_code(line, "RNE", RNE),
        legal_status=_code(line, "LS", casework_codes.LegalStatusCode.values),
        category_of_need=_code(line, "CIN", codes.CategoryOfNeed.values),
        place=_code(line, "PLACE", codes.PlaceCode.values),
        provider=_code(line, "PLACE_PROVIDER", codes.ProviderCode.values),
        ended_on=ended,
        rec=rec,
        reason_place_change=_code(line, "REASON_PLACE_CHANGE", codes.ReasonPlaceChange.values, required=False),
        postcode=_postcode(line, "PL_POST"),
        home_postcode=_postcode(line, "HOME_POST"),
        urn="" if urn == NOT_OFSTED else urn,
    )


@dataclass
class WorkerEpisode:
    line: Line
    date_of_birth: datetime.date
    worker_id: str
    started_on: datetime.date
    ended_on: datetime.date | None
    reason: str  # why this worker became the child's (the 903's meaning of SW_REASON)


def _worker_episode(line: Line) -> WorkerEpisode:
    _child_id(line)
    born, started, ended = _date(line, "DOB"), _date(line, "SW_DECOM"), _optional_date(line, "SW_DEC")
    if ended is not None and ended < started:
        raise line.refuse(f"SW_DEC {ended:%d/%m/%Y} is before SW_DECOM {started:%d/%m/%Y}.")
    if not line.values.get("SW_ID"):
        raise line.refuse("SW_ID is missing.")
    reason = _code(line, "SW_REASON", casework_codes.WorkerChangeReason.values, required=False)
    return WorkerEpisode(line, born, line.values["SW_ID"].upper(), started, ended, reason)


def _end_reason(worker: WorkerEpisode, following: WorkerEpisode | None) -> str:
    """Hearth keeps why a worker changed on the end of the worker before (casework.codes.WorkerChangeReason): the
    next episode's SW_REASON, unless that one is a first contact (no change) or begins after a gap (export's rule)."""
    if following is None or worker.ended_on is None or following.reason == casework_codes.WorkerChangeReason.FCONTA:
        return ""
    return following.reason if following.started_on - worker.ended_on <= SAME_WORKER_CHAIN else ""


# One child's records, as the files describe them ------------------------------------------------------------------


@dataclass
class Period:
    """A period in care: from an episode with RNE S to the end of one whose REC is not X1 (or still going on)."""

    episodes: list[Episode]

    @property
    def started_on(self) -> datetime.date:
        return self.episodes[0].started_on

    @property
    def ended_on(self) -> datetime.date | None:
        return self.episodes[-1].ended_on


def _periods(episodes: list[Episode]) -> list[Period]:
    """The child's episodes, in order, cut into periods in care; a gap, an overlap or a broken chain refuses them."""
    periods: list[Period] = []
    previous: Episode | None = None
    for episode in sorted(episodes, key=lambda e: (e.started_on, e.line.number)):
        _check_follows(previous, episode)
        if episode.rne == "S":
            periods.append(Period([episode]))
        else:
            periods[-1].episodes.append(episode)
        previous = episode
    if previous is not None and previous.rec == codes.ReasonEpisodeCeased.X1:
        raise previous.line.refuse("REC is X1 (a new episode begins the same day) but no episode follows it.")
    return periods


def _check_follows(previous: Episode | None, episode: Episode) -> None:
    line = episode.line
    if previous is None:
        if episode.rne != "S":
            raise line.refuse(f"The child's first episode has RNE {episode.rne}: a period in care starts with RNE S.")
        return
    where = f"line {previous.line.number}"
    if previous.ended_on is None:
        raise line.refuse(f"Overlapping episodes: the episode on {where} has not ended (no DEC) when this one starts.")
    if episode.started_on < previous.ended_on:
        raise line.refuse(
            f"Overlapping episodes: this starts before the episode on {where} ended ({previous.ended_on:%d/%m/%Y})."
        )
    if previous.rec == codes.ReasonEpisodeCeased.X1:
        if episode.rne == "S":
            raise line.refuse(f"RNE is S, but the episode on {where} ended with X1 (care went on).")
        if episode.started_on != previous.ended_on:
            raise line.refuse(
                f"A gap: the episode on {where} ended with X1 on {previous.ended_on:%d/%m/%Y}, so the next starts that day."
            )
    elif episode.rne != "S":
        raise line.refuse(
            f"RNE is {episode.rne}, but care ended on {where} (REC {previous.rec}): a new period starts with RNE S."
        )


def _runs(episodes: list[Episode], key: Any) -> list[list[Episode]]:
    """Consecutive episodes with the same key (a legal status, a home), each run one record in Hearth."""
    runs: list[list[Episode]] = []
    for episode in episodes:
        if runs and key(runs[-1][-1]) == key(episode):
            runs[-1].append(episode)
        else:
            runs.append([episode])
    return runs


def _placement_key(episode: Episode) -> tuple[Any, ...]:
    # A new Hearth episode at each change of home, or of what the 903 says of it (type, provider, need), so the
    # return written from Hearth gives back every episode's codes.
    return (episode.home_key, episode.place, episode.provider, episode.category_of_need)


@dataclass
class ChildFiles:
    """Everything the files say about one child (by their CHILD id)."""

    child_id: str
    headers: list[Line] = field(default_factory=list)
    episodes: list[Line] = field(default_factory=list)
    workers: list[Line] = field(default_factory=list)
    decisions: list[Line] = field(default_factory=list)
    adoptions: list[Line] = field(default_factory=list)
    previous: list[Line] = field(default_factory=list)
    reviews: list[Line] = field(default_factory=list)
    missing: list[Line] = field(default_factory=list)
    uasc: list[Line] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return (
            self.headers + self.episodes + self.workers + self.decisions + self.adoptions + self.previous
            + self.reviews + self.missing + self.uasc
        )  # fmt: skip


def _by_child(tables: dict[str, list[Line]]) -> tuple[list[ChildFiles], list[Line]]:
    """Rows grouped by CHILD, in the order the header names them, and rows with no CHILD at all."""
    children: dict[str, ChildFiles] = {}
    nameless: list[Line] = []
    attributes = {"header": "headers", "episodes": "episodes", "social_workers": "workers", "placed_adoption": "decisions",
                  "ad1": "adoptions", "prev_perm": "previous", "reviews": "reviews", "missing": "missing",
                  "uasc": "uasc"}  # fmt: skip
    for table, attribute in attributes.items():
        for line in tables.get(table, []):
            if not line.child:
                nameless.append(line)
                continue
            getattr(children.setdefault(line.child, ChildFiles(line.child)), attribute).append(line)
    return list(children.values()), nameless


# Writing ------------------------------------------------------------------------------------------------------------


class ChildImport:
    """One child's import: each record in the files is found in Hearth (held), added, or ended where Hearth has it
    still going on; anything else that clashes with what Hearth holds refuses the child."""

    def __init__(self, files: ChildFiles, *, actor: User) -> None:
        self.files, self.actor = files, actor
        self.notes: dict[int, list[tuple[str, str]]] = defaultdict(list)  # id(line) -> [(outcome, what)]
        self.held: int | None = None  # the id of a child Hearth already held, whom the report names

    def note(self, line: Line, outcome: str, what: str) -> None:
        self.notes[id(line)].append((outcome, what))

    def run(self) -> None:
        files = self.files
        if len(files.headers) > 1:
            raise files.headers[1].refuse(f"A second header row for this CHILD (the first is line {files.headers[0].number}).")
        if not files.headers:
            raise files.lines[0].refuse("No Header row for this CHILD: the Header file must list every child.")
        episodes = [_episode(line) for line in files.episodes]
        given = [episode.home_postcode for episode in sorted(episodes, key=lambda e: e.started_on) if episode.home_postcode]
        identity = replace(_identity(files.headers[0]), home_postcode=given[-1] if given else "")
        workers = [_worker_episode(line) for line in files.workers]
        periods = _periods(episodes)
        self._check_dates(identity, episodes, workers)
        child = self._child(identity)
        for period in periods:
            self._period(child, period)
        self._workers(child, workers)
        self._adoption(child, identity, periods)
        self._previous_permanence(child, identity)
        self._reviews(child, identity.date_of_birth)
        self._missing(child, identity.date_of_birth)
        self._own_child(child, identity)
        self._uasc(child)

    def _check_dates(self, identity: Identity, episodes: list[Episode], workers: list[WorkerEpisode]) -> None:
        born = identity.date_of_birth
        for episode in episodes:
            if episode.started_on < born:
                raise episode.line.refuse(f"The episode starts before the child was born ({born:%d/%m/%Y}).")
        for worker in workers:
            if worker.date_of_birth != born:
                raise worker.line.refuse(f"DOB {worker.date_of_birth:%d/%m/%Y} is not the Header's ({born:%d/%m/%Y}).")
            if worker.started_on < born:
                raise worker.line.refuse(f"The worker starts before the child was born ({born:%d/%m/%Y}).")

    # The child ---------------------------------------------------------------------------------------------------

    def _child(self, identity: Identity) -> Child:
        line = identity.line
        child = Child.objects.select_for_update().filter(la_child_id=self.files.child_id).first()
        if child is None and identity.upn:
            child = Child.objects.select_for_update().filter(upn=identity.upn, la_child_id="").first()
            if child is not None:
                self.note(
                    line,
                    UPDATE,
                    f"Hearth's record {child.pk} has this UPN: it is this child, and keeps CHILD {self.files.child_id}",
                )
        if child is None:
            return self._new_child(identity)
        self.held = child.pk
        named = (
            "sex",
            "date_of_birth",
            "ethnicity",
            "upn",
            "upn_unknown",
            *(("home_postcode",) if identity.home_postcode else ()),
        )
        details = {name: getattr(identity, name) for name in named}
        changed = {name: value for name, value in details.items() if getattr(child, name) != value}
        if identity.upn and Child.objects.filter(upn=identity.upn).exclude(pk=child.pk).exists():
            raise line.refuse("Another child's record in Hearth has this UPN.")
        if not changed and child.la_child_id:
            self.note(line, HELD, f"{child.display_name} (Hearth id {child.pk})")
            return child
        for name, value in changed.items():
            setattr(child, name, value)
        child.la_child_id = self.files.child_id
        self._save(child, line)
        if changed:
            self.note(line, UPDATE, f"{child.display_name}: {', '.join(sorted(changed))} changed to the file's")
        return child

    def _new_child(self, identity: Identity) -> Child:
        line = identity.line
        if identity.upn and Child.objects.filter(upn=identity.upn).exists():
            raise line.refuse("Another child's record in Hearth has this UPN, with a different CHILD id.")
        # The 903 has no names: a clear stand-in until the child's worker adds them.
        child = Child(
            first_name="903 child",
            last_name=self.files.child_id,
            la_child_id=self.files.child_id,
            sex=identity.sex,
            date_of_birth=identity.date_of_birth,
            ethnicity=identity.ethnicity,
            upn=identity.upn,
            upn_unknown=identity.upn_unknown,
            home_postcode=identity.home_postcode,
        )
        self._save(child, line)
        self.note(line, ADD, f"a new child, '{child.display_name}' (the 903 has no names: add them on the record)")
        return child

    def _own_child(self, child: Child, identity: Identity) -> None:
        """A mother's first child, as someone in her network (the 903 has no name for them): Hearth works MOTHER
        and MC_DOB out from her own children, so one with that date of birth is all the import needs."""
        if identity.first_born is None:
            return
        line, held = identity.line, FamilyMember.objects.filter(child=child, relationship=casework_codes.Relationship.OWN_CHILD)
        if held.filter(date_of_birth=identity.first_born).exists():
            self.note(line, HELD, f"her child born {identity.first_born:%d/%m/%Y}")
            return
        if identity.first_born <= identity.date_of_birth:
            raise line.refuse("MC_DOB is not after the mother's own date of birth.")
        name = "Her child (from the 903 import)"
        member = FamilyMember(
            child=child, name=name, relationship=casework_codes.Relationship.OWN_CHILD, date_of_birth=identity.first_born
        )
        self._save(member, line)
        self.note(line, ADD, f"her child born {identity.first_born:%d/%m/%Y}, in her network")

    def _uasc(self, child: Child) -> None:
        """The UASC table: the child came to the council unaccompanied; DUC, if given, is when that status ceased."""
        if len(self.files.uasc) > 1:
            raise self.files.uasc[1].refuse(f"A second UASC row for this CHILD (the first is line {self.files.uasc[0].number}).")
        if not self.files.uasc:
            return
        line = self.files.uasc[0]
        if _date(line, "DOB") != child.date_of_birth:
            raise line.refuse(f"DOB is not the Header's ({child.date_of_birth:%d/%m/%Y}).")
        ceased = _optional_date(line, "DUC")
        if (child.uasc, child.uasc_ceased_on) == (True, ceased):
            self.note(line, HELD, "an unaccompanied asylum-seeking child" + (f" until {ceased:%d/%m/%Y}" if ceased else ""))
            return
        child.uasc, child.uasc_ceased_on = True, ceased
        if ceased is not None and ceased > dates.birthday(child.date_of_birth, 18):
            raise line.refuse("DUC is after the 18th birthday: UASC status ends by then.")
        self._save(child, line)
        outcome = ADD if self.held is None else UPDATE  # part of a child new in this import, or a change to one held
        self.note(line, outcome, "an unaccompanied asylum-seeking child" + (f" until {ceased:%d/%m/%Y}" if ceased else ""))

    def _save(self, record: Model, line: Line) -> None:
        try:
            save_with_history(record, actor=self.actor, reason=REASON)
        except ValidationError as error:
            raise line.refuse(" ".join(error.messages)) from None

    # Periods in care, legal statuses and homes -------------------------------------------------------------------

    def _period(self, child: Child, period: Period) -> None:
        first = period.episodes[0].line
        # The period's category of need is the one its first episode records (the worker's, in the council's system).
        need = period.episodes[0].category_of_need
        wanted = CareEpisode(child=child, started_on=period.started_on, ended_on=period.ended_on, category_of_need=need)
        self._dated(wanted, CareEpisode.objects.filter(child=child), [first], "a period in care")
        for run in _runs(period.episodes, lambda e: e.legal_status):
            status = LegalStatus(child=child, code=run[0].legal_status, started_on=run[0].started_on, ended_on=run[-1].ended_on)
            held = LegalStatus.objects.filter(child=child)
            self._dated(status, held, [e.line for e in run], f"legal status {status.code}", compared=("code",))
        runs = _runs(period.episodes, _placement_key)
        home: Home | None = None
        for n, run in enumerate(runs):
            # The 903 gives the reason for a move on the episode the move ended; Hearth keeps it with the next home.
            reason = runs[n - 1][-1].reason_place_change if n else ""
            last = n == len(runs) - 1 and period.ended_on is not None
            home = self._home_episode(child, run, reason=reason, last=last, before=home)

    def _home_episode(self, child: Child, run: list[Episode], *, reason: str, last: bool, before: Home | None) -> Home:
        """One home's episode. RNE T or B keeps the carers (a foster home becoming a placement for adoption, say)."""
        first = run[0]
        home = before if before is not None and first.rne in ("T", "B") else self._home(first)
        episode = PlacementEpisode(
            child=child, home=home, started_on=first.started_on, ended_on=run[-1].ended_on, place=first.place,
            place_provider=first.provider, legal_status=first.legal_status, category_of_need=first.category_of_need,
            reason_place_change=reason, rec=run[-1].rec if last else "",
        )  # fmt: skip
        compared = ("home_id", "place", "place_provider", "category_of_need", "reason_place_change")
        existing = PlacementEpisode.objects.filter(child=child)
        self._dated(episode, existing, [e.line for e in run], f"home '{home.name}'", compared=compared, ends=("rec",))
        return home

    def _home(self, episode: Episode) -> Home:
        """The home an episode names: found by its URN, or by its type, provider and area; made if Hearth has none."""
        if episode.urn:
            found = Home.objects.filter(urn=episode.urn).order_by("pk").first()
        else:
            found = (
                Home.objects.filter(
                    urn="", place_code=episode.place, provider__provider_code=episode.provider,
                    postcode=episode.postcode,
                ).order_by("pk").first()
            )  # fmt: skip
        if found is not None:
            return found
        home = _new_home(episode, self._provider(episode))
        self._save(home, episode.line)
        self.note(episode.line, ADD, f"a new home, '{home.name}'")
        return home

    def _provider(self, episode: Episode) -> Provider:
        kind = _kind(episode.place, episode.provider)
        provider = Provider.objects.filter(kind=kind, provider_code=episode.provider).order_by("pk").first()
        if provider is None:
            provider = Provider(
                name=f"{codes.ProviderKind(kind).label} ({episode.provider}, from the 903 import)",
                kind=kind,
                provider_code=episode.provider,
            )
            self._save(provider, episode.line)
            self.note(episode.line, ADD, f"a new provider, '{provider.name}'")
        return provider

    def _dated(
        self, wanted: Any, existing: Any, lines: list[Line], what: str, compared: Iterable[str] = (), ends: Iterable[str] = ()
    ) -> None:
        """Add a dated record (a period in care, a legal status, a home, a worker) unless Hearth holds it; end
        Hearth's when it is still going on and the file says it ended (with `ends`, the fields set when it ends);
        refuse one that clashes with what Hearth holds."""
        line, span, ends = lines[0], _span(wanted), ("ended_on", *ends)
        same_start = existing.filter(started_on=wanted.started_on).first()
        if same_start is not None and all(getattr(same_start, name) == getattr(wanted, name) for name in compared):
            if all(getattr(same_start, name) == getattr(wanted, name) for name in ends):
                self._note_all(lines, HELD, f"{what} {span}")
                return
            if same_start.ended_on is None:
                for name in ends:
                    setattr(same_start, name, getattr(wanted, name))
                self._save(same_start, lines[-1])
                self._note_all(lines, UPDATE, f"{what} {span}: ended")
                return
        clash = [row for row in existing if _overlaps(row, wanted)]
        if clash:
            raise line.refuse(f"Overlapping: {what} {span} clashes with Hearth's {_span(clash[0])}.")
        self._save(wanted, line)
        self._note_all(lines, ADD, f"{what} {span}")

    def _note_all(self, lines: list[Line], outcome: str, what: str) -> None:
        self.note(lines[0], outcome, what)
        for line in lines[1:]:
            self.note(line, outcome, f"{what} (continued)")

    # Workers -----------------------------------------------------------------------------------------------------

    def _workers(self, child: Child, workers: list[WorkerEpisode]) -> None:
        previous: WorkerEpisode | None = None
        in_order = sorted(workers, key=lambda w: (w.started_on, w.line.number))
        for n, worker in enumerate(in_order):
            following = in_order[n + 1] if n + 1 < len(in_order) else None
            if previous is not None and (previous.ended_on is None or worker.started_on < previous.ended_on):
                raise worker.line.refuse(
                    f"Overlapping worker episodes: the one on line {previous.line.number} has not ended by then."
                )
            # A worker who has since left is still found (deactivated, not deleted): their allocations are history.
            user = User.objects.filter(social_work_england_id=worker.worker_id).first()
            if user is None:
                raise worker.line.refuse(
                    f"Unknown worker: nobody in Hearth has the Social Work England number {worker.worker_id}."
                )
            allocation = Allocation(
                child=child,
                worker=user,
                started_on=worker.started_on,
                ended_on=worker.ended_on,
                end_reason=_end_reason(worker, following),
            )
            existing = Allocation.objects.filter(child=child)
            self._dated(allocation, existing, [worker.line], f"worker {user}", compared=("worker_id",), ends=("end_reason",))
            previous = worker

    # Reviews and missing episodes: written through casework's services, so an import meets the rules a page does
    # (in care on the day, PN0 under 4 only, no overlapping missing episodes).

    def _reviews(self, child: Child, born: datetime.date) -> None:
        for line in self.files.reviews:
            _check_birth(line, born)
            day, code = _date(line, "REVIEW"), _code(line, "REVIEW_CODE", casework_codes.ReviewParticipation.values)
            held = child.reviews.filter(reviewed_on=day).first()
            if held is not None and held.participation != code:
                raise line.refuse(f"Hearth holds a review on {day:%d/%m/%Y} coded {held.participation}, not {code}.")
            if held is not None:
                self.note(line, HELD, f"the review on {day:%d/%m/%Y}")
                continue
            _through_service(line, review_record, child=child, actor=self.actor, reviewed_on=day, participation=code)
            self.note(line, ADD, f"a review on {day:%d/%m/%Y} ({code})")

    def _missing(self, child: Child, born: datetime.date) -> None:
        for line in self.files.missing:
            _check_birth(line, born)
            kind = _code(line, "MISSING", casework_codes.MissingKind.values)
            start, end = _date(line, "MIS_START"), _optional_date(line, "MIS_END")
            held = child.missing_episodes.filter(started_on=start).first()
            if held is None:
                fields = {"kind": kind, "started_on": start, "ended_on": end}
                self.note(line, ADD, str(_through_service(line, missing_episode_record, child=child, actor=self.actor, **fields)))
            elif (held.kind, held.ended_on) == (kind, end):
                self.note(line, HELD, str(held))
            elif held.kind == kind and held.ended_on is None and end is not None:  # a later file: the child came back
                _through_service(line, missing_episode_update, episode=held, actor=self.actor, ended_on=end)
                self.note(line, UPDATE, f"came back on {end:%d/%m/%Y}")
            else:
                raise line.refuse(f"Hearth holds a different missing episode from {start:%d/%m/%Y}: {held}.")

    # Adoption and previous permanence ---------------------------------------------------------------------------

    def _adoption(self, child: Child, identity: Identity, periods: list[Period]) -> None:
        decisions = [self._decision(child, identity, line) for line in self.files.decisions]
        if len(self.files.adoptions) > 1:
            raise self.files.adoptions[1].refuse("A second AD1 row for this CHILD: a child is adopted once.")
        for line in self.files.adoptions:
            self._adopted(child, identity, line, decisions, periods)

    def _decision(self, child: Child, identity: Identity, line: Line) -> AdoptionDecision:
        _same_birth(line, identity)
        decided, ceased = _date(line, "DATE_PLACED"), _optional_date(line, "DATE_PLACED_CEASED")
        reason = _code(line, "REASON_PLACED_CEASED", codes.ReasonPlacedCeased.values, required=False)
        if bool(ceased) != bool(reason):
            raise line.refuse("DATE_PLACED_CEASED and REASON_PLACED_CEASED go together: a reversed decision says why.")
        held = AdoptionDecision.objects.filter(child=child, decided_on=decided).first()
        what = f"decision to place for adoption of {decided:%d/%m/%Y}"
        if held is not None and (held.ceased_on, held.ceased_reason) == (ceased, reason):
            self.note(line, HELD, what)
            return held
        if held is not None and held.ceased_on is not None:
            raise line.refuse(f"Hearth's {what} was reversed on {held.ceased_on:%d/%m/%Y}, not as the file says.")
        decision = held or AdoptionDecision(child=child, decided_on=decided, recorded_by=self.actor)
        decision.ceased_on, decision.ceased_reason = ceased, reason
        self._save(decision, line)
        self.note(line, UPDATE if held else ADD, what + (": reversed" if held else ""))
        return decision

    def _adopted(
        self, child: Child, identity: Identity, line: Line, decisions: list[AdoptionDecision], periods: list[Period]
    ) -> None:
        _same_birth(line, identity)
        decided, matched = _date(line, "DATE_INT"), _date(line, "DATE_MATCH")
        adopters = _code(line, "LS_ADOPTR", codes.AdoptersLegalStatus.values)
        sex = _code(line, "SEX_ADOPTR", codes.ADOPTERS_SEXES[codes.AdoptersLegalStatus(adopters)])
        count = "1" if adopters == codes.AdoptersLegalStatus.L0 else "2"
        if line.values.get("NB_ADOPTR") != count:
            raise line.refuse(f"NB_ADOPTR is not {count}, as LS_ADOPTR {adopters} says.")
        _code(line, "FOSTER_CARE", ("0", "1"))
        last = periods[-1].episodes[-1] if periods else None
        if last is None or last.rec not in codes.ADOPTED or last.ended_on is None:
            raise line.refuse("The episodes do not end in an adoption (REC E11 or E12), as an AD1 row says.")
        decision = next((d for d in decisions if d.decided_on == decided), None)
        if decision is None:
            raise line.refuse(f"No PlacedAdoption row has DATE_PLACED {decided:%d/%m/%Y}, the AD1's DATE_INT.")
        if decision.matched_on != matched:
            decision.matched_on = matched
            self._save(decision, line)
        adoption = Adoption(
            child=child, decision=decision, adopted_on=last.ended_on, rec=last.rec, adopters=adopters, adopters_sex=sex,
            recorded_by=self.actor,
        )  # fmt: skip
        held = Adoption.objects.filter(child=child).first()
        fields = ("decision_id", "adopted_on", "rec", "adopters", "adopters_sex")
        if held is not None and all(getattr(held, name) == getattr(adoption, name) for name in fields):
            self.note(line, HELD, f"adopted {last.ended_on:%d/%m/%Y}")
            return
        if held is not None:
            raise line.refuse(f"Hearth holds a different adoption for this child ({held.adopted_on:%d/%m/%Y}).")
        self._save(adoption, line)
        self.note(line, ADD, f"adopted {last.ended_on:%d/%m/%Y}")

    def _previous_permanence(self, child: Child, identity: Identity) -> None:
        if len(self.files.previous) > 1:
            raise self.files.previous[1].refuse("A second PrevPerm row for this CHILD: it is one a child.")
        for line in self.files.previous:
            _same_birth(line, identity)
            wanted = _previous(line, child, self.actor)
            care = CareEpisode.objects.filter(child=child).order_by("-started_on").first()
            if care is None:
                raise line.refuse("PrevPerm is for a child who started to be looked after: the episodes show no care.")
            try:
                services.check_previous_permanence(wanted, care.started_on)
            except ValidationError as error:
                raise line.refuse(" ".join(error.messages)) from None
            held = PreviousPermanence.objects.filter(child=child).first()
            fields = ("option", "local_authority", "order_day", "order_month", "order_year")
            if held is not None and all(getattr(held, name) == getattr(wanted, name) for name in fields):
                self.note(line, HELD, f"previous permanence {wanted.option}")
                continue
            if held is not None:
                wanted.pk, wanted.recorded_by = held.pk, held.recorded_by
            self._save(wanted, line)
            self.note(line, UPDATE if held else ADD, f"previous permanence {wanted.option}")


def _same_birth(line: Line, identity: Identity) -> None:
    if _date(line, "DOB") != identity.date_of_birth:
        raise line.refuse(f"DOB is not the Header's ({identity.date_of_birth:%d/%m/%Y}).")


def _previous(line: Line, child: Child, actor: User) -> PreviousPermanence:
    """A PrevPerm row as Hearth keeps it: a council and date only for an order (P1 to P3); P4's 999 and ZZ/ZZ/ZZZZ,
    which the 903 asks for, say only that nothing is known."""
    option = _code(line, "PREV_PERM", codes.PreviousPermanence.values)
    record = PreviousPermanence(child=child, option=option, recorded_by=actor)
    if option not in codes.PERMANENCE_ORDERS:
        return record
    record.local_authority = line.values.get("LA_PERM", "").upper()
    match = PART_DATE.fullmatch(line.values.get("DATE_PERM", "").upper())
    if match is None:
        raise line.refuse("DATE_PERM is not a date written dd/mm/YYYY (ZZ for a part not known).")
    day, month, year = (None if part.startswith("ZZ") else int(part) for part in match.groups())
    record.order_day, record.order_month, record.order_year = day, month, year
    return record


def _check_birth(line: Line, born: datetime.date) -> None:
    if _date(line, "DOB") != born:
        raise line.refuse(f"DOB {line.values.get('DOB', '')} is not the Header's ({born:%d/%m/%Y}).")


def _through_service(line: Line, service: Callable[..., Any], **fields: Any) -> Any:
    """A casework service's write; what it refuses refuses the row, in the service's words."""
    try:
        return service(**fields)
    except ValidationError as error:
        raise line.refuse(" ".join(error.messages)) from error


def _span(row: Any) -> str:
    return f"from {row.started_on:%d/%m/%Y}" + (f" to {row.ended_on:%d/%m/%Y}" if row.ended_on else " (going on)")


def _overlaps(held: Any, wanted: Any) -> bool:
    """Two dated records overlap when each starts before the other ends (one ending the day the next starts is fine)."""
    held_ends = held.ended_on or datetime.date.max
    wanted_ends = wanted.ended_on or datetime.date.max
    return bool(held.started_on < wanted_ends and wanted.started_on < held_ends) or held.started_on == wanted.started_on


# Homes the files name that Hearth does not have ----------------------------------------------------------------------

P, K, R = codes.PlaceCode, codes.ProviderKind, codes.Rung
KINSHIP_PLACES = (P.U1, P.U2, P.U3)
CHILDS_WORDS = {  # what the child reads for a home made from codes, until someone names it
    R.OWN_FAMILY: "Living with my family",
    R.KINSHIP: "Living with family or friends",
    R.IN_HOUSE_FOSTER: "Living with foster carers",
    R.IFA: "Living with foster carers",
    R.RESIDENTIAL: "A children's home",
}


def _kind(place: str, provider: str) -> str:
    """The kind of provider a 903 PLACE and PLACE_PROVIDER describe, on the ladder's order (DESIGN.md)."""
    if place == P.P1:
        return K.OWN_FAMILY
    if place in KINSHIP_PLACES:
        return K.KINSHIP
    if place == P.K1:
        return K.SECURE
    if place in codes.RESIDENTIAL_PLACE_CODES:
        return K.COUNCIL_CHILDRENS_HOME if provider == codes.ProviderCode.PR1 else K.PRIVATE_CHILDRENS_HOME
    if place == P.H5:
        return K.SUPPORTED_ACCOMMODATION
    if place == P.P2:
        return K.SUPPORTED_LODGINGS  # as the demo county codes its lodgings
    # Foster care, and the rest (adoption, temporary, hospital...): the provider says whose it is.
    return K.IN_HOUSE_FOSTER if provider == codes.ProviderCode.PR1 else K.IFA


RUNGS = {
    K.OWN_FAMILY: R.OWN_FAMILY,
    K.KINSHIP: R.KINSHIP,
    K.IN_HOUSE_FOSTER: R.IN_HOUSE_FOSTER,
    K.IFA: R.IFA,
    K.COUNCIL_CHILDRENS_HOME: R.RESIDENTIAL,
    K.PRIVATE_CHILDRENS_HOME: R.RESIDENTIAL,
    K.SECURE: R.RESIDENTIAL,
}
TRANSITIONS = {
    K.SUPPORTED_ACCOMMODATION: codes.Transition.SUPPORTED_ACCOMMODATION,
    K.SUPPORTED_LODGINGS: codes.Transition.SUPPORTED_LODGINGS,
}


def _new_home(episode: Episode, provider: Provider) -> Home:
    """A stand-in for a home the files name, built from its codes. Not offered for new moves (inactive) until
    someone gives it its real name and details in the admin."""
    rung = RUNGS.get(K(provider.kind))
    area = episode.postcode or "area not given"
    name = f"From the 903: {episode.place} {episode.provider} {episode.urn or area} (name not known)"
    words = CHILDS_WORDS[rung] if rung else "Living more independently"
    return Home(
        provider=provider, name=name, child_facing_name=words, rung=rung, transition=TRANSITIONS.get(K(provider.kind), ""),
        place_code=episode.place, postcode=episode.postcode, urn=episode.urn, active=False,
    )  # fmt: skip


# The service ----------------------------------------------------------------------------------------------------------


def ssda903_import(*, user: User, files: dict[str, IO[str]], dry_run: bool) -> ImportReport:
    """Import (or, with dry_run, only report) the children in a council's SSDA903 files. Only a head of service may:
    the files hold every child in the council's care."""
    if not selectors.may_produce_903(user):
        raise PermissionDenied("Only a head of service may import the SSDA903 files.")
    report = ImportReport(dry_run=dry_run)
    tables, report.problems = read_files(files)
    if report.problems:
        return report
    children, nameless = _by_child(tables)
    report.rows += [ReportRow(line.table, line.number, "", REFUSED, "CHILD is missing.") for line in nameless]
    with transaction.atomic():
        for files_of_child in children:
            report.rows += _import_child(files_of_child, actor=user, report=report)
        if dry_run:
            transaction.set_rollback(True)  # a dry run does it all, to report exactly, and keeps none of it
    report.rows.sort(key=lambda row: (list(TABLES).index(row.table), row.line))
    return report


def _import_child(files: ChildFiles, *, actor: User, report: ImportReport) -> list[ReportRow]:
    job = ChildImport(files, actor=actor)
    try:
        with transaction.atomic():
            job.run()
    except Refused as refusal:
        return [_refused_row(line, refusal) for line in files.lines]
    finally:
        if job.held is not None:
            report.held.add(job.held)
    return [_row(line, job.notes.get(id(line), [])) for line in files.lines]


def _refused_row(line: Line, refusal: Refused) -> ReportRow:
    if line is refusal.line:
        return ReportRow(line.table, line.number, line.child, REFUSED, refusal.reason)
    where = f"{TABLE_NAMES[refusal.line.table]} line {refusal.line.number}"
    detail = f"Not imported: this child's row on {where} is refused ({refusal.reason})"
    return ReportRow(line.table, line.number, line.child, REFUSED, detail)


def _row(line: Line, notes: list[tuple[str, str]]) -> ReportRow:
    outcomes = {outcome for outcome, _ in notes}
    outcome = ADD if ADD in outcomes else UPDATE if UPDATE in outcomes else HELD
    # Each part is named with its own outcome only where they differ (a new home for a child already held).
    parts = [what if len(outcomes) == 1 else f"{part_outcome}: {what}" for part_outcome, what in notes]
    return ReportRow(line.table, line.number, line.child, outcome, "; ".join(parts))
