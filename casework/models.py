"""Casework records. Rules that span records live in services.py; access rules in selectors.py.

Case records are never hard-deleted by users: they are closed or ended, and every change is kept
by django-simple-history (who, when, what)."""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from casework import codes
from casework.dates import validate_in_range, validate_moment_in_range


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    area = models.CharField(max_length=100, blank=True, help_text="The part of the county the team covers.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Child accounts arrive later as one more role with its own access rule."""

    role = models.CharField(max_length=32, choices=codes.Role.choices, default=codes.Role.SOCIAL_WORKER)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    job_title = models.CharField(max_length=100, blank=True)
    introduction = models.TextField(
        "a short hello for the children you work with",
        blank=True,
        max_length=1000,
        help_text="Children see this on their journey: who you are and what you will do together.",
    )
    # The 903's SW_ID: the worker's registration with the regulator, by which an SSDA903 import finds them.
    social_work_england_id = models.CharField(
        "Social Work England registration number",
        max_length=20,
        blank=True,
        help_text="SW and the digits, as on the Social Work England register: for example SW123456.",
        validators=[
            RegexValidator(f"^{codes.SOCIAL_WORK_ENGLAND_ID}$", "Enter it as on the register: SW and its digits, like SW123456.")
        ],
    )
    # A change of role or team changes what the account may see: every change is kept, with who and why
    # (the admin asks why). Not the password's hash, nor the time of each sign-in (casework.sign_in).
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["social_work_england_id"], condition=~Q(social_work_england_id=""), name="one_worker_per_swe_id"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_case_staff(self) -> bool:
        return self.role in (codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER, codes.Role.HEAD_OF_SERVICE)


class Child(models.Model):
    first_name = models.CharField("legal first name", max_length=100)
    last_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, help_text="The name the child likes to be called.")
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(validators=[validate_in_range])
    # A child known before they are born (a pre-birth assessment): the date is the expected one until they are.
    date_of_birth_expected = models.BooleanField("not born yet: the date is the expected one", default=False)
    sex = models.CharField(max_length=1, choices=codes.Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=codes.Ethnicity.choices, default=codes.Ethnicity.NOBT)
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    # Kept from an SSDA903 import, so the return Hearth writes names the child as the council's own system did.
    la_child_id = models.CharField("the council's child ID (903 CHILD)", max_length=10, blank=True)
    upn_unknown = models.CharField("why there is no UPN", max_length=3, choices=codes.UpnUnknown.choices, blank=True)
    home_postcode = models.CharField("home postcode", max_length=8, blank=True, help_text="Where the child lived before.")
    school = models.CharField(max_length=200, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    needs_interpreter = models.BooleanField("needs an interpreter", default=False)
    disability = models.BooleanField(default=False)
    disability_details = models.TextField(blank=True, max_length=2000)
    send = models.CharField("SEND", max_length=16, choices=codes.SendNeed.choices, default=codes.SendNeed.NONE)
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    # The 903 UASC table's DUC: the day the child stopped being an unaccompanied asylum-seeking child (leave to remain
    # granted, or found to be an adult). Empty while they are one; the 18th birthday ends it anyway (export.py).
    uasc_ceased_on = models.DateField(
        "date UASC status ceased", null=True, blank=True, validators=[validate_in_range],
        help_text="Leave empty while the child is an unaccompanied asylum-seeking child; it ends at 18 anyway.",
    )  # fmt: skip
    # Kept exactly as the child said or wrote it.
    what_matters_to_me = models.TextField(blank=True, max_length=4000)
    how_i_like_to_be_spoken_to = models.TextField("how I like to be spoken to", blank=True, max_length=4000)
    people_who_matter = models.TextField("people who are important to me", blank=True, max_length=4000)
    proud_of = models.TextField("things I am proud of", blank=True, max_length=4000)
    # Written with the worker: why I came into care, in words the child chose.
    my_story = models.TextField("why I came into care, in my words", blank=True, max_length=8000)
    status = models.CharField(max_length=10, choices=codes.CaseStatus.choices, default=codes.CaseStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    closed_reason = models.CharField("why the case closed", max_length=12, choices=codes.ClosureReason.choices, blank=True)
    closed_note = models.TextField("about the closing", blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["la_child_id"], condition=~Q(la_child_id=""), name="one_child_per_la_child_id"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday


class CareEpisode(models.Model):
    """A period in the council's care. A child known to the service but not in care has none open."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_episodes")
    started_on = models.DateField(validators=[validate_in_range])
    ended_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    # The 903 CIN, chosen by the worker when care starts (never a default); blank only on periods from before it was kept.
    category_of_need = models.CharField(max_length=2, choices=codes.CategoryOfNeed.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(ended_on__isnull=True), name="one_open_care_episode"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="care_episode_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"In care {self.started_on:%d/%m/%Y} – {self.ended_on:%d/%m/%Y}"
            if self.ended_on
            else f"In care since {self.started_on:%d/%m/%Y}"
        )


class LegalStatus(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="legal_statuses")
    code = models.CharField(max_length=2, choices=codes.LegalStatusCode.choices)
    started_on = models.DateField(validators=[validate_in_range])
    ended_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "started_on"]
        verbose_name_plural = "legal statuses"
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(ended_on__isnull=True), name="one_current_legal_status"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="legal_status_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} from {self.started_on:%d/%m/%Y}"


class CareLeaverRecord(models.Model):
    """A young person's leaving-care record, from 16: their pathway plan and personal adviser."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="care_leaver")
    pathway_plan_on = models.DateField("date of the pathway plan", null=True, blank=True, validators=[validate_in_range])
    personal_adviser = models.CharField(max_length=200, blank=True)
    personal_adviser_phone = models.CharField("personal adviser's phone", max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Leaving care: {self.child}"


class CareLeaverContact(models.Model):
    """Contact with a care leaver around one birthday from 17 to 21: the 903 OC3 return's row for that year."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_leaver_contacts")
    birthday = models.PositiveSmallIntegerField(choices=[(age, f"{age}th birthday") for age in codes.CARE_LEAVER_BIRTHDAYS])
    in_touch = models.CharField(max_length=4, choices=codes.InTouch.choices)
    activity = models.CharField(max_length=2, choices=codes.CareLeaverActivity.choices, blank=True)
    accommodation = models.CharField(max_length=1, choices=codes.CareLeaverAccommodation.choices, blank=True)
    accommodation_suitable = models.BooleanField("the accommodation is suitable", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "birthday"]
        constraints = [models.UniqueConstraint(fields=["child", "birthday"], name="one_contact_a_birthday")]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_birthday_display()}"


class LookedAfterReview(models.Model):
    """A statutory review of a looked-after child's care plan, chaired by an independent reviewing officer (IRO):
    the 903 Reviews table's row (the day, and how the child took part). Corrected in place; the history keeps each
    version, with who changed it."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField("date of the review", validators=[validate_in_range])
    participation = models.CharField("how the child took part", max_length=3, choices=codes.ReviewParticipation.choices)
    chaired_by = models.CharField(
        "chaired by", max_length=200, blank=True, help_text="The independent reviewing officer (IRO) who chaired it."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-reviewed_on"]
        constraints = [models.UniqueConstraint(fields=["child", "reviewed_on"], name="one_looked_after_review_a_day")]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on:%d/%m/%Y}"


class MissingEpisode(models.Model):
    """A time a looked-after child was missing, or away from where they live without permission: the 903 Missing
    table's row. Open (no end) while they are still missing; one open at a time, and none overlapping."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField("missing or away", max_length=1, choices=codes.MissingKind.choices)
    started_on = models.DateField("date it began", validators=[validate_in_range])
    ended_on = models.DateField(
        "date they came back", null=True, blank=True, validators=[validate_in_range], help_text="Empty while still missing."
    )
    # The 903 no longer asks, but the statutory guidance does: an independent return interview within 72 hours.
    return_interview_offered = models.BooleanField("a return interview was offered", null=True, blank=True)
    return_interview_taken = models.BooleanField("the child took up the return interview", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(ended_on__isnull=True), name="one_open_missing_episode"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="missing_episode_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        until = f"{self.ended_on:%d/%m/%Y}" if self.ended_on else "still missing"
        return f"{self.get_kind_display()} {self.started_on:%d/%m/%Y} – {until}"


class HealthRecord(models.Model):
    """The yearly health record of a child looked after for the whole year to 31 March (the 903's OC2): their
    Strengths and Difficulties score (or why there is none), checks and assessments, convictions, substance misuse.
    One a child a year, corrected in place; which questions apply depends on the child's age (services)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="health_records")
    year_ending = models.PositiveSmallIntegerField("year to 31 March", help_text="2026 for the year to 31 March 2026.")
    sdq_score = models.PositiveSmallIntegerField("Strengths and Difficulties score", null=True, blank=True)
    sdq_reason = models.CharField("why there is no SDQ score", max_length=4, choices=codes.SdqReason.choices, blank=True)
    convicted = models.BooleanField("convicted or cautioned during the year", null=True, blank=True)
    development_check = models.BooleanField("development assessments up to date", null=True, blank=True)
    immunisations = models.BooleanField("immunisations up to date")
    teeth_check = models.BooleanField("teeth checked by a dentist during the year")
    health_assessment = models.BooleanField("annual health assessment up to date")
    substance_misuse = models.BooleanField("identified as having a substance misuse problem")
    intervention_received = models.BooleanField("received an intervention for it", null=True, blank=True)
    intervention_offered = models.BooleanField("offered an intervention and refused it", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-year_ending"]
        constraints = [
            models.UniqueConstraint(fields=["child", "year_ending"], name="one_health_record_a_year"),
            models.CheckConstraint(condition=Q(sdq_score__lte=codes.SDQ_HIGHEST), name="sdq_score_at_most_40"),
        ]

    def __str__(self) -> str:
        return f"Health in the year to 31 March {self.year_ending}"


class FamilyMember(models.Model):
    """Someone in the child's network. A brother or sister who is also in care links to their own record."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="family")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=codes.Relationship.choices)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_in_range])
    own_record = models.ForeignKey(
        Child,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Their record, if they are also in our care.",
    )
    lives_with_child = models.BooleanField(default=False)
    parental_responsibility = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, max_length=500)
    notes = models.TextField(blank=True, max_length=2000)
    started_on = models.DateField(
        null=True, blank=True, help_text="Since when they have been part of the network.", validators=[validate_in_range]
    )
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    ended_on = models.DateField(
        null=True, blank=True, help_text="When this person stopped being part of the network.", validators=[validate_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "relationship", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    @property
    def is_sibling(self) -> bool:
        return self.relationship in codes.SIBLING_RELATIONSHIPS


class Allocation(models.Model):
    """A period in which a social worker is the child's allocated worker (903 social worker episode)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    started_on = models.DateField(validators=[validate_in_range])
    ended_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    end_reason = models.CharField(max_length=6, choices=codes.WorkerChangeReason.choices, blank=True)
    # For social worker changes, which counts days with a new worker: True when this allocation's end is the child's
    # first change that day (two changes on one day are one new worker). Kept by PostgreSQL's triggers (migration
    # 0008), whatever writes the allocations: bookkeeping, so not in the history.
    first_change_that_day = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["first_change_that_day"])

    class Meta:
        ordering = ["child", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(ended_on__isnull=True), name="one_current_allocation"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="allocation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["worker", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.worker} from {self.started_on:%d/%m/%Y}"


class Visit(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="visits")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    visit_type = models.CharField(max_length=20, choices=codes.VisitType.choices, default=codes.VisitType.STATUTORY)
    visited_at = models.DateTimeField(validators=[validate_moment_in_range])
    location = models.CharField("where", max_length=200, blank=True)
    present = models.CharField("who was present", max_length=500, blank=True)
    seen_alone = models.BooleanField("the child was seen alone", default=False)
    child_said = models.TextField("what the child said, in their words", blank=True, max_length=20000)
    observations = models.TextField(blank=True, max_length=100_000)
    analysis = models.TextField(blank=True, max_length=20000)
    actions = models.TextField(blank=True, max_length=10000)
    status = models.CharField(max_length=10, choices=codes.VisitStatus.choices, default=codes.VisitStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Machine text is never filed unreviewed: a draft from a voice note needs a person's review to sign.
    drafted_from_voice = models.BooleanField(default=False)
    draft_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    draft_reviewed_at = models.DateTimeField(null=True, blank=True)
    # The record's sections as the last voice draft left them (with sentences the worker moved between sections),
    # so signing can keep how much of the draft was changed: {"child_said": "...", "observations": "...", ...}.
    voice_draft = models.JSONField(default=dict, blank=True, editable=False)
    # Kept at signing a voice-drafted visit (casework.edits): words in that draft, and words the worker changed
    # (added, removed or replaced) before signing, in all and per section {"analysis": {"draft_words", "changed"}}.
    voice_draft_words = models.PositiveIntegerField(null=True, blank=True, editable=False)
    voice_words_changed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    voice_changes = models.JSONField(default=dict, blank=True, editable=False)
    # Sent by the page or app with each new visit, so a second click or a resent request makes one visit.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # On a statutory visit: when the child's next statutory visit was (none yet: empty), so the dashboard finds each
    # child's latest visit before a day from one index range, without grouping every visit by child.
    next_statutory_at = models.DateTimeField(null=True, editable=False)
    # On a statutory visit: until when the care the child was in on the visit's day lasted (the latest end of a
    # care episode begun by that day; date.max while it goes on; empty if none had begun). A visit is in time on a
    # day only if made in the care the child is in then (measures.statutory_visits), which is this ending after
    # it, so the dashboard reads it from the statutory visits' index instead of joining every visit to the care
    # episodes. Both kept by PostgreSQL's triggers (migration 0008) as visits and care episodes are written, however:
    # bookkeeping, so not in the history, and never moving updated_at (the visit's version).
    in_care_until = models.DateField(null=True, editable=False)
    # Kept by the database (migration 0018): on a signed statutory visit, the first day after it that the child moved
    # home. A move after the last visit makes the next one due a week after the move, not six after the visit.
    moved_after_on = models.DateField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["next_statutory_at", "in_care_until", "moved_after_on"])

    class Meta:
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["child", "visit_type", "visited_at"])]

    def __str__(self) -> str:
        return f"{self.get_visit_type_display()} on {self.visited_at:%d %b %Y}"

    @property
    def is_signed(self) -> bool:
        return self.status == codes.VisitStatus.SIGNED

    @property
    def awaits_review(self) -> bool:
        return self.drafted_from_voice and self.draft_reviewed_at is None


class CaseNote(models.Model):
    """Contact about a child that is not a visit: a phone call, a meeting, a message. Drafted, signed and amended
    as a visit is (services.case_note_*): only its author changes a draft; a signed note changes with a reason."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="case_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes")
    kind = models.CharField("type of contact", max_length=20, choices=codes.CaseNoteKind.choices)
    happened_at = models.DateTimeField("when it happened", validators=[validate_moment_in_range])
    who = models.CharField("with whom", max_length=300, blank=True)
    summary = models.TextField(blank=True, max_length=20000)
    # A case note is drafted and signed as a visit is, so it has the visit's two states.
    status = models.CharField(max_length=10, choices=codes.VisitStatus.choices, default=codes.VisitStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The page's (or API client's) key for the save that made it: a second click or a resent request finds this note.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["child", "happened_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_at:%d %b %Y}"

    @property
    def is_signed(self) -> bool:
        return self.status == codes.VisitStatus.SIGNED


class SiblingContactArrangement(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="sibling_contact")
    sibling = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="contact_arrangements")
    frequency = models.CharField(max_length=12, choices=codes.ContactFrequency.choices)
    requested_by_child = models.BooleanField("the child asked for this contact", default=False)
    plan = models.TextField("what the plan agreed", blank=True, max_length=4000)
    started_on = models.DateField(validators=[validate_in_range])
    ended_on = models.DateField(
        null=True, blank=True, validators=[validate_in_range], help_text="The last day of the arrangement."
    )
    end_reason = models.TextField("why the contact ended", blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-started_on"]

    def __str__(self) -> str:
        return f"Contact with {self.sibling.name} ({self.get_frequency_display().lower()})"


class SiblingContactSession(models.Model):
    arrangement = models.ForeignKey(SiblingContactArrangement, on_delete=models.PROTECT, related_name="sessions")
    planned_on = models.DateField(validators=[validate_in_range])
    status = models.CharField(
        max_length=10, choices=codes.ContactSessionStatus.choices, default=codes.ContactSessionStatus.PLANNED
    )
    cancelled_by = models.CharField(max_length=10, choices=codes.CancelledBy.choices, blank=True)
    cancel_reason = models.TextField(blank=True, max_length=2000)
    child_comment = models.TextField("what the child said about it", blank=True, max_length=4000)
    # The arrangement's requested_by_child, so the dashboard counts the sessions the child asked for from one index,
    # without joining every session to its arrangement (measures.sibling_contact). Kept by PostgreSQL's triggers
    # (migrations 0008 and 0018) as sessions are recorded or moved and as an arrangement's is corrected.
    requested_by_child = models.BooleanField(default=False, editable=False)
    # The slot of the arrangement's frequency the session falls in (casework.contact_due), so the dashboard counts
    # the slots met from one index, rather than working out the slot of every session: the slot's last day, while
    # that slot is due at all (empty for 'other', a day before the start, or a slot the arrangement ended before);
    # and whether this session stands for its slot: one session a slot, one that happened if any did. Kept by
    # PostgreSQL's triggers (migration 0018) as sessions are recorded, moved, held or cancelled, and as an
    # arrangement's frequency, start or end is corrected.
    slot_ends = models.DateField(null=True, editable=False)
    stands_for_slot = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)  # the record's version (casework.versions)
    history = HistoricalRecords(excluded_fields=["requested_by_child", "slot_ends", "stands_for_slot"])

    class Meta:
        ordering = ["arrangement", "-planned_on"]
        # An arrangement's sessions by day: a session already recorded for a day, and the sessions due (slots).
        indexes = [models.Index(fields=["arrangement", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.planned_on:%d/%m/%Y}"


# The first part of an access log's page name, in words (RecordView.page_in_words).
PAGE_WORDS = {
    "child": "The child's record",
    "visit": "A visit",
    "case-note": "A case note",
    "chronology": "The chronology",
    "decision": "A placement decision",
    "homes": "The child's homes",
    "star": "An outcome star",
    "voice": "A voice note",
    "me": "The child's own pages, signed in as the child",
    "api": "The API",
    "access-log": "Who has viewed this record",
    "ssda903": "The SSDA903 return",
    "admin": "The admin pages",
    "dashboard": "The dashboard",
    "residential-review": "The Residential Review Group",
    "risk-of-residential": "The Risk of Residential forum",
    "emergency-moves": "Emergency moves to approve, above the caseload",
}


class RecordView(models.Model):
    """The access log: one row each time someone reads case content, page, API, export or admin: for a
    child's record, the child; for a list or an export, every child it showed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The record opened."
    )
    children = models.ManyToManyField(Child, blank=True, related_name="+", help_text="Everyone a list or an export showed.")
    page = models.CharField(max_length=200)
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["child", "viewed_at"]), models.Index(fields=["user", "viewed_at"])]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.page} at {self.viewed_at:%d/%m/%Y %H:%M}"

    @property
    def page_in_words(self) -> str:
        """What was opened, as a head of service reads it ("The API: child detail"), not the route name it was
        logged under ("api:child-detail"). A list's address is shown as its address."""
        if self.page.startswith("/"):
            return f"A list: {self.page}"
        first, *rest = self.page.split(":")
        where = PAGE_WORDS.get(first, first.replace("-", " ").capitalize())
        detail = " ".join(f"no. {part}" if part.isdigit() else part.replace("-", " ") for part in rest)
        return f"{where}: {detail}" if detail else where


