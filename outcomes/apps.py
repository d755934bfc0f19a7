from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcome stars"

    def ready(self) -> None:
        from casework.chronology import register_chronology_source
        from casework.demo import register_demo_extension
        from casework.me.journey import JourneySource, register_journey_source
        from casework.panels import register_child_panel
        from outcomes import chronology, measures
        from outcomes.demo import EXTENSION
        from outcomes.views import child_star_panel, journey_star

        register_child_panel(child_star_panel)
        register_journey_source(JourneySource("my-star", "My star", 50, journey_star))
        register_demo_extension(EXTENSION)
        measures.register()
        for source in chronology.SOURCES:
            register_chronology_source(source)
