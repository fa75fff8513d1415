from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "trainer.catalog"

    def ready(self):
        from . import checks  # noqa: F401  (registers the content check)
