"""The three kinds of object the lab knows, as kubectl names and lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trainer.netpol.objects import Cluster

from .flags import UsageError
from .state import Changes, created_at


@dataclass(frozen=True)
class Kind:
    plural: str  # "pods"
    qualified: str  # how `-o name` and mixed tables prefix a name
    resource: str  # how NotFound names the resource
    kind: str
    namespaced: bool


POD = Kind("pods", "pod", "pods", "Pod", True)
NAMESPACE = Kind("namespaces", "namespace", "namespaces", "Namespace", False)
POLICY = Kind("networkpolicies", "networkpolicy.networking.k8s.io",
              "networkpolicies.networking.k8s.io", "NetworkPolicy", True)

ALIASES = {
    "pods": POD, "pod": POD, "po": POD,
    "namespaces": NAMESPACE, "namespace": NAMESPACE, "ns": NAMESPACE,
    "networkpolicies": POLICY, "networkpolicy": POLICY, "netpol": POLICY,
    "networkpolicies.networking.k8s.io": POLICY, "networkpolicy.networking.k8s.io": POLICY,
    "netpol.networking.k8s.io": POLICY,
}


def kind_named(name: str) -> Kind:
    kind = ALIASES.get(name.lower())
    if kind is None:
        raise UsageError(f'error: the server doesn\'t have a resource type "{name}"\n'
                         "(the lab knows pods, namespaces (ns) and networkpolicies (netpol))")
    return kind


@dataclass(frozen=True)
class Item:
    kind: Kind
    namespace: str  # "" for namespaces
    name: str
    labels: dict
    created: datetime
    obj: object  # the engine's Pod, Namespace or NetworkPolicy


def items(kind: Kind, cluster: Cluster, changes: Changes) -> list[Item]:
    """Every object of a kind, in the API server's order (namespace, then name)."""
    if kind is POD:
        found = [Item(kind, p.namespace, p.name, dict(p.labels), changes.started, p) for p in cluster.pods]
    elif kind is NAMESPACE:
        found = [Item(kind, "", n.name, dict(n.labels), changes.started, n)
                 for n in cluster.namespaces.values()]
    else:
        found = [Item(kind, p.namespace, p.name, {}, created_at(changes, p.key), p)
                 for p in cluster.policies]
    return sorted(found, key=lambda i: (i.namespace, i.name))


def not_found(kind: Kind, name: str) -> str:
    return f'Error from server (NotFound): {kind.resource} "{name}" not found'


def split_targets(args: list[str], verb: str) -> list[tuple[Kind, list[str]]]:
    """`TYPE[,TYPE] [NAME...]` or `TYPE/NAME...` -> [(kind, names)], kinds in the given order."""
    if not args:
        raise UsageError("error: you must specify the type of resource to " + verb +
                         "\n(the lab knows pods, namespaces (ns) and networkpolicies (netpol))")
    if "/" in args[0]:
        grouped: dict[Kind, list[str]] = {}
        for arg in args:
            kind_text, slash, name = arg.partition("/")
            if not slash or not name:
                raise UsageError("error: there is no need to specify a resource type as a separate "
                                 "argument when passing arguments in resource/name form (e.g. "
                                 f"'kubectl {verb} resource/<resource_name>' instead of "
                                 f"'kubectl {verb} resource resource/<resource_name>'")
            grouped.setdefault(kind_named(kind_text), []).append(name)
        return list(grouped.items())
    kinds = []
    for text in args[0].split(","):
        kind = kind_named(text)
        if kind not in kinds:
            kinds.append(kind)
    names = args[1:]
    if names and len(kinds) > 1:
        raise UsageError(f"error: arguments in resource/name form must have a single resource and "
                         f"name (try kubectl {verb} TYPE/NAME)")
    return [(k, names) for k in kinds]
