from django.apps import AppConfig


class WebConfig(AppConfig):
    """What every page shares: the Markdown of content and feedback."""

    name = "trainer.web"
