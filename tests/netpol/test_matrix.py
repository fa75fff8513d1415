"""The bitmask matrix must agree with Analyzer.check, cell by cell, and diff correctly."""

import json
import random

import pytest

from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.matrix import build_matrix, declared_ports
from trainer.netpol.objects import (
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

NAMESPACES = ("prod", "dev", "test")
ROLES = ("db", "api", "web", "cache")


def random_selector(rng):
    labels = tuple(sorted({("role", rng.choice(ROLES))})) if rng.random() < 0.6 else ()
    exprs = ()
    if rng.random() < 0.3:
        op = rng.choice(("In", "NotIn", "Exists", "DoesNotExist"))
        values = tuple(rng.sample(ROLES, 2)) if op in ("In", "NotIn") else ()
        exprs = (Requirement(rng.choice(("role", "tier")), op, values),)
    return LabelSelector(labels, exprs)


def random_peer(rng):
    kind = rng.random()
    if kind < 0.15:
        return Peer(ip_block=IPBlock("10.0.0.0/16", ("10.0.1.0/24",)))
    if kind < 0.25:
        return Peer(ip_block=IPBlock("192.168.0.0/16", ("192.168.5.0/24",)))
    ns = LabelSelector((("name", rng.choice(NAMESPACES)),)) if rng.random() < 0.5 else None
    pods = random_selector(rng) if ns is None or rng.random() < 0.5 else None
    return Peer(pod_selector=pods, namespace_selector=ns)


def random_port(rng):
    kind = rng.random()
    protocol = rng.choice(("TCP", "TCP", "UDP"))
    if kind < 0.2:
        return PolicyPort(protocol, None)
    if kind < 0.4:
        return PolicyPort(protocol, rng.choice(("http", "mysql")))
    if kind < 0.55:
        return PolicyPort(protocol, 80, 3306)
    return PolicyPort(protocol, rng.choice((80, 3306, 53)))


def random_rule(rng):
    peers = tuple(random_peer(rng) for _ in range(rng.choice((0, 1, 1, 2))))
    ports = tuple(random_port(rng) for _ in range(rng.choice((0, 1, 2))))
    return Rule(peers, ports)


def random_cluster(seed):
    rng = random.Random(seed)
    namespaces = {n: Namespace(n, {"name": n, "kubernetes.io/metadata.name": n}) for n in NAMESPACES}
    pods = []
    for i in range(rng.randint(3, 9)):
        ns = rng.choice(NAMESPACES)
        labels = {"role": rng.choice(ROLES)}
        if rng.random() < 0.3:
            labels["tier"] = rng.choice(("front", "back"))
        ports = (ContainerPort(rng.choice((80, 8080)), "TCP", "http"),
                 ContainerPort(3306, rng.choice(("TCP", "UDP")), "mysql"))
        ip = f"10.0.{rng.choice((1, 2))}.{i + 10}"
        pods.append(Pod(ns, f"p{i}", labels, ip, ports[: rng.randint(0, 2)]))
    policies = []
    for i in range(rng.randint(0, 4)):
        types = rng.choice((("Ingress",), ("Egress",), ("Ingress", "Egress")))
        policies.append(NetworkPolicy(
            rng.choice(NAMESPACES), f"np{i}", random_selector(rng), types,
            tuple(random_rule(rng) for _ in range(rng.randint(0, 2))),
            tuple(random_rule(rng) for _ in range(rng.randint(0, 2)))))
    return Cluster(namespaces, tuple(pods), tuple(policies))


@pytest.mark.parametrize("seed", range(150))
def test_matrix_agrees_with_check_on_every_cell(seed):
    analyzer = Analyzer(random_cluster(seed))
    matrix = build_matrix(analyzer, externals=["10.0.1.200", "192.168.5.10", "192.168.6.1"],
                          ports=[(80, "TCP"), (3306, "TCP"), (3306, "UDP"), (53, "UDP"), (8080, "TCP")])
    for port in matrix.ports:
        for s, src in enumerate(matrix.groups):
            for d, dst in enumerate(matrix.groups):
                if src.external and dst.external:
                    assert matrix.is_allowed(s, d, port) is None  # no policy applies between hosts
                    continue
                for a in src.members:
                    for b in dst.members:
                        if a is b and len(src.members) > 1:
                            continue
                        assert matrix.is_allowed(s, d, port) == analyzer.check(a, b, *port).allowed, (
                            seed, a.key, b.key, port)


def test_identical_pods_form_one_group_and_self_traffic_stays_allowed():
    base = random_cluster(1)
    pods = (Pod("prod", "web-1", {"role": "web"}, "10.0.3.1"),
            Pod("prod", "web-2", {"role": "web"}, "10.0.3.2"),
            Pod("prod", "db", {"role": "db"}, "10.0.3.3"))
    deny_all = NetworkPolicy("prod", "deny", LabelSelector(), ("Ingress",))
    cluster = Cluster(base.namespaces, pods, (deny_all,))
    matrix = build_matrix(Analyzer(cluster))
    assert [g.label for g in matrix.groups] == ["prod/web-1 (+1 alike)", "prod/db"]
    assert matrix.is_allowed(0, 0, (80, "TCP")) is False  # web-1 -> web-2 is denied
    assert ("prod/web-1", "prod/web-1", 80, "TCP") in matrix.allowed
    assert ("prod/web-1", "prod/web-2", 80, "TCP") not in matrix.allowed


def test_declared_ports_default_to_tcp_80():
    cluster = Cluster({}, (Pod("a", "b", {}, "10.0.0.1"),), ())
    assert declared_ports(cluster) == ((80, "TCP"),)


@pytest.mark.parametrize("seed", range(60))
def test_the_fast_answer_agrees_with_the_explained_verdict(seed):
    analyzer = Analyzer(random_cluster(seed))
    ends = list(analyzer.cluster.pods) + [analyzer.endpoint(ip) for ip in ("10.0.1.200", "192.168.5.10")]
    for port in ((80, "TCP"), (3306, "UDP"), (3306, "TCP")):
        for a in ends:
            for b in ends:
                assert analyzer.allowed(a, b, *port) == analyzer.check(a, b, *port).allowed, (
                    seed, a.key, b.key)


def with_twins(cluster, rng):
    """The cluster, plus for some pods a twin (same namespace, labels and ports) at an
    address outside every block, inside a cidr but removed by its except, or none."""
    pods = list(cluster.pods)
    for pod in cluster.pods:
        if rng.random() < 0.5:
            ip = rng.choice(("10.0.1.99", "10.1.0.9", "172.16.0.1", None))
            pods.append(Pod(pod.namespace, f"{pod.name}-twin", dict(pod.labels), ip, pod.ports))
    return Cluster(cluster.namespaces, tuple(pods), cluster.policies)


@pytest.mark.parametrize("seed", range(80))
@pytest.mark.parametrize("matching", [True, False], ids=["ipblocks-match-pods", "ipblocks-skip-pods"])
def test_explanations_found_per_kind_read_as_each_verdict_does(seed, matching):
    """explain() finds each side once per kind of endpoint and fills in the names: its
    words must be check()'s, word for word, for every pair and port."""
    cluster = with_twins(random_cluster(seed), random.Random(seed))
    fast, slow = Analyzer(cluster, matching), Analyzer(cluster, matching)
    ends = list(cluster.pods) + [fast.endpoint(ip) for ip in ("10.0.1.200", "192.168.5.10", "192.168.6.1")]
    # Ports beside the ones policies and pods name share their words' class with others.
    ports = ((80, "TCP"), (3306, "UDP"), (3306, "TCP"), (8080, "TCP"), (81, "TCP"), (3307, "TCP"),
             (9999, "TCP"), (1, "TCP"), (3305, "UDP"), (443, "SCTP"))
    for port in ports:
        for a in ends:
            for b in ends:
                verdict = slow.check(a, b, *port)
                assert fast.explain(a, b, *port) == (verdict.allowed, verdict.explanation), (
                    seed, a.key, b.key, port)
                allowed, escaped = fast.explain(a, b, *port, as_json=True)
                assert (allowed, json.loads(f'"{escaped}"')) == (verdict.allowed, verdict.explanation)


def test_twins_an_ipblock_misses_differently_are_explained_each_in_its_own_words():
    """Two pods of one group (same namespace, labels, ports, blocks holding them): one
    outside the cidr, one inside it but removed by the except."""
    cluster = load_cluster([("""
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {role: db}}
status: {podIP: 10.0.2.10}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: prod, labels: {role: client}}
status: {podIP: 10.0.1.5}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: prod, labels: {role: client}}
status: {podIP: 10.1.0.5}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: prod}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}}]
""", "c")])
    analyzer = Analyzer(cluster)
    assert analyzer.compiled.group_by_key["prod/a"] == analyzer.compiled.group_by_key["prod/b"]
    _, first = analyzer.explain("prod/a", "prod/db", 80)
    _, second = analyzer.explain("prod/b", "prod/db", 80)
    assert "contains 10.0.1.5, but except 10.0.1.0/24 removes it" in first
    assert "does not contain 10.1.0.5" in second
    assert second == analyzer.check("prod/b", "prod/db", 80).explanation
