"""Reads of casework records, with the access rules. Views and APIs get case data only from here.

Who may see a child is decided by CHILD_VISIBILITY: one rule per role, each a filter on Child.
Adding a role (child accounts, for instance) is adding one entry."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from casework import codes
from casework.models import (
    Allocation,
    CareEpisode,
    Child,
    FamilyMember,
    RecordView,
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


CHILD_VISIBILITY: dict[str, Callable[[User], Q]] = {
    codes.Role.SOCIAL_WORKER: _social_worker_sees,
    codes.Role.TEAM_MANAGER: lambda user: _current_team_filter(user.team_id),
    codes.Role.HEAD_OF_SERVICE: lambda user: Q(),
    # Administrators manage users and configuration, not case content.
    codes.Role.ADMINISTRATOR: lambda user: NOTHING,
}


def children_visible_to(*, user: User) -> QuerySet[Child]:
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    rule = CHILD_VISIBILITY.get(user.role, lambda user: NOTHING)
    visible_ids = Child.objects.filter(rule(user)).values("pk")
    return Child.objects.filter(pk__in=visible_ids)


def children_with_summaries(children: QuerySet[Child]) -> QuerySet[Child]:
    """Adds `in_care` and `current_allocations` (with the worker) in two queries for any number of children."""
    open_episode = CareEpisode.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    current = Allocation.objects.filter(ended_on__isnull=True).select_related("worker")
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


def current_allocation(*, child: Child) -> Allocation | None:
    return child.allocations.select_related("worker__team").filter(ended_on__isnull=True).first()


def allocations_visible_to(*, user: User) -> QuerySet[Allocation]:
    return Allocation.objects.filter(child__in=children_visible_to(user=user)).select_related("worker__team", "child")


def family_visible_to(*, user: User) -> QuerySet[FamilyMember]:
    # The linked record of a sibling in another team is not loaded: only that it exists (own_record_id).
    return FamilyMember.objects.filter(child__in=children_visible_to(user=user))


def visits_visible_to(*, user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(child__in=children_visible_to(user=user)).select_related(
        "author", "signed_by", "draft_reviewed_by", "child"
    )


def visit_get(*, user: User, visit_id: int) -> Visit:
    visit = visits_visible_to(user=user).filter(pk=visit_id).first()
    if visit is None:
        raise Http404("No visit found")
    return visit


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


def team_members(*, user: User) -> QuerySet[User]:
    """Workers this user may allocate a child to."""
    workers = User.objects.filter(role__in=[codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER], is_active=True)
    if user.role == codes.Role.HEAD_OF_SERVICE:
        return workers.select_related("team")
    return workers.filter(team_id=user.team_id).select_related("team")


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


def _caseload_queryset(children: QuerySet[Child]) -> QuerySet[Child]:
    statutory = Q(visits__visit_type=codes.VisitType.STATUTORY)
    open_episode = CareEpisode.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    return children.annotate(
        last_visit_at=Max("visits__visited_at"),
        last_statutory_at=Max("visits__visited_at", filter=statutory),
        in_care_since=Subquery(open_episode.values("started_on")[:1]),
    ).order_by("last_name", "first_name", "id")


def caseload_rows(*, children: QuerySet[Child]) -> list[CaseloadRow]:
    """One row per child with what a worker scans for: age, last visit, next statutory visit, flags."""
    today = timezone.localdate()
    return [_caseload_row(child, today) for child in _caseload_queryset(children)]


def _caseload_row(child: Child, today: datetime.date) -> CaseloadRow:
    next_due = None
    in_care = child.in_care_since is not None
    # Only a visit in the current period in care counts: a child back in care is due within a week.
    visited_this_time = in_care and child.last_statutory_at and timezone.localdate(child.last_statutory_at) >= child.in_care_since
    if visited_this_time:
        next_due = timezone.localdate(child.last_statutory_at) + datetime.timedelta(weeks=settings.HEARTH_STATUTORY_VISIT_WEEKS)
    elif in_care:
        # Never visited since coming into care: the first visit is due within a week.
        next_due = child.in_care_since + datetime.timedelta(weeks=1)
    flags = [
        label
        for flag, label in ((child.uasc, "UASC"), (child.disability, "Disability"), (child.send == codes.SendNeed.EHCP, "EHCP"))
        if flag
    ]
    return CaseloadRow(child, child.age_on(today), child.last_visit_at, next_due, in_care, flags)


def my_caseload(*, user: User) -> QuerySet[Child]:
    return Child.objects.filter(allocations__ended_on__isnull=True, allocations__worker=user, status=codes.CaseStatus.OPEN)


def team_caseload(*, user: User) -> QuerySet[Child]:
    return children_visible_to(user=user).filter(status=codes.CaseStatus.OPEN)


def record_views_of(*, user: User, child: Child) -> QuerySet[RecordView]:
    """Who looked at this child's record. Only a head of service may ask."""
    if user.role != codes.Role.HEAD_OF_SERVICE:
        raise PermissionDenied("Only a head of service can see who has viewed a child's record.")
    return RecordView.objects.filter(child=child).select_related("user")
