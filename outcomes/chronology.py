"""Outcome stars in a child's chronology (casework.chronology): each star begun and each check-in on it.
Registered in OutcomesConfig.ready(): casework never imports this app."""

from collections.abc import Iterable

from django.db.models import Prefetch
from django.urls import reverse

from casework.chronology import ChronologySource, Entry, short
from casework.models import Child
from outcomes.models import CheckIn, CheckInScore, Star


def star_entries(child: Child) -> Iterable[Entry]:
    scores = CheckInScore.objects.select_related("area").order_by("area__order", "area_id")
    check_ins = CheckIn.objects.select_related("recorded_by").prefetch_related(Prefetch("scores", queryset=scores))
    stars = Star.objects.filter(child=child).select_related("template", "created_by")
    for star in stars.prefetch_related(Prefetch("check_ins", queryset=check_ins)):
        link = reverse("outcomes:star-detail", args=[star.pk])
        yield Entry(star.started_on, "star", f"{star.template} star started", "", link, str(star.created_by))
        for check_in in star.check_ins.all():
            answers = ", ".join(f"{score.area.name} {score.score}" for score in check_in.scores.all())
            title = f"Star check-in ({check_in.get_stage_display().lower()}): {check_in.who}"
            yield Entry(check_in.date, "star", title, short(answers), link, str(check_in.recorded_by))


SOURCES = (ChronologySource("star", "Outcome stars", 85, star_entries),)
