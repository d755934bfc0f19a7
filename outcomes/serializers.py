"""Serializers for the outcomes API: shape only. Rules live in services.py, access in selectors.py.
Ids in a request body are looked up among the records the user may see, so an id they may not see
fails exactly like one that does not exist."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from casework.models import User
from casework.serializers import DateField, VisibleChildField, VisibleRelatedField, WorkerSerializer
from outcomes import codes, selectors
from outcomes.models import CheckIn, CheckInScore, Star, StarArea, StarTemplate, TemplateArea
from outcomes.services import ScoreInput


class VisibleStarField(VisibleRelatedField):
    not_found = "Choose a star you can see."

    def visible(self, user: User) -> QuerySet[Star]:
        return selectors.stars_visible_to(user=user)


class VisibleStarAreaField(VisibleRelatedField):
    not_found = "Choose an area of a star you can see."

    def visible(self, user: User) -> QuerySet[StarArea]:
        return selectors.star_areas_visible_to(user=user)


class ActiveTemplateField(VisibleRelatedField):
    not_found = "Choose a star template that is in use."

    def visible(self, user: User) -> QuerySet[StarTemplate]:
        return selectors.templates_available()


class TemplateAreaField(VisibleRelatedField):
    not_found = "Choose an area from a star template."

    def visible(self, user: User) -> QuerySet[TemplateArea]:
        return TemplateArea.objects.all()


# Templates ----------------------------------------------------------------------------------


class TemplateAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = TemplateArea
        fields = ("id", "name", "question", "description", "order")
        read_only_fields = fields


class StarTemplateSerializer(serializers.ModelSerializer):
    areas = TemplateAreaSerializer(many=True, read_only=True)
    scale_words = serializers.DictField(child=serializers.CharField(), read_only=True, help_text="Words for points on the scale.")

    class Meta:
        model = StarTemplate
        fields = ("id", "name", "description", "scale_min", "scale_max", "scale_words", "min_age", "max_age", "areas")
        read_only_fields = fields


# Stars and areas ----------------------------------------------------------------------------


class StarAreaSerializer(serializers.ModelSerializer):
    added_by_child = serializers.BooleanField(read_only=True)

    class Meta:
        model = StarArea
        fields = (
            "id",
            "star",
            "template_area",
            "origin",
            "added_by_child",
            "original_name",
            "name",
            "question",
            "order",
            "added_on",
            "retired_on",
        )
        read_only_fields = fields


class StarAreaAddSerializer(serializers.Serializer):
    star = VisibleStarField()
    name = serializers.CharField(max_length=80)
    question = serializers.CharField(max_length=300, default="")
    origin = serializers.ChoiceField(
        choices=[c for c in codes.AreaOrigin.choices if c[0] != codes.AreaOrigin.TEMPLATE], default=codes.AreaOrigin.CHILD
    )
    based_on = TemplateAreaField(
        required=False, allow_null=True, help_text="The template area it is closest to, so the figures group them."
    )


class StarAreaRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    question = serializers.CharField(max_length=300, required=False)


class StarSerializer(serializers.ModelSerializer):
    child_name = serializers.CharField(source="child.display_name", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    areas = StarAreaSerializer(many=True, read_only=True)

    class Meta:
        model = Star
        fields = ("id", "child", "child_name", "template", "template_name", "started_on", "areas")
        read_only_fields = fields


class StarStartSerializer(serializers.Serializer):
    child = VisibleChildField()
    template = ActiveTemplateField()
    started_on = DateField(required=False, help_text="Today if left out.")


# Check-ins ----------------------------------------------------------------------------------


class CheckInScoreSerializer(serializers.ModelSerializer):
    area = VisibleStarAreaField()
    area_name = serializers.CharField(source="area.name", read_only=True)
    comment = serializers.CharField(max_length=2000, default="", allow_blank=True)
    next_step = serializers.CharField(max_length=2000, default="", allow_blank=True)

    class Meta:
        model = CheckInScore
        fields = ("area", "area_name", "score", "comment", "next_step")


class CheckInSerializer(serializers.ModelSerializer):
    """Reads and records check-ins (one serializer, so the schema names its codes once)."""

    star = VisibleStarField()
    scores = CheckInScoreSerializer(many=True)
    recorded_by = WorkerSerializer(read_only=True)

    class Meta:
        model = CheckIn
        fields = ("id", "star", "stage", "date", "respondent", "answered_by_name", "recorded_by", "scores")
        extra_kwargs = {"answered_by_name": {"default": ""}}

    def score_inputs(self, data: dict[str, Any]) -> list[ScoreInput]:
        return [ScoreInput(**score) for score in data.pop("scores")]


class DisagreementSerializer(serializers.Serializer):
    date = DateField()
    stage = serializers.ChoiceField(choices=codes.Stage.choices)
    area = serializers.CharField()
    child_score = serializers.IntegerField()
    worker_score = serializers.IntegerField()


# Figures ------------------------------------------------------------------------------------


class AreaFiguresSerializer(serializers.Serializer):
    template_area_id = serializers.IntegerField(allow_null=True, help_text="Empty for the child's own areas.")
    area = serializers.CharField()
    template = serializers.CharField()
    children = serializers.IntegerField(help_text="Children counted: those with this area scored at two or more check-ins.")
    mean_first = serializers.FloatField(help_text="Mean score at each area's first check-in.")
    mean_latest = serializers.FloatField(help_text="Mean score at each area's latest check-in.")
    improved_percent = serializers.FloatField(help_text="% whose latest score is higher than their first.")


class TrendPointSerializer(serializers.Serializer):
    quarter = DateField(help_text="The first day of the quarter.")
    template_area_id = serializers.IntegerField(allow_null=True)
    area = serializers.CharField()
    children = serializers.IntegerField()
    mean_score = serializers.FloatField()


class OutcomeFiguresSerializer(serializers.Serializer):
    definition = serializers.CharField()
    areas = AreaFiguresSerializer(many=True)
    trend = TrendPointSerializer(many=True)
