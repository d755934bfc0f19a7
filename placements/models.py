"""Homes, each child's history of homes, and decisions on the placement ladder.

Rules that span records (no overlapping homes, the ladder order, who approves) live in services.py;
access rules in selectors.py. Vacancies are worked out from who lives in a home, never stored.

A child's rows point at casework.Child with CASCADE only so that a scratch database can be emptied:
no page, API or admin action deletes them, and every change is kept by django-simple-history."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from casework import postcodes
from casework.dates import validate_in_range
from casework.models import Child
from casework.services import postcode_check
from placements import codes


class Provider(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=codes.ProviderKind.choices)
    provider_code = models.CharField("903 PLACE_PROVIDER", max_length=3, choices=codes.ProviderCode.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Home(models.Model):
    """Somewhere a child can live: a foster family, kinship carers, a children's home, lodgings."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="homes")
    name = models.CharField(max_length=200, help_text="For staff, e.g. 'Patel foster carers (in-house)'.")
    child_facing_name = models.CharField(max_length=200, help_text="What a child reads, e.g. 'Living with Sam and Priya'.")
    rung = models.PositiveSmallIntegerField(choices=codes.Rung.choices, null=True, blank=True)
    transition = models.CharField(max_length=32, choices=codes.Transition.choices, blank=True)
    place_code = models.CharField("903 PLACE", max_length=2, choices=codes.PlaceCode.choices)
    # The 903's PL_POST: the distance from the child's home, the home's council and in or out of area come from it.
    postcode = models.CharField(max_length=8, blank=True, help_text="The full postcode, e.g. 'WR5 3DA'.")
    urn = models.CharField(
        "Ofsted URN",
        max_length=8,
        blank=True,
        help_text="The home's Ofsted number (a foster home: its fostering service's), e.g. SC123456.",
        validators=[RegexValidator(f"^({codes.OFSTED_URN})$", "Enter the Ofsted URN as Ofsted writes it, like SC123456.")],
    )
    capacity = models.PositiveSmallIntegerField(default=1, help_text="Children the home is approved for.")
    weekly_cost = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    takes_sibling_groups = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    deregistered_on = models.DateField(
        null=True, blank=True, help_text="When the carers or home left (a 'leaver').", validators=[validate_in_range]
    )
    # Its weekly cost feeds the cost figures and its rung the mix of homes: every change is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Adopters' homes (placed for adoption) are neither on the ladder nor a late-teen move.
            models.CheckConstraint(
                condition=Q(rung__isnull=False) | ~Q(transition="") | Q(place_code__in=codes.PLACED_FOR_ADOPTION),
                name="home_has_rung_or_transition",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_residential(self) -> bool:
        return self.rung == codes.Rung.RESIDENTIAL

    @property
    def postcode_district(self) -> str:
        """The first half of the postcode ('WR5'): where the home is, for lists."""
        return self.postcode.split(" ")[0]

    @property
    def council(self) -> str:
        """The council the home is in, by its postcode (the 903's PL_LA): 'Worcestershire', or 'Wales'."""
        place = postcodes.find(self.postcode)
        return postcodes.authority_name(place.local_authority) if place and place.local_authority else ""

    @property
    def out_of_area(self) -> bool | None:
        """Whether the home is outside the council's own area (the 903's PL_LOCATION); None without a known postcode."""
        place = postcodes.find(self.postcode)
        return None if place is None else place.local_authority != settings.HEARTH_LOCAL_AUTHORITY_CODE

    @property
    def needs_urn(self) -> bool:
        return self.place_code not in codes.NO_URN_PLACES

    def clean(self) -> None:
        if self.postcode:
            self.postcode = postcode_check(self.postcode, field="postcode")
        if self.needs_urn and not self.urn:
            raise ValidationError({"urn": f"Give the Ofsted URN: a home of type {self.place_code} is registered with Ofsted."})
        if self.urn and not self.needs_urn:
            raise ValidationError({"urn": f"A home of type {self.place_code} has no Ofsted URN: leave it blank."})


class PlacementEpisode(models.Model):
    """A period of a child living in one home. The codes are kept as recorded at the time."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placement_episodes")
    home = models.ForeignKey(Home, on_delete=models.PROTECT, related_name="episodes")
    started_on = models.DateField(validators=[validate_in_range])
    ended_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    place = models.CharField("903 PLACE", max_length=2, choices=codes.PlaceCode.choices)
    place_provider = models.CharField("903 PLACE_PROVIDER", max_length=3, choices=codes.ProviderCode.choices)
    legal_status = models.CharField("legal status at the start", max_length=2, blank=True)
    # As the worker recorded it when care started (casework.CareEpisode), carried from home to home: never a default.
    category_of_need = models.CharField(max_length=2, choices=codes.CategoryOfNeed.choices)
    reason_place_change = models.CharField(max_length=6, choices=codes.ReasonPlaceChange.choices, blank=True)
    # Worked out when the child moves (services.placement_start) from the child's home postcode and the home's, in a
    # straight line as the DfE's guidance measures it; empty if either postcode was unknown.
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True, editable=False)
    school_changed = models.BooleanField(default=False)
    rec = models.CharField("903 REC (care ended)", max_length=3, choices=codes.ReasonEpisodeCeased.choices, blank=True)
    # A move the same day, before a decision: its decision must be approved by `approval_due_at` (72 hours on).
    emergency = models.BooleanField("an emergency move", default=False, editable=False)
    emergency_reason = models.TextField("why it could not wait for a decision", blank=True, max_length=2000)
    approval_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(ended_on__isnull=True), name="one_current_home"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "started_on"]),
            models.Index(fields=["home", "ended_on"]),
            # placements migration 0005 adds placement_moves_by_day, on (started_on + 0), for the measures alone.
        ]

    def __str__(self) -> str:
        return f"{self.home} from {self.started_on:%d/%m/%Y}"


class PlacementDecision(models.Model):
    """Why a child needs a new home, each rung considered from own family down, and who approved."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placement_decisions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=codes.DecisionStatus.choices, default=codes.DecisionStatus.DRAFT)
    why_needed = models.TextField("why a new home is needed", max_length=4000)
    needs = models.TextField("the child's needs", max_length=4000, blank=True)
    child_views = models.TextField("the child's views, in their words", max_length=4000, blank=True)
    ideal_rung = models.PositiveSmallIntegerField(choices=codes.Rung.choices, null=True, blank=True)
    ideal_description = models.TextField("the ideal home", max_length=2000, blank=True)
    chosen_rung = models.PositiveSmallIntegerField(choices=codes.Rung.choices, null=True, blank=True)
    transition = models.CharField(max_length=32, choices=codes.Transition.choices, blank=True)
    chosen_home = models.ForeignKey(Home, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    move_on = models.DateField("date of the move", null=True, blank=True, validators=[validate_in_range])
    reason_place_change = models.CharField(max_length=6, choices=codes.ReasonPlaceChange.choices, blank=True)
    # The Children Act 1989 checklist: an answer and, for every "no", a reason.
    connected_person = models.CharField(max_length=3, choices=codes.Answer.choices, blank=True)
    connected_person_reason = models.TextField(blank=True, max_length=1000)
    near_home = models.CharField(max_length=3, choices=codes.Answer.choices, blank=True)
    near_home_reason = models.TextField(blank=True, max_length=1000)
    education = models.CharField(max_length=3, choices=codes.Answer.choices, blank=True)
    education_reason = models.TextField(blank=True, max_length=1000)
    siblings = models.CharField(max_length=3, choices=codes.Answer.choices, blank=True)
    siblings_reason = models.TextField(blank=True, max_length=1000)
    disability = models.CharField(max_length=3, choices=codes.Answer.choices, blank=True)
    disability_reason = models.TextField(blank=True, max_length=1000)
    in_area = models.CharField(max_length=3, choices=codes.Answer.choices, blank=True)
    in_area_reason = models.TextField(blank=True, max_length=1000)
    # Residential only: the Risk of Residential forum, and the plan to step down to a family.
    ror_outcome = models.CharField(max_length=32, choices=codes.RiskOfResidentialOutcome.choices, blank=True)
    ror_actions = models.TextField("forum actions", blank=True, max_length=2000)
    ror_reviewed_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    step_down_review_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    step_down_plan = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_approved_at = models.DateTimeField(null=True, blank=True)
    head_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_approved_at = models.DateTimeField(null=True, blank=True)
    rejected_reason = models.TextField(blank=True, max_length=2000)
    episode = models.OneToOneField(
        PlacementEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="decision", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "chosen_rung"])]

    def __str__(self) -> str:
        return f"Decision for {self.child} ({self.get_status_display().lower()})"

    @property
    def is_residential(self) -> bool:
        return self.chosen_rung == codes.Rung.RESIDENTIAL

    @property
    def is_open(self) -> bool:
        return self.status in (codes.DecisionStatus.DRAFT, codes.DecisionStatus.SUBMITTED)

    def checklist(self) -> list[tuple[str, str, str, str]]:
        """(field, question, answer label, reason) for the Children Act checklist."""
        return [
            (stem, question, getattr(self, f"get_{stem}_display")(), getattr(self, f"{stem}_reason"))
            for stem, question in codes.CHECKLIST
        ]

    def step_down_within(self, today: datetime.date) -> bool:
        limit = today + datetime.timedelta(weeks=codes.STEP_DOWN_WEEKS)
        return self.step_down_review_on is not None and today <= self.step_down_review_on <= limit


