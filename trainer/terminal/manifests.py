"""Engine objects back to Kubernetes manifests, as the API server would return them.

Used for `kubectl get -o yaml|json` and to store the learner's applied
policies in a normal form (defaults filled in, as the API server stores them).
"""

from __future__ import annotations

from datetime import UTC, datetime

import yaml

from trainer.netpol.objects import LabelSelector, Namespace, NetworkPolicy, Peer, Pod, PolicyPort, Rule


def selector_dict(selector: LabelSelector) -> dict:
    out = {}
    if selector.match_labels:
        out["matchLabels"] = dict(selector.match_labels)
    if selector.match_expressions:
        out["matchExpressions"] = [
            {"key": r.key, "operator": r.operator, **({"values": list(r.values)} if r.values else {})}
            for r in selector.match_expressions
        ]
    return out


def _peer(peer: Peer) -> dict:
    if peer.ip_block is not None:
        block = {"cidr": peer.ip_block.cidr}
        if peer.ip_block.except_:
            block["except"] = list(peer.ip_block.except_)
        return {"ipBlock": block}
    out = {}
    if peer.pod_selector is not None:
        out["podSelector"] = selector_dict(peer.pod_selector)
    if peer.namespace_selector is not None:
        out["namespaceSelector"] = selector_dict(peer.namespace_selector)
    return out


def _port(port: PolicyPort) -> dict:
    out = {"protocol": port.protocol}
    if port.port is not None:
        out["port"] = port.port
    if port.end_port is not None:
        out["endPort"] = port.end_port
    return out


def _rule(rule: Rule, peer_key: str) -> dict:
    out = {}
    if rule.peers:
        out[peer_key] = [_peer(p) for p in rule.peers]
    if rule.ports:
        out["ports"] = [_port(p) for p in rule.ports]
    return out


def policy_manifest(policy: NetworkPolicy) -> dict:
    spec = {"podSelector": selector_dict(policy.pod_selector),
            "policyTypes": list(policy.policy_types)}
    if policy.ingress:
        spec["ingress"] = [_rule(r, "from") for r in policy.ingress]
    if policy.egress:
        spec["egress"] = [_rule(r, "to") for r in policy.egress]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": policy.name, "namespace": policy.namespace},
        "spec": spec,
    }


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shown_policy(policy: NetworkPolicy, created: datetime) -> dict:
    data = policy_manifest(policy)
    data["metadata"] = {"creationTimestamp": timestamp(created), "generation": 1, **data["metadata"]}
    return data


def shown_namespace(namespace: Namespace, created: datetime) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"creationTimestamp": timestamp(created), "labels": dict(namespace.labels),
                     "name": namespace.name},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def shown_pod(pod: Pod, original: dict | None, created: datetime) -> dict:
    """The pod as written in the exercise, with its current labels and a running status."""
    spec = (original or {}).get("spec")
    if not isinstance(spec, dict) or not spec.get("containers"):
        ports = [{"containerPort": p.port, "protocol": p.protocol, **({"name": p.name} if p.name else {})}
                 for p in pod.ports]
        spec = {"containers": [{"name": pod.name, **({"ports": ports} if ports else {})}]}
    metadata = {"creationTimestamp": timestamp(created), "name": pod.name, "namespace": pod.namespace}
    if pod.labels:
        metadata["labels"] = dict(pod.labels)
    status = {"phase": "Running"}
    if pod.ip:
        status.update(podIP=pod.ip, podIPs=[{"ip": pod.ip}])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


class _Dumper(yaml.SafeDumper):
    """kubectl's look: sorted keys, block style, "" for empty strings."""


def _str(dumper, value):
    # go-yaml double-quotes a string that would otherwise read as another type.
    tag = dumper.resolve(yaml.ScalarNode, value, (True, False))
    if value == "" or tag != "tag:yaml.org,2002:str":
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_Dumper.add_representer(str, _str)


def to_yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, default_flow_style=False, sort_keys=True,
                     allow_unicode=False, width=1000)


def as_list(items: list[dict]) -> dict:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
