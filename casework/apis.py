"""The casework REST API, served under /api/v1/.

Each endpoint parses its input with a serializer, calls one selector or service, and renders the
result. Who may see a record is decided by the selectors (an invisible record is a 404, never a
403, so its existence does not leak); the services refuse changes that a user may only read.
Records are never deleted, so no endpoint accepts DELETE."""

from operator import attrgetter
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from casework import codes, selectors, services, tokens
from casework import serializers as s
from casework.dashboard.figures import dashboard, measure_figures
from casework.dashboard.filters import AGE_BANDS, Filters, filtered_children, filters_from
from casework.dashboard.registry import measure_get
from casework.http import ApiRequest
from casework.models import (
    Allocation,
    CaseNote,
    Child,
    FamilyMember,
    LookedAfterReview,
    MissingEpisode,
    RecordCheck,
    SharedRecord,
    SiblingContactArrangement,
    SiblingContactSession,
    Visit,
)
from casework.versions import RecordChanged

# Errors -----------------------------------------------------------------------------------------


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The services raise Django's ValidationError: answer it as a 400, as DRF answers its own.

    DRF's handler already turns PermissionDenied into a 403 and Http404 into a 404, keeping the message."""
    if isinstance(exc, RecordChanged):
        body = {"detail": exc.api_detail(), "changed_by": exc.changed_by, "updated_at": exc.current_version}
        return Response(s.ConflictSerializer(body).data, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_error_detail(exc))
    return drf_exception_handler(exc, context)


