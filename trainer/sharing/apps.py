from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Share links: a stage's, an exercise's or the playground's text, frozen, read-only for anyone."""

    name = "trainer.sharing"
