from django.apps import AppConfig


class PlaygroundConfig(AppConfig):
    """The free editor: any cluster, any policies, the stages' panel."""

    name = "trainer.playground"
