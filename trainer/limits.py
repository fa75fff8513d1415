"""Every input limit the site applies, read from the environment once per process.

One object: `limits().web` for YAML a learner types (the editors, lab answers, the
terminal's `kubectl apply -f -`), `.cli` for files the command line reads, and
`.content` for lessons/ (written by us, larger). The engine keeps its own defaults
(trainer/netpol/loading.py) and is handed these. No Django here: `manage.py netpol`
reads them before Django starts. The variables are documented in the README.
"""

from dataclasses import dataclass
from functools import cache

from trainer.env import env_int
from trainer.netpol.loading import CLI_LIMITS, WEB_LIMITS, Limits

CONTENT = Limits(max_bytes=1024 * 1024, max_nodes=200_000)


@dataclass(frozen=True)
class SiteLimits:
    web: Limits
    cli: Limits
    content: Limits


def _from_env(base: Limits, bytes_var: str, nodes_var: str) -> Limits:
    return Limits(
        max_bytes=env_int(bytes_var, base.max_bytes),
        max_depth=env_int("NETPOL_MAX_DEPTH", base.max_depth),
        max_aliases=env_int("NETPOL_MAX_ALIASES", base.max_aliases),
        max_nodes=env_int(nodes_var, base.max_nodes),
        max_documents=base.max_documents,
        max_objects=base.max_objects,
    )


@cache
def limits() -> SiteLimits:
    return SiteLimits(
        web=_from_env(WEB_LIMITS, "NETPOL_WEB_MAX_BYTES", "NETPOL_MAX_NODES"),
        cli=_from_env(CLI_LIMITS, "NETPOL_CLI_MAX_BYTES", "NETPOL_CLI_MAX_NODES"),
        content=CONTENT,
    )
