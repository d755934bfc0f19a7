"""Serializers for the casework API. They check the shape of what comes in and render what goes out;
rules that touch other records live in services.py, access rules in selectors.py.

Ids sent in a request body are looked up through the selectors, so an id the user may not see
fails exactly like one that does not exist."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from casework import codes, selectors, services
from casework.dates import validate_in_range
from casework.models import (
    Allocation,
    CareEpisode,
    CareLeaverContact,
    CareLeaverRecord,
    CaseNote,
    Child,
    FamilyMember,
    HealthRecord,
    LegalStatus,
    LookedAfterReview,
    MissingEpisode,
    RecordCheck,
    SharedRecord,
    SiblingContactArrangement,
    SiblingContactSession,
    User,
    Visit,
)
from casework.services import CASE_NOTE_FIELDS, VISIT_FIELDS

# Relations resolved through the selectors ---------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up among the records the requesting user may see.

    One the user may not see is answered exactly like one that does not exist."""

    not_found = "Choose a record you can see."

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["does_not_exist"] = self.not_found
        self.error_messages["incorrect_type"] = "Send the id as a whole number."

    def visible(self, user: User) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible(self.context["request"].user)


class DateField(serializers.DateField):
    """Every date the API accepts: ISO, and only years 1900 to 2100 (a year 0001 is a slip, not a date)."""

    default_validators = [validate_in_range]


def version_field() -> serializers.DateTimeField:
    return serializers.DateTimeField(
        required=False,
        write_only=True,
        help_text="The record's `updated_at` as you read it. If someone has saved it since, nothing is saved and the "
        "answer is 409 Conflict. Leave it out only to overwrite whatever is there.",
    )


class VisibleChildField(VisibleRelatedField):
    not_found = "Choose a child whose record you can see."

    def visible(self, user: User) -> QuerySet[Child]:
        return selectors.children_visible_to(user=user)


class VisibleFamilyMemberField(VisibleRelatedField):
    not_found = "Choose a member of the child's family."

    def visible(self, user: User) -> QuerySet[FamilyMember]:
        return selectors.family_visible_to(user=user)


class VisibleArrangementField(VisibleRelatedField):
    not_found = "Choose a contact arrangement you can see."

    def visible(self, user: User) -> QuerySet[SiblingContactArrangement]:
        return selectors.sibling_contact_visible_to(user=user)


class AllocatableWorkerField(VisibleRelatedField):
    not_found = "Choose a social worker you can allocate children to."

    def visible(self, user: User) -> QuerySet[User]:
        return selectors.team_members(user=user)


# People ---------------------------------------------------------------------------------------


class WorkerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ("id", "name")


class FamilyMemberSerializer(serializers.ModelSerializer):
    relationship_display = serializers.CharField(source="get_relationship_display", read_only=True)
    is_sibling = serializers.BooleanField(read_only=True)

    class Meta:
        model = FamilyMember
        fields = (
            "id",
            "child",
            "name",
            "relationship",
            "relationship_display",
            "is_sibling",
            "date_of_birth",
            "own_record",
            "lives_with_child",
            "parental_responsibility",
            "phone",
            "address",
            "notes",
            "started_on",
            "ended_on",
            "updated_at",
        )
        read_only_fields = fields


class FamilyMemberWriteSerializer(serializers.ModelSerializer):
    """Someone in the network, as a worker records them; the service checks the rest. Leave a field out to keep it."""

    own_record = VisibleChildField(required=False, allow_null=True, help_text="A brother or sister's own record.")
    version = version_field()

    class Meta:
        model = FamilyMember
        fields = (*services.FAMILY_FIELDS, "version")


# Children -------------------------------------------------------------------------------------


