"""Reads of casework records, with the access rules. Views and APIs get case data only from here.

Who may see a child is decided by CHILD_VISIBILITY: one rule per role, each a filter on Child.
Adding a role (child accounts, for instance) is adding one entry."""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import PermissionDenied
from django.db.models import Case, DateField, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Concat, Greatest, TruncDate
from django.http import Http404
from django.utils import timezone

from casework import codes, contact_due, dates
from casework.dates import months_before
from casework.homes import homes_on, latest_move, together
from casework.ids import parse_id
from casework.models import (
    Allocation,
    CareEpisode,
    CareLeaverRecord,
    CaseNote,
    Child,
    ChildAccount,
    ChildInvite,
    FamilyMember,
    HealthRecord,
    LookedAfterReview,
    MissingEpisode,
    RecordCheck,
    RecordView,
    SharedRecord,
    SiblingContactArrangement,
    SiblingContactSession,
    User,
    Visit,
)

NOTHING = Q(pk__in=[])


def _current_team_filter(team_id: int | None) -> Q:
    if team_id is None:
        return NOTHING
    return Q(allocations__ended_on__isnull=True, allocations__worker__team_id=team_id)


def _social_worker_sees(user: User) -> Q:
    # Their own children, and read-only the rest of their team's.
    return Q(allocations__ended_on__isnull=True, allocations__worker=user) | _current_team_filter(user.team_id)


def _sees_nothing(user: User) -> Q:
    return NOTHING


CHILD_VISIBILITY: dict[str, Callable[[User], Q]] = {
    codes.Role.SOCIAL_WORKER: _social_worker_sees,
    codes.Role.TEAM_MANAGER: lambda user: _current_team_filter(user.team_id),
    codes.Role.HEAD_OF_SERVICE: lambda user: Q(),
    # Administrators manage users and configuration, not case content.
    codes.Role.ADMINISTRATOR: _sees_nothing,
    # A child sees no staff record, not even their own: only what is shared with them, through the
    # child's own selectors below (own_child, shared_records_for_child...).
    codes.Role.CHILD: _sees_nothing,
}


def children_visible_to(*, user: User) -> QuerySet[Child]:
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    rule = CHILD_VISIBILITY.get(user.role, _sees_nothing)
    visible_ids = Child.objects.filter(rule(user)).values("pk")
    return Child.objects.filter(pk__in=visible_ids)


# Finding a child ------------------------------------------------------------------------------------------

# How alike a name must be to what was typed (pg_trgm's word_similarity, 0 to 1): "Jon Smyth" finds
# "John Smith" (0.31); "Zed" does not find "Ava Testchild" (0).
NAME_LIKENESS = 0.3
UPN_SHAPE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")  # a letter, 11 digits, then a digit (or a letter: a temporary UPN)


def children_found(*, user: User, query: str) -> QuerySet[Child]:
    """The children this user may see who match what they typed (children_matching)."""
    return children_matching(children_visible_to(user=user), query)


def children_matching(children: QuerySet[Child], query: str) -> QuerySet[Child]:
    """Those of `children` who match what was typed: a Hearth id, a UPN, a date of birth (31/12/2015 or
    2015-12-31), or a name, forgiving spelling, best match first."""
    typed = " ".join(query.split())[:100]
    if not typed:
        return children.none()
    if (child_id := parse_id(typed)) is not None:
        return children.filter(pk=child_id)
    if UPN_SHAPE.fullmatch(typed.replace(" ", "").upper()):
        return children.filter(upn=typed.replace(" ", "").upper())
    if (day := _date_typed(typed)) is not None:
        return children.filter(date_of_birth=day)
    return children_named_like(children, typed)


def _date_typed(typed: str) -> datetime.date | None:
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", typed)
    british = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", typed)
    if iso is None and british is None:
        return None
    year, month, day = iso.groups() if iso else reversed(british.groups())  # type: ignore[union-attr]
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def children_named_like(children: QuerySet[Child], typed: str) -> QuerySet[Child]:
    """Those of `children` whose legal or preferred name is spelled like `typed`, best match first."""
    legal = Concat("first_name", Value(" "), "last_name")
    preferred = Concat("preferred_name", Value(" "), "last_name")
    likeness = Greatest(TrigramWordSimilarity(typed, legal), TrigramWordSimilarity(typed, preferred))
    return children.annotate(likeness=likeness).filter(likeness__gte=NAME_LIKENESS).order_by("-likeness", "last_name", "id")


