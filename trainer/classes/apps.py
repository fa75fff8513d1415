from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "trainer.classes"
    label = "classes"
    verbose_name = "Classes"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)
