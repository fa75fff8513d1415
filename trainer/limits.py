"""The engine's input limits, from the environment (documented in the README).

No Django here: `manage.py netpol` reads them before Django starts.
"""

import os

from trainer.netpol.loading import CLI_LIMITS, WEB_LIMITS, Limits


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def web_limits() -> Limits:
    """For YAML a learner types in the browser."""
    return Limits(
        max_bytes=_env_int("NETPOL_WEB_MAX_BYTES", WEB_LIMITS.max_bytes),
        max_depth=_env_int("NETPOL_MAX_DEPTH", WEB_LIMITS.max_depth),
        max_aliases=_env_int("NETPOL_MAX_ALIASES", WEB_LIMITS.max_aliases),
        max_nodes=_env_int("NETPOL_MAX_NODES", WEB_LIMITS.max_nodes),
        max_documents=WEB_LIMITS.max_documents,
        max_objects=WEB_LIMITS.max_objects,
    )


def cli_limits() -> Limits:
    """For whole clusters read by the command line (kubectl get -A -o yaml)."""
    return Limits(
        max_bytes=_env_int("NETPOL_CLI_MAX_BYTES", CLI_LIMITS.max_bytes),
        max_depth=_env_int("NETPOL_MAX_DEPTH", CLI_LIMITS.max_depth),
        max_aliases=_env_int("NETPOL_MAX_ALIASES", CLI_LIMITS.max_aliases),
        max_nodes=_env_int("NETPOL_CLI_MAX_NODES", CLI_LIMITS.max_nodes),
        max_documents=CLI_LIMITS.max_documents,
        max_objects=CLI_LIMITS.max_objects,
    )
