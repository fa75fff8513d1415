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
from functools import lru_cache, partial

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
    for d, doc in enumerate(docs):
        for family in _FAMILIES:
            for kind, where, change in family(exercise, doc):
                mutated = copy.deepcopy(docs)
                if change(mutated, mutated[d]) is not False:
                    out.append(Mutant(kind, where, _dump(mutated)))
    out.append(Mutant("reordered", "every mapping's keys reversed", _dump(_reverse(docs))))
    out.append(Mutant("json", "as JSON, a List of the policies",
                      json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}, indent=1)))
    return out


# Each family yields (kind, where, change) for one document of the reference; a change
# edits a copy of all the documents (docs) and of that one (doc) in place.


def _rule_changes(exercise, doc):
    for direction, peers_key, i, rule in _rules(doc):
        yield from _port_changes(direction, i, rule)
        yield from _peer_changes(exercise, doc, direction, peers_key, i, rule)


def _port_changes(direction, i, rule):
    """Each port one number wider (if a number) or every port; the rule without ports."""
    for k, port in enumerate(rule.get("ports") or []):
        at = f"{direction}[{i}].ports[{k}]"
        if isinstance(port.get("port"), int):
            yield "widen-port", f"{at} one port more", partial(_one_more, direction, i, k)
        yield "widen-port", f"{at} every port", partial(_every_port, direction, i, k)
    if rule.get("ports"):
        yield "widen-port", f"{direction}[{i}] without ports", partial(_without_ports, direction, i)


def _peer_changes(exercise, doc, direction, peers_key, i, rule):
    """An AND peer as two OR items; a selector peer as the IPs of the pods it matches today."""
    for j, peer in enumerate(rule.get(peers_key) or []):
        at = f"{direction}[{i}].{peers_key}[{j}]"
        if "podSelector" in peer and "namespaceSelector" in peer:
            yield "split-and", f"{at} as two items", partial(_split_and, direction, peers_key, i, j)
        ips = _matching_ips(exercise, doc, peer) if "ipBlock" not in peer else []
        if ips:
            yield "pod-ips", f"{at} by pod IPs", partial(_by_ips, direction, peers_key, i, j, ips)


def _selector_changes(exercise, doc):
    """Each matchLabels key dropped, or written as matchExpressions In; each In as Exists."""
    for path, selector in _selectors(doc):
        for key in list(selector.get("matchLabels") or {}):
            yield "loosen-selector", f"{path} without {key}", partial(_without_label, path, key)
            yield "expressions", f"{path} {key} as matchExpressions In", partial(_label_as_in, path, key)
        for e, expr in enumerate(selector.get("matchExpressions") or []):
            if expr["operator"] == "In":
                yield "loosen-selector", f"{path} In as Exists", partial(_in_as_exists, path, e)


def _open_rules(exercise, doc):
    """A rule open to 0.0.0.0/0 on TCP 22 in each direction of policyTypes (Ingress if none)."""
    types = doc["spec"].get("policyTypes") or ["Ingress"]
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        if direction.capitalize() in types:
            yield ("open-rule", f"{direction} rule to 0.0.0.0/0 on TCP 22",
                   partial(_open_rule, direction, peers_key))


def _port_rewrites(exercise, doc):
    """A number for the name every destination pod gives it, and the name for the number."""
    names, numbers = _port_names(exercise.cluster.pods)
    for direction, _, i, rule in _rules(doc):
        for k, port in enumerate(rule.get("ports") or []):
            protocol = port.get("protocol", "TCP")
            value = port.get("port")
            at = f"{direction}[{i}].ports[{k}]"
            if isinstance(value, int) and "endPort" not in port and direction == "ingress" \
                    and len(names.get((value, protocol), ())) == 1:
                [name] = names[(value, protocol)]
                if len(numbers.get((name, protocol), ())) == 1:
                    yield "named-port", f"{at} {value} as {name}", partial(_set_port, direction, i, k, name)
            if isinstance(value, str) and len(numbers.get((value, protocol), ())) == 1:
                [number] = numbers[(value, protocol)]
                yield "number-port", f"{at} {value} as a number", partial(_set_port, direction, i, k, number)


def _policy_splits(exercise, doc):
    """The rules of the first direction with two or more in two policies; ingress and egress apart."""
    for direction, _, _, _ in _rules(doc):
        if len(doc["spec"].get(direction) or []) >= 2:
            yield "two-policies", f"{direction} rules in two policies", partial(_two_policies, direction)
            break
    if doc["spec"].get("ingress") and doc["spec"].get("egress"):
        yield "two-policies", "ingress and egress in two policies", _apart