def _invite_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=codes.CHILD_INVITE_DAYS)


class ChildInvite(models.Model):
    """A one-use code a worker gives a child so they can make their own account.

    Only a hash of the code is kept: the worker sees the code once, when it is made."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="invites")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invite_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invite for child {self.child_id} made {self.created_at:%d/%m/%Y}"


class ChildAccount(models.Model):
    """Links a child's sign-in to their own record. Suspending it stops the sign-in at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="child_account")
    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="account")
    invite = models.OneToOneField(ChildInvite, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    created_at = models.DateTimeField(auto_now_add=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    suspended_reason = models.TextField(blank=True, max_length=2000)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Account for child {self.child_id}"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class SharedRecord(models.Model):
    """Some sections of a signed visit, shared with the child in a version written to them.

    The child reads only `child_versions`, never the staff text: the file's words ("placement", "contact",
    "the child presented as...") are not how a child should hear about their own life. History keeps
    every version of both."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="shares")
    sections = models.JSONField(help_text="Which parts of the visit the child can read (SharedSection values).")
    child_versions = models.JSONField(
        default=dict, blank=True, help_text="The child's version of each shared part, written to them: {section: text}."
    )
    note_to_child = models.TextField("a note for the child", blank=True, max_length=2000)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-shared_at", "-id"]

    def __str__(self) -> str:
        return f"{self.visit} shared {self.shared_at:%d/%m/%Y}"

    def section_labels(self) -> list[tuple[str, str]]:
        labels = dict(codes.SharedSection.choices)
        return [(name, labels[name]) for name in codes.SharedSection.values if name in self.sections]

    def for_child(self) -> list[tuple[str, str, str]]:
        """(section, the child's heading, the child's version) for each shared part: all a child reads."""
        return [(name, label, self.child_versions.get(name, "")) for name, label in self.section_labels()]


class RecordCheck(models.Model):
    """The child's answer to a shared record. "This isn't right" is a correction request for the worker."""

    shared_record = models.ForeignKey(SharedRecord, on_delete=models.PROTECT, related_name="checks")
    verdict = models.CharField(max_length=10, choices=codes.Verdict.choices)
    child_words = models.TextField("what the child said", blank=True, max_length=4000)
    checked_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=codes.CheckStatus.choices)
    answer = models.TextField("the worker's answer", blank=True, max_length=4000)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == codes.CheckStatus.OPEN
