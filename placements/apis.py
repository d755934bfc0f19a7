"""The placements API under /api/v1/: homes, children's homes, decisions on the ladder, measures, the 903.

Same shape as casework.apis: parse, call one selector or service, render. A child the user may not see
is a 404; a child they may read but not change is a 403 on writes (the services decide)."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import selectors as casework_selectors
from casework import services as casework_services
from casework.apis import (
    CONFLICT,
    NOT_FOUND,
    WRITE_ERRORS,
    CaseworkViewSet,
    IdFilter,
    LoggedListMixin,
    LoggedRetrieveMixin,
    created,
)
from casework.http import ApiRequest
from casework.serializers import DateField
from placements import codes, export, selectors, services
from placements import serializers as s
from placements.models import Adoption, AdoptionDecision, Home, PlacementDecision, PlacementEpisode, PreviousPermanence
from placements.validation import CollectionYear

MANAGERS_ONLY = {403: OpenApiResponse(description="Only team managers and heads of service see these figures.")}
HEADS_ONLY = {403: OpenApiResponse(description="Heads of service only.")}


class HomeFilter(filters.FilterSet):
    rung = filters.ChoiceFilter(choices=codes.Rung.choices)

    class Meta:
        model = Home
        fields = ("rung", "transition", "active")


class EpisodeFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = PlacementEpisode
        fields = ("child",)


class DecisionFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = PlacementDecision
        fields = ("child", "status")


@extend_schema_view(
    list=extend_schema(summary="Homes: foster carers, kinship carers, children's homes and lodgings, with vacancies"),
    retrieve=extend_schema(summary="A home", responses={200: s.HomeSerializer, 404: NOT_FOUND}),
)
class HomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CaseworkViewSet):
    queryset = Home.objects.none()
    serializer_class = s.HomeSerializer
    filterset_class = HomeFilter

    def get_queryset(self) -> QuerySet[Home]:
        return selectors.homes_for(user=self.request.user).order_by("name", "id")


@extend_schema_view(list=extend_schema(summary="Children's homes, past and current, for the children you may see"))
class PlacementEpisodeViewSet(LoggedListMixin, CaseworkViewSet):
    queryset = PlacementEpisode.objects.none()
    serializer_class = s.PlacementEpisodeSerializer
    filterset_class = EpisodeFilter

    def get_queryset(self) -> QuerySet[PlacementEpisode]:
        return selectors.episodes_visible_to(user=self.request.user).order_by("child_id", "started_on", "id")

    def _child(self, child_id: int) -> Any:
        return casework_selectors.child_get(user=self.request.user, child_id=child_id)

    @extend_schema(
        summary="Move a child to a new home",
        description="Ends the current home the day the new one starts. Overlaps and moves before the current home are "
        "refused. The move follows the child's approved decision for the home's rung; with none, it is an emergency move "
        "(`emergency_reason`), whose decision must be approved within 72 hours.",
        request=s.PlacementStartSerializer,
        responses={201: s.PlacementEpisodeSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="children/<int:child_id>/start")
    def start(self, request: ApiRequest, child_id: int) -> Response:
        child = self._child(child_id)
        fields = self.parse(s.PlacementStartSerializer)
        fields["reason"] = fields.pop("reason_place_change")
        episode = services.placement_start(child=child, actor=request.user, **fields)
        return created(s.PlacementEpisodeSerializer(episode))

    @extend_schema(
        summary="The Residential Review Group's monthly review of a child living in a children's home now",
        request=s.ResidentialReviewSerializer,
        responses={201: s.ResidentialReviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="children/<int:child_id>/residential-review")
    def residential_review(self, request: ApiRequest, child_id: int) -> Response:
        review_fields = self.parse(s.ResidentialReviewSerializer)
        review = services.residential_review_record(child=self._child(child_id), actor=request.user, **review_fields)
        return created(s.ResidentialReviewSerializer(review))

    @extend_schema(
        summary="A child is placed for adoption",
        description="With the foster carers they live with (no `home`: the type of home becomes A3, or A5 under a "
        "placement order) or with adopters (`home`, A4 or A6). Refused without an open decision and a match on or before "
        "the day.",
        request=s.AdoptionPlacementSerializer,
        responses={201: s.PlacementEpisodeSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="children/<int:child_id>/placed-for-adoption")
    def placed_for_adoption(self, request: ApiRequest, child_id: int) -> Response:
        child = self._child(child_id)
        episode = services.adoption_placement_start(child=child, actor=request.user, **self.parse(s.AdoptionPlacementSerializer))
        return created(s.PlacementEpisodeSerializer(episode))

    @extend_schema(
        summary="A child leaves care",
        description="Ends the current home with the 903 reason (REC), and the child's period in care.",
        request=s.EndCareSerializer,
        responses={200: s.PlacementEpisodeSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="children/<int:child_id>/end-care")
    def end_care(self, request: ApiRequest, child_id: int) -> Response:
        child = self._child(child_id)
        episode = services.placement_end_care(child=child, actor=request.user, **self.parse(s.EndCareSerializer))
        return Response(s.PlacementEpisodeSerializer(episode).data)


@extend_schema_view(list=extend_schema(summary="Placement decisions for the children you may see, latest first"))
class PlacementDecisionViewSet(LoggedListMixin, CaseworkViewSet):
    queryset = PlacementDecision.objects.none()
    serializer_class = s.PlacementDecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self) -> QuerySet[PlacementDecision]:
        return selectors.decisions_visible_to(user=self.request.user)

    def decision(self) -> PlacementDecision:
        return selectors.decision_get(user=self.request.user, decision_id=self.kwargs["pk"])

    def done(self, decision: PlacementDecision) -> Response:
        return Response(
            s.PlacementDecisionSerializer(selectors.decision_get(user=self.request.user, decision_id=decision.pk)).data
        )

    @extend_schema(summary="A placement decision", responses={200: s.PlacementDecisionSerializer, 404: NOT_FOUND})
    def retrieve(self, request: ApiRequest, pk: int) -> Response:
        decision = self.decision()
        casework_services.record_view_log(user=request.user, child=decision.child, page=f"api:decision:{decision.pk}")
        return Response(s.PlacementDecisionSerializer(decision).data)

    @extend_schema(
        summary="Start a draft decision",
        request=s.DecisionCreateSerializer,
        responses={201: s.PlacementDecisionSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        decision = services.decision_create(actor=request.user, **self.parse(s.DecisionCreateSerializer))
        return created(s.PlacementDecisionSerializer(decision))

    @extend_schema(
        summary="Change a draft decision",
        description="Send only the fields that change, and the `updated_at` you read as `version`.",
        request=s.DecisionUpdateSerializer,
        responses={200: s.PlacementDecisionSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        fields = self.parse(s.DecisionUpdateSerializer, partial=True)
        return self.done(services.decision_update(decision=self.decision(), actor=request.user, **fields))

    @extend_schema(
        summary="Record why one rung of the ladder is not right",
        request=s.RungRecordSerializer,
        responses={200: s.PlacementDecisionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rung(self, request: ApiRequest, pk: int) -> Response:
        decision = self.decision()
        services.decision_rung_record(decision=decision, actor=request.user, **self.parse(s.RungRecordSerializer))
        return self.done(decision)

    @extend_schema(
        summary="Choose a rung of the ladder",
        description="Refused while any higher rung lacks a recorded reason.",
        request=s.ChooseRungSerializer,
        responses={200: s.PlacementDecisionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def choose(self, request: ApiRequest, pk: int) -> Response:
        rung = self.parse(s.ChooseRungSerializer)["rung"]
        return self.done(services.decision_choose_rung(decision=self.decision(), rung=rung, actor=request.user))

    @extend_schema(
        summary="Submit a decision for approval", request=None, responses={200: s.PlacementDecisionSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: ApiRequest, pk: int) -> Response:
        return self.done(services.decision_submit(decision=self.decision(), actor=request.user))

    @extend_schema(
        summary="Approve a decision",
        description="The child's team manager or a head of service; a children's home also needs a head of service. "
        "A fully approved decision with a chosen home and a date starts the move.",
        request=None,
        responses={200: s.PlacementDecisionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: ApiRequest, pk: int) -> Response:
        return self.done(services.decision_approve(decision=self.decision(), actor=request.user))

    @extend_schema(
        summary="Turn a decision down, saying why",
        request=s.RejectSerializer,
        responses={200: s.PlacementDecisionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: ApiRequest, pk: int) -> Response:
        reason = self.parse(s.RejectSerializer)["reason"]
        return self.done(services.decision_reject(decision=self.decision(), actor=request.user, reason=reason))


# Adoption and previous permanence ------------------------------------------------------------------


class ChildRecordFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")


@extend_schema_view(
    list=extend_schema(summary="Decisions that children should be placed for adoption (903 PlacedAdoption), latest first"),
    retrieve=extend_schema(
        summary="A decision to place for adoption", responses={200: s.AdoptionDecisionSerializer, 404: NOT_FOUND}
    ),
)
class AdoptionDecisionViewSet(LoggedListMixin, LoggedRetrieveMixin):
    queryset = AdoptionDecision.objects.none()
    serializer_class = s.AdoptionDecisionSerializer
    filterset_class = ChildRecordFilter

    def get_queryset(self) -> QuerySet[AdoptionDecision]:
        return selectors.adoption_decisions_visible_to(user=self.request.user)

    @extend_schema(
        summary="Record a decision that a child should be placed for adoption",
        request=s.AdoptionDecisionCreateSerializer,
        responses={201: s.AdoptionDecisionSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        decision = services.adoption_decision_record(actor=request.user, **self.parse(s.AdoptionDecisionCreateSerializer))
        return created(s.AdoptionDecisionSerializer(decision))

    @extend_schema(
        summary="Record the match, the reversal of the decision, or correct a date (saying why)",
        request=s.AdoptionDecisionUpdateSerializer,
        responses={200: s.AdoptionDecisionSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        decision = selectors.adoption_decision_get(user=request.user, decision_id=pk)
        fields = self.parse(s.AdoptionDecisionUpdateSerializer, partial=True)
        decision = services.adoption_decision_update(decision=decision, actor=request.user, **fields)
        return Response(s.AdoptionDecisionSerializer(decision).data)


@extend_schema_view(
    list=extend_schema(summary="Adoptions that ended children's care (903 AD1)"),
    retrieve=extend_schema(summary="An adoption", responses={200: s.AdoptionSerializer, 404: NOT_FOUND}),
)
class AdoptionViewSet(LoggedListMixin, LoggedRetrieveMixin):
    queryset = Adoption.objects.none()
    serializer_class = s.AdoptionSerializer
    filterset_class = ChildRecordFilter

    def get_queryset(self) -> QuerySet[Adoption]:
        return selectors.adoptions_visible_to(user=self.request.user)

    @extend_schema(
        summary="Record the adoption order: the child's care ends (REC E11 or E12)",
        description="Refused unless the child lives in a placement for adoption (A3 to A6).",
        request=s.AdoptionCreateSerializer,
        responses={201: s.AdoptionSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        adoption = services.adoption_record(actor=request.user, **self.parse(s.AdoptionCreateSerializer))
        return created(s.AdoptionSerializer(adoption))

    @extend_schema(
        summary="Correct who adopted the child, or whether consent was dispensed with, saying why",
        request=s.AdoptionCorrectSerializer,
        responses={200: s.AdoptionSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        adoption = selectors.adoption_get(user=request.user, adoption_id=pk)
        fields = self.parse(s.AdoptionCorrectSerializer)
        return Response(s.AdoptionSerializer(services.adoption_correct(adoption=adoption, actor=request.user, **fields)).data)


@extend_schema_view(
    list=extend_schema(summary="Children's previous permanence (903 PrevPerm)"),
    retrieve=extend_schema(
        summary="A child's previous permanence", responses={200: s.PreviousPermanenceSerializer, 404: NOT_FOUND}
    ),
)
class PreviousPermanenceViewSet(LoggedListMixin, LoggedRetrieveMixin):
    queryset = PreviousPermanence.objects.none()
    serializer_class = s.PreviousPermanenceSerializer
    filterset_class = ChildRecordFilter

    def get_queryset(self) -> QuerySet[PreviousPermanence]:
        return selectors.previous_permanence_visible_to(user=self.request.user)

    @extend_schema(
        summary="Record a child's previous permanence, or correct it (saying why)",
        description="One a child, once they are in care. An adoption or order (P1 to P3) names the council (999 if not "
        "known) and as much of its date as is known.",
        request=s.PreviousPermanenceRecordSerializer,
        responses={201: s.PreviousPermanenceSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        record = services.previous_permanence_record(actor=request.user, **self.parse(s.PreviousPermanenceRecordSerializer))
        return created(s.PreviousPermanenceSerializer(record))


def _day(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        day: datetime.date = DateField().run_validation(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"on": error.detail}) from error
    return day


class MeasuresApi(APIView):
    @extend_schema(
        summary="Placement measures: stability, mix of homes, ideal vs actual, steps down",
        description="For a team manager's team, or every child for a head of service. Stability is on the date `on` "
        "(default today); the other measures cover the 12 months to it.",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, required=False)],
        responses={200: s.MeasuresSerializer, **MANAGERS_ONLY},
    )
    def get(self, request: ApiRequest) -> Response:
        return Response(s.MeasuresSerializer(selectors.measures(user=request.user, on=_day(request.query_params.get("on")))).data)


class Ssda903Api(APIView):
    @extend_schema(
        summary="The SSDA903 return for a collection year, as CSV",
        description="`year` names the year by its start (2024 is 1 April 2024 to 31 March 2025). Heads of service only.",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("table", OpenApiTypes.STR, enum=list(export.TABLES), required=False),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            400: OpenApiResponse(description="No such year or table."),
            403: OpenApiResponse(description="Heads of service only."),
        },
    )
    def get(self, request: ApiRequest) -> HttpResponse:
        table = request.query_params.get("table", "episodes")
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError as error:
            raise serializers.ValidationError({"year": ["Give the year the collection starts in, e.g. 2024."]}) from error
        if table not in export.TABLES or not 2000 <= year <= 2100:
            raise serializers.ValidationError({"table": [f"Choose one of {', '.join(export.TABLES)} and a year."]})
        data = export.ssda903_build(user=request.user, year=year)
        casework_services.record_list_log(user=request.user, children=data.child_ids(), page=f"api:{request.get_full_path()}")
        return csv_response(data.csv(table), f"ssda903_{year}_{table}.csv")


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReturnCheckApi(APIView):
    @extend_schema(
        summary="Check the SSDA903 return with the DfE's validator",
        description="Starts a check of the return for a collection year, run by a worker (about 30 s for 3,000 "
        "children), or answers with the one already under way for that year: a second request starts nothing new. "
        "Follow it with GET /api/v1/ssda903/checks/latest/. Heads of service only.",
        request=s.ReturnCheckYearSerializer,
        responses={202: s.ReturnCheckSerializer, 400: OpenApiResponse(description="No such year."), **HEADS_ONLY},
    )
    def post(self, request: ApiRequest) -> Response:
        asked = s.ReturnCheckYearSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        check = services.return_check_request(user=request.user, year=CollectionYear(asked.validated_data["year"]))
        return Response(s.ReturnCheckSerializer(check).data, status=202)


class ReturnCheckLatestApi(APIView):
    @extend_schema(
        summary="The latest check of the SSDA903 return",
        description="The newest check for a collection year (`year`: the year it starts, 2025 for 2025/26), whatever "
        "its status: queued or running (ask again in a few seconds), failed (with why) or done (with every issue). "
        "Heads of service only.",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True)],
        responses={
            200: s.ReturnCheckSerializer,
            400: OpenApiResponse(description="No such year."),
            404: OpenApiResponse(description="The year's return has not been checked yet."),
            **HEADS_ONLY,
        },
    )
    def get(self, request: ApiRequest) -> Response:
        asked = s.ReturnCheckYearSerializer(data=request.query_params)
        asked.is_valid(raise_exception=True)
        check = selectors.return_checks(user=request.user, year=asked.validated_data["year"]).first()
        if check is None:
            raise NotFound("The return for that year has not been checked yet.")
        if check.status == codes.ReturnCheckStatus.DONE:
            casework_services.record_list_log(user=request.user, children=check.children, page=f"api:{request.get_full_path()}")
        return Response(s.ReturnCheckSerializer(check).data)
