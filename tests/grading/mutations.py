"""Mutations of an exercise's reference, and an oracle that is not the grader.

mutants() rewrites the reference's YAML in two ways: changes that may alter what
it allows (widen a port, loosen a selector, split an AND peer into OR, replace
selectors by pod IPs, add a rule to 0.0.0.0/0), and rewrites that never do
(matchLabels as matchExpressions In, a named port for its number or back, one
policy split in two, keys reordered, JSON).

oracle_differs() asks the engine itself, on a big random world built for the
exercise (the cluster, 60 more pods with labels drawn from every key and value
the policies name and more, new namespaces, hosts on both sides of every
cidr), on ports at and beside every number any policy or pod names, under both
plugin behaviours. It shares no code with the grader's universe.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import random
from dataclasses import dataclass
from functools import lru_cache

import yaml

from trainer.netpol.build import apply_policies, load_policies
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.matrix import build_matrix
from trainer.netpol.objects import (
    NAMESPACE_NAME_LABEL,
    PROTOCOLS,
    Cluster,
    ContainerPort,
    IPBlock,
    Namespace,
    Pod,
)

CHANGES = ("widen-port", "loosen-selector", "split-and", "pod-ips", "open-rule")
REWRITES = ("expressions", "named-port", "number-port", "two-policies", "reordered", "json")


@dataclass(frozen=True)
class Mutant:
    kind: str  # one of CHANGES or REWRITES
    where: str  # what was changed, for messages
    text: str


def _dump(docs) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False)


def _rules(doc):
    spec = doc.get("spec") or {}
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            yield direction, peers_key, i, rule


def _selectors(doc):
    """(path, selector dict) for the policy's podSelector and every peer's selectors."""
    yield "spec.podSelector", doc["spec"]["podSelector"]
    for direction, peers_key, i, rule in _rules(doc):
        for j, peer in enumerate(rule.get(peers_key) or []):
            for key in ("podSelector", "namespaceSelector"):
                if isinstance(peer.get(key), dict):
                    yield f"spec.{direction}[{i}].{peers_key}[{j}].{key}", peer[key]


def mutants(exercise) -> list[Mutant]:
    docs = list(yaml.safe_load_all(exercise.solution))
    out: list[Mutant] = []

    def variant(kind, where, change):
        mutated = copy.deepcopy(docs)
        if change(mutated) is not False:
            out.append(Mutant(kind, where, _dump(mutated)))

    for d, doc in enumerate(docs):
        for direction, peers_key, i, rule in _rules(doc):
            for k, port in enumerate(rule.get("ports") or []):
                if isinstance(port.get("port"), int):
                    def wider(m, d=d, direction=direction, i=i, k=k):
                        p = m[d]["spec"][direction][i]["ports"][k]
                        p["endPort"] = max(p.get("endPort") or p["port"], p["port"]) + 1
                    variant("widen-port", f"{direction}[{i}].ports[{k}] one port more", wider)

                def whole(m, d=d, direction=direction, i=i, k=k):
                    m[d]["spec"][direction][i]["ports"][k].pop("port", None)
                    m[d]["spec"][direction][i]["ports"][k].pop("endPort", None)
                variant("widen-port", f"{direction}[{i}].ports[{k}] every port", whole)
            if rule.get("ports"):
                variant("widen-port", f"{direction}[{i}] without ports",
                        lambda m, d=d, direction=direction, i=i: m[d]["spec"][direction][i].pop("ports"))
            for j, peer in enumerate(rule.get(peers_key) or []):
                if "podSelector" in peer and "namespaceSelector" in peer:
                    def split(m, d=d, direction=direction, peers_key=peers_key, i=i, j=j):
                        peers = m[d]["spec"][direction][i][peers_key]
                        both = peers.pop(j)
                        peers.insert(j, {"namespaceSelector": both["namespaceSelector"]})
                        peers.insert(j + 1, {"podSelector": both["podSelector"]})
                    variant("split-and", f"{direction}[{i}].{peers_key}[{j}] as two items", split)
                if "ipBlock" not in peer:
                    ips = _matching_ips(exercise, doc, peer)
                    if ips:
                        def by_ip(m, d=d, direction=direction, peers_key=peers_key, i=i, j=j, ips=ips):
                            peers = m[d]["spec"][direction][i][peers_key]
                            peers[j:j + 1] = [{"ipBlock": {"cidr": f"{ip}/32"}} for ip in ips]
                        variant("pod-ips", f"{direction}[{i}].{peers_key}[{j}] by pod IPs", by_ip)
        for path, selector in _selectors(doc):
            for key in list(selector.get("matchLabels") or {}):
                def loose(m, d=d, path=path, key=key):
                    dict(_selectors(m[d]))[path]["matchLabels"].pop(key)
                variant("loosen-selector", f"{path} without {key}", loose)
                def expressions(m, d=d, path=path, key=key):
                    sel = dict(_selectors(m[d]))[path]
                    value = sel["matchLabels"].pop(key)
                    sel.setdefault("matchExpressions", []).append({"key": key, "operator": "In", "values": [value]})
                variant("expressions", f"{path} {key} as matchExpressions In", expressions)
            for e, expr in enumerate(selector.get("matchExpressions") or []):
                if expr["operator"] == "In":
                    def exists(m, d=d, path=path, e=e):
                        expr = dict(_selectors(m[d]))[path]["matchExpressions"][e]
                        expr["operator"] = "Exists"
                        expr.pop("values")
                    variant("loosen-selector", f"{path} In as Exists", exists)
        types = doc["spec"].get("policyTypes") or ["Ingress"]
        for direction in ("ingress", "egress"):
            if direction.capitalize() in types:
                peers_key = "from" if direction == "ingress" else "to"
                def open_rule(m, d=d, direction=direction, peers_key=peers_key):
                    m[d]["spec"].setdefault(direction, []).append(
                        {peers_key: [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 22}]})
                variant("open-rule", f"{direction} rule to 0.0.0.0/0 on TCP 22", open_rule)
        out += _port_rewrites(exercise, docs, d)
        for direction, _, _, _ in _rules(doc):
            if len(doc["spec"].get(direction) or []) >= 2:
                def two(m, d=d, direction=direction):
                    second = copy.deepcopy(m[d])
                    second["metadata"]["name"] += "-part-two"
                    rules = m[d]["spec"][direction]
                    m[d]["spec"][direction], second["spec"][direction] = rules[:1], rules[1:]
                    second["spec"]["policyTypes"] = m[d]["spec"].get("policyTypes") or _types(m[d])
                    m[d]["spec"]["policyTypes"] = second["spec"]["policyTypes"]
                    other = "egress" if direction == "ingress" else "ingress"
                    second["spec"].pop(other, None)
                    m.append(second)
                variant("two-policies", f"{direction} rules in two policies", two)
                break
        if doc["spec"].get("ingress") and doc["spec"].get("egress"):
            def apart(m, d=d):
                egress = copy.deepcopy(m[d])
                egress["metadata"]["name"] += "-egress"
                egress["spec"]["policyTypes"] = ["Egress"]
                egress["spec"].pop("ingress")
                m[d]["spec"]["policyTypes"] = ["Ingress"]
                m[d]["spec"].pop("egress")
                m.append(egress)
            variant("two-policies", "ingress and egress in two policies", apart)
    out.append(Mutant("reordered", "every mapping's keys reversed", _dump(_reverse(docs))))
    out.append(Mutant("json", "as JSON, a List of the policies",
                      json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}, indent=1)))
    return out


def _types(doc) -> list[str]:
    spec = doc["spec"]
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def _reverse(value):
    if isinstance(value, dict):
        return {k: _reverse(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse(v) for v in value]
    return value


def _port_rewrites(exercise, docs, d) -> list[Mutant]:
    """A number for the name every destination pod gives it, and the name for the number."""
    out = []
    names: dict[tuple[int, str], set] = {}
    for pod in exercise.cluster.pods:
        for p in pod.ports:
            if p.name:
                names.setdefault((p.port, p.protocol), set()).add(p.name)
    numbers: dict[tuple[str, str], set] = {}
    for (n, proto), found in names.items():
        for name in found:
            numbers.setdefault((name, proto), set()).add(n)
    for direction, _, i, rule in _rules(docs[d]):
        for k, port in enumerate(rule.get("ports") or []):
            protocol = port.get("protocol", "TCP")
            value = port.get("port")
            if isinstance(value, int) and "endPort" not in port and len(names.get((value, protocol), ())) == 1 \
                    and direction == "ingress":
                [name] = names[(value, protocol)]
                if len(numbers.get((name, protocol), ())) == 1:
                    mutated = copy.deepcopy(docs)
                    mutated[d]["spec"][direction][i]["ports"][k]["port"] = name
                    out.append(Mutant("named-port", f"{direction}[{i}].ports[{k}] {value} as {name}",
                                      _dump(mutated)))
            if isinstance(value, str) and len(numbers.get((value, protocol), ())) == 1:
                mutated = copy.deepcopy(docs)
                [number] = numbers[(value, protocol)]
                mutated[d]["spec"][direction][i]["ports"][k]["port"] = number
                out.append(Mutant("number-port", f"{direction}[{i}].ports[{k}] {value} as a number",
                                  _dump(mutated)))
    return out


def _matching_ips(exercise, doc, peer) -> list[str]:
    """The IPs of the cluster's pods a selector peer matches today."""
    policy = load_policies(_dump([{**doc, "spec": {"podSelector": {}, "policyTypes": ["Ingress"],
                                                  "ingress": [{"from": [peer]}]}}]))
    [p] = policy.policies
    analyzer = Analyzer(apply_policies(exercise.cluster, ()))
    return sorted(pod.ip for pod in exercise.cluster.pods
                  if pod.ip and analyzer.peer_matches(p.ingress[0].peers[0], p.namespace, pod))