_FAMILIES = (_rule_changes, _selector_changes, _open_rules, _port_rewrites, _policy_splits)


# --- the changes -------------------------------------------------------------------


def _one_more(direction, i, k, docs, doc):
    p = doc["spec"][direction][i]["ports"][k]
    p["endPort"] = max(p.get("endPort") or p["port"], p["port"]) + 1


def _every_port(direction, i, k, docs, doc):
    doc["spec"][direction][i]["ports"][k].pop("port", None)
    doc["spec"][direction][i]["ports"][k].pop("endPort", None)


def _without_ports(direction, i, docs, doc):
    doc["spec"][direction][i].pop("ports")


def _split_and(direction, peers_key, i, j, docs, doc):
    peers = doc["spec"][direction][i][peers_key]
    both = peers.pop(j)
    peers.insert(j, {"namespaceSelector": both["namespaceSelector"]})
    peers.insert(j + 1, {"podSelector": both["podSelector"]})


def _by_ips(direction, peers_key, i, j, ips, docs, doc):
    peers = doc["spec"][direction][i][peers_key]
    peers[j:j + 1] = [{"ipBlock": {"cidr": f"{ip}/32"}} for ip in ips]


def _without_label(path, key, docs, doc):
    dict(_selectors(doc))[path]["matchLabels"].pop(key)


def _label_as_in(path, key, docs, doc):
    sel = dict(_selectors(doc))[path]
    value = sel["matchLabels"].pop(key)
    sel.setdefault("matchExpressions", []).append({"key": key, "operator": "In", "values": [value]})


def _in_as_exists(path, e, docs, doc):
    expr = dict(_selectors(doc))[path]["matchExpressions"][e]
    expr["operator"] = "Exists"
    expr.pop("values")


def _open_rule(direction, peers_key, docs, doc):
    doc["spec"].setdefault(direction, []).append(
        {peers_key: [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 22}]})


def _set_port(direction, i, k, value, docs, doc):
    doc["spec"][direction][i]["ports"][k]["port"] = value


def _two_policies(direction, docs, doc):
    second = copy.deepcopy(doc)
    second["metadata"]["name"] += "-part-two"
    rules = doc["spec"][direction]
    doc["spec"][direction], second["spec"][direction] = rules[:1], rules[1:]
    second["spec"]["policyTypes"] = doc["spec"].get("policyTypes") or _types(doc)
    doc["spec"]["policyTypes"] = second["spec"]["policyTypes"]
    other = "egress" if direction == "ingress" else "ingress"
    second["spec"].pop(other, None)
    docs.append(second)


def _apart(docs, doc):
    egress = copy.deepcopy(doc)
    egress["metadata"]["name"] += "-egress"
    egress["spec"]["policyTypes"] = ["Egress"]
    egress["spec"].pop("ingress")
    doc["spec"]["policyTypes"] = ["Ingress"]
    doc["spec"].pop("egress")
    docs.append(egress)


