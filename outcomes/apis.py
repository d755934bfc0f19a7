"""The outcomes REST API, served under /api/v1/ beside casework's, with the same conventions:
one selector or service per endpoint; a star the user may not see is 404, one they may only read
is 403 on writes (the service decides); nothing is ever deleted."""

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casework import services as casework_services
from casework.apis import NOT_FOUND, WRITE_ERRORS, CaseworkViewSet, IdFilter, LoggedListMixin, LoggedRetrieveMixin, created
from casework.http import ApiRequest
from casework.ids import parse_id
from outcomes import codes, selectors, services
from outcomes import serializers as s
from outcomes.models import CheckIn, Star, StarArea, StarTemplate

FIGURES_DEFINITION = (
    "Per area, over the children you may see: the mean score at each child's first and latest check-in "
    "(children whose area was scored at two or more check-ins by the chosen respondent, the child unless asked), "
    "and the % whose latest score is higher than their first. Areas a child added are grouped with the template "
    "area they are based on, or as the child's own. The trend is the mean score per calendar quarter."
)


class StarFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = Star
        fields = ("child",)


class StarAreaFilter(filters.FilterSet):
    star = IdFilter(field_name="star_id")

    class Meta:
        model = StarArea
        fields = ("star",)


class CheckInFilter(filters.FilterSet):
    star = IdFilter(field_name="star_id")

    class Meta:
        model = CheckIn
        fields = ("star", "stage", "respondent")


@extend_schema_view(
    list=extend_schema(summary="Outcome star templates in use, with their areas"),
    retrieve=extend_schema(summary="An outcome star template", responses={200: s.StarTemplateSerializer, 404: NOT_FOUND}),
)
class StarTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CaseworkViewSet):
    queryset = StarTemplate.objects.none()
    serializer_class = s.StarTemplateSerializer

    def get_queryset(self) -> QuerySet[StarTemplate]:
        return selectors.templates_available()


@extend_schema_view(
    list=extend_schema(summary="Outcome stars of the children you may see"),
    retrieve=extend_schema(
        summary="A star with its areas (the view is logged)", responses={200: s.StarSerializer, 404: NOT_FOUND}
    ),
)
class StarViewSet(LoggedListMixin, mixins.RetrieveModelMixin, CaseworkViewSet):
    queryset = Star.objects.none()
    serializer_class = s.StarSerializer
    filterset_class = StarFilter

    def get_queryset(self) -> QuerySet[Star]:
        return selectors.stars_visible_to(user=self.request.user).prefetch_related("areas").order_by("id")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        star = self.star_from_url()
        casework_services.record_view_log(user=self.request.user, child=star.child, page="api:star-detail")
        return Response(s.StarSerializer(star).data)

    def star_from_url(self) -> Star:
        return selectors.star_get(user=self.request.user, star_id=self.kwargs["pk"])

    @extend_schema(
        summary="Start a child's star from a template",
        request=s.StarStartSerializer,
        responses={201: s.StarSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        star = services.star_start(actor=request.user, **self.parse(s.StarStartSerializer))
        return created(s.StarSerializer(star))

    @extend_schema(
        summary="Where the child and the worker scored an area 3 or more points apart at the same check-in",
        responses={200: s.DisagreementSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def disagreements(self, request: ApiRequest, pk: int) -> Response:
        star = self.star_from_url()
        casework_services.record_view_log(user=request.user, child=star.child, page="api:star-disagreements")
        rows = selectors.disagreements(star=star)
        return Response(s.DisagreementSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Areas of the stars you may see, current and retired"),
    retrieve=extend_schema(summary="A star area", responses={200: s.StarAreaSerializer, 404: NOT_FOUND}),
)
class StarAreaViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    child_of = "star.child"
    queryset = StarArea.objects.none()
    serializer_class = s.StarAreaSerializer
    filterset_class = StarAreaFilter

    def get_queryset(self) -> QuerySet[StarArea]:
        return selectors.star_areas_visible_to(user=self.request.user).order_by("star_id", "order", "id")

    def area_from_url(self) -> StarArea:
        return selectors.star_area_get(user=self.request.user, area_id=self.kwargs["pk"])

    @extend_schema(
        summary="Add an area to a child's star",
        request=s.StarAreaAddSerializer,
        responses={201: s.StarAreaSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        area = services.star_area_add(actor=request.user, **self.parse(s.StarAreaAddSerializer))
        return created(s.StarAreaSerializer(area))

    @extend_schema(
        summary="Rename an area",
        description="The area keeps its id, so earlier check-ins still point at it; its history keeps the old name.",
        request=s.StarAreaRenameSerializer,
        responses={200: s.StarAreaSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        area = services.star_area_rename(area=self.area_from_url(), actor=request.user, **self.parse(s.StarAreaRenameSerializer))
        return Response(s.StarAreaSerializer(area).data)

    @extend_schema(
        summary="Retire an area",
        description="It is no longer asked about; its earlier scores stay in the star's history.",
        request=None,
        responses={200: s.StarAreaSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: ApiRequest, pk: int) -> Response:
        area = services.star_area_retire(area=self.area_from_url(), actor=request.user)
        return Response(s.StarAreaSerializer(area).data)


@extend_schema_view(
    list=extend_schema(summary="Check-ins of the stars you may see, oldest first"),
    retrieve=extend_schema(summary="A check-in with its scores", responses={200: s.CheckInSerializer, 404: NOT_FOUND}),
)
class CheckInViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    child_of = "star.child"
    queryset = CheckIn.objects.none()
    serializer_class = s.CheckInSerializer
    filterset_class = CheckInFilter

    def get_queryset(self) -> QuerySet[CheckIn]:
        return selectors.check_ins_visible_to(user=self.request.user).order_by("star_id", "date", "id")

    @extend_schema(
        summary="Record one person's scores at a check-in",
        description="Several people (the child, a parent or carer, the worker) can each answer at the same stage and date.",
        responses={201: s.CheckInSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        data = self.parse(s.CheckInSerializer)
        scores = s.CheckInSerializer().score_inputs(data)
        check_in = services.check_in_record(actor=request.user, scores=scores, **data)
        return created(s.CheckInSerializer(selectors.check_in_get(user=request.user, check_in_id=check_in.pk)))


@extend_schema(
    summary="Outcome star figures for managers",
    description=FIGURES_DEFINITION,
    parameters=[
        OpenApiParameter("template", OpenApiTypes.INT, description="Only stars from this template."),
        OpenApiParameter(
            "respondent",
            OpenApiTypes.STR,
            enum=codes.Respondent.values,
            description="Whose scores to count (default: the child).",
        ),
    ],
    responses={200: s.OutcomeFiguresSerializer},
)
class OutcomeFiguresApi(generics.GenericAPIView):
    serializer_class = s.OutcomeFiguresSerializer

    def get(self, request: ApiRequest) -> Response:
        respondent = request.query_params.get("respondent", codes.Respondent.CHILD)
        if respondent not in codes.Respondent.values:
            respondent = codes.Respondent.CHILD
        template_id = parse_id(request.query_params.get("template"))
        figures = {
            "definition": FIGURES_DEFINITION,
            "areas": selectors.area_figures(user=request.user, respondent=respondent, template_id=template_id),
            "trend": selectors.quarterly_trend(user=request.user, respondent=respondent, template_id=template_id),
        }
        return Response(s.OutcomeFiguresSerializer(figures).data)