class RungConsideration(models.Model):
    """One rung of the ladder considered for a decision: what was tried and why it was not right."""

    decision = models.ForeignKey(PlacementDecision, on_delete=models.CASCADE, related_name="rungs")
    rung = models.PositiveSmallIntegerField(choices=codes.Rung.choices)
    tried = models.TextField("what was tried", max_length=2000, blank=True)
    why_not = models.CharField(max_length=16, choices=codes.WhyNot.choices)
    detail = models.TextField("why it was not right", max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "rung"]
        constraints = [models.UniqueConstraint(fields=["decision", "rung"], name="one_entry_per_rung")]

    def __str__(self) -> str:
        return f"{self.get_rung_display()}: {self.get_why_not_display()}"


class ResidentialReview(models.Model):
    """The Residential Review Group's monthly review of one child living in a children's home."""

    episode = models.ForeignKey(PlacementEpisode, on_delete=models.PROTECT, related_name="residential_reviews")
    reviewed_on = models.DateField(validators=[validate_in_range])
    outcome = models.CharField(max_length=12, choices=codes.ResidentialReviewOutcome.choices)
    notes = models.TextField("what the group agreed", blank=True, max_length=4000)
    next_review_on = models.DateField("next review", validators=[validate_in_range])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["episode", "-reviewed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "reviewed_on"], name="one_review_a_day"),
            models.CheckConstraint(condition=Q(next_review_on__gt=models.F("reviewed_on")), name="next_review_after_review"),
        ]

    def __str__(self) -> str:
        return f"Residential review {self.reviewed_on:%d/%m/%Y}"


