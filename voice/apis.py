"""The voice-note API: upload (idempotent by the phone's client_id), status, audio and retry."""

from django.db.models import QuerySet
from django.http import HttpResponseBase
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from casework import selectors as casework_selectors
from casework.apis import NOT_FOUND, WRITE_ERRORS, CaseworkViewSet, IdFilter, LoggedListMixin, LoggedRetrieveMixin
from casework.http import ApiRequest
from voice import selectors, services, views
from voice.models import Recording
from voice.serializers import RecordingSerializer, RecordingUploadSerializer
from voice.storage import StorageUnavailable


class RecordingFilter(filters.FilterSet):
    visit = IdFilter(field_name="visit_id")

    class Meta:
        model = Recording
        fields = ("visit", "status")


@extend_schema(
    summary="Upload a voice note for a draft visit",
    description="The file is stored before anything else, then checked and queued for transcription. "
    "Sending the same `client_id` again returns the stored recording (200) instead of a second one (201).",
    request={"multipart/form-data": RecordingUploadSerializer},
    responses={
        201: RecordingSerializer,
        200: RecordingSerializer,
        **WRITE_ERRORS,
        503: OpenApiResponse(
            response=OpenApiTypes.OBJECT,
            description="The audio store could not take the file. Nothing was saved: send it again later (`Retry-After`).",
        ),
    },
)
class RecordingUploadApi(generics.GenericAPIView):
    parser_classes = (MultiPartParser, FormParser)
    serializer_class = RecordingUploadSerializer

    def post(self, request: ApiRequest, visit_id: int) -> Response:
        visit = casework_selectors.visit_get(user=request.user, visit_id=visit_id)
        upload = RecordingUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            recording, made = services.recording_upload(
                visit=visit, actor=request.user, client_id=data["client_id"], file=data["audio"]
            )
        except StorageUnavailable as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "60"})
        recording.refresh_from_db()
        return Response(RecordingSerializer(recording).data, status=status.HTTP_201_CREATED if made else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Voice notes on visits you may see"),
    retrieve=extend_schema(
        summary="A voice note: its state, progress, transcript and figures", responses={200: RecordingSerializer, 404: NOT_FOUND}
    ),
)
class RecordingViewSet(LoggedListMixin, LoggedRetrieveMixin, CaseworkViewSet):
    child_of = "visit.child"
    queryset = Recording.objects.none()
    serializer_class = RecordingSerializer
    filterset_class = RecordingFilter

    def get_queryset(self) -> QuerySet[Recording]:
        return selectors.recordings_visible_to(user=self.request.user)

    @extend_schema(summary="Try a failed voice note again", request=None, responses={200: RecordingSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def retry(self, request: ApiRequest, pk: int) -> Response:
        recording = selectors.recording_get(user=request.user, recording_id=pk)
        recording = services.recording_retry(recording=recording, actor=request.user)
        return Response(RecordingSerializer(recording).data)

    @extend_schema(
        summary="The audio, for people who may see the visit (byte ranges supported; the listen is logged)",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
            410: OpenApiResponse(description="Deleted under the retention rules."),
        },
    )
    @action(detail=True, methods=["get"])
    def audio(self, request: ApiRequest, pk: int) -> HttpResponseBase:
        return views.stream_audio(request, user=request.user, recording_id=pk)
