"""Serializers for the placements API: shape only. The ladder rules are in services.py, access in selectors.py."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from casework.models import User
from casework.serializers import DateField, VisibleChildField, VisibleRelatedField, version_field
from placements import codes, selectors
from placements.models import Home, PlacementDecision, PlacementEpisode, ResidentialReview, RungConsideration


class CodeField(serializers.ChoiceField):
    """A code from one of the placements code lists (see CodeFieldExtension for its schema)."""


CODE_LISTS = {
    tuple(code_list.values): code_list.__name__
    for code_list in (
        codes.Rung,
        codes.Transition,
        codes.ProviderCode,
        codes.PlaceCode,
        codes.ReasonPlaceChange,
        codes.ReasonEpisodeCeased,
        codes.CategoryOfNeed,
        codes.WhyNot,
        codes.Answer,
        codes.DecisionStatus,
        codes.RiskOfResidentialOutcome,
    )
} | {tuple(code for code, _ in codes.END_OF_CARE): "EndOfCareReason"}


class CodeFieldExtension(OpenApiSerializerFieldExtension):
    """Each placements code list is one named schema component, whatever the field that uses it is called."""

    target_class = CodeField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        values = [value for value in self.target.choices if value != ""]
        name = f"Placements{CODE_LISTS[tuple(values)]}"
        schema = {
            "type": "integer" if all(isinstance(v, int) for v in values) else "string",
            "enum": values,
            "description": "\n".join(f"* `{value}` - {label}" for value, label in self.target.choices.items()),
        }
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_blank or _blank_in_model(self.target):
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return {"allOf": [component.ref], "nullable": True} if self.target.allow_null else component.ref


def _blank_in_model(field: CodeField) -> bool:
    """A read-only field loses allow_blank in DRF, but a blank code from its model is still sent out."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.read_only:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return model_field.blank and isinstance(model_field, models.CharField)


class CodedModelSerializer(serializers.ModelSerializer):
    serializer_choice_field = CodeField


class HomeSerializer(CodedModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_kind = serializers.CharField(source="provider.kind", read_only=True)
    provider_code = serializers.CharField(source="provider.provider_code", read_only=True)
    vacancies = serializers.SerializerMethodField()

    class Meta:
        model = Home
        fields = (
            "id",
            "name",
            "child_facing_name",
            "provider",
            "provider_kind",
            "provider_code",
            "rung",
            "transition",
            "place_code",
            "postcode",
            "urn",
            "capacity",
            "vacancies",
            "weekly_cost",
            "min_age",
            "max_age",
            "takes_sibling_groups",
            "active",
            "deregistered_on",
        )

    def get_vacancies(self, home: selectors.HomeWithPlaces) -> int:
        return max(0, home.capacity - home.living_there)


class VisibleHomeField(VisibleRelatedField):
    not_found = "Choose a home."

    def visible(self, user: User) -> QuerySet[Home]:
        return selectors.homes_for(user=user)


class PlacementEpisodeSerializer(CodedModelSerializer):
    home_name = serializers.CharField(source="home.name", read_only=True)
    child_facing_name = serializers.CharField(source="home.child_facing_name", read_only=True)

    class Meta:
        model = PlacementEpisode
        fields = (
            "id",
            "child",
            "home",
            "home_name",
            "child_facing_name",
            "started_on",
            "ended_on",
            "place",
            "place_provider",
            "legal_status",
            "category_of_need",
            "reason_place_change",
            "distance_miles",
            "school_changed",
            "rec",
            "emergency",
            "emergency_reason",
            "approval_due_at",
        )
        read_only_fields = fields


class PlacementStartSerializer(serializers.Serializer):
    home = VisibleHomeField()
    started_on = DateField()
    reason_place_change = CodeField(choices=codes.ReasonPlaceChange.choices, required=False, allow_blank=True, default="")
    school_changed = serializers.BooleanField(required=False, default=False)
    category_of_need = CodeField(
        choices=codes.CategoryOfNeed.choices, required=False, default="", allow_blank=True,
        help_text="Blank: the one recorded when care started, carried from home to home.",
    )  # fmt: skip
    emergency_reason = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=2000,
        help_text="Only with no approved decision for the home: why the move could not wait. Its decision is due in 72 hours.",
    )  # fmt: skip


class ResidentialReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidentialReview
        fields = ("id", "episode", "reviewed_on", "outcome", "notes", "next_review_on", "recorded_by", "created_at")
        read_only_fields = ("id", "episode", "recorded_by", "created_at")


class EndCareSerializer(serializers.Serializer):
    ended_on = DateField()
    rec_code = CodeField(choices=codes.END_OF_CARE)


class RungConsiderationSerializer(CodedModelSerializer):
    class Meta:
        model = RungConsideration
        fields = ("rung", "tried", "why_not", "detail")


class PlacementDecisionSerializer(CodedModelSerializer):
    rungs = RungConsiderationSerializer(many=True, read_only=True)

    class Meta:
        model = PlacementDecision
        exclude = ("created_at",)
        read_only_fields = [field.name for field in PlacementDecision._meta.fields] + ["rungs"]


def _decision_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for stem, _ in codes.CHECKLIST:
        fields[stem] = CodeField(choices=codes.Answer.choices, required=False, allow_blank=True)
        fields[f"{stem}_reason"] = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    return fields


class _DecisionFields(serializers.Serializer):
    why_needed = serializers.CharField(max_length=4000)
    needs = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    child_views = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    ideal_rung = CodeField(choices=codes.Rung.choices, required=False, allow_null=True)
    ideal_description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    transition = CodeField(choices=codes.Transition.choices, required=False, allow_blank=True)
    chosen_home = VisibleHomeField(required=False, allow_null=True)
    move_on = DateField(required=False, allow_null=True)
    reason_place_change = CodeField(choices=codes.ReasonPlaceChange.choices, required=False, allow_blank=True)
    ror_outcome = CodeField(choices=codes.RiskOfResidentialOutcome.choices, required=False, allow_blank=True)
    ror_actions = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    ror_reviewed_on = DateField(required=False, allow_null=True)
    step_down_review_on = DateField(required=False, allow_null=True)
    step_down_plan = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionFieldsSerializer(_DecisionFields):
    """What a worker writes into a draft decision. The rung is chosen through `choose`, never set here."""


# The checklist's twelve fields are made from codes.CHECKLIST, so the questions are written once. They join the
# declared fields before any subclass is made, as if written in the class.
DecisionFieldsSerializer._declared_fields.update(_decision_fields())


class DecisionUpdateSerializer(DecisionFieldsSerializer):
    """Changes to a draft decision: send only what changes, with the `updated_at` you read as `version`."""

    version = version_field()


class DecisionCreateSerializer(DecisionFieldsSerializer):
    child = VisibleChildField()


class RungRecordSerializer(serializers.Serializer):
    rung = CodeField(choices=codes.Rung.choices)
    why_not = CodeField(choices=codes.WhyNot.choices)
    detail = serializers.CharField(max_length=2000, allow_blank=True)
    tried = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ChooseRungSerializer(serializers.Serializer):
    rung = CodeField(choices=codes.Rung.choices)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ShareSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class MixRowSerializer(serializers.Serializer):
    rung = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field: DRF takes it off the class
    children = serializers.IntegerField()
    weekly_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    percent = serializers.FloatField(allow_null=True)


class GapRowSerializer(serializers.Serializer):
    ideal_rung = serializers.IntegerField()
    chosen_rung = serializers.IntegerField()
    reason = serializers.CharField(allow_null=True)
    reason_label = serializers.CharField()
    decisions = serializers.IntegerField()


class IdealVsActualSerializer(serializers.Serializer):
    share = ShareSerializer()
    rows = GapRowSerializer(many=True)


class MeasuresSerializer(serializers.Serializer):
    on = DateField()
    short_term_stability = ShareSerializer()
    long_term_stability = ShareSerializer()
    mix_of_homes = MixRowSerializer(many=True)
    ideal_vs_actual = IdealVsActualSerializer()
    steps_down = ShareSerializer()