class ReturnCheck(models.Model):
    """One check of the SSDA903 return for a collection year by the DfE's validator, as a head of service asked for it.

    Every check is kept, so the page shows the latest with those before it; none is edited by a person (hence no
    django-simple-history). At most one per year waits or runs at a time (the constraint), so a second click, or a
    second head of service, joins the check already under way instead of starting another."""

    year = models.PositiveSmallIntegerField(help_text="The collection year by the year it starts: 2025 for 2025/26.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=codes.ReturnCheckStatus.choices, default=codes.ReturnCheckStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.TextField(blank=True, help_text="Why the validator could not check the return.")
    validator_version = models.CharField(max_length=40, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the validator took.")
    # What the validator said (placements.validation.Check): totals and rules as `summary`, each issue in `issues`
    # with the Hearth id of its child; `children` is everyone in the return, for the access log of whoever reads it.
    summary = models.JSONField(default=dict, blank=True)
    issues = models.JSONField(default=list, blank=True)
    children = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["year", "-requested_at"], name="return_check_year_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=["queued", "running"]),
                name="one_return_check_under_way_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"SSDA903 check {self.pk} ({self.year}, {self.status})"

    @property
    def is_under_way(self) -> bool:
        return self.status in (codes.ReturnCheckStatus.QUEUED, codes.ReturnCheckStatus.RUNNING)


class AdoptionDecision(models.Model):
    """903 PlacedAdoption: the council's decision that the child should be placed for adoption, the day the child was
    matched with adopters, and, if the plan changed, the day the decision was reversed and why. A child may have several,
    one after another; they never overlap."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adoption_decisions")
    decided_on = models.DateField("date of the decision", validators=[validate_in_range])
    matched_on = models.DateField("date matched with adopters", null=True, blank=True, validators=[validate_in_range])
    ceased_on = models.DateField("date the decision was reversed", null=True, blank=True, validators=[validate_in_range])
    ceased_reason = models.CharField("why it was reversed", max_length=3, choices=codes.ReasonPlacedCeased.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "decided_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(ceased_on__isnull=True), name="one_open_adoption_decision"),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("decided_on")),
                name="adoption_decision_reversed_after_made",
            ),
            models.CheckConstraint(
                condition=Q(matched_on__isnull=True) | Q(matched_on__gte=models.F("decided_on")),
                name="adoption_match_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True, ceased_reason="") | (Q(ceased_on__isnull=False) & ~Q(ceased_reason="")),
                name="adoption_decision_reversed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision to place for adoption {self.decided_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ceased_on is None


class Adoption(models.Model):
    """903 AD1: the adoption order that ended the child's care (REC E11 or E12), and who adopted them. The dates of the
    decision and the match are its decision's; whether the foster carers adopted is the type of the child's last home."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="adoption")
    decision = models.OneToOneField(AdoptionDecision, on_delete=models.PROTECT, related_name="adoption")
    adopted_on = models.DateField("date of the adoption order", validators=[validate_in_range])
    rec = models.CharField("903 REC", max_length=3, choices=[(code, code.label) for code in codes.ADOPTED])
    adopters = models.CharField("903 LS_ADOPTR", max_length=3, choices=codes.AdoptersLegalStatus.choices)
    adopters_sex = models.CharField("903 SEX_ADOPTR", max_length=2, choices=codes.AdoptersSex.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Adopted {self.adopted_on:%d/%m/%Y}"

    @property
    def adopters_count(self) -> int:
        """903 NB_ADOPTR: a single person, or a couple."""
        return 1 if self.adopters == codes.AdoptersLegalStatus.L0 else 2


class PreviousPermanence(models.Model):
    """903 PrevPerm: whether the child, before this care, had left care for a permanent home (adoption, a special
    guardianship order, a child arrangements order), which council arranged it and when. The 903 takes an order's date
    known only in part, so the day, month and year are kept apart and any may be unknown."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="previous_permanence")
    option = models.CharField("903 PREV_PERM", max_length=2, choices=codes.PreviousPermanence.choices)
    local_authority = models.CharField("903 LA_PERM", max_length=3, blank=True, help_text="The council's code, 999 if not known.")
    order_day = models.PositiveSmallIntegerField(null=True, blank=True)
    order_month = models.PositiveSmallIntegerField(null=True, blank=True)
    order_year = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "previous permanence"

    def __str__(self) -> str:
        return self.get_option_display()

    @property
    def order_date(self) -> str:
        """903 DATE_PERM: dd/mm/yyyy, with ZZ (or ZZZZ) for a part not known."""
        day = f"{self.order_day:02d}" if self.order_day else "ZZ"
        month = f"{self.order_month:02d}" if self.order_month else "ZZ"
        return f"{day}/{month}/{self.order_year or 'ZZZZ'}"
