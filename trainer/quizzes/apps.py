from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "trainer.quizzes"

    def ready(self):
        from . import signals  # noqa: F401  (moves anonymous attempts on sign-in)
