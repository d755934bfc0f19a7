"""Shapes of voice-note requests and responses. They check shape only; the services check the rest."""

from rest_framework import serializers

from voice.models import Recording


class RecordingUploadSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(help_text="Made by the phone; sending the same id again returns the same recording.")
    audio = serializers.FileField(help_text="m4a, mp3, wav, ogg or webm. The type is checked from the content.")


class SegmentSerializer(serializers.Serializer):
    start = serializers.FloatField()
    end = serializers.FloatField()
    text = serializers.CharField()


class RecordingSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    segments = SegmentSerializer(many=True, read_only=True)
    real_time_factor = serializers.FloatField(read_only=True, allow_null=True)
    has_audio = serializers.BooleanField(read_only=True)

    class Meta:
        model = Recording
        fields = (
            "id",
            "visit",
            "client_id",
            "uploaded_at",
            "status",
            "status_label",
            "progress",
            "failure_reason",
            "attempts",
            "format",
            "size_bytes",
            "audio_seconds",
            "processing_seconds",
            "real_time_factor",
            "model_name",
            "words",
            "transcript",
            "segments",
            "has_audio",
            "finished_at",
        )
        read_only_fields = fields
