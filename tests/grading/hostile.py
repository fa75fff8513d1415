"""Answers just under the web editor's 64 KiB cap, each built to make the grader's
work explode one way: many label keys, many values of one key, many ipBlocks, many
namespaces, many port ranges, NotIn on many keys. Used by the tests (a grade or a
clear refusal, never an exception) and by benchmarks/grading.py (the time it takes)."""

from __future__ import annotations

import json

WEB_CAP = 65536


def _policy(name: str, namespace: str, spec: dict) -> str:
    return json.dumps({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                       "metadata": {"name": name, "namespace": namespace}, "spec": spec},
                      separators=(",", ":"))


FAMILIES = {
    "distinct label keys": lambda n, ns: _policy(f"p{n}", ns, {
        "podSelector": {"matchLabels": {f"k{n}": "v"}},
        "ingress": [{"from": [{"podSelector": {"matchLabels": {f"j{n}": "v"}}}]}]}),
    "one key, many values": lambda n, ns: _policy(f"p{n}", ns, {
        "podSelector": {"matchLabels": {"role": "db"}},
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": f"v{n}"}}}],
                     "ports": [{"port": 1000 + n}]}]}),
    "many ipBlocks": lambda n, ns: _policy(f"p{n}", ns, {
        "podSelector": {},
        "ingress": [{"from": [{"ipBlock": {"cidr": f"{11 + n // 250}.{n % 250}.0.0/16",
                                           "except": [f"{11 + n // 250}.{n % 250}.1.0/24"]}}]}]}),
    "many namespaces": lambda n, ns: _policy(f"p{n}", f"ns{n}", {
        "podSelector": {},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": f"t{n}"}}}]}]}),
    "many port ranges": lambda n, ns: _policy(f"p{n}", ns, {
        "podSelector": {"matchLabels": {"role": "db"}},
        "ingress": [{"ports": [{"port": 2 * k + 1, "endPort": 2 * k + 1}
                               for k in range(n * 20, n * 20 + 20)]}]}),
    "NotIn on many keys": lambda n, ns: _policy(f"p{n}", ns, {
        "podSelector": {"matchExpressions": [
            {"key": f"k{n % 12}", "operator": "NotIn", "values": [f"v{n}"]}]},
        "egress": [{"to": [{"podSelector": {"matchExpressions": [
            {"key": f"k{(n * 7) % 12}", "operator": "In", "values": [f"v{n}", f"w{n}"]}]}}]}]}),
}


def hostile(family: str, namespace: str, cap: int = WEB_CAP) -> str:
    """As many policies of the family as fit under the cap."""
    make, docs, size = FAMILIES[family], [], 0
    while True:
        doc = make(len(docs), namespace)
        if size + len(doc) + 5 > cap:
            return "\n---\n".join(docs)
        docs.append(doc)
        size += len(doc) + 5