class ChildSerializer(serializers.ModelSerializer):
    """Expects the queryset from selectors.children_with_summaries: `in_care` annotated, current allocation prefetched."""

    display_name = serializers.CharField(read_only=True)
    # Blank choices declared, so the schema says so (a read-only model choice field would not allow blank).
    upn_unknown = serializers.ChoiceField(
        choices=codes.UpnUnknown.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why there is no UPN (903); blank if there is one.",
    )
    closed_reason = serializers.ChoiceField(
        choices=codes.ClosureReason.choices, allow_blank=True, read_only=True, help_text="Why the case closed; blank while open."
    )
    in_care = serializers.BooleanField(read_only=True, help_text="Whether the child has an open period in care.")
    current_worker = serializers.SerializerMethodField(help_text="The allocated social worker, if there is one.")

    class Meta:
        model = Child
        fields = (
            "id",
            "first_name",
            "last_name",
            "preferred_name",
            "display_name",
            "pronouns",
            "date_of_birth",
            "sex",
            "ethnicity",
            "date_of_birth_expected",
            "upn",
            "upn_unknown",
            "disability",
            "disability_details",
            "send",
            "uasc",
            "uasc_ceased_on",
            "home_postcode",
            "school",
            "first_language",
            "needs_interpreter",
            "what_matters_to_me",
            "how_i_like_to_be_spoken_to",
            "status",
            "closed_on",
            "closed_reason",
            "closed_note",
            "in_care",
            "current_worker",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(WorkerSerializer(allow_null=True))
    def get_current_worker(self, child: selectors.SummarisedChild) -> dict[str, Any] | None:
        current = child.current_allocations[0] if child.current_allocations else None
        return WorkerSerializer(current.worker).data if current else None


class ChildDetailsSerializer(serializers.ModelSerializer):
    """Who a child is, as a worker records it (services.CHILD_DETAILS); the service checks how they fit together."""

    class Meta:
        model = Child
        fields: tuple[str, ...] = services.CHILD_DETAILS


class ChildCreateSerializer(ChildDetailsSerializer):
    worker = AllocatableWorkerField(help_text="The social worker allocated to the child.")
    allocated_on = DateField(help_text="The day the worker starts.")
    not_a_duplicate = serializers.BooleanField(
        default=False,
        help_text="Send true once you have checked that a child Hearth may already hold (a 400 names them) is a different child.",
    )

    class Meta(ChildDetailsSerializer.Meta):
        fields = (*services.CHILD_DETAILS, "worker", "allocated_on", "not_a_duplicate")


class ChildUpdateSerializer(ChildDetailsSerializer):
    version = version_field()

    class Meta(ChildDetailsSerializer.Meta):
        fields = (*services.CHILD_DETAILS, "version")


class CloseCaseSerializer(serializers.Serializer):
    closed_on = DateField(help_text="The day the case closes.")
    reason = serializers.ChoiceField(choices=codes.ClosureReason.choices, help_text="Why the case is closing.")
    note = serializers.CharField(required=False, default="", max_length=2000, allow_blank=True, help_text="Needed for `other`.")


class ReopenCaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=90, help_text="Why the case is opening again.")
    worker = AllocatableWorkerField(help_text="The social worker allocated from now.")
    allocated_on = DateField(help_text="The day the worker starts.")


class CareStartSerializer(serializers.Serializer):
    started_on = DateField(help_text="The day the child came into care.")
    legal_status = serializers.ChoiceField(choices=codes.LegalStatusCode.choices, help_text="903 LS at the start.")
    category_of_need = serializers.ChoiceField(
        choices=codes.CategoryOfNeed.choices, help_text="903 CIN, as the worker records it."
    )


class CareEpisodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareEpisode
        fields = ("id", "child", "started_on", "ended_on", "category_of_need")


class LegalStatusChangeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=codes.LegalStatusCode.choices, help_text="The new 903 legal status.")
    started_on = DateField(help_text="The day it began.")


class LegalStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalStatus
        fields = ("id", "child", "code", "started_on", "ended_on")


class CareLeaverSerializer(serializers.ModelSerializer):
    version = version_field()

    class Meta:
        model = CareLeaverRecord
        fields = ("child", "pathway_plan_on", "personal_adviser", "personal_adviser_phone", "updated_at", "version")
        read_only_fields = ("child", "updated_at")


class CareLeaverContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareLeaverContact
        fields = ("id", "child", "birthday", "in_touch", "activity", "accommodation", "accommodation_suitable", "updated_at")
        read_only_fields = ("id", "child", "updated_at")


class ReviewSerializer(serializers.ModelSerializer):
    participation_display = serializers.CharField(source="get_participation_display", read_only=True)
    recorded_by = WorkerSerializer(read_only=True)

    class Meta:
        model = LookedAfterReview
        fields = (
            "id", "child", "reviewed_on", "participation", "participation_display", "chaired_by", "recorded_by",
            "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields


class ReviewCreateSerializer(serializers.ModelSerializer):
    """A looked-after review: `participation` is the 903's PN code (PN0 for a child under 4 on the day, and only then)."""

    child = VisibleChildField()
    reviewed_on = DateField()

    class Meta:
        model = LookedAfterReview
        fields = ("child", "reviewed_on", "participation", "chaired_by")
        extra_kwargs = {"chaired_by": {"default": ""}}
        validators: list[Any] = []  # one review a day is the service's rule, with its own words


class ReviewUpdateSerializer(serializers.ModelSerializer):
    """Correct a review. Leave a field out to keep it; send the `updated_at` you read as `version`."""

    reviewed_on = DateField(required=False)
    version = version_field()

    class Meta:
        model = LookedAfterReview
        fields = (*services.REVIEW_FIELDS, "version")


class MissingEpisodeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    recorded_by = WorkerSerializer(read_only=True)

    class Meta:
        model = MissingEpisode
        fields = (
            "id", "child", "kind", "kind_display", "started_on", "ended_on", "return_interview_offered",
            "return_interview_taken", "recorded_by", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields


class MissingEpisodeCreateSerializer(serializers.ModelSerializer):
    """A time missing (`kind` M) or away without permission (A); `ended_on` empty while the child is still missing."""

    child = VisibleChildField()
    started_on = DateField()
    ended_on = DateField(required=False, allow_null=True, default=None)

    class Meta:
        model = MissingEpisode
        fields = ("child", *services.MISSING_FIELDS)
        validators: list[Any] = []  # one open episode at a time is the service's rule, with its own words


class MissingEpisodeUpdateSerializer(serializers.ModelSerializer):
    """Record the day the child came back (`ended_on`) and the return interview, or correct the episode. Leave a
    field out to keep it; send the `updated_at` you read as `version`."""

    started_on = DateField(required=False)
    ended_on = DateField(required=False, allow_null=True)
    version = version_field()

    class Meta:
        model = MissingEpisode
        fields = (*services.MISSING_FIELDS, "version")
        validators: list[Any] = []


class HealthRecordSerializer(serializers.ModelSerializer):
    """The yearly health record (903 OC2). A question the child's age does not ask is null; sending an answer to one
    is refused with the reason. POST makes the year's record or corrects it (send `version` to correct)."""

    version = version_field()

    class Meta:
        model = HealthRecord
        fields = (
            "id", "child", "year_ending", "sdq_score", "sdq_reason", "convicted", "development_check", "immunisations",
            "teeth_check", "health_assessment", "substance_misuse", "intervention_received", "intervention_offered",
            "recorded_by", "updated_at", "version",
        )  # fmt: skip
        read_only_fields = ("id", "child", "recorded_by", "updated_at")
        validators: list[Any] = []  # one a year is the service's rule: a second POST corrects the first


class ChildAboutMeSerializer(serializers.ModelSerializer):
    """The child's own words. A field left out of a PATCH keeps its current text."""

    class Meta:
        model = Child
        fields = ("id", "what_matters_to_me", "how_i_like_to_be_spoken_to", "people_who_matter", "proud_of", "my_story")
        read_only_fields = ("id",)
        # Kept exactly as the child wrote them.
        extra_kwargs = {field: {"trim_whitespace": False} for field in fields[1:]}


# Allocations ----------------------------------------------------------------------------------


class AllocationSerializer(serializers.ModelSerializer):
    worker = WorkerSerializer(read_only=True)
    team = serializers.CharField(source="worker.team.name", read_only=True, allow_null=True, help_text="The worker's team.")
    # The same 903 code list as ChangeWorkerSerializer.reason; typed as a string here so the schema
    # names that code list once (a second name for one enum is a drf-spectacular warning).
    end_reason = serializers.CharField(
        read_only=True, help_text="Why this allocation ended (903 SW_REASON); blank while current."
    )

    class Meta:
        model = Allocation
        fields = ("id", "child", "worker", "team", "started_on", "ended_on", "end_reason")
        read_only_fields = fields


class ChangeWorkerSerializer(serializers.Serializer):
    worker = AllocatableWorkerField(help_text="The social worker who takes over.")
    started_on = DateField(help_text="The day the new worker starts.")
    reason = serializers.ChoiceField(
        choices=codes.CHANGE_REASONS, help_text="Why the worker is changing (903 SW_REASON; FCONTA, first contact, is no change)."
    )


# Visits ---------------------------------------------------------------------------------------


class VisitSerializer(serializers.ModelSerializer):
    author = WorkerSerializer(read_only=True)
    signed_by = WorkerSerializer(read_only=True, allow_null=True)
    draft_reviewed_by = WorkerSerializer(read_only=True, allow_null=True)
    child_name = serializers.CharField(source="child.display_name", read_only=True)
    awaits_review = serializers.BooleanField(read_only=True, help_text="Drafted from a voice note and not yet reviewed.")

    class Meta:
        model = Visit
        fields = (
            "id",
            "child",
            "child_name",
            "author",
            *VISIT_FIELDS,
            "status",
            "signed_at",
            "signed_by",
            "drafted_from_voice",
            "awaits_review",
            "draft_reviewed_by",
            "draft_reviewed_at",
            "idempotency_key",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class VisitFieldsSerializer(serializers.ModelSerializer):
    """What a worker writes about a visit. Used with partial=True to change a draft."""

    class Meta:
        model = Visit
        fields: tuple[str, ...] = VISIT_FIELDS


class VisitUpdateSerializer(VisitFieldsSerializer):
    """Changes to a draft visit: send only what changes, with the version you read."""

    version = version_field()

    class Meta(VisitFieldsSerializer.Meta):
        fields = ("version", *VISIT_FIELDS)


class VisitCreateSerializer(VisitFieldsSerializer):
    child = VisibleChildField()
    idempotency_key = serializers.UUIDField(
        required=False, help_text="Send the same key when retrying: a repeated request makes one visit, not two."
    )

    class Meta(VisitFieldsSerializer.Meta):
        fields = ("child", "idempotency_key", *VISIT_FIELDS)


class VisitAmendSerializer(VisitFieldsSerializer):
    """Changes to a signed visit, with the reason kept in its history. Send only what changes."""

    reason = serializers.CharField(max_length=500, help_text="Why the signed record is being changed.")
    version = version_field()

    class Meta(VisitFieldsSerializer.Meta):
        fields = ("reason", "version", *VISIT_FIELDS)
        extra_kwargs = {name: {"required": False} for name in VISIT_FIELDS}


# Case notes -----------------------------------------------------------------------------------


class CaseNoteSerializer(serializers.ModelSerializer):
    author = WorkerSerializer(read_only=True)
    signed_by = WorkerSerializer(read_only=True, allow_null=True)
    child_name = serializers.CharField(source="child.display_name", read_only=True)

    class Meta:
        model = CaseNote
        fields: tuple[str, ...] = ("id", "child", "child_name", "author", *CASE_NOTE_FIELDS)
        fields += ("status", "signed_at", "signed_by", "created_at", "updated_at")
        read_only_fields = fields


class CaseNoteCreateSerializer(serializers.ModelSerializer):
    child = VisibleChildField()
    idempotency_key = serializers.UUIDField(
        required=False, help_text="Your key for this note: the same key again returns the note it made, not a second one."
    )

    class Meta:
        model = CaseNote
        fields = ("child", "idempotency_key", *CASE_NOTE_FIELDS)


class CaseNoteUpdateSerializer(serializers.ModelSerializer):
    """Changes to a draft: send only what changes, with the version you read."""

    version = version_field()

    class Meta:
        model = CaseNote
        fields = ("version", *CASE_NOTE_FIELDS)


class CaseNoteAmendSerializer(serializers.ModelSerializer):
    """Changes to a signed case note, with the reason kept in its history. Send only what changes."""

    reason = serializers.CharField(max_length=500, help_text="Why the signed record is being changed.")
    version = version_field()

    class Meta:
        model = CaseNote
        fields = ("reason", "version", *CASE_NOTE_FIELDS)
        extra_kwargs = {name: {"required": False} for name in CASE_NOTE_FIELDS}


# Sibling contact ------------------------------------------------------------------------------


class SiblingContactSessionSerializer(serializers.ModelSerializer):
    """Reads and records sessions (one serializer, so the schema names its status codes once)."""

    arrangement = VisibleArrangementField()

    class Meta:
        model = SiblingContactSession
        fields = ("id", "arrangement", "planned_on", "status", "cancelled_by", "cancel_reason", "child_comment", "updated_at")
        read_only_fields = ("updated_at",)
        extra_kwargs = {
            "status": {"required": True},
            "cancelled_by": {"default": ""},
            "cancel_reason": {"default": ""},
            "child_comment": {"default": ""},
        }


class SiblingSerializer(serializers.ModelSerializer):
    class Meta:
        model = FamilyMember
        fields = ("id", "name", "relationship", "own_record")
        read_only_fields = fields


class SiblingContactArrangementSerializer(serializers.ModelSerializer):
    sibling = SiblingSerializer(read_only=True)
    sessions = SiblingContactSessionSerializer(many=True, read_only=True)

    class Meta:
        model = SiblingContactArrangement
        fields = (
            "id", "child", "sibling", "frequency", "requested_by_child", "plan", "started_on", "ended_on", "end_reason",
            "updated_at", "sessions",
        )  # fmt: skip
        read_only_fields = fields


class SiblingContactArrangementCreateSerializer(serializers.ModelSerializer):
    child = VisibleChildField()
    sibling = VisibleFamilyMemberField(help_text="The brother or sister, from the child's family.")

    class Meta:
        model = SiblingContactArrangement
        fields = ("child", "sibling", "frequency", "requested_by_child", "plan", "started_on")
        extra_kwargs = {"requested_by_child": {"default": False}, "plan": {"default": ""}}


class SessionOutcomeSerializer(serializers.ModelSerializer):
    """What became of a session, on its own row. Leave a field out to keep it; send the `updated_at` you read as
    `version`."""

    version = version_field()

    class Meta:
        model = SiblingContactSession
        fields = ("status", "cancelled_by", "cancel_reason", "child_comment", "version")


class SiblingContactArrangementUpdateSerializer(serializers.ModelSerializer):
    """Change how often contact is, its plan or whether the child asked for it; end it with `ended_on` (its last
    day) and `end_reason`. Leave a field out to keep it."""

    ended_on = DateField(required=False, allow_null=True)
    version = version_field()

    class Meta:
        model = SiblingContactArrangement
        fields = ("frequency", "requested_by_child", "plan", "ended_on", "end_reason", "version")


# Tokens ---------------------------------------------------------------------------------------


class TokenRequestSerializer(AuthTokenSerializer):
    # No account's username is longer, so a longer one is a clear 400 before any sign-in is tried.
    username = serializers.CharField(label="Username", write_only=True, max_length=User._meta.get_field("username").max_length)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text='Send as "Authorization: Token <token>". Shown only once.')
    expiry = serializers.DateTimeField(
        read_only=True, help_text="When the token ends if it is not used; each use moves this on, up to a working day."
    )


class ConflictSerializer(serializers.Serializer):
    """The answer when a record changed after the version sent (409 Conflict)."""

    detail = serializers.CharField()
    changed_by = serializers.CharField(help_text="Who saved the record last.")
    updated_at = serializers.DateTimeField(help_text="The record's version now.")


# Sharing records with the child, and the child's checks -------------------------------------------


class RecordCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordCheck
        fields = ("id", "verdict", "child_words", "checked_at", "status", "answer", "answered_at")
        read_only_fields = fields


class RecordCheckCreateSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=codes.Verdict.choices)
    child_words = serializers.CharField(required=False, allow_blank=True, max_length=4000, trim_whitespace=False)


class SharedSectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field: DRF takes it off the class
    text = serializers.CharField()


class SharedRecordSerializer(serializers.ModelSerializer):
    """What the child reads: only the shared sections, their current text, and the answers to their checks."""

    visited_on = serializers.SerializerMethodField()
    written_by = serializers.SerializerMethodField()
    shared = serializers.SerializerMethodField()
    checks = RecordCheckSerializer(many=True, read_only=True)

    class Meta:
        model = SharedRecord
        fields = ("id", "visited_on", "written_by", "note_to_child", "shared_at", "shared", "checks")
        read_only_fields = fields

    def get_visited_on(self, share: SharedRecord) -> Any:
        return serializers.DateField().to_representation(share.visit.visited_at.date())

    def get_written_by(self, share: SharedRecord) -> str:
        return share.visit.author.get_full_name() or share.visit.author.username

    @extend_schema_field(SharedSectionSerializer(many=True))
    def get_shared(self, share: SharedRecord) -> list[dict[str, str]]:
        return [{"name": name, "label": label, "text": text} for name, label, text in share.for_child()]


class VisitShareSerializer(serializers.Serializer):
    sections = serializers.ListField(child=serializers.ChoiceField(choices=codes.SharedSection.choices), allow_empty=False)
    child_versions = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=8000),
        help_text="The child's version of each shared section, written to them: the child reads only these.",
    )
    note_to_child = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CorrectionSerializer(serializers.ModelSerializer):
    """A child's "this isn't right", for the staff who may see the child."""

    child = serializers.IntegerField(source="shared_record.visit.child_id", read_only=True)
    visit = serializers.IntegerField(source="shared_record.visit_id", read_only=True)
    sections = serializers.ListField(source="shared_record.sections", child=serializers.CharField(), read_only=True)

    class Meta:
        model = RecordCheck
        fields = ("id", "child", "visit", "sections", "child_words", "checked_at", "status", "answer", "answered_at")
        read_only_fields = fields


class CorrectionAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)
    changes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=100_000, trim_whitespace=False),
        required=False,
        help_text="New text for the record's shared sections, by name (child_said, observations, analysis, actions).",
    )
    child_changes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=8000),
        required=False,
        help_text="New text for the child's versions of shared sections, by name: what the child reads.",
    )


# The dashboard ----------------------------------------------------------------------------------


class DashboardRowSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field: DRF takes it off the class
    value = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    part = serializers.CharField(allow_null=True, help_text="The drill-down list behind this row (`part=`), if any.")


class DashboardPeriodSerializer(serializers.Serializer):
    start = DateField()
    end = DateField()


class DashboardFigureSerializer(serializers.Serializer):
    period = DashboardPeriodSerializer()
    value = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    rows = DashboardRowSerializer(many=True)


class DashboardMeasureSerializer(serializers.Serializer):
    key = serializers.CharField(source="measure.key")
    title = serializers.CharField(source="measure.title")
    definition = serializers.CharField(source="measure.definition")
    headline = serializers.CharField(source="measure.headline")
    unit = serializers.CharField(source="measure.unit")
    comparator = serializers.FloatField(source="measure.comparator", allow_null=True)
    comparator_text = serializers.CharField(source="measure.comparator_text")
    parts = serializers.SerializerMethodField()
    current = DashboardFigureSerializer()
    previous = DashboardFigureSerializer()
    trend = DashboardFigureSerializer(many=True)

    def get_parts(self, figures: Any) -> dict[str, str]:
        return dict(figures.measure.parts)


class DashboardChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    date_of_birth = DateField()
