from django.apps import AppConfig


class PanelConfig(AppConfig):
    """The reachability panel: one component for every page that shows reachability."""

    name = "trainer.panel"
