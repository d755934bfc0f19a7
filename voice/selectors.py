"""Reads of voice notes. Whoever may see the visit may see (and play) its recordings; nobody else."""

from django.db.models import QuerySet
from django.http import Http404

from casework import selectors as casework_selectors
from casework.models import User
from voice.models import Recording


def recordings_visible_to(*, user: User) -> QuerySet[Recording]:
    visits = casework_selectors.visits_visible_to(user=user)
    return Recording.objects.filter(visit__in=visits.values("pk")).select_related("visit__child", "uploaded_by")


def recording_get(*, user: User, recording_id: int) -> Recording:
    recording = recordings_visible_to(user=user).filter(pk=recording_id).first()
    if recording is None:
        raise Http404("No recording found")
    return recording
