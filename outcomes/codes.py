"""Choices for outcome stars, in the words the people using them use."""

from django.db import models


class AreaOrigin(models.TextChoices):
    TEMPLATE = "template", "From the council's template"
    CHILD = "child", "Added by the child"
    FAMILY = "family", "Added by the family"
    WORKER = "worker", "Added by the worker"


class Stage(models.TextChoices):
    START = "start", "Start"
    MID_POINT = "mid_point", "Mid-point review"
    REVIEW = "review", "Review"
    END = "end", "End"


class Respondent(models.TextChoices):
    CHILD = "child", "The child"
    PARENT = "parent", "A parent"
    CARER = "carer", "A carer"
    WORKER = "worker", "The worker"


# Where the child and the worker scored an area this many points apart, the star shows it.
DISAGREEMENT_GAP = 3