class Summary(TypedDict):
    in_care: bool
    current_allocations: list[Allocation]


class CaseloadDates(TypedDict):
    last_visit_at: datetime.datetime | None
    last_statutory_on: datetime.date | None
    in_care_since: datetime.date | None
    next_visit_due: datetime.date | None


if TYPE_CHECKING:  # children with what a queryset below adds; at run time WithAnnotations cannot be subscripted so
    from django_stubs_ext import WithAnnotations

    SummarisedChild: TypeAlias = WithAnnotations[Child, Summary]
    CaseloadChild: TypeAlias = WithAnnotations[Child, CaseloadDates]
else:
    SummarisedChild = CaseloadChild = Child


def children_with_summaries(children: QuerySet[Child]) -> QuerySet[SummarisedChild]:
    """Adds `in_care` and `current_allocations` (with the worker) in two queries for any number of children."""
    open_episode = CareEpisode.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    current = Allocation.objects.filter(ended_on__isnull=True).select_related("worker__team")
    return children.annotate(in_care=Exists(open_episode)).prefetch_related(
        Prefetch("allocations", queryset=current, to_attr="current_allocations")
    )


def child_get(*, user: User, child_id: int) -> Child:
    """The child, if this user may see them; otherwise 404, so a record's existence never leaks."""
    child = children_visible_to(user=user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No child found")
    return child


def child_can_record(*, user: User, child: Child) -> bool:
    """May this user add to or change the child's record? Same-team social workers only read."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == codes.Role.HEAD_OF_SERVICE:
        return True
    current = current_allocation(child=child)
    if current is None:
        return False
    if user.role == codes.Role.SOCIAL_WORKER:
        return current.worker_id == user.pk
    if user.role == codes.Role.TEAM_MANAGER:
        return user.team_id is not None and current.worker.team_id == user.team_id
    return False


def care_leaver_of(*, child: Child) -> CareLeaverRecord | None:
    return CareLeaverRecord.objects.filter(child=child).first()


@dataclass(frozen=True)
class HealthQuestions:
    """Which questions of the yearly health record a child's age asks, by the 903's OC2 rules: ages are at 31 March
    except for the SDQ, which is asked of a child who is 4 to 16 at some time in the year."""

    age: int  # at 31 March
    sdq: bool
    sdq1_possible: bool  # "under 4 or 17 and over when last assessed" can be true only of a child who turned 4 or 17
    development_check: bool
    convicted: bool

    @property
    def sdq_why(self) -> str:
        return "the SDQ is for children aged 4 to 16 during the year" if not self.sdq else "the child was 4 to 16 in the year"

    def by_age(self) -> list[tuple[str, bool, str]]:
        """(answer, asked, why) for the answers that depend only on the age at 31 March."""
        under = codes.DEVELOPMENT_CHECK_UNDER
        return [
            ("development_check", self.development_check, f"development checks are asked about children under {under}"),
            ("convicted", self.convicted, f"convictions are asked about children {codes.CONVICTION_FROM} and over"),
        ]


def health_questions(*, child: Child, year_ending: int) -> HealthQuestions:
    first_day, last_day = dates.year_to_march(year_ending)
    born = child.date_of_birth
    return HealthQuestions(
        age=child.age_on(last_day),
        sdq=dates.birthday(born, 4) <= last_day and dates.birthday(born, 17) >= first_day,
        sdq1_possible=dates.birthday(born, 4) > first_day or dates.birthday(born, 16) < last_day,
        development_check=dates.birthday(born, codes.DEVELOPMENT_CHECK_UNDER) > last_day,
        convicted=dates.birthday(born, codes.CONVICTION_FROM) <= last_day,
    )


@dataclass(frozen=True)
class HealthDue:
    """A year for which the child needs a health record: looked after all of it (to today, for this year)."""

    year_ending: int
    record: HealthRecord | None

    @property
    def is_due(self) -> bool:
        return self.record is None


def health_records_due(*, child: Child, today: datetime.date) -> list[HealthDue]:
    """This year (if the child has been in care since its first day and still is) and last year (if they were in
    care all of it), newest first, each with its record if made. A child's page says which still needs one."""
    this_year = dates.year_ending_of(today)
    records = {record.year_ending: record for record in child.health_records.all()}
    due = []
    for year_ending in (this_year, this_year - 1):
        first_day, last_day = dates.year_to_march(year_ending)
        until = None if year_ending == this_year else last_day
        episodes = child.care_episodes.filter(started_on__lte=first_day)
        if (episodes.filter(ended_on__isnull=True) if until is None else episodes.exclude(ended_on__lt=until)).exists():
            due.append(HealthDue(year_ending, records.get(year_ending)))
    return due


def current_allocation(*, child: Child) -> Allocation | None:
    return child.allocations.select_related("worker__team").filter(ended_on__isnull=True).first()


def allocations_visible_to(*, user: User) -> QuerySet[Allocation]:
    return Allocation.objects.filter(child__in=children_visible_to(user=user)).select_related("worker__team", "child")


def family_visible_to(*, user: User) -> QuerySet[FamilyMember]:
    # The linked record of a sibling in another team is not loaded: only that it exists (own_record_id).
    return FamilyMember.objects.filter(child__in=children_visible_to(user=user))


def family_with_homes_now(*, user: User, child: Child) -> list[FamilyMember]:
    """The child's network, each with `lives_with_child_now`: for a brother or sister with their own record, worked out
    from where the two of them live today (casework.homes); for anyone else, as recorded."""
    family = list(family_visible_to(user=user).filter(child=child))
    linked = [member.own_record_id for member in family if member.own_record_id]
    homes = homes_on(timezone.localdate(), [child.pk, *linked]) if linked else {}
    for member in family:
        worked_out = member.own_record_id is not None and child.pk in homes
        member.lives_with_child_now = (  # type: ignore[attr-defined]  # shown on the page only
            together(homes, child.pk, member.own_record_id) if worked_out and member.own_record_id else member.lives_with_child
        )
    return family


def family_member_get(*, user: User, member_id: int) -> FamilyMember:
    """Someone in the network of a child this user may see; 404 otherwise, so their existence does not leak."""
    member = family_visible_to(user=user).select_related("child").filter(pk=member_id).first()
    if member is None:
        raise Http404("There is no such person, or they are not in a network you may see.")
    return member


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(child__in=children_visible_to(user=user)).select_related(
        "author", "signed_by", "draft_reviewed_by", "child"
    )


def visit_get(*, user: User, visit_id: int) -> Visit:
    visit = visits_visible_to(user=user).filter(pk=visit_id).first()
    if visit is None:
        raise Http404("No visit found")
    return visit


def case_notes_visible_to(*, user: User) -> QuerySet[CaseNote]:
    """Case notes are read as visits are: by whoever may see the child, drafts included."""
    return CaseNote.objects.filter(child__in=children_visible_to(user=user)).select_related("author", "signed_by", "child")


def case_note_get(*, user: User, note_id: int) -> CaseNote:
    note = case_notes_visible_to(user=user).filter(pk=note_id).first()
    if note is None:
        raise Http404("No case note found")
    return note


def sibling_contact_visible_to(*, user: User) -> QuerySet[SiblingContactArrangement]:
    sessions = SiblingContactSession.objects.order_by("-planned_on")
    return (
        SiblingContactArrangement.objects.filter(child__in=children_visible_to(user=user))
        .select_related("sibling", "child")
        .prefetch_related(Prefetch("sessions", queryset=sessions))
    )


def sibling_contact_sessions_visible_to(*, user: User) -> QuerySet[SiblingContactSession]:
    return SiblingContactSession.objects.filter(arrangement__child__in=children_visible_to(user=user)).select_related(
        "arrangement__sibling"
    )


@dataclass(frozen=True)
class ContactDue:
    """A session an arrangement's frequency expects (casework.contact_due): overdue, or due by `ends`."""

    arrangement: SiblingContactArrangement
    starts: datetime.date
    ends: datetime.date
    overdue: bool
    outcome: str


CONTACT_DUE_LOOKBACK_DAYS = 365  # overdue sessions listed on the child's page: the last year's


def sibling_contact_due(*, arrangements: Iterable[SiblingContactArrangement], today: datetime.date) -> list[ContactDue]:
    """For the child's page: each arrangement's missed sessions of the last year, and the one due next if it has not
    happened yet, soonest first. The arrangements come with their sessions (sibling_contact_visible_to)."""
    since = today - datetime.timedelta(days=CONTACT_DUE_LOOKBACK_DAYS)
    due = []
    for arrangement in arrangements:
        sessions = list(arrangement.sessions.all())
        for slot in contact_due.slots(arrangement, sessions, since=since, until=today - datetime.timedelta(days=1)):
            if not slot.met:
                due.append(ContactDue(arrangement, slot.starts, slot.ends, True, slot.outcome()))
        current = contact_due.current_slot(arrangement, today=today)
        if current is not None:
            [slot] = contact_due.slots(arrangement, sessions, since=current[1], until=current[1])
            if not slot.met:
                due.append(ContactDue(arrangement, slot.starts, slot.ends, False, slot.outcome()))
    return sorted(due, key=lambda item: (item.ends, item.arrangement.pk))


def sibling_contact_get(*, user: User, arrangement_id: int) -> SiblingContactArrangement:
    """A contact arrangement of a child this user may see; 404 otherwise, so its existence does not leak."""
    arrangement = sibling_contact_visible_to(user=user).filter(pk=arrangement_id).first()
    if arrangement is None:
        raise Http404("There is no such contact arrangement, or it is not one you may see.")
    return arrangement


def sibling_contact_session_get(*, user: User, session_id: int) -> SiblingContactSession:
    """A contact session of a child this user may see; 404 otherwise."""
    session = sibling_contact_sessions_visible_to(user=user).select_related("arrangement__child").filter(pk=session_id).first()
    if session is None:
        raise Http404("There is no such contact session, or it is not one you may see.")
    return session


def reviews_visible_to(*, user: User) -> QuerySet[LookedAfterReview]:
    return LookedAfterReview.objects.filter(child__in=children_visible_to(user=user)).select_related("child", "recorded_by")


def review_get(*, user: User, review_id: int) -> LookedAfterReview:
    """A looked-after review of a child this user may see; 404 otherwise, so its existence does not leak."""
    review = reviews_visible_to(user=user).filter(pk=review_id).first()
    if review is None:
        raise Http404("There is no such review, or it is not one you may see.")
    return review


def missing_episodes_visible_to(*, user: User) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(child__in=children_visible_to(user=user)).select_related("child", "recorded_by")


def missing_episode_get(*, user: User, episode_id: int) -> MissingEpisode:
    """A missing episode of a child this user may see; 404 otherwise, so its existence does not leak."""
    episode = missing_episodes_visible_to(user=user).filter(pk=episode_id).first()
    if episode is None:
        raise Http404("There is no such missing episode, or it is not one you may see.")
    return episode


def versions_of(record: LookedAfterReview | MissingEpisode) -> list[Any]:
    """A record's versions, newest first, with who saved each: what a correction page shows it said before."""
    return list(record.history.select_related("history_user").order_by("-history_date", "-history_id"))


def team_members(*, user: User) -> QuerySet[User]:
    """Workers this user may allocate a child to."""
    workers = User.objects.filter(role__in=[codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER], is_active=True)
    if user.role == codes.Role.HEAD_OF_SERVICE:
        return workers.select_related("team")
    return workers.filter(team=user.team_id).select_related("team")


# The caseload ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    age: int
    last_visit_at: datetime.datetime | None
    next_visit_due: datetime.date | None
    in_care: bool
    flags: list[str]

    @property
    def visit_overdue(self) -> bool:
        return self.next_visit_due is not None and self.next_visit_due < timezone.localdate()


def _caseload_queryset(children: QuerySet[Child]) -> QuerySet[CaseloadChild]:
    """The caseload's dates, worked out by the database so that the caseload can be filtered and sorted by them.

    Only a signed record is a visit (a draft is not yet one). The next statutory visit is due 6 weeks after the last
    one in the current period in care, or, not visited since coming into care or since moving home, a week after."""
    signed = Q(visits__status=codes.VisitStatus.SIGNED)
    statutory = signed & Q(visits__visit_type=codes.VisitType.STATUTORY)
    open_episode = CareEpisode.objects.filter(child=OuterRef("pk"), ended_on__isnull=True).order_by()  # one at most
    weeks = datetime.timedelta(weeks=settings.HEARTH_STATUTORY_VISIT_WEEKS)
    return children.annotate(
        last_visit_at=Max("visits__visited_at", filter=signed),
        last_statutory_on=TruncDate(Max("visits__visited_at", filter=statutory)),
        in_care_since=Subquery(open_episode.values("started_on")[:1]),
        # GREATEST leaves out an empty value: never moved, or last moved before this period in care, is coming in.
        came_or_moved_on=Greatest("in_care_since", latest_move(timezone.localdate()), output_field=DateField()),
        next_visit_due=Case(
            When(in_care_since__isnull=True, then=None),
            When(last_statutory_on__gte=F("came_or_moved_on"), then=Cast(F("last_statutory_on") + weeks, DateField())),
            default=Cast(F("came_or_moved_on") + datetime.timedelta(weeks=1), DateField()),
            output_field=DateField(),
        ),
    )  # type: ignore[return-value]  # the stubs type TruncDate of a nullable Max as a date


def caseload_rows(*, children: QuerySet[Child]) -> list[CaseloadRow]:
    """One row per child with what a worker scans for: age, last visit, next statutory visit, flags."""
    return caseload_rows_of(_caseload_queryset(children).order_by("last_name", "first_name", "id"))


def caseload_rows_of(children: Iterable[CaseloadChild]) -> list[CaseloadRow]:
    """caseload_rows for children from caseload_filtered (a page of them), in their order."""
    today = timezone.localdate()
    return [_caseload_row(child, today) for child in children]


def _caseload_row(child: CaseloadChild, today: datetime.date) -> CaseloadRow:
    flags = [
        label
        for flag, label in ((child.uasc, "UASC"), (child.disability, "Disability"), (child.send == codes.SendNeed.EHCP, "EHCP"))
        if flag
    ]
    in_care = child.in_care_since is not None
    return CaseloadRow(child, child.age_on(today), child.last_visit_at, child.next_visit_due, in_care, flags)


# What the caseload can show (?show=) and how it sorts (?sort=): labels as the page offers them.
CASELOAD_SHOWS = {
    "": "Everyone",
    "overdue": "Visit overdue",
    "due-this-week": "Visit due this week",
    "correction": "Correction asked",
    "in-care": "In care",
    "leaving-care": "Leaving care (16 or over, in care)",
}
CASELOAD_SORTS = {"": "Name", "next-visit": "Next visit due", "last-visit": "Last visit", "age": "Age, oldest first"}


def caseload_filtered(
    children: QuerySet[Child], *, show: str = "", sort: str = "", best_first: bool = False
) -> QuerySet[CaseloadChild]:
    """The caseload narrowed to what the worker asked to see, in the order they asked for: by name, or, for a
    search (`best_first`), in the order found. An unknown choice shows everyone (an older link still works)."""
    today = timezone.localdate()
    rows = _caseload_queryset(children)
    narrowed = {
        "overdue": Q(next_visit_due__lt=today),
        "due-this-week": Q(next_visit_due__gte=today, next_visit_due__lte=today + datetime.timedelta(days=7)),
        "correction": Q(
            Exists(RecordCheck.objects.filter(shared_record__visit__child=OuterRef("pk"), status=codes.CheckStatus.OPEN))
        ),
        "in-care": Q(in_care_since__isnull=False),
        "leaving-care": Q(in_care_since__isnull=False, date_of_birth__lte=months_before(today, 16 * 12)),
    }.get(show)
    if narrowed is not None:
        rows = rows.filter(narrowed)
    order: tuple[Any, ...] | None = {
        "next-visit": (F("next_visit_due").asc(nulls_last=True), "last_name", "id"),
        "last-visit": (F("last_visit_at").desc(nulls_last=True), "last_name", "id"),
        "age": ("date_of_birth", "last_name", "id"),
    }.get(sort)
    if order:
        return rows.order_by(*order)
    return rows if best_first else rows.order_by("last_name", "first_name", "id")


def my_caseload(*, user: User) -> QuerySet[Child]:
    return Child.objects.filter(allocations__ended_on__isnull=True, allocations__worker=user, status=codes.CaseStatus.OPEN)


def team_caseload(*, user: User) -> QuerySet[Child]:
    return children_visible_to(user=user).filter(status=codes.CaseStatus.OPEN)


def record_views_of(*, user: User, child: Child) -> QuerySet[RecordView]:
    """Who looked at this child's record. Only a head of service may ask."""
    if user.role != codes.Role.HEAD_OF_SERVICE:
        raise PermissionDenied("Only a head of service can see who has viewed a child's record.")
    return RecordView.objects.filter(Q(child=child) | Q(children=child)).distinct().select_related("user")


# A child's own account ---------------------------------------------------------------------------
# What a signed-in child may read: their own record's child-facing parts, and only what is shared.


def own_child(*, user: User) -> Child:
    """The signed-in child's own record; 404 for anyone else (staff included) or a suspended account."""
    if not user.is_authenticated or not user.is_active or user.role != codes.Role.CHILD:
        raise Http404("No journey here")
    account = ChildAccount.objects.select_related("child").filter(user=user, suspended_at__isnull=True).first()
    if account is None:
        raise Http404("No journey here")
    return account.child


def is_own_record(*, user: User, child: Child) -> bool:
    if not user.is_authenticated or not user.is_active or user.role != codes.Role.CHILD:
        return False
    return ChildAccount.objects.filter(user=user, child=child, suspended_at__isnull=True).exists()


def child_account_of(*, child: Child) -> ChildAccount | None:
    """For the staff page: whether the child has an account, and whether it is suspended."""
    return ChildAccount.objects.select_related("user", "suspended_by").filter(child=child).first()


def open_invite_of(*, child: Child) -> ChildInvite | None:
    """An invite that still works (not used, cancelled or out of date)."""
    return (
        ChildInvite.objects.filter(child=child, used_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def shared_records_for_child(*, user: User) -> QuerySet[SharedRecord]:
    """Records shared with the signed-in child, with their checks (newest first)."""
    child = own_child(user=user)
    checks = RecordCheck.objects.select_related("answered_by").order_by("-checked_at", "-id")
    return (
        SharedRecord.objects.filter(visit__child=child, visit__status=codes.VisitStatus.SIGNED)
        .select_related("visit__author", "shared_by")
        .prefetch_related(Prefetch("checks", queryset=checks))
    )


def shared_record_for_child(*, user: User, shared_record_id: int) -> SharedRecord:
    record = shared_records_for_child(user=user).filter(pk=shared_record_id).first()
    if record is None:
        raise Http404("No record found")
    return record


def shares_of_visit(*, visit: Visit) -> QuerySet[SharedRecord]:
    """For staff who can see the visit: what was shared and what the child said."""
    checks = RecordCheck.objects.select_related("answered_by").order_by("-checked_at", "-id")
    return visit.shares.select_related("shared_by").prefetch_related(Prefetch("checks", queryset=checks))


def corrections_visible_to(*, user: User) -> QuerySet[RecordCheck]:
    """Correction requests ("this isn't right") on children this user may see, oldest first."""
    return RecordCheck.objects.filter(
        verdict=codes.Verdict.NOT_RIGHT, shared_record__visit__child__in=children_visible_to(user=user)
    ).select_related("shared_record__visit__child", "answered_by")


def open_corrections_for(*, user: User) -> QuerySet[RecordCheck]:
    """What the worker's caseload shows until answered: open requests on the children allocated to them."""
    return (
        corrections_visible_to(user=user)
        .filter(status=codes.CheckStatus.OPEN, shared_record__visit__child__in=my_caseload(user=user))
        .order_by("checked_at", "id")
    )


def correction_get(*, user: User, check_id: int) -> RecordCheck:
    check = corrections_visible_to(user=user).filter(pk=check_id).first()
    if check is None:
        raise Http404("No correction request found")
    return check


def child_workers(*, child: Child) -> QuerySet[Allocation]:
    """The workers a child has had, oldest first, with the hello each wrote for children."""
    return child.allocations.select_related("worker").order_by("started_on", "id")


def people_who_matter_to_child(*, child: Child) -> QuerySet[FamilyMember]:
    """The child's people: names and relationships only. Staff notes on family members never reach a child."""
    return child.family.filter(ended_on__isnull=True).only("id", "child_id", "name", "relationship", "own_record_id")


def next_sibling_contact(*, child: Child) -> dict[int, datetime.date]:
    """The next planned contact with each brother or sister: {family member id: date}."""
    today = timezone.localdate()
    rows = (
        SiblingContactSession.objects.filter(
            arrangement__child=child, status=codes.ContactSessionStatus.PLANNED, planned_on__gte=today
        )
        .values("arrangement__sibling_id")
        .annotate(next_on=Min("planned_on"))
    )
    return {row["arrangement__sibling_id"]: row["next_on"] for row in rows}


# The dashboard's children ------------------------------------------------------------------------


def children_for_figures(*, user: User) -> QuerySet[Child]:
    """The children behind a user's dashboard, its drill-down lists and exports: every child for a head of
    service, the team's for a team manager, and a social worker's own children (allocated to them now),
    not the rest of their team's. Nobody else has a dashboard."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to see the dashboard.")
    if user.role == codes.Role.HEAD_OF_SERVICE:
        return Child.objects.all()
    if user.role == codes.Role.TEAM_MANAGER:
        return children_visible_to(user=user)
    if user.role == codes.Role.SOCIAL_WORKER:
        own = Child.objects.filter(allocations__ended_on__isnull=True, allocations__worker=user).values("pk")
        return Child.objects.filter(pk__in=own)
    raise PermissionDenied("Only case staff see the dashboard.")


# The child's own words, with their history (issue 6: the child's "My words" page) ---------------


@dataclass(frozen=True)
class WordsVersion:
    text: str
    changed_at: datetime.datetime
    by_the_child: bool


def child_words_history(*, child: Child, fields: tuple[str, ...], limit: int = 200) -> dict[str, list[WordsVersion]]:
    """Each of the child's words fields as it was written over time, newest first, from the last `limit`
    changes to the child's record (one query). The child's page shows when each last changed, and by whom."""
    rows = child.history.order_by("-history_date", "-history_id").values(*fields, "history_date", "history_user__role")
    versions: dict[str, list[WordsVersion]] = {name: [] for name in fields}
    for row in reversed(list(rows[:limit])):
        for name in fields:
            earlier = versions[name][-1].text if versions[name] else ""
            if row[name] != earlier:
                by_the_child = row["history_user__role"] == codes.Role.CHILD
                versions[name].append(WordsVersion(row[name], row["history_date"], by_the_child))
    return {name: list(reversed(found)) for name, found in versions.items()}


def child_account_joined_with(
    *, code_hash: str, within: datetime.timedelta = datetime.timedelta(minutes=10)
) -> ChildAccount | None:
    """The account an invite code was used for in the last few minutes: a second click on "Join"
    finds the code used by the first, and the page carries on rather than saying the code is used."""
    since = timezone.now() - within
    return (
        ChildAccount.objects.select_related("user")
        .filter(child__invites__code_hash=code_hash, child__invites__used_at__gte=since, suspended_at__isnull=True)
        .first()
    )
