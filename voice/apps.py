from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "voice"

    def ready(self) -> None:
        from casework.panels import register_visit_panel
        from voice import measures, tasks  # noqa: F401 - tasks connects the worker signals
        from voice.views import visit_voice_panel

        register_visit_panel(visit_voice_panel)
        measures.register()
