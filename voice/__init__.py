"""Voice notes that a Celery and Whisper pipeline turns into draft visit records."""
