from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcome stars"

    def ready(self) -> None:
        from casework.demo import register_demo_extension
        from casework.panels import register_child_panel
        from outcomes.demo import EXTENSION
        from outcomes.views import child_star_panel

        register_child_panel(child_star_panel)
        register_demo_extension(EXTENSION)
