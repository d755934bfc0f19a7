"""Reads of voice notes. Whoever may see the visit may see (and play) its recordings; nobody else."""

from django.db.models import QuerySet
from django.http import Http404

from casework import selectors as casework_selectors
from casework.models import Child, User
from placements import selectors as placements_selectors
from voice.models import Recording


def recordings_visible_to(*, user: User) -> QuerySet[Recording]:
    visits = casework_selectors.visits_visible_to(user=user)
    return Recording.objects.filter(visit__in=visits.values("pk")).select_related("visit__child", "uploaded_by")


def recording_get(*, user: User, recording_id: int) -> Recording:
    recording = recordings_visible_to(user=user).filter(pk=recording_id).first()
    if recording is None:
        raise Http404("No recording found")
    return recording


def names_in_record(*, child: Child) -> list[str]:
    """What the child's record calls the people and places a worker speaks of, known before transcription:
    the child, their family network, their workers (past and present), their school and their home.
    Read by the pipeline for a recording it already holds, so no user's access applies here."""
    people = [child.first_name, child.last_name, child.preferred_name]
    people += casework_selectors.people_who_matter_to_child(child=child).values_list("name", flat=True)
    for allocation in casework_selectors.child_workers(child=child):
        people += [allocation.worker.first_name, allocation.worker.last_name]
    words = [word for name in people for word in name.split()]
    places = [child.school, *placements_selectors.current_home_names([child]).values()]
    return [*words, *(place for place in places if place)]
