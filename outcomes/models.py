"""Outcome stars that children make their own: templates, each child's star and its check-ins.

A council sets up templates (areas, scale, child-friendly words). A child's star starts from one
and can add, rename or retire areas; a StarArea keeps its id through renames (the history keeps
every earlier name), so every check-in still points at the area it scored. Rules that span
records live in services.py; access rules in selectors.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from casework.dates import validate_in_range
from casework.models import Child
from outcomes import codes
from outcomes.progress import FIELDS as PROGRESS_FIELDS

# The scores that change their area's progress: the measure reads only these (a score equal to the one
# before changes nothing; an area's first score never does).
CHANGES_PROGRESS = ~Q(counted_change=0, improved_change=0, latest_change=0)


class StarTemplate(models.Model):
    """Configuration, set up by the council's administrators in the admin."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    scale_min = models.PositiveSmallIntegerField("lowest score", default=1)
    scale_max = models.PositiveSmallIntegerField("highest score", default=10)
    scale_words = models.JSONField(
        default=dict,
        blank=True,
        help_text='Words for some points on the scale, e.g. {"1": "Really hard", "5": "OK", "10": "Really good"}.',
    )
    min_age = models.PositiveSmallIntegerField("youngest age", default=0)
    max_age = models.PositiveSmallIntegerField("oldest age", default=25)
    active = models.BooleanField(default=True, help_text="Only active templates can start new stars.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="star_scale_min_below_max"),
            models.CheckConstraint(condition=Q(min_age__lte=F("max_age")), name="star_template_age_band"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.scale_words, dict):
            raise ValidationError({"scale_words": 'Write the words as {"1": "Really hard", "10": "Really good"}.'})
        for point in self.scale_words:
            # isascii: "²".isdigit() is True but int("²") fails.
            if not (str(point).isascii() and str(point).isdigit()) or not self.scale_min <= int(point) <= self.scale_max:
                raise ValidationError({"scale_words": f"{point} is not a point on the scale {self.scale_min}–{self.scale_max}."})

    @property
    def scale(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    def word_for(self, score: int) -> str:
        return str(self.scale_words.get(str(score), ""))


class TemplateArea(models.Model):
    template = models.ForeignKey(StarTemplate, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=80)
    question = models.CharField("question for the child", max_length=300, help_text="Asked in the child's words.")
    description = models.TextField(blank=True, max_length=2000, help_text="What this area covers, for staff.")
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "name"], name="template_area_name_unique")]

    def __str__(self) -> str:
        return self.name


class Star(models.Model):
    # CASCADE only because children are never deleted by users (no page, API or admin can); the
    # demo county's reset is the one deletion there is, and it must not be blocked by stars.
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="stars")
    template = models.ForeignKey(StarTemplate, on_delete=models.PROTECT, related_name="stars")
    started_on = models.DateField(validators=[validate_in_range])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-started_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["child", "template"], name="one_star_per_template")]

    def __str__(self) -> str:
        return f"{self.template} star from {self.started_on:%d/%m/%Y}"


class StarArea(models.Model):
    """One point of a child's star. Its id never changes: a rename is a change kept in the history."""

    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="areas")
    template_area = models.ForeignKey(
        TemplateArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="star_areas",
        help_text="The template area this came from or is based on; empty for the child's own areas.",
    )
    origin = models.CharField(max_length=10, choices=codes.AreaOrigin.choices, default=codes.AreaOrigin.TEMPLATE)
    original_name = models.CharField(max_length=80, editable=False)
    name = models.CharField(max_length=80)
    question = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    added_on = models.DateField(validators=[validate_in_range])
    retired_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    history = HistoricalRecords()

    class Meta:
        ordering = ["star", "order", "id"]
        # The star measure takes back what a retired area's scores added, from the day it was retired.
        indexes = [models.Index(fields=["retired_on"], condition=models.Q(retired_on__isnull=False), name="retired_areas")]

    def __str__(self) -> str:
        return self.name

    @property
    def added_by_child(self) -> bool:
        return self.origin == codes.AreaOrigin.CHILD

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    @property
    def was_renamed(self) -> bool:
        return self.name != self.original_name

    @property
    def child_question(self) -> str:
        return self.question or f"How do you feel about {said_to_you(self.name)}?"


# An area is named in the child's own voice ("Things I do outside home"); the question asks it back to them.
TO_YOU = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're", "i've": "you've"}


def said_to_you(name: str) -> str:
    """An area's name turned to the child: 'Things I do outside home' -> 'things you do outside home'."""
    words = name.split(" ")
    turned = [TO_YOU.get(word.lower(), word) for word in words]
    first = turned[0]
    if first == words[0] and first[:1].isupper() and not first[1:2].isupper():  # a capital only because it starts
        turned[0] = first[:1].lower() + first[1:]
    return " ".join(turned)


class CheckIn(models.Model):
    """One person's answers at one stage. Several people may answer at the same stage and date."""

    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="check_ins")
    stage = models.CharField(max_length=10, choices=codes.Stage.choices)
    date = models.DateField(validators=[validate_in_range])
    respondent = models.CharField("who answered", max_length=10, choices=codes.Respondent.choices)
    answered_by_name = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["star", "date", "id"]
        indexes = [models.Index(fields=["star", "date"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} on {self.date:%d %b %Y}: {self.who}"

    @property
    def who(self) -> str:
        label = self.get_respondent_display()
        return f"{label} ({self.answered_by_name})" if self.answered_by_name else label


class CheckInScore(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="scores")
    # RESTRICT: an area with scores cannot be deleted on its own, only with its whole star.
    area = models.ForeignKey(StarArea, on_delete=models.RESTRICT, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=2000)
    next_step = models.TextField(blank=True, max_length=2000)
    # Copied from the check-in (which never changes once recorded) by check_in_record, so the dashboard's star
    # measure reads each area's scores in order from one index, without joining 2.6 million rows to check-ins.
    check_in_date = models.DateField(editable=False)
    respondent = models.CharField(max_length=10, choices=codes.Respondent.choices, editable=False)
    # Also copied, from the area (which never changes template), so the measure groups by it without a join.
    template_area = models.ForeignKey(
        TemplateArea, null=True, on_delete=models.PROTECT, editable=False, related_name="+", db_index=False
    )
    # What this score changes in its area's progress (outcomes.progress; the child's scores only, else 0), kept by
    # services.check_in_record. Derived bookkeeping, so not in the history.
    counted_change = models.SmallIntegerField(default=0, editable=False)
    improved_change = models.SmallIntegerField(default=0, editable=False)
    first_change = models.SmallIntegerField(default=0, editable=False)
    latest_change = models.SmallIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["template_area", *PROGRESS_FIELDS])

    class Meta:
        ordering = ["check_in", "id"]
        constraints = [models.UniqueConstraint(fields=["check_in", "area"], name="one_score_per_area_per_check_in")]
        indexes = [
            models.Index(
                fields=["area", "check_in_date", "check_in"],
                include=["score"],
                condition=models.Q(respondent="child"),
                name="child_scores_in_order",
            ),
            models.Index(
                fields=["check_in_date"],
                include=["template_area", "area", *PROGRESS_FIELDS],
                condition=models.Q(respondent="child") & CHANGES_PROGRESS,
                name="child_progress_changes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.score}"
