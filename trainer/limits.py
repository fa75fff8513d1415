"""The engine's input limits, as the settings (and so the environment) set them."""

from django.conf import settings

from trainer.netpol.loading import CLI_LIMITS, WEB_LIMITS, Limits


def web_limits() -> Limits:
    """For YAML a learner types in the browser."""
    return Limits(
        max_bytes=settings.NETPOL_WEB_MAX_BYTES,
        max_depth=settings.NETPOL_MAX_DEPTH,
        max_aliases=settings.NETPOL_MAX_ALIASES,
        max_nodes=settings.NETPOL_MAX_NODES,
        max_documents=WEB_LIMITS.max_documents,
        max_objects=WEB_LIMITS.max_objects,
    )


def cli_limits() -> Limits:
    """For whole clusters read by the command line (kubectl get -A -o yaml)."""
    return Limits(
        max_bytes=settings.NETPOL_CLI_MAX_BYTES,
        max_depth=settings.NETPOL_MAX_DEPTH,
        max_aliases=settings.NETPOL_MAX_ALIASES,
        max_nodes=settings.NETPOL_CLI_MAX_NODES,
        max_documents=CLI_LIMITS.max_documents,
        max_objects=CLI_LIMITS.max_objects,
    )
