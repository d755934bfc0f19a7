from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from casework import child_pages, measures
        from casework.journey import JourneySource, register_journey_source

        measures.register()
        for source in (
            JourneySource("came-into-care", "When I came into care", 10, child_pages.came_into_care_part),
            JourneySource("my-workers", "My workers", 30, child_pages.workers_part),
            JourneySource("people-who-matter", "People who matter to me", 40, child_pages.people_part),
            JourneySource("proud-of", "Things I am proud of", 60, child_pages.proud_of_part),
            JourneySource("what-my-worker-wrote", "What my worker wrote", 70, child_pages.records_part),
        ):
            register_journey_source(source)
        measures.register()
