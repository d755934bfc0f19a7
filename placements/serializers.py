"""Serializers for the placements API: shape only. The ladder rules are in services.py, access in selectors.py."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from casework.models import User
from casework.serializers import DateField, VisibleChildField, VisibleRelatedField, version_field
from placements import codes, selectors, validation
from placements.models import (
    Adoption,
    AdoptionDecision,
    Home,
    PlacementDecision,
    PlacementEpisode,
    PreviousPermanence,
    ResidentialReview,
    ReturnCheck,
    RungConsideration,
)
from placements.validation import CollectionYear


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
        codes.ReturnCheckStatus,
        codes.ReasonPlacedCeased,
        codes.AdoptersLegalStatus,
        codes.AdoptersSex,
        codes.PreviousPermanence,
    )
} | {
    tuple(code for code, _ in codes.END_OF_CARE): "EndOfCareReason",
    tuple(codes.ADOPTED): "AdoptedReason",
}


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


# Checks of the 903 return ------------------------------------------------------------------------


class ReturnCheckYearSerializer(serializers.Serializer):
    """A collection year by the year it starts (2025 for 2025/26), as the export's `year`."""

    year = serializers.IntegerField(
        min_value=validation.FIRST_CHECKED_YEAR, help_text="The year the collection starts: 2025 for 2025/26."
    )

    def validate_year(self, year: int) -> int:
        latest = validation.collection_year_on(timezone.localdate())
        if year > latest.start:
            raise serializers.ValidationError(f"The latest collection year is {latest.label} ({latest.start}).")
        return year


class ReturnCheckIssueSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The DfE's code for the rule, e.g. 103.")
    message = serializers.CharField(help_text="The rule's own words.")
    child = serializers.CharField(help_text="CHILD: the child's id in the return.")
    child_id = serializers.IntegerField(allow_null=True, help_text="The child's id in Hearth.")
    table = serializers.CharField(help_text="The validator's name for the table: Header, Episodes, SWEpisodes...")
    row = serializers.IntegerField(help_text="The row in that table, from 0.")
    # Named as the validator names it; DRF takes declared fields off the class, so Serializer.fields is untouched.
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="The fields of that row the rule names."
    )


class ReturnCheckSerializer(serializers.ModelSerializer):
    collection_year = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    status = CodeField(choices=codes.ReturnCheckStatus.choices)
    issues = ReturnCheckIssueSerializer(many=True, read_only=True)

    class Meta:
        model = ReturnCheck
        fields = (
            "id", "year", "collection_year", "status", "requested_by", "requested_at", "started_at", "finished_at",
            "failure", "validator_version", "seconds", "summary", "issues",
        )  # fmt: skip
        read_only_fields = fields

    def get_collection_year(self, check: ReturnCheck) -> str:
        return CollectionYear(check.year).label

    def get_requested_by(self, check: ReturnCheck) -> str:
        return str(check.requested_by)


# Adoption and previous permanence ------------------------------------------------------------------

CORRECTION_REASON = "Why a value recorded before is being corrected: needed for a correction, kept in the history."


class AdoptionDecisionSerializer(CodedModelSerializer):
    class Meta:
        model = AdoptionDecision
        fields = ("id", "child", "decided_on", "matched_on", "ceased_on", "ceased_reason", "recorded_by", "created_at")
        read_only_fields = fields


class AdoptionDecisionCreateSerializer(serializers.Serializer):
    child = VisibleChildField()
    decided_on = DateField()


class AdoptionDecisionUpdateSerializer(serializers.Serializer):
    """The match, the reversal (its date and reason together), or a correction: send only what changes."""

    decided_on = DateField(required=False)
    matched_on = DateField(required=False, allow_null=True)
    ceased_on = DateField(required=False, allow_null=True)
    ceased_reason = CodeField(choices=codes.ReasonPlacedCeased.choices, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, help_text=CORRECTION_REASON)


class AdoptionPlacementSerializer(serializers.Serializer):
    started_on = DateField()
    home = VisibleHomeField(
        required=False, allow_null=True, default=None,
        help_text="The adopters' home; leave out when the foster carers the child lives with are adopting them.",
    )  # fmt: skip


class AdoptionSerializer(CodedModelSerializer):
    adopters_count = serializers.IntegerField(read_only=True, help_text="903 NB_ADOPTR")

    class Meta:
        model = Adoption
        fields = ("id", "child", "decision", "adopted_on", "rec", "adopters", "adopters_sex", "adopters_count", "recorded_by",
                  "created_at")  # fmt: skip
        read_only_fields = fields


class _AdoptersFields(serializers.Serializer):
    rec = CodeField(choices=[(code, code.label) for code in codes.ADOPTED])
    adopters = CodeField(choices=codes.AdoptersLegalStatus.choices)
    adopters_sex = CodeField(choices=codes.AdoptersSex.choices)


class AdoptionCreateSerializer(_AdoptersFields):
    child = VisibleChildField()
    adopted_on = DateField()


class AdoptionCorrectSerializer(_AdoptersFields):
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text=CORRECTION_REASON)


class PreviousPermanenceSerializer(CodedModelSerializer):
    order_date = serializers.CharField(read_only=True, help_text="903 DATE_PERM: dd/mm/yyyy, ZZ for a part not known.")

    class Meta:
        model = PreviousPermanence
        fields = ("id", "child", "option", "local_authority", "order_day", "order_month", "order_year", "order_date",
                  "recorded_by", "updated_at")  # fmt: skip
        read_only_fields = fields


class PreviousPermanenceRecordSerializer(serializers.Serializer):
    child = VisibleChildField()
    option = CodeField(choices=codes.PreviousPermanence.choices)
    local_authority = serializers.CharField(required=False, allow_blank=True, default="", max_length=3)
    order_day = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=31)
    order_month = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=12)
    order_year = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1900, max_value=2100)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, help_text=CORRECTION_REASON)
