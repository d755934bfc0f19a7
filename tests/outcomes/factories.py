"""Factories and helpers for outcome stars. Stars and check-ins are made through the services, so
tests start from the same state the pages and API would make."""

import datetime
import importlib

import factory
from django.apps import apps as django_apps
from django.utils import timezone

from casework.models import Child, User
from outcomes import codes, services
from outcomes.models import CheckIn, Star, StarTemplate, TemplateArea

add_default = importlib.import_module("outcomes.migrations.0002_default_template").add_default

DEFAULT_TEMPLATE = "Hearth star"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def default_template() -> StarTemplate:
    """The council's default star. A data migration adds it; a browser test (transaction=True) empties the
    database when it ends, so the next one puts it back the way the migration does."""
    add_default(django_apps, None)
    return StarTemplate.objects.get(name=DEFAULT_TEMPLATE)


class StarTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StarTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    scale_min = 1
    scale_max = 5


class TemplateAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateArea

    template = factory.SubFactory(StarTemplateFactory)
    name = factory.Sequence(lambda n: f"Area {n}")
    question = "How do you feel about it?"
    order = factory.Sequence(lambda n: n)


def small_template(names: tuple[str, ...] = ("Sleep", "School", "Friends"), scale_max: int = 10) -> StarTemplate:
    template = StarTemplateFactory(scale_max=scale_max)
    for order, name in enumerate(names):
        TemplateAreaFactory(template=template, name=name, order=order)
    return template


def start_star(child: Child, actor: User, *, template: StarTemplate | None = None, days: int = 200) -> Star:
    return services.star_start(child=child, template=template or default_template(), actor=actor, started_on=days_ago(days))


def record(
    star: Star,
    actor: User,
    scores: dict[str, int],
    *,
    days: int = 100,
    respondent: str = codes.Respondent.CHILD,
    stage: str = codes.Stage.START,
) -> CheckIn:
    """A check-in scoring the star's areas by name."""
    areas = {area.name: area for area in star.areas.all()}
    given = [services.ScoreInput(area=areas[name], score=score) for name, score in scores.items()]
    return services.check_in_record(star=star, stage=stage, date=days_ago(days), respondent=respondent, scores=given, actor=actor)
