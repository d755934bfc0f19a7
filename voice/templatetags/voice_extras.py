"""Small helpers for showing a voice note's state in words."""

from django import template
from django.utils.html import format_html

from voice.models import Recording, RecordingStatus

register = template.Library()


@register.filter
def seconds(value: float | None) -> str:
    """12.3 -> "0:12"."""
    whole = int(value or 0)
    return f"{whole // 60}:{whole % 60:02d}"


@register.simple_tag
def recording_state(recording: Recording) -> str:
    if recording.status == RecordingStatus.TRANSCRIBING:
        return format_html("Transcribing: {}% done", int(recording.progress * 100))
    if recording.status == RecordingStatus.FAILED:
        return format_html('<strong class="govuk-tag govuk-tag--red">Failed</strong> {}', recording.failure_reason)
    if recording.status == RecordingStatus.READY:
        return format_html(
            '<strong class="govuk-tag govuk-tag--green">Draft ready</strong> {} words from {} of speech',
            recording.words,
            seconds(recording.audio_seconds),
        )
    return format_html('<strong class="govuk-tag govuk-tag--blue">{}</strong>', recording.get_status_display())
