"""The engine's input limits, from the environment (documented in the README).

No Django here: `manage.py netpol` reads them before Django starts. Read once
per process, as settings are.
"""

import os
from functools import cache

from trainer.netpol.loading import CLI_LIMITS, WEB_LIMITS, Limits


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _from_env(base: Limits, bytes_var: str, nodes_var: str) -> Limits:
    return Limits(
        max_bytes=_env_int(bytes_var, base.max_bytes),
        max_depth=_env_int("NETPOL_MAX_DEPTH", base.max_depth),
        max_aliases=_env_int("NETPOL_MAX_ALIASES", base.max_aliases),
        max_nodes=_env_int(nodes_var, base.max_nodes),
        max_documents=base.max_documents,
        max_objects=base.max_objects,
    )


@cache
def web_limits() -> Limits:
    """For YAML a learner types in the browser."""
    return _from_env(WEB_LIMITS, "NETPOL_WEB_MAX_BYTES", "NETPOL_MAX_NODES")


@cache
def cli_limits() -> Limits:
    """For whole clusters read by the command line (kubectl get -A -o yaml)."""
    return _from_env(CLI_LIMITS, "NETPOL_CLI_MAX_BYTES", "NETPOL_CLI_MAX_NODES")
