"""Serializers for the casework API. They check the shape of what comes in and render what goes out;
rules that touch other records live in services.py, access rules in selectors.py.

Ids sent in a request body are looked up through the selectors, so an id the user may not see
fails exactly like one that does not exist."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework import codes, selectors
from casework.models import (
    Allocation,
    Child,
    FamilyMember,
    SiblingContactArrangement,
    SiblingContactSession,
    User,
    Visit,
)
from casework.services import VISIT_FIELDS

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
            "notes",
            "ended_on",
        )
        read_only_fields = fields


# Children -------------------------------------------------------------------------------------


class ChildSerializer(serializers.ModelSerializer):
    """Expects the queryset from selectors.children_with_summaries: `in_care` annotated, current allocation prefetched."""

    display_name = serializers.CharField(read_only=True)
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
            "upn",
            "disability",
            "disability_details",
            "send",
            "uasc",
            "what_matters_to_me",
            "how_i_like_to_be_spoken_to",
            "status",
            "closed_on",
            "in_care",
            "current_worker",
        )
        read_only_fields = fields

    @extend_schema_field(WorkerSerializer(allow_null=True))
    def get_current_worker(self, child: Child) -> dict[str, Any] | None:
        current = child.current_allocations[0] if child.current_allocations else None
        return WorkerSerializer(current.worker).data if current else None


class ChildAboutMeSerializer(serializers.ModelSerializer):
    """The child's own words. A field left out of a PATCH keeps its current text."""

    class Meta:
        model = Child
        fields = ("id", "what_matters_to_me", "how_i_like_to_be_spoken_to")
        read_only_fields = ("id",)


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
    started_on = serializers.DateField(help_text="The day the new worker starts.")
    reason = serializers.ChoiceField(
        choices=codes.WorkerChangeReason.choices, help_text="Why the worker is changing (903 SW_REASON)."
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
        fields = VISIT_FIELDS


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

    class Meta(VisitFieldsSerializer.Meta):
        fields = ("reason", *VISIT_FIELDS)
        extra_kwargs = {name: {"required": False} for name in VISIT_FIELDS}


# Sibling contact ------------------------------------------------------------------------------


class SiblingContactSessionSerializer(serializers.ModelSerializer):
    """Reads and records sessions (one serializer, so the schema names its status codes once)."""

    arrangement = VisibleArrangementField()

    class Meta:
        model = SiblingContactSession
        fields = ("id", "arrangement", "planned_on", "status", "cancelled_by", "cancel_reason", "child_comment")
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
        fields = ("id", "child", "sibling", "frequency", "requested_by_child", "plan", "started_on", "ended_on", "sessions")
        read_only_fields = fields


class SiblingContactArrangementCreateSerializer(serializers.ModelSerializer):
    child = VisibleChildField()
    sibling = VisibleFamilyMemberField(help_text="The brother or sister, from the child's family.")

    class Meta:
        model = SiblingContactArrangement
        fields = ("child", "sibling", "frequency", "requested_by_child", "plan", "started_on")
        extra_kwargs = {"requested_by_child": {"default": False}, "plan": {"default": ""}}


# Tokens ---------------------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text='Send as "Authorization: Token <token>".')
