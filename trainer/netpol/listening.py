"""Whether anything listens on a port: what the destination's containers declare.

NetworkPolicies decide whether a connection may be opened, not whether anything answers
it. The trainer takes a pod's containerPorts as what listens in it (a containerPort's
protocol defaults to TCP; a named port is looked up by its name and protocol), as the lab's
terminal does: a connection the policies allow to a port its pod does not declare is
refused. Two kinds of destination say nothing, so the trainer cannot tell:

- a pod that declares no ports at all: Kubernetes does not require the declarations, so
  it may listen on any port (the terminal answers on every one);
- a host outside the cluster: nothing in the cluster says what it runs.

declares() answers True, False or None (cannot tell); listening_note() gives the words
the panel shows beside an allowed verdict.
"""

from __future__ import annotations

from .objects import Pod

PORTS_NAMED = 4  # declared ports a sentence names before it counts the rest


def declares(endpoint, port: int | str, protocol: str = "TCP") -> bool | None:
    """Does the endpoint declare this port (a number, or a port's name) for this protocol?
    None when it cannot be told: a host outside the cluster, a pod that declares no ports."""
    if not isinstance(endpoint, Pod) or not endpoint.ports:
        return None
    protocol = protocol.upper()
    if isinstance(port, str):
        return endpoint.named_port(port, protocol) is not None
    return any(p.port == port and p.protocol == protocol for p in endpoint.ports)


def listening_note(endpoint, port: int | str, protocol: str = "TCP") -> str:
    """What may answer there, in words: "" when the port is declared or the endpoint is a
    host outside the cluster; "nothing listens on TCP 80 in prod/db (it declares TCP 3306
    only)" when the pod declares other ports; a "cannot be told" when it declares none."""
    found = declares(endpoint, port, protocol)
    if found or not isinstance(endpoint, Pod):
        return ""
    protocol = protocol.upper()
    if found is None:
        what = f"the {protocol} port named {port}" if isinstance(port, str) else f"{protocol} {port}"
        return (f"{endpoint.key} declares no container ports, so whether anything listens on "
                f"{what} cannot be told (Kubernetes does not require the declarations)")
    names = list(dict.fromkeys(f"{p.protocol} {p.port}" for p in endpoint.ports))
    if isinstance(port, str):
        return (f"nothing listens on a {protocol} port named {port} in {endpoint.key} "
                f"(it has no such port; it declares {_words(names)})")
    declared = f"{_words(names)} only" if len(names) <= PORTS_NAMED else \
        f"{len(names)} other ports: {_words(names)}"
    return f"nothing listens on {protocol} {port} in {endpoint.key} (it declares {declared})"


def _words(names: list[str]) -> str:
    """ "TCP 3306", "TCP 80 and UDP 53", "TCP 1, TCP 2, TCP 3, TCP 4 and 2 more"."""
    if len(names) > PORTS_NAMED:
        return f"{', '.join(names[:PORTS_NAMED])} and {len(names) - PORTS_NAMED} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
