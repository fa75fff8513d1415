"""Validated manifests -> a Cluster of frozen objects, with every default applied.

This is the one place where defaults are applied: namespace "default",
protocol TCP, effective policyTypes, the automatic namespace name label.
"""

from __future__ import annotations

from .loading import WEB_LIMITS, Limits, Manifest, load_manifests
from .objects import (
    NAMESPACE_NAME_LABEL,
    Cluster,
    ContainerPort,
    IPBlock,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    Peer,
    Pod,
    PolicyPort,
    Requirement,
    Rule,
)
from .problems import InputError, format_path
from .validation import Guesses, validate_manifest

KINDS = ("Namespace", "Pod", "NetworkPolicy")


def load_cluster(sources, limits: Limits = WEB_LIMITS) -> Cluster:
    """Parse, validate and build [(text, source name)], or raise InputError with every problem."""
    manifests, problems = [], []
    for text, source in sources:
        try:
            manifests += load_manifests(text, source, limits)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return build_cluster(manifests)


def load_policies(text, source: str = "editor", limits: Limits = WEB_LIMITS,
                  namespace: str = "default"):
    """A learner's answer: its objects, those naming no namespace put in `namespace`
    first (as `kubectl apply -n NAMESPACE` does, so messages name it too)."""
    manifests = load_manifests(text, source, limits)
    for manifest in manifests:
        meta = manifest.data.get("metadata")
        if manifest.kind != "Namespace" and isinstance(meta, dict) and not meta.get("namespace"):
            meta["namespace"] = namespace
    return build_cluster(manifests)


def build_cluster(manifests: list[Manifest]) -> Cluster:
    problems, guesses = [], Guesses()
    for m in manifests:
        problems += validate_manifest(m, guesses)
    if problems:
        raise InputError(problems)
    namespaces: dict[str, Namespace] = {}
    pods: dict[str, Pod] = {}
    policies: dict[str, NetworkPolicy] = {}
    ignored = []
    for m in manifests:
        kind = m.kind
        if kind == "Namespace":
            ns = _namespace(m)
            namespaces[ns.name] = ns
        elif kind == "Pod":
            pod = _pod(m)
            pods[pod.key] = pod
        elif kind == "NetworkPolicy":
            policy = _policy(m)
            policies[policy.key] = policy  # same namespace and name: the later one wins
        else:
            ignored.append(m.label)
    for name in {p.namespace for p in pods.values()} | {p.namespace for p in policies.values()}:
        if name not in namespaces:
            namespaces[name] = Namespace(name, {NAMESPACE_NAME_LABEL: name}, declared=False)
    return Cluster(dict(sorted(namespaces.items())), tuple(pods.values()),
                   tuple(policies.values()), tuple(ignored))


def apply_policies(cluster: Cluster, policies) -> Cluster:
    """As `kubectl apply` would: a policy of the same namespace and name replaces."""
    merged = {p.key: p for p in cluster.policies}
    for p in policies:
        merged[p.key] = p
    namespaces = dict(cluster.namespaces)
    for p in policies:
        namespaces.setdefault(p.namespace, Namespace(
            p.namespace, {NAMESPACE_NAME_LABEL: p.namespace}, declared=False))
    return Cluster(namespaces, cluster.pods, tuple(merged.values()), cluster.ignored)


def merge_clusters(base: Cluster, extra: Cluster) -> Cluster:
    """base plus extra's objects; extra's namespaces, pods and policies replace base's."""
    namespaces = dict(base.namespaces)
    for name, ns in extra.namespaces.items():
        if ns.declared or name not in namespaces:
            namespaces[name] = ns
    pods = {p.key: p for p in base.pods}
    pods.update({p.key: p for p in extra.pods})
    merged = apply_policies(Cluster(namespaces, tuple(pods.values()), base.policies),
                            extra.policies)
    return Cluster(merged.namespaces, merged.pods, merged.policies,
                   base.ignored + extra.ignored)


# --- builders: input is already validated --------------------------------------


def _meta(m: Manifest):
    meta = m.data.get("metadata") or {}
    return meta.get("name"), meta.get("namespace") or "default", dict(meta.get("labels") or {})


def _namespace(m: Manifest) -> Namespace:
    name, _, labels = _meta(m)
    labels[NAMESPACE_NAME_LABEL] = name  # the API server sets it, whatever the manifest says
    return Namespace(name, labels)


def _pod(m: Manifest) -> Pod:
    name, namespace, labels = _meta(m)
    status = m.data.get("status") or {}
    ip = status.get("podIP")
    if not ip and status.get("podIPs"):
        ip = (status["podIPs"][0] or {}).get("ip")
    ports = []
    for container in (m.data.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            ports.append(ContainerPort(port["containerPort"], port.get("protocol") or "TCP",
                                       port.get("name")))
    return Pod(namespace, name, labels, ip or None, tuple(ports), m.line())


def selector(data) -> LabelSelector:
    data = data or {}
    labels = tuple(sorted((data.get("matchLabels") or {}).items()))
    exprs = tuple(
        Requirement(e["key"], e["operator"], tuple(e.get("values") or ()))
        for e in data.get("matchExpressions") or ()
    )
    return LabelSelector(labels, exprs)


def effective_policy_types(spec) -> tuple[str, ...]:
    types = spec.get("policyTypes")
    if types:
        return tuple(dict.fromkeys(types))
    return ("Ingress", "Egress") if spec.get("egress") else ("Ingress",)


def _policy(m: Manifest) -> NetworkPolicy:
    name, namespace, _ = _meta(m)
    spec = m.data.get("spec") or {}
    rules = {}
    for direction, key, peer_key in (("Ingress", "ingress", "from"), ("Egress", "egress", "to")):
        rules[direction] = tuple(
            _rule(m, ("spec", key, i), raw or {}, peer_key)
            for i, raw in enumerate(spec.get(key) or ())
        )
    return NetworkPolicy(
        namespace=namespace,
        name=name,
        pod_selector=selector(spec.get("podSelector")),
        policy_types=effective_policy_types(spec),
        ingress=rules["Ingress"],
        egress=rules["Egress"],
        source=m.source,
        line=m.line(),
    )


def _rule(m: Manifest, path: tuple, raw: dict, peer_key: str) -> Rule:
    peers = []
    for i, p in enumerate(raw.get(peer_key) or ()):
        p = p or {}
        block, pods, namespaces = p.get("ipBlock"), p.get("podSelector"), p.get("namespaceSelector")
        peers.append(Peer(
            pod_selector=selector(pods) if pods is not None else None,
            namespace_selector=selector(namespaces) if namespaces is not None else None,
            ip_block=IPBlock(block["cidr"], tuple(block.get("except") or ())) if block else None,
            path=format_path(path + (peer_key, i)),
            line=m.line(path + (peer_key, i)),
        ))
    ports = []
    for i, p in enumerate(raw.get("ports") or ()):
        p = p or {}
        ports.append(PolicyPort(
            protocol=p.get("protocol") or "TCP",
            port=p.get("port"),
            end_port=p.get("endPort"),
            path=format_path(path + ("ports", i)),
            line=m.line(path + ("ports", i)),
        ))
    return Rule(tuple(peers), tuple(ports), format_path(path), m.line(path))
