"""`kubectl describe` for NetworkPolicies and Namespaces, in kubectl's own layout.

Follows kubectl's pkg/describe/describe.go (describeNetworkPolicy,
describeNetworkPolicySpec, printNetworkPolicySpecIngressFrom/EgressTo,
describeNamespace): the same words, indents and tabwriter alignment.
"""

from __future__ import annotations

from datetime import UTC, datetime

from trainer.netpol.objects import Namespace, NetworkPolicy, Peer, Rule

from .selectors import format_selector
from .text import go_time, tabwrite


def _labels_block(title: str, labels) -> list[str]:
    if not labels:
        return [f"{title}:\t<none>"]
    keys = sorted(labels)
    return [f"{title}:\t{keys[0]}={labels[keys[0]]}"] + [f"\t{k}={labels[k]}" for k in keys[1:]]


def describe_policy(policy: NetworkPolicy, created: datetime) -> str:
    lines = [
        f"Name:\t{policy.name}",
        f"Namespace:\t{policy.namespace}",
        f"Created on:\t{go_time(created.astimezone(UTC))}",
        *_labels_block("Labels", {}),
        "Annotations:\t<none>",
        "Spec:",
    ]
    if policy.pod_selector.is_empty:
        lines.append("  PodSelector:     <none> "
                     "(Allowing the specific traffic to all pods in this namespace)")
    else:
        lines.append(f"  PodSelector:     {format_selector(policy.pod_selector)}")
    # kubectl reads the stored policyTypes, which the API server always fills in.
    if "Ingress" in policy.policy_types:
        lines.append("  Allowing ingress traffic:")
        lines += _rules(policy.ingress, "From", "ingress", "source")
    else:
        lines.append("  Not affecting ingress traffic")
    if "Egress" in policy.policy_types:
        lines.append("  Allowing egress traffic:")
        lines += _rules(policy.egress, "To", "egress", "destination")
    else:
        lines.append("  Not affecting egress traffic")
    lines.append(f"  Policy Types: {', '.join(policy.policy_types)}")
    return tabwrite("\n".join(lines), minwidth=0, padding=2)


def _rules(rules: tuple[Rule, ...], word: str, direction: str, restricted: str) -> list[str]:
    indent = "    "
    if not rules:
        return [f"{indent}<none> (Selected pods are isolated for {direction} connectivity)"]
    out = []
    for i, rule in enumerate(rules):
        if not rule.ports:
            out.append(f"{indent}To Port: <any> (traffic allowed to all ports)")
        for port in rule.ports:
            # Go prints a nil *IntOrString as <nil> when only the protocol is given.
            number = "<nil>" if port.port is None else port.port
            if port.end_port is None:
                out.append(f"{indent}To Port: {number}/{port.protocol}")
            else:
                out.append(f"{indent}To Port Range: {number}-{port.end_port}/{port.protocol}")
        if not rule.peers:
            out.append(f"{indent}{word}: <any> (traffic not restricted by {restricted})")
        for peer in rule.peers:
            out.append(f"{indent}{word}:")
            out += _peer(peer, indent)
        if i != len(rules) - 1:
            out.append(f"{indent}----------")
    return out


def _peer(peer: Peer, indent: str) -> list[str]:
    inner = "  " + indent
    if peer.pod_selector is not None and peer.namespace_selector is not None:
        return [f"{inner}NamespaceSelector: {format_selector(peer.namespace_selector)}",
                f"{inner}PodSelector: {format_selector(peer.pod_selector)}"]
    if peer.pod_selector is not None:
        return [f"{inner}PodSelector: {format_selector(peer.pod_selector)}"]
    if peer.namespace_selector is not None:
        return [f"{inner}NamespaceSelector: {format_selector(peer.namespace_selector)}"]
    if peer.ip_block is not None:
        return [f"{inner}IPBlock:",
                f"    {indent}CIDR: {peer.ip_block.cidr}",
                f"    {indent}Except: {', '.join(peer.ip_block.except_)}"]
    return []


def describe_namespace(namespace: Namespace) -> str:
    lines = [
        f"Name:\t{namespace.name}",
        *_labels_block("Labels", namespace.labels),
        "Annotations:\t<none>",
        "Status:\tActive",
        "",
        "No resource quota.",
        "",
        "No LimitRange resource.",
    ]
    return tabwrite("\n".join(lines), minwidth=0, padding=2)