def validation_error_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """`{"field": ["message"]}`, with errors that belong to no one field under `non_field_errors`."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {_error_key(field): messages for field, messages in error.message_dict.items()}


def _error_key(field: str) -> str:
    return api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field


NOT_FOUND = OpenApiResponse(description="There is no such record, or it is not one you may see.")
WRITE_ERRORS = {
    400: OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description='Something in the request needs correcting: `{"field": ["message"]}` or `{"non_field_errors": ["message"]}`.',
    ),
    403: OpenApiResponse(description="Not signed in, or you may read this child's record but not change it."),
    404: NOT_FOUND,
}
CONFLICT = {
    409: OpenApiResponse(
        response=s.ConflictSerializer,
        description="Someone saved the record after the `version` you sent. Nothing was saved.",
    )
}


# Filters ----------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A record's id: a whole number (NumberFilter on its own accepts decimals)."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # any number field works; the stubs allow only DecimalField


class ChildFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=codes.CaseStatus.choices)
    in_care = filters.BooleanFilter(label="Whether the child has an open period in care.")
    search = filters.CharFilter(
        method="search_names",
        max_length=100,
        label="A name (spelling forgiven), a date of birth (31/12/2015 or 2015-12-31), a UPN or a Hearth id.",
    )

    class Meta:
        model = Child
        fields = ("status", "in_care", "search")

    def search_names(self, queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        # The same finding as the caseload's search box: a name spelled as it sounds, a date of birth, a UPN or an id.
        return selectors.children_matching(queryset, value)


class AllocationFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = Allocation
        fields = ("child",)


class VisitFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = Visit
        fields = ("child", "status", "visit_type")


class CaseNoteFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = CaseNote
        fields = ("child", "status", "kind")


class SiblingContactArrangementFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = SiblingContactArrangement
        fields = ("child",)


class SiblingContactSessionFilter(filters.FilterSet):
    arrangement = IdFilter(field_name="arrangement_id")

    class Meta:
        model = SiblingContactSession
        fields = ("arrangement",)


class ReviewFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = LookedAfterReview
        fields = ("child",)


class MissingEpisodeFilter(filters.FilterSet):
    child = IdFilter(field_name="child_id")

    class Meta:
        model = MissingEpisode
        fields = ("child",)


# Shared -----------------------------------------------------------------------------------------


class CaseworkViewSet(viewsets.GenericViewSet):
    """Ids in URLs are whole numbers; anything else is a 404 before any lookup."""

    request: ApiRequest
    lookup_value_converter = "int"

    def parse(self, serializer_class: type[BaseSerializer], *, partial: bool = False) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def child_from_url(self) -> Child:
        return selectors.child_get(user=self.request.user, child_id=self.kwargs["pk"])


class LoggedRetrieveMixin(mixins.RetrieveModelMixin, CaseworkViewSet):
    """Retrieve, writing the read to the child's access log: every read of a child's record is logged."""

    child_of = "child"  # the path from the record to its child, e.g. "visit.child"

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        child = attrgetter(self.child_of)(record)
        services.record_view_log(user=self.request.user, child=child, page=f"api:{self.basename}:{record.pk}")
        return Response(self.get_serializer(record).data)


class LoggedListMixin(mixins.ListModelMixin):
    """List, writing one row to the access log for the page of records answered, with each child on it."""

    child_of = "child"  # the path from a record to its child ("" for a child), e.g. "visit.child"

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        records = list(queryset) if page is None else page
        id_of = attrgetter(f"{self.child_of}_id" if self.child_of else "pk")
        user = cast(ApiRequest, request).user  # IsAuthenticated has let only a signed-in user this far
        services.record_list_log(user=user, children=map(id_of, records), page=f"api:{request.get_full_path()}")
        data = self.get_serializer(records, many=True).data  # type: ignore[attr-defined]
        return Response(data) if page is None else self.get_paginated_response(data)  # type: ignore[attr-defined]


def created(serializer: BaseSerializer) -> Response:
    return Response(serializer.data, status=status.HTTP_201_CREATED)


# Children ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Children you may see, by name"),
    retrieve=extend_schema(summary="A child's record (the view is logged)", responses={200: s.ChildSerializer, 404: NOT_FOUND}),
)
class ChildViewSet(LoggedListMixin, mixins.RetrieveModelMixin, CaseworkViewSet):
    child_of = ""
    queryset = Child.objects.none()  # the real one comes from the selector, per user
    serializer_class = s.ChildSerializer
    filterset_class = ChildFilter

    def get_queryset(self) -> QuerySet[Child]:
        children = selectors.children_visible_to(user=self.request.user)
        return selectors.children_with_summaries(children).order_by("last_name", "first_name", "id")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        child = self.get_object()
        services.record_view_log(user=self.request.user, child=child, page="api:child-detail")
        return Response(self.get_serializer(child).data)

    @extend_schema(
        summary="Add a child new to the council, with their first worker",
        description="A child Hearth may already hold (the same UPN, or the same date of birth and a name spelled alike) "
        "is a 400 on `not_a_duplicate` naming them: check, then send `not_a_duplicate: true` if it is a different child.",
        request=s.ChildCreateSerializer,
        responses={201: s.ChildSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        services.require_may_add_child(actor=request.user)
        child = services.child_create(actor=request.user, **self.parse(s.ChildCreateSerializer))
        return created(self.get_serializer(self.get_queryset().get(pk=child.pk)))

    @extend_schema(
        summary="Correct or add to a child's details",
        request=s.ChildUpdateSerializer,
        responses={200: s.ChildSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        child = self.child_from_url()
        details = self.parse(s.ChildUpdateSerializer, partial=True)
        version = details.pop("version", None)
        services.child_update(child=child, actor=request.user, version=version, **details)
        return Response(self.get_serializer(self.get_queryset().get(pk=child.pk)).data)

    @extend_schema(
        summary="Change what matters to the child, in their words",
        request=s.ChildAboutMeSerializer,
        responses={200: s.ChildAboutMeSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["patch"], url_path="about-me")
    def about_me(self, request: ApiRequest, pk: int) -> Response:
        child = self.child_from_url()
        words = self.parse(s.ChildAboutMeSerializer, partial=True)
        child = services.child_words_update(child=child, actor=request.user, **words)
        return Response(s.ChildAboutMeSerializer(child).data)

    @extend_schema(
        summary="Close the child's case, saying why (nothing is deleted; it can be reopened)",
        request=s.CloseCaseSerializer,
        responses={200: s.ChildSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: ApiRequest, pk: int) -> Response:
        child = services.child_close(child=self.child_from_url(), actor=request.user, **self.parse(s.CloseCaseSerializer))
        # The record as closed: its worker's allocation has ended, so it may no longer be in this user's list.
        return Response(self.get_serializer(selectors.children_with_summaries(Child.objects.filter(pk=child.pk)).get()).data)

    @extend_schema(
        summary="Open a closed case again",
        request=s.ReopenCaseSerializer,
        responses={200: s.ChildSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: ApiRequest, pk: int) -> Response:
        child = services.child_reopen(child=self.child_from_url(), actor=request.user, **self.parse(s.ReopenCaseSerializer))
        return Response(self.get_serializer(self.get_queryset().get(pk=child.pk)).data)

    @extend_schema(
        summary="The child comes into care, with the legal status and category of need the worker records",
        description="Their first home follows as a move (`/api/v1/placement-episodes/children/{id}/start/`).",
        request=s.CareStartSerializer,
        responses={201: s.CareEpisodeSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="care/start")
    def care_start(self, request: ApiRequest, pk: int) -> Response:
        episode = services.care_start(child=self.child_from_url(), actor=request.user, **self.parse(s.CareStartSerializer))
        return created(s.CareEpisodeSerializer(episode))

    @extend_schema(
        summary="A new legal status from a day (the current one ends that day)",
        request=s.LegalStatusChangeSerializer,
        responses={201: s.LegalStatusSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="care/legal-status")
    def legal_status(self, request: ApiRequest, pk: int) -> Response:
        status = services.legal_status_change(
            child=self.child_from_url(), actor=request.user, **self.parse(s.LegalStatusChangeSerializer)
        )
        return created(s.LegalStatusSerializer(status))

    @extend_schema(
        summary="The young person's leaving-care record (from 16): pathway plan and personal adviser",
        request=s.CareLeaverSerializer,
        responses={200: s.CareLeaverSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["patch"], url_path="leaving-care")
    def leaving_care(self, request: ApiRequest, pk: int) -> Response:
        fields = self.parse(s.CareLeaverSerializer, partial=True)
        version = fields.pop("version", None)
        record = services.care_leaver_update(child=self.child_from_url(), actor=request.user, version=version, **fields)
        return Response(s.CareLeaverSerializer(record).data)

    @extend_schema(
        summary="Contact with a care leaver around a birthday from 17 to 21 (one a birthday, changed in place)",
        request=s.CareLeaverContactSerializer,
        responses={200: s.CareLeaverContactSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="leaving-care/contact")
    def leaving_care_contact(self, request: ApiRequest, pk: int) -> Response:
        fields = self.parse(s.CareLeaverContactSerializer)
        contact = services.care_leaver_contact_record(child=self.child_from_url(), actor=request.user, **fields)
        return Response(s.CareLeaverContactSerializer(contact).data)

    @extend_schema(
        summary="The child's yearly health records (903 OC2), newest first",
        responses={200: s.HealthRecordSerializer(many=True)},
        methods=["GET"],
    )
    @extend_schema(
        summary="Make or correct the child's health record for a year to 31 March",
        description="One a year: a second POST for the same year corrects it (send the `version` read). Only for a "
        "child in care on the year's first day; the questions asked depend on the age at 31 March.",
        request=s.HealthRecordSerializer,
        responses={200: s.HealthRecordSerializer, **WRITE_ERRORS, **CONFLICT},
        methods=["POST"],
    )
    @action(detail=True, methods=["get", "post"], url_path="health-records")
    def health_records(self, request: ApiRequest, pk: int) -> Response:
        child = self.child_from_url()
        if request.method == "GET":
            services.record_view_log(user=request.user, child=child, page="api:child:health-records")
            return Response(s.HealthRecordSerializer(child.health_records.all(), many=True).data)
        fields = self.parse(s.HealthRecordSerializer)
        version = fields.pop("version", None)
        record = services.health_record_save(child=child, actor=request.user, version=version, **fields)
        return Response(s.HealthRecordSerializer(record).data)

    @extend_schema(
        summary="Change the child's allocated worker",
        description="Ends the current allocation with the 903 reason and starts one with the new worker.",
        request=s.ChangeWorkerSerializer,
        responses={201: s.AllocationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="change-worker")
    def change_worker(self, request: ApiRequest, pk: int) -> Response:
        child = self.child_from_url()
        change = self.parse(s.ChangeWorkerSerializer)
        allocation = services.allocation_change(child=child, actor=request.user, **change)
        return created(s.AllocationSerializer(allocation))


@extend_schema_view(
    get=extend_schema(
        summary="The people in a child's network", responses={200: s.FamilyMemberSerializer(many=True), 404: NOT_FOUND}
    ),
    post=extend_schema(
        summary="Add someone to a child's network (a brother or sister with their own record is linked both ways)",
        request=s.FamilyMemberWriteSerializer,
        responses={201: s.FamilyMemberSerializer, **WRITE_ERRORS},
    ),
)
class ChildFamilyApi(generics.ListAPIView):
    request: ApiRequest
    queryset = FamilyMember.objects.none()
    serializer_class = s.FamilyMemberSerializer

    def get_queryset(self) -> QuerySet[FamilyMember]:
        child = selectors.child_get(user=self.request.user, child_id=self.kwargs["child_id"])
        services.record_view_log(user=self.request.user, child=child, page="api:child-family")
        return selectors.family_visible_to(user=self.request.user).filter(child=child)

    def post(self, request: ApiRequest, child_id: int) -> Response:
        child = selectors.child_get(user=request.user, child_id=child_id)
        serializer = s.FamilyMemberWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = {name: value for name, value in serializer.validated_data.items() if name != "version"}
        return created(s.FamilyMemberSerializer(services.family_member_add(child=child, actor=request.user, **fields)))


@extend_schema(
    summary="Change someone in a child's network, or end their place in it (ended_on)",
    request=s.FamilyMemberWriteSerializer,
    responses={200: s.FamilyMemberSerializer, **WRITE_ERRORS, **CONFLICT},
)
class FamilyMemberApi(APIView):
    request: ApiRequest

    def patch(self, request: ApiRequest, member_id: int) -> Response:
        member = selectors.family_member_get(user=request.user, member_id=member_id)
        serializer = s.FamilyMemberWriteSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        version = fields.pop("version", None)
        member = services.family_member_update(member=member, actor=request.user, version=version, **fields)
        return Response(s.FamilyMemberSerializer(member).data)


# Allocations ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="Allocated workers, past and current, of the children you may see"))
class AllocationViewSet(LoggedListMixin, CaseworkViewSet):
    queryset = Allocation.objects.none()
    serializer_class = s.AllocationSerializer
    filterset_class = AllocationFilter

    def get_queryset(self) -> QuerySet[Allocation]:
        return selectors.allocations_visible_to(user=self.request.user)


# Visits -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Visits to the children you may see, latest first"),
)
class VisitViewSet(LoggedListMixin, CaseworkViewSet):
    queryset = Visit.objects.none()
    serializer_class = s.VisitSerializer
    filterset_class = VisitFilter

    def get_queryset(self) -> QuerySet[Visit]:
        return selectors.visits_visible_to(user=self.request.user)

    def visit_from_url(self) -> Visit:
        return selectors.visit_get(user=self.request.user, visit_id=self.kwargs["pk"])

    @extend_schema(summary="A visit (the view is logged)", responses={200: s.VisitSerializer, 404: NOT_FOUND})
    def retrieve(self, request: ApiRequest, pk: int) -> Response:
        visit = self.visit_from_url()
        services.record_view_log(user=request.user, child=visit.child, page="api:visit-detail")
        return Response(s.VisitSerializer(visit).data)

    @extend_schema(
        summary="Start a draft visit",
        description="Send an `idempotency_key` so that a retried request returns the first visit instead of making another.",
        request=s.VisitCreateSerializer,
        responses={201: s.VisitSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        visit = services.visit_create(author=request.user, **self.parse(s.VisitCreateSerializer))
        return created(s.VisitSerializer(visit))

    @extend_schema(
        summary="Change a draft visit",
        description="Send only the fields that change, and the `updated_at` you read as `version`.",
        request=s.VisitUpdateSerializer,
        responses={200: s.VisitSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        visit = self.visit_from_url()
        visit = services.visit_update(visit=visit, actor=request.user, **self.parse(s.VisitUpdateSerializer, partial=True))
        return Response(s.VisitSerializer(visit).data)

    @extend_schema(summary="Sign a draft visit", request=None, responses={200: s.VisitSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def sign(self, request: ApiRequest, pk: int) -> Response:
        visit = services.visit_sign(visit=self.visit_from_url(), actor=request.user)
        return Response(s.VisitSerializer(visit).data)

    @extend_schema(
        summary="Confirm you have read and corrected a draft written from a voice note",
        description="Machine text is never filed unreviewed: a visit drafted from a voice note can be signed only after this.",
        request=None,
        responses={200: s.VisitSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: ApiRequest, pk: int) -> Response:
        visit = services.visit_review_draft(visit=self.visit_from_url(), actor=request.user)
        return Response(s.VisitSerializer(visit).data)

    @extend_schema(
        summary="Amend a signed visit",
        description="Send the reason, only the fields that change, and the `updated_at` you read as `version`. "
        "The reason is kept in the visit's history.",
        request=s.VisitAmendSerializer,
        responses={200: s.VisitSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request: ApiRequest, pk: int) -> Response:
        visit = self.visit_from_url()
        changes = self.parse(s.VisitAmendSerializer, partial=True)
        # A missing reason reaches the service, which says what to write.
        reason = changes.pop("reason", "")
        visit = services.visit_amend(visit=visit, actor=request.user, reason=reason, **changes)
        return Response(s.VisitSerializer(visit).data)

    @extend_schema(
        summary="Share a signed visit, or some of its sections, with the child",
        description="Only the sections named reach the child, who can say whether they are right.",
        request=s.VisitShareSerializer,
        responses={201: s.SharedRecordSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def share(self, request: ApiRequest, pk: int) -> Response:
        share = services.visit_share(visit=self.visit_from_url(), actor=request.user, **self.parse(s.VisitShareSerializer))
        return created(s.SharedRecordSerializer(share))


# Case notes -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Case notes (contact that is not a visit) on the children you may see, latest first"),
    retrieve=extend_schema(summary="A case note (the view is logged)", responses={200: s.CaseNoteSerializer, 404: NOT_FOUND}),
)
class CaseNoteViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    queryset = CaseNote.objects.none()
    serializer_class = s.CaseNoteSerializer
    filterset_class = CaseNoteFilter

    def get_queryset(self) -> QuerySet[CaseNote]:
        return selectors.case_notes_visible_to(user=self.request.user)

    def note_from_url(self) -> CaseNote:
        return selectors.case_note_get(user=self.request.user, note_id=self.kwargs["pk"])

    @extend_schema(
        summary="Start a draft case note",
        request=s.CaseNoteCreateSerializer,
        responses={201: s.CaseNoteSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        note = services.case_note_create(author=request.user, **self.parse(s.CaseNoteCreateSerializer))
        return created(s.CaseNoteSerializer(note))

    @extend_schema(
        summary="Change a draft case note (its author only)",
        description="Send only the fields that change, and the `updated_at` you read as `version`.",
        request=s.CaseNoteUpdateSerializer,
        responses={200: s.CaseNoteSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        fields = self.parse(s.CaseNoteUpdateSerializer, partial=True)
        note = services.case_note_update(note=self.note_from_url(), actor=request.user, **fields)
        return Response(s.CaseNoteSerializer(note).data)

    @extend_schema(
        summary="Sign a draft case note (its author only)", request=None, responses={200: s.CaseNoteSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: ApiRequest, pk: int) -> Response:
        note = services.case_note_sign(note=self.note_from_url(), actor=request.user)
        return Response(s.CaseNoteSerializer(note).data)

    @extend_schema(
        summary="Amend a signed case note",
        description="Send the reason, only the fields that change, and the `updated_at` you read as `version`. "
        "The reason is kept in the case note's history.",
        request=s.CaseNoteAmendSerializer,
        responses={200: s.CaseNoteSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request: ApiRequest, pk: int) -> Response:
        changes = self.parse(s.CaseNoteAmendSerializer, partial=True)
        reason = changes.pop("reason", "")  # a missing reason reaches the service, which says what to write
        note = services.case_note_amend(note=self.note_from_url(), actor=request.user, reason=reason, **changes)
        return Response(s.CaseNoteSerializer(note).data)


# Sibling contact --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Contact arrangements with brothers and sisters, with their sessions"),
    retrieve=extend_schema(
        summary="A contact arrangement", responses={200: s.SiblingContactArrangementSerializer, 404: NOT_FOUND}
    ),
)
class SiblingContactArrangementViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    queryset = SiblingContactArrangement.objects.none()
    serializer_class = s.SiblingContactArrangementSerializer
    filterset_class = SiblingContactArrangementFilter

    def get_queryset(self) -> QuerySet[SiblingContactArrangement]:
        return selectors.sibling_contact_visible_to(user=self.request.user)

    @extend_schema(
        summary="Arrange contact with a brother or sister",
        request=s.SiblingContactArrangementCreateSerializer,
        responses={201: s.SiblingContactArrangementSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        arrangement = services.sibling_contact_arrangement_create(
            actor=request.user, **self.parse(s.SiblingContactArrangementCreateSerializer)
        )
        return created(s.SiblingContactArrangementSerializer(arrangement))

    @extend_schema(
        summary="Change contact with a brother or sister, or end it",
        description="Send only the fields that change, and the `updated_at` you read as `version`. To end contact, send "
        "its last day as `ended_on` and why as `end_reason`; `ended_on: null` starts it again.",
        request=s.SiblingContactArrangementUpdateSerializer,
        responses={200: s.SiblingContactArrangementSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        arrangement = selectors.sibling_contact_get(user=request.user, arrangement_id=pk)
        fields = self.parse(s.SiblingContactArrangementUpdateSerializer, partial=True)
        version = fields.pop("version", None)
        arrangement = services.sibling_contact_arrangement_update(
            arrangement=arrangement, actor=request.user, version=version, **fields
        )
        return Response(s.SiblingContactArrangementSerializer(self.get_queryset().get(pk=arrangement.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Sibling contact sessions: planned, held and cancelled"),
    retrieve=extend_schema(
        summary="A sibling contact session", responses={200: s.SiblingContactSessionSerializer, 404: NOT_FOUND}
    ),
)
class SiblingContactSessionViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    child_of = "arrangement.child"
    queryset = SiblingContactSession.objects.none()
    serializer_class = s.SiblingContactSessionSerializer
    filterset_class = SiblingContactSessionFilter

    def get_queryset(self) -> QuerySet[SiblingContactSession]:
        return selectors.sibling_contact_sessions_visible_to(user=self.request.user)

    @extend_schema(
        summary="Record a sibling contact session",
        description="A cancelled session says who cancelled it and why.",
        responses={201: s.SiblingContactSessionSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        session = services.sibling_contact_session_record(actor=request.user, **self.parse(s.SiblingContactSessionSerializer))
        return created(s.SiblingContactSessionSerializer(session))

    @extend_schema(
        summary="Record what happened at a session: held, cancelled (who, why) or still planned",
        description="The same session is changed, its history kept. Send only the fields that change, and the "
        "`updated_at` you read as `version`.",
        request=s.SessionOutcomeSerializer,
        responses={200: s.SiblingContactSessionSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        session = selectors.sibling_contact_session_get(user=request.user, session_id=pk)
        sent = self.parse(s.SessionOutcomeSerializer, partial=True)
        version = sent.pop("version", None)
        kept = {name: getattr(session, name) for name in ("status", "cancelled_by", "cancel_reason", "child_comment")}
        session = services.sibling_contact_session_update(session=session, actor=request.user, version=version, **(kept | sent))
        return Response(s.SiblingContactSessionSerializer(session).data)


# Looked-after reviews and missing episodes ---------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Looked-after reviews: when, and how the child took part"),
    retrieve=extend_schema(summary="A looked-after review", responses={200: s.ReviewSerializer, 404: NOT_FOUND}),
)
class ReviewViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    queryset = LookedAfterReview.objects.none()
    serializer_class = s.ReviewSerializer
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[LookedAfterReview]:
        return selectors.reviews_visible_to(user=self.request.user)

    @extend_schema(
        summary="Record a looked-after review",
        description="Held on a day the child was in care, one a day. `participation` is the 903's PN code: PN0 for a "
        "child under 4 on the day, and only for them.",
        request=s.ReviewCreateSerializer,
        responses={201: s.ReviewSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        review = services.review_record(actor=request.user, **self.parse(s.ReviewCreateSerializer))
        return created(s.ReviewSerializer(review))

    @extend_schema(
        summary="Correct a looked-after review",
        description="Send only the fields that change, and the `updated_at` you read as `version`. The history keeps "
        "what it said before.",
        request=s.ReviewUpdateSerializer,
        responses={200: s.ReviewSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        review = selectors.review_get(user=request.user, review_id=pk)
        fields = self.parse(s.ReviewUpdateSerializer, partial=True)
        version = fields.pop("version", None)
        review = services.review_update(review=review, actor=request.user, version=version, **fields)
        return Response(s.ReviewSerializer(review).data)


@extend_schema_view(
    list=extend_schema(summary="Times children were missing or away without permission"),
    retrieve=extend_schema(summary="A missing episode", responses={200: s.MissingEpisodeSerializer, 404: NOT_FOUND}),
)
class MissingEpisodeViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    queryset = MissingEpisode.objects.none()
    serializer_class = s.MissingEpisodeSerializer
    filterset_class = MissingEpisodeFilter

    def get_queryset(self) -> QuerySet[MissingEpisode]:
        return selectors.missing_episodes_visible_to(user=self.request.user)

    @extend_schema(
        summary="Record a time the child was missing or away without permission",
        description="Within a period in care; no two of a child's episodes overlap, and one at most is open (no "
        "`ended_on`: still missing). The return interview is recorded once the child is back.",
        request=s.MissingEpisodeCreateSerializer,
        responses={201: s.MissingEpisodeSerializer, **WRITE_ERRORS},
    )
    def create(self, request: ApiRequest) -> Response:
        episode = services.missing_episode_record(actor=request.user, **self.parse(s.MissingEpisodeCreateSerializer))
        return created(s.MissingEpisodeSerializer(episode))

    @extend_schema(
        summary="Record the day the child came back and the return interview, or correct the episode",
        description="Send only the fields that change, and the `updated_at` you read as `version`. The history keeps "
        "what it said before.",
        request=s.MissingEpisodeUpdateSerializer,
        responses={200: s.MissingEpisodeSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: ApiRequest, pk: int) -> Response:
        episode = selectors.missing_episode_get(user=request.user, episode_id=pk)
        fields = self.parse(s.MissingEpisodeUpdateSerializer, partial=True)
        version = fields.pop("version", None)
        episode = services.missing_episode_update(episode=episode, actor=request.user, version=version, **fields)
        return Response(s.MissingEpisodeSerializer(episode).data)


# Tokens -----------------------------------------------------------------------------------------


@extend_schema(
    summary="Exchange a username and password for an API token",
    request=s.TokenRequestSerializer,
    responses={200: s.TokenSerializer, 400: OpenApiResponse(description="The username or password is not right.")},
    auth=[],
)
class TokenObtainApi(APIView):
    # Signing in needs no earlier sign-in, and a browser session must not make it demand a CSRF token.
    authentication_classes = ()
    permission_classes = ()

    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, text = tokens.token_issue(user=serializer.validated_data["user"])
        return Response(s.TokenSerializer({"token": text, "expiry": instance.expiry}).data)


@extend_schema(summary="Sign out: end the token this request sends", request=None, responses={204: None})
class TokenEndApi(APIView):
    authentication_classes = (tokens.TokenAuthentication,)

    def post(self, request: ApiRequest) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(summary="Sign out everywhere: end every token you hold", request=None, responses={204: None})
class TokensEndApi(APIView):
    authentication_classes = (tokens.TokenAuthentication,)

    def post(self, request: ApiRequest) -> Response:
        tokens.tokens_end(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Sharing with the child, and the child's corrections (staff) ---------------------------------------


class CorrectionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=codes.CheckStatus.choices)
    child = IdFilter(field_name="shared_record__visit__child_id")

    class Meta:
        model = RecordCheck
        fields = ("status", "child")


@extend_schema_view(
    list=extend_schema(summary="Children's correction requests (“this isn't right”) on children you may see"),
    retrieve=extend_schema(summary="A correction request", responses={200: s.CorrectionSerializer, 404: NOT_FOUND}),
)
class CorrectionViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    child_of = "shared_record.visit.child"
    queryset = RecordCheck.objects.none()
    serializer_class = s.CorrectionSerializer
    filterset_class = CorrectionFilter

    def get_queryset(self) -> QuerySet[RecordCheck]:
        return selectors.corrections_visible_to(user=self.request.user).order_by("checked_at", "id")

    @extend_schema(
        summary="Answer a child's correction request",
        description="Changes to the shared sections amend the visit (the child's words are the reason); "
        "with no change, the answer explains why the record stays. The child reads the answer.",
        request=s.CorrectionAnswerSerializer,
        responses={200: s.CorrectionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: ApiRequest, pk: int) -> Response:
        check = selectors.correction_get(user=request.user, check_id=pk)
        given = self.parse(s.CorrectionAnswerSerializer)
        check = services.correction_answer(
            check=check,
            actor=request.user,
            answer=given["answer"],
            changes=given.get("changes"),
            child_changes=given.get("child_changes"),
        )
        return Response(s.CorrectionSerializer(check).data)


# The child's own API: only their own record, only what is shared with them ---------------------------


class ChildOnlyApi(generics.GenericAPIView):
    """For a signed-in child. Staff (and everyone else) get 404: there is no journey for them here."""

    request: ApiRequest

    def own_child(self) -> Child:
        return selectors.own_child(user=self.request.user)


class MyWordsApi(ChildOnlyApi):
    serializer_class = s.ChildAboutMeSerializer

    @extend_schema(summary="My words (for a signed-in child)", responses={200: s.ChildAboutMeSerializer, 404: NOT_FOUND})
    def get(self, request: ApiRequest) -> Response:
        child = self.own_child()
        services.record_view_log(user=request.user, child=child, page="api:my-words")
        return Response(self.get_serializer(child).data)

    @extend_schema(
        summary="Change my words (for a signed-in child); kept exactly as written",
        request=s.ChildAboutMeSerializer,
        responses={200: s.ChildAboutMeSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: ApiRequest) -> Response:
        child = self.own_child()
        words = self.get_serializer(data=request.data, partial=True)
        words.is_valid(raise_exception=True)
        child = services.child_words_update(child=child, actor=request.user, **words.validated_data)
        return Response(self.get_serializer(child).data)


@extend_schema_view(
    list=extend_schema(summary="Records shared with me (for a signed-in child)"),
    retrieve=extend_schema(summary="A record shared with me", responses={200: s.SharedRecordSerializer, 404: NOT_FOUND}),
)
class MyRecordViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    child_of = "visit.child"
    queryset = SharedRecord.objects.none()
    serializer_class = s.SharedRecordSerializer

    def get_queryset(self) -> QuerySet[SharedRecord]:
        return selectors.shared_records_for_child(user=self.request.user)

    @extend_schema(
        summary="Say whether a shared record is right (for a signed-in child)",
        description="“not_right” needs the child's words and opens a correction request for their worker.",
        request=s.RecordCheckCreateSerializer,
        responses={201: s.RecordCheckSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def check(self, request: ApiRequest, pk: int) -> Response:
        share = selectors.shared_record_for_child(user=request.user, shared_record_id=pk)
        check = services.record_check(shared_record=share, actor=request.user, **self.parse(s.RecordCheckCreateSerializer))
        return created(s.RecordCheckSerializer(check))


# The dashboard ----------------------------------------------------------------------------------

DASHBOARD_FILTERS = [
    OpenApiParameter("on", OpenApiTypes.DATE, description="The as-at date (default today)."),
    OpenApiParameter("period", OpenApiTypes.INT, enum=[3, 6, 12], description="Months in the chosen period (default 3)."),
    OpenApiParameter(
        "team", OpenApiTypes.INT, description="Children allocated on the as-at date to this team (heads of service)."
    ),
    OpenApiParameter("worker", OpenApiTypes.INT, description="Children allocated on the as-at date to this worker."),
    OpenApiParameter("age_band", OpenApiTypes.STR, enum=list(AGE_BANDS), description="Age on the as-at date."),
    OpenApiParameter("rung", OpenApiTypes.STR, description="The ladder rung of the home on the as-at date (1-5, 0 moving on)."),
]
DASHBOARD_ERRORS = {
    400: OpenApiResponse(response=OpenApiTypes.OBJECT, description='A filter needs correcting: `{"on": ["message"]}`.'),
    403: OpenApiResponse(description="Only case staff have a dashboard."),
}


class DashboardApiMixin:
    def scope(self, request: ApiRequest) -> tuple[Filters, QuerySet[Child]]:
        children = selectors.children_for_figures(user=request.user)
        form, filters = filters_from(user=request.user, data=request.query_params)
        if filters is None:
            raise exceptions.ValidationError(
                detail={field: [str(message) for message in errors] for field, errors in form.errors.items()}
            )
        return filters, filtered_children(children, filters)


class DashboardApi(DashboardApiMixin, APIView):
    @extend_schema(
        summary="Every dashboard measure: the chosen period, the one before, and the last 8 quarters",
        description="For a head of service every child, a team manager their team's, a social worker their own children.",
        parameters=DASHBOARD_FILTERS,
        responses={200: s.DashboardMeasureSerializer(many=True), **DASHBOARD_ERRORS},
    )
    def get(self, request: ApiRequest) -> Response:
        filters, children = self.scope(request)
        figures = dashboard(children=children, periods=filters.periods)
        return Response(s.DashboardMeasureSerializer(figures, many=True).data)


class DashboardMeasureApi(DashboardApiMixin, APIView):
    @extend_schema(
        summary="One dashboard measure, with its breakdown for the chosen period",
        parameters=DASHBOARD_FILTERS,
        responses={200: s.DashboardMeasureSerializer, 404: OpenApiResponse(description="No such measure."), **DASHBOARD_ERRORS},
    )
    def get(self, request: ApiRequest, key: str) -> Response:
        measure = measure_get(key)
        filters, children = self.scope(request)
        figures = measure_figures(measure=measure, children=children, periods=filters.periods)
        return Response(s.DashboardMeasureSerializer(figures).data)


class DashboardChildrenApi(DashboardApiMixin, LoggedListMixin, generics.GenericAPIView):
    child_of = ""
    request: ApiRequest
    serializer_class = s.DashboardChildSerializer
    queryset = Child.objects.none()  # for the schema; get_queryset finds the children

    @extend_schema(
        summary="The children behind a dashboard figure, by name, a page at a time",
        parameters=[*DASHBOARD_FILTERS, OpenApiParameter("part", OpenApiTypes.STR, description="One of the measure's `parts`.")],
        responses={
            200: s.DashboardChildSerializer(many=True),
            404: OpenApiResponse(description="No such measure or list."),
            **DASHBOARD_ERRORS,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Child]:
        if getattr(self, "swagger_fake_view", False):
            return Child.objects.none()
        measure = measure_get(self.kwargs["key"])
        part = self.request.query_params.get("part", "")
        measure.part_label(part)
        filters, children = self.scope(self.request)
        behind = measure.children_behind(children=children, period=filters.periods.current, part=part)
        return behind.order_by(*(Child._meta.ordering or ()))
