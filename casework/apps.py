from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from casework import measures, sign_in, tokens
        from casework.chronology import CASEWORK_SOURCES, register_chronology_source
        from casework.me import views as me
        from casework.me.journey import JourneySource, register_journey_source

        measures.register()
        tokens.connect()
        sign_in.connect()
        for source in (
            JourneySource("came-into-care", "When I came into care", 10, me.came_into_care_part),
            JourneySource("my-workers", "My workers", 30, me.workers_part),
            JourneySource("people-who-matter", "People who matter to me", 40, me.people_part),
            JourneySource("proud-of", "Things I am proud of", 60, me.proud_of_part),
            JourneySource("what-my-worker-wrote", "What my worker wrote", 70, me.records_part),
        ):
            register_journey_source(source)
        for chronology_source in CASEWORK_SOURCES:
            register_chronology_source(chronology_source)
