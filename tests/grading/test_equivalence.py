"""The comparison agrees with the engine, both ways.

For random policy sets on a random small cluster:
- every difference it reports is real: the engine, asked about the two stand-ins
  it names, disagrees on the ports it says, and agrees on every other port tried;
- when it finds no difference, none exists: a big random world of pods, namespaces
  and hosts (labels, addresses and namespaces drawn at random, many of which the
  universe never built) shows none either, on ports at every boundary.
"""

from __future__ import annotations

import ipaddress
import random

import pytest

from trainer.grading.equivalence import MATCHING, MODES, SKIPPING, Comparison, Side
from trainer.grading.ports import ALL, EMPTY, PortSet
from trainer.grading.universe import Universe
from trainer.netpol.build import apply_policies
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.objects import (
    NAMESPACE_NAME_LABEL,
    PROTOCOLS,
    Cluster,
    ContainerPort,
    ExternalHost,
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

KEYS = ("app", "tier", "team")
VALUES = ("a", "b", "c")
NS_KEYS = KEYS + (NAMESPACE_NAME_LABEL,)
NS_VALUES = VALUES + ("n1", "n2", "n9")  # n9: a namespace selectors name that does not exist
CIDRS = (("10.0.0.0/8", ()), ("10.1.0.0/16", ("10.1.2.0/24",)), ("192.168.0.0/24", ()),
         ("0.0.0.0/0", ("10.0.0.0/8",)), ("10.1.2.0/24", ()))
POD_ADDRESSES = ("10.1.2.5", "10.1.3.5", "10.9.0.1", "10.1.0.1", "10.200.0.4")  # the pod network: 10.0.0.0/8
PORTS_TRIED = (1, 52, 53, 54, 79, 80, 81, 443, 999, 1000, 1500, 2000, 2001, 8080, 9000, 65535)
NAMED = {("http", "TCP"): 8080, ("dns", "UDP"): 53}


def selector(rng: random.Random, keys=KEYS, values=VALUES) -> LabelSelector:
    if rng.random() < 0.25:
        return LabelSelector()
    labels = tuple(sorted({(rng.choice(keys), rng.choice(values)) for _ in range(rng.randint(0, 1))}))
    exprs = []
    for _ in range(rng.randint(0 if labels else 1, 1)):
        op = rng.choice(("In", "NotIn", "Exists", "DoesNotExist"))
        chosen = tuple(sorted(set(rng.sample(values, rng.randint(1, 2))))) if op in ("In", "NotIn") else ()
        exprs.append(Requirement(rng.choice(keys), op, chosen))
    return LabelSelector(labels, tuple(exprs))


def peer(rng: random.Random) -> Peer:
    kind = rng.random()
    if kind < 0.2:
        cidr, excepts = rng.choice(CIDRS)
        return Peer(ip_block=IPBlock(cidr, excepts))
    if kind < 0.5:
        return Peer(pod_selector=selector(rng))
    if kind < 0.75:
        return Peer(namespace_selector=selector(rng, NS_KEYS, NS_VALUES))
    return Peer(pod_selector=selector(rng), namespace_selector=selector(rng, NS_KEYS, NS_VALUES))


def port(rng: random.Random) -> PolicyPort:
    kind = rng.random()
    protocol = rng.choice(PROTOCOLS)
    if kind < 0.35:
        return PolicyPort(protocol, rng.choice((53, 80, 443, 8080)))
    if kind < 0.55:
        return PolicyPort(protocol, 1000, 2000)
    if kind < 0.8:
        name, proto = rng.choice(list(NAMED))
        return PolicyPort(proto, name)
    return PolicyPort(protocol)


def rule(rng: random.Random) -> Rule:
    peers = tuple(peer(rng) for _ in range(rng.choice((0, 1, 1, 2))))
    ports = tuple(port(rng) for _ in range(rng.choice((0, 1, 1, 2))))
    return Rule(peers, ports)


def policy(rng: random.Random, name: str) -> NetworkPolicy:
    types = rng.choice((("Ingress",), ("Egress",), ("Ingress", "Egress")))
    return NetworkPolicy(
        namespace=rng.choice(("n1", "n2")), name=name, pod_selector=selector(rng), policy_types=types,
        ingress=tuple(rule(rng) for _ in range(rng.randint(0, 2))),
        egress=tuple(rule(rng) for _ in range(rng.randint(0, 2))), source=name)


def mutated(rng: random.Random, p: NetworkPolicy) -> NetworkPolicy:
    """A small change, so that equivalent and nearly equivalent pairs are common."""
    choice = rng.random()
    if choice < 0.3:
        return p  # the same policy, written again
    if choice < 0.5 and (p.ingress or p.egress):
        return NetworkPolicy(p.namespace, p.name, p.pod_selector, p.policy_types,
                             p.ingress[:-1], p.egress, p.source)
    if choice < 0.7:
        return NetworkPolicy(p.namespace, p.name, selector(rng), p.policy_types, p.ingress, p.egress,
                             p.source)
    return NetworkPolicy(p.namespace, p.name, p.pod_selector, p.policy_types,
                         p.ingress + (rule(rng),), p.egress, p.source)


def labels(rng: random.Random) -> dict:
    return {k: rng.choice(VALUES) for k in KEYS if rng.random() < 0.5}


def namespace(name: str, rng: random.Random) -> Namespace:
    found = labels(rng)
    found[NAMESPACE_NAME_LABEL] = name
    return Namespace(name, found)


def base_cluster(rng: random.Random) -> Cluster:
    namespaces = {n: namespace(n, rng) for n in ("n1", "n2", "n3")}
    pods = []
    for i in range(4):
        ports = (ContainerPort(8080, "TCP", "http"),) if rng.random() < 0.5 else (
            ContainerPort(9090, "TCP", "http"), ContainerPort(53, "UDP", "dns"))
        pods.append(Pod(rng.choice(list(namespaces)), f"p{i}", labels(rng), rng.choice(POD_ADDRESSES), ports))
    return Cluster(namespaces, tuple(pods), ())


def address_in(rng: random.Random, network, inside: bool) -> str:
    """A random IPv4 address inside the network, or outside it."""
    while True:
        ip = ipaddress.IPv4Address(rng.getrandbits(32))
        if rng.random() < 0.5:  # near the boundaries of the blocks too
            ip = ipaddress.IPv4Address(f"{rng.choice((10, 192, 0))}.{rng.choice((0, 1, 168))}."
                                       f"{rng.randint(0, 3)}.{rng.randint(0, 255)}")
        if (ip in network) == inside:
            return str(ip)


def big_world(rng: random.Random, base: Cluster, extra_namespaces: dict) -> Cluster:
    """The base, plus many pods the universe never saw: new labels, new namespaces,
    new addresses. New pods declare the cluster's named ports, as the universe says."""
    namespaces = dict(base.namespaces)
    for i in range(3):
        namespaces[f"z{i}"] = namespace(f"z{i}", rng)
    for ns in extra_namespaces:
        namespaces.setdefault(ns.name, ns)
    table = {}
    for pod in base.pods:
        for p in pod.ports:
            table.setdefault((p.name, p.protocol), p.port)
    ports = tuple(ContainerPort(n, proto, name) for (name, proto), n in table.items())
    pods = list(base.pods)
    network = ipaddress.ip_network("10.0.0.0/8")
    for i in range(40):
        pods.append(Pod(rng.choice(list(namespaces)), f"w{i}", labels(rng),
                        address_in(rng, network, True), ports))
    return Cluster(namespaces, tuple(pods), ())


def engine_ports(analyzer: Analyzer, src, dst) -> set:
    return {(n, proto) for n in PORTS_TRIED for proto in PROTOCOLS
            if analyzer.allowed(src, dst, n, proto)}


def case(seed: int):
    rng = random.Random(seed)
    base = base_cluster(rng)
    left = tuple(policy(rng, f"l{i}") for i in range(rng.randint(1, 3)))
    right = tuple(mutated(rng, p) for p in left) if rng.random() < 0.7 else \
        tuple(policy(rng, f"r{i}") for i in range(rng.randint(0, 3)))
    worlds = (apply_policies(base, left), apply_policies(base, right))
    return rng, base, worlds, Universe(base, worlds, ("203.0.113.9",), IPBlock("10.0.0.0/8"))


@pytest.mark.parametrize("seed", range(150))
def test_every_difference_found_is_real_on_the_engine(seed):
    _, base, worlds, universe = case(seed)
    for mode in MODES:
        comparison = Comparison(universe, Side(worlds[0].policies, mode), Side(worlds[1].policies, mode))
        for diff in comparison.differences[:20]:
            analyzers = [Analyzer(universe.cluster(w, (diff.src, diff.dst)), mode == MATCHING)
                         for w in worlds]
            src, dst = diff.src.engine_object, diff.dst.engine_object
            for analyzer, expected in zip(analyzers, (diff.left, diff.right), strict=True):
                got = engine_ports(analyzer, src, dst)
                wanted = {(n, proto) for n in PORTS_TRIED for proto in PROTOCOLS if (n, proto) in expected}
                assert got == wanted, (seed, mode, diff.src.key, diff.dst.key)
            assert diff.left != diff.right


@pytest.mark.parametrize("seed", range(150))
def test_no_difference_found_means_none_anywhere(seed):
    rng, base, worlds, universe = case(seed)
    world = big_world(rng, base, universe.new_namespaces)
    for mode in MODES:
        comparison = Comparison(universe, Side(worlds[0].policies, mode), Side(worlds[1].policies, mode))
        if comparison.differences:
            continue
        left, right = (Analyzer(Cluster(world.namespaces, world.pods, w.policies), mode == MATCHING)
                       for w in worlds)
        network = ipaddress.ip_network("10.0.0.0/8")
        ends = list(world.pods) + [ExternalHost(address_in(rng, network, False)) for _ in range(4)]
        for src in ends:
            for dst in ends:
                if src is dst or (isinstance(src, ExternalHost) and isinstance(dst, ExternalHost)):
                    continue
                assert engine_ports(left, src, dst) == engine_ports(right, src, dst), \
                    (seed, mode, src.key, dst.key)


def signature(universe: Universe, ns: Namespace, pod_labels: dict, ip: str | None) -> tuple:
    """What every policy and peer makes of a pod, evaluated directly."""
    sel = peers = ip_peers = 0
    for i, p in enumerate(universe.table.policies):
        if p.namespace == ns.name and p.pod_selector.matches(pod_labels):
            sel |= 1 << i
    for j, meaning in enumerate(universe.table.peers):
        if meaning.ip_block is not None:
            ip_peers |= bool(ip and meaning.ip_block.contains(ip)) << j
        elif meaning.namespace_selector is None:
            peers |= (ns.name == meaning.namespace and meaning.pod_selector.matches(pod_labels)) << j
        else:
            peers |= (meaning.namespace_selector.matches(ns.labels) and (
                meaning.pod_selector is None or meaning.pod_selector.matches(pod_labels))) << j
    return sel, peers, ip_peers


@pytest.mark.parametrize("seed", range(100))
def test_every_pod_there_could_be_has_a_stand_in_with_its_signature(seed):
    """The lemma the whole method rests on: any pod, in any namespace, with any labels
    and address, is treated by every policy exactly as one of the universe's pods is."""
    rng, base, worlds, universe = case(seed)
    stand_ins = {(e.sel, e.peers, e.ip_peers) for e in universe.endpoints if e.pod is not None}
    hosts = {e.ip_peers for e in universe.endpoints if e.pod is None}
    names = ["n1", "n2", "n3", "n9", "z1", "z2"]
    network = ipaddress.ip_network(universe.pod_network.cidr)
    for _ in range(1500):
        name = rng.choice(names)
        ns = universe.namespaces.get(name) or namespace(name, rng)
        pod_labels = {k: rng.choice(VALUES + ("d",)) for k in KEYS if rng.random() < 0.5}
        ip = address_in(rng, network, True)
        found = signature(universe, ns, pod_labels, ip)
        assert found in stand_ins, (seed, name, dict(ns.labels), pod_labels, ip)
        host = address_in(rng, network, False)
        assert signature(universe, ns, {}, host)[2] in hosts, (seed, host)  # any host is covered too


def test_the_universe_holds_a_pod_for_each_side_of_every_selector():
    rng, base, worlds, universe = case(7)
    for endpoint in universe.endpoints:
        if endpoint.pod is None:
            continue
        ns = endpoint.namespace
        for i, p in enumerate(universe.table.policies):
            picks = p.namespace == ns.name and p.pod_selector.matches(endpoint.pod.labels)
            assert bool(endpoint.sel >> i & 1) == picks


def test_port_sets_are_exact_intervals():
    tcp = PortSet.of("TCP", 1, 3306)
    assert (tcp - PortSet.of("TCP", 3306, 3306)).describe() == "TCP 1-3305"
    assert (ALL - PortSet.of("TCP", 3306, 3306)).describe() == (
        "TCP 1-3305 and 3307-65535; every UDP and SCTP port")
    assert (PortSet.of("UDP", 53, 53) | PortSet.of("TCP", 53, 53)).describe() == "TCP and UDP 53"
    assert (PortSet.of("TCP", 10, 20) | PortSet.of("TCP", 21, 30)) == PortSet.of("TCP", 10, 30)
    assert (PortSet.of("TCP", 10, 20) & PortSet.of("TCP", 15, 40)) == PortSet.of("TCP", 15, 20)
    assert not (PortSet.of("TCP", 10, 20) & PortSet.of("UDP", 10, 20))
    assert EMPTY.describe() == "no port" and ALL.describe() == "every port (TCP, UDP and SCTP)"
    assert (3306, "TCP") in tcp and (3307, "TCP") not in tcp and (80, "UDP") not in tcp


def test_port_sets_after_cannot_say_any_not_every():
    """"cannot reach it on every UDP port" reads as "not on all of them"."""
    assert (ALL - PortSet.of("TCP", 3306, 3306)).describe(negative=True) == (
        "TCP 1-3305 and 3307-65535; any UDP or SCTP port")
    assert PortSet.of("UDP").describe(negative=True) == "any UDP port"
    assert ALL.describe(negative=True) == "any port (TCP, UDP or SCTP)"
    assert PortSet.of("TCP", 53, 53).describe(negative=True) == "TCP 53"


def test_both_plugin_behaviours_are_compared():
    assert set(MODES) == {MATCHING, SKIPPING}