# --- the oracle ------------------------------------------------------------------


ORACLE_ID = "oracle.example/id"
EXTRA_PORTS = (22,)  # the port open-rule mutants add
EXTRA_BLOCKS = (IPBlock("0.0.0.0/0"),)  # the block they add


@lru_cache(maxsize=32)
def oracle_world(exercise, seed: int = 1):
    """The cluster and many pods, namespaces and hosts the exercise never showed, drawn
    from every label, port and block its policies name (mutants add none but these extras)."""
    rng = random.Random(seed)
    base = exercise.cluster
    everything = list(base.policies) + [p for r in exercise.references for p in r.policies.policies]
    values: dict[str, set] = {}
    ns_values: dict[str, set] = {}
    blocks = list(EXTRA_BLOCKS)
    for policy in everything:
        for rule in policy.ingress + policy.egress:
            for peer in rule.peers:
                if peer.ip_block is not None:
                    blocks.append(peer.ip_block)
                for sel, table in ((peer.pod_selector, values), (peer.namespace_selector, ns_values)):
                    for k, v in (sel.match_labels if sel else ()):
                        table.setdefault(k, set()).add(v)
                    for r in (sel.match_expressions if sel else ()):
                        table.setdefault(r.key, set()).update(r.values)
        for k, v in policy.pod_selector.match_labels:
            values.setdefault(k, set()).add(v)
        for r in policy.pod_selector.match_expressions:
            values.setdefault(r.key, set()).update(r.values)
    for pod in base.pods:
        for k, v in pod.labels.items():
            values.setdefault(k, set()).add(v)
    namespaces = dict(base.namespaces)
    for policy in everything:
        namespaces.setdefault(policy.namespace, Namespace(policy.namespace, {NAMESPACE_NAME_LABEL: policy.namespace}))
    for i in range(4):
        name = f"oracle-ns-{i}"
        labels = {k: rng.choice(sorted(v) + ["zz"]) for k, v in ns_values.items()
                  if k != NAMESPACE_NAME_LABEL and rng.random() < 0.6}
        labels[NAMESPACE_NAME_LABEL] = name
        namespaces[name] = Namespace(name, labels)
    table = {}
    for pod in base.pods:
        for p in pod.ports:
            if p.name:
                table.setdefault((p.name, p.protocol), p.port)
    ports = tuple(ContainerPort(n, proto, name) for (name, proto), n in table.items())
    network = ipaddress.ip_network(exercise.pod_network.cidr) if exercise.pod_network else None
    # A label no selector names makes every pod a group of its own, so two matrices of
    # this world line up row for row (see _allowed).
    pods = [Pod(p.namespace, p.name, {**p.labels, ORACLE_ID: str(i)}, p.ip, p.ports)
            for i, p in enumerate(base.pods)]
    for i in range(60):
        labels = {k: rng.choice(sorted(v) + ["zz"]) for k, v in values.items() if rng.random() < 0.5}
        labels[ORACLE_ID] = f"new-{i}"
        ip = str(network[rng.randrange(1, network.num_addresses - 1)]) if network and network.num_addresses > 2 else None
        pods.append(Pod(rng.choice(sorted(namespaces)), f"oracle-{i}", labels, ip, ports))
    hosts = set(exercise.externals) | {"203.0.113.77", "8.8.4.4"}
    for block in blocks:
        for cidr in (block.cidr,) + block.except_:
            net = ipaddress.ip_network(cidr, strict=False)
            for edge in (int(net.network_address) - 1, int(net.network_address),
                         int(net.broadcast_address), int(net.broadcast_address) + 1):
                if 0 <= edge < 2 ** 32:
                    ip = str(ipaddress.IPv4Address(edge))
                    if network is None or ipaddress.ip_address(ip) not in network:
                        hosts.add(ip)
    numbers = {1, 1024, 65535} | {n + d for n in EXTRA_PORTS for d in (-1, 0, 1)}
    for policy in everything:
        for rule in policy.ingress + policy.egress:
            for pp in rule.ports:
                for n in (pp.port, pp.end_port):
                    if isinstance(n, int):
                        numbers |= {n - 1, n, n + 1}
    for pod in pods:
        numbers |= {p.port for p in pod.ports}
    checked = tuple((n, proto) for n in sorted(numbers) if 1 <= n <= 65535 for proto in PROTOCOLS)
    return Cluster(namespaces, tuple(pods), ()), sorted(hosts), checked


def oracle_differs(exercise, answer_text: str) -> bool:
    """Whether the engine finds, for every accepted reference, a connection the answer and
    that reference treat differently in the oracle's world, under either plugin behaviour."""
    answer = load_policies(answer_text, "answer")
    mine = {matching: _allowed(exercise, answer.policies, matching) for matching in (True, False)}
    return all(any(mine[m] != _reference_allowed(exercise, i, m) for m in (True, False))
               for i in range(len(exercise.references)))


def _allowed(exercise, policies, matching: bool) -> dict:
    """Every row of the matrix: with one pod per group, rows of two worlds compare as they are."""
    world, hosts, ports = oracle_world(exercise)
    start = Cluster(world.namespaces, world.pods, exercise.cluster.policies)
    matrix = build_matrix(Analyzer(apply_policies(start, policies), matching), hosts, ports)
    assert matrix.pod_group_count == len(world.pods)
    return {port: matrix.rows(port) for port in ports}


@lru_cache(maxsize=64)
def _reference_allowed(exercise, index: int, matching: bool) -> dict:
    return _allowed(exercise, exercise.references[index].policies.policies, matching)
