from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Command-line wrappers around the engine (netpol, benchmark)."""

    name = "trainer.tools"
