from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Homes and placement decisions"

    def ready(self) -> None:
        from casework.chronology import register_chronology_source
        from casework.demo import register_demo_extension
        from casework.me.journey import JourneySource, register_journey_source
        from casework.panels import CaseloadColumn, register_caseload_column, register_caseload_notice, register_child_panel
        from placements import chronology, measures, tasks  # noqa: F401 - registers the check task for services._send
        from placements.demo import EXTENSION
        from placements.selectors import current_home_names
        from placements.views import child_adoption_panel, child_homes_panel, emergency_moves_notice, journey_homes

        register_child_panel(child_homes_panel)
        register_child_panel(child_adoption_panel)
        register_caseload_notice(emergency_moves_notice)
        register_journey_source(JourneySource("my-homes", "My homes", 20, journey_homes))
        register_caseload_column(CaseloadColumn(heading="Home", values=current_home_names, empty="No home recorded"))
        register_demo_extension(EXTENSION)
        measures.register()
        for source in chronology.SOURCES:
            register_chronology_source(source)
