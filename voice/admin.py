"""Voice notes in the admin: read-only, for heads of service, like every case record."""

from django.contrib import admin

from casework.admin import CaseRecordAdmin
from voice.models import Recording


@admin.register(Recording)
class RecordingAdmin(CaseRecordAdmin):
    list_display = ["uploaded_at", "visit", "status", "audio_seconds", "processing_seconds", "words", "attempts"]
    list_filter = ["status"]
    list_select_related = ["visit__child"]
    exclude = ["audio"]  # played through the access-checked page, never linked from here