def _types(doc) -> list[str]:
    spec = doc["spec"]
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def _reverse(value):
    if isinstance(value, dict):
        return {k: _reverse(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse(v) for v in value]
    return value


def _port_names(pods) -> tuple[dict[tuple[int, str], set], dict[tuple[str, str], set]]:
    """(number, protocol) -> the names pods give it, and (name, protocol) -> the numbers."""
    names: dict[tuple[int, str], set] = {}
    for pod in pods:
        for p in pod.ports:
            if p.name:
                names.setdefault((p.port, p.protocol), set()).add(p.name)
    numbers: dict[tuple[str, str], set] = {}
    for (n, proto), found in names.items():
        for name in found:
            numbers.setdefault((name, proto), set()).add(n)
    return names, numbers


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
    values, ns_values = _named_labels(everything, base.pods)
    namespaces = _oracle_namespaces(base.namespaces, everything, ns_values, rng)
    network = ipaddress.ip_network(exercise.pod_network.cidr) if exercise.pod_network else None
    pods = _oracle_pods(base.pods, values, namespaces, network, rng)
    hosts = set(exercise.externals) | {"203.0.113.77", "8.8.4.4"} | _edge_hosts(everything, network)
    return Cluster(namespaces, tuple(pods), ()), sorted(hosts), _checked_ports(everything, pods)


def _named_labels(policies, pods) -> tuple[dict[str, set], dict[str, set]]:
    """Every label key and value the selectors name or the pods carry; and those of namespaces."""
    values: dict[str, set] = {}
    ns_values: dict[str, set] = {}
    for policy in policies:
        for rule in policy.ingress + policy.egress:
            for peer in rule.peers:
                _add_named(values, peer.pod_selector)
                _add_named(ns_values, peer.namespace_selector)
        _add_named(values, policy.pod_selector)
    for pod in pods:
        for k, v in pod.labels.items():
            values.setdefault(k, set()).add(v)
    return values, ns_values


def _add_named(table: dict[str, set], selector):
    for k, v in (selector.match_labels if selector else ()):
        table.setdefault(k, set()).add(v)
    for r in (selector.match_expressions if selector else ()):
        table.setdefault(r.key, set()).update(r.values)


def _oracle_namespaces(existing, policies, ns_values, rng) -> dict[str, Namespace]:
    """The cluster's namespaces, those the policies live in, and four new ones."""
    namespaces = dict(existing)
    for policy in policies:
        namespaces.setdefault(policy.namespace,
                              Namespace(policy.namespace, {NAMESPACE_NAME_LABEL: policy.namespace}))
    for i in range(4):
        name = f"oracle-ns-{i}"
        labels = {k: rng.choice(sorted(v) + ["zz"]) for k, v in ns_values.items()
                  if k != NAMESPACE_NAME_LABEL and rng.random() < 0.6}
        labels[NAMESPACE_NAME_LABEL] = name
        namespaces[name] = Namespace(name, labels)
    return namespaces


def _oracle_pods(existing, values, namespaces, network, rng) -> list[Pod]:
    """The cluster's pods and 60 new ones, which give every named port the cluster knows."""
    table = {}
    for pod in existing:
        for p in pod.ports:
            if p.name:
                table.setdefault((p.name, p.protocol), p.port)
    ports = tuple(ContainerPort(n, proto, name) for (name, proto), n in table.items())
    # A label no selector names makes every pod a group of its own, so two matrices of
    # this world line up row for row (see _allowed).
    pods = [Pod(p.namespace, p.name, {**p.labels, ORACLE_ID: str(i)}, p.ip, p.ports)
            for i, p in enumerate(existing)]
    for i in range(60):
        labels = {k: rng.choice(sorted(v) + ["zz"]) for k, v in values.items() if rng.random() < 0.5}
        labels[ORACLE_ID] = f"new-{i}"
        ip = None
        if network and network.num_addresses > 2:
            ip = str(network[rng.randrange(1, network.num_addresses - 1)])
        pods.append(Pod(rng.choice(sorted(namespaces)), f"oracle-{i}", labels, ip, ports))
    return pods


def _edge_hosts(policies, network) -> set[str]:
    """Outside the pod network, the addresses at and beside both ends of every block and except."""
    blocks = list(EXTRA_BLOCKS) + [peer.ip_block for policy in policies
                                   for rule in policy.ingress + policy.egress
                                   for peer in rule.peers if peer.ip_block is not None]
    hosts = set()
    for block in blocks:
        for cidr in (block.cidr,) + block.except_:
            net = ipaddress.ip_network(cidr, strict=False)
            for edge in (int(net.network_address) - 1, int(net.network_address),
                         int(net.broadcast_address), int(net.broadcast_address) + 1):
                if 0 <= edge < 2 ** 32:
                    ip = str(ipaddress.IPv4Address(edge))
                    if network is None or ipaddress.ip_address(ip) not in network:
                        hosts.add(ip)
    return hosts


def _checked_ports(policies, pods) -> tuple[tuple[int, str], ...]:
    """Every protocol on the ports the pods declare, those at and beside every number a policy
    or a mutant names, and 1, 1024 and 65535."""
    numbers = {1, 1024, 65535} | {n + d for n in EXTRA_PORTS for d in (-1, 0, 1)}
    for policy in policies:
        for rule in policy.ingress + policy.egress:
            for pp in rule.ports:
                for n in (pp.port, pp.end_port):
                    if isinstance(n, int):
                        numbers |= {n - 1, n, n + 1}
    for pod in pods:
        numbers |= {p.port for p in pod.ports}
    return tuple((n, proto) for n in sorted(numbers) if 1 <= n <= 65535 for proto in PROTOCOLS)


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
