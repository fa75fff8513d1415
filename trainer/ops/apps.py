from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site in production: health, logs, limits, faults and the checks of its settings."""

    name = "trainer.ops"

    def ready(self):
        from . import checks  # noqa: F401  (registers the production checks)
