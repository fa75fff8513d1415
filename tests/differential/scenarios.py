"""Seeded random scenarios: namespaces, pods and NetworkPolicies, as manifests.

Each scenario uses every feature the engine supports, in random combinations,
within the limits where network-config-analyzer (nca) and Kubernetes agree.
What is left out, and why, is listed below IP_BASES.
"""

from __future__ import annotations

import ipaddress
import os
import random
from dataclasses import dataclass

import yaml

# How many scenarios (seeds 0..COUNT-1) the differential test compares; at least 200 in CI.
COUNT = int(os.environ.get("NCA_SCENARIOS", "250"))

PROTOCOLS = ("TCP", "UDP", "SCTP")
POD_NET = ipaddress.ip_network("10.0.0.0/16")  # every pod IP; no ipBlock may reach into it

NAMESPACES = ("prod", "dev", "shop", "ops")
NAMESPACE_LABELS = {"env": ("prod", "dev"), "team": ("a", "b")}
POD_LABELS = {"app": ("web", "api", "db", "cache"), "tier": ("front", "back"), "role": ("blue", "green")}
# (name, candidate numbers, protocol): one name may map to different numbers and
# protocols on different pods, so named ports must be resolved per destination pod.
CONTAINER_PORTS = (
    ("http", (80, 8080), "TCP"),
    ("https", (443,), "TCP"),
    ("dns", (53,), "UDP"),
    ("dns", (5353,), "TCP"),
    ("metrics", (9102,), "UDP"),
    ("dns-tcp", (53,), "TCP"),
    ("metrics", (9090, 9100), "TCP"),
    ("db", (5432, 3306), "TCP"),
    ("sig", (3868,), "SCTP"),
    ("stats", (8125, 9090), "UDP"),
    (None, (7000, 8080), "TCP"),
)
PORT_NAMES = tuple(dict.fromkeys(name for name, _, _ in CONTAINER_PORTS if name)) + ("nothing",)
PORT_NUMBERS = (53, 80, 443, 3306, 3868, 5353, 5432, 7000, 8080, 8125, 9090, 9100, 9102)
# Networks ipBlocks are drawn from, with the excepts a block needs so that no pod IP
# falls inside it (whether an ipBlock matches a pod is up to the network plugin).
IP_BASES = (
    ("192.168.0.0/16", ()),
    ("172.16.0.0/12", ()),
    ("203.0.113.0/24", ()),
    ("10.1.0.0/16", ()),
    ("10.0.0.0/8", ("10.0.0.0/16",)),
    ("0.0.0.0/0", ("10.0.0.0/16",)),
)

# Where nca 2.1.0 departs from the API server, the generator stays on ground both
# agree on (the engine's own case files cover the rest):
# - nca isolates for Egress when an `egress` key exists, even empty, with
#   policyTypes defaulted: an empty `egress` is only generated with policyTypes.
# - nca refuses a policy with an `ingress`/`egress` section its policyTypes leave
#   out: such sections are never generated.
# - nca accepts policyTypes only as [Ingress], [Egress] or [Ingress, Egress]
#   (not [Egress, Ingress]): those three are generated.
# - nca reads an empty label value as "key absent" for namespaces: label values
#   are never empty.
# - nca matches a podSelector's Exists/DoesNotExist in the policy's namespace
#   only, even in a peer whose namespaceSelector picks other namespaces: such a
#   peer's podSelector uses matchLabels, In and NotIn only.


@dataclass(frozen=True)
class Scenario:
    name: str
    documents: tuple[dict, ...]
    pods: tuple[str, ...]  # "ns/name"
    externals: tuple[str, ...]  # IPv4 hosts outside the cluster
    probes: tuple[tuple[int, str], ...]  # (port, protocol) pairs to compare on

    @property
    def text(self) -> str:
        return yaml.safe_dump_all(self.documents, sort_keys=False)


def generate(seed: int) -> Scenario:
    return _Generator(random.Random(seed), f"s{seed}").scenario()


class _Generator:
    def __init__(self, rng: random.Random, name: str):
        self.rng = rng
        self.name = name
        self.port_numbers: set[int] = set()
        self.ip_blocks: list[tuple[str, tuple[str, ...]]] = []

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # --- cluster ---------------------------------------------------------------

    def scenario(self) -> Scenario:
        rng = self.rng
        # nca keeps some state across the configs of one process (named ports of a
        # pod known by "namespace/name"), so namespaces carry the scenario's name.
        self.namespaces = [f"{ns}-{self.name}" for ns in rng.sample(NAMESPACES, rng.randint(2, 3))]
        docs = []
        for ns in self.namespaces:
            labels = self.labels(NAMESPACE_LABELS, 0, 2)
            if ns != self.namespaces[-1] or self.chance(0.7):  # sometimes left undeclared
                docs.append({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": ns, **({"labels": labels} if labels else {})}})
        pods = []
        for i in range(rng.randint(3, 7)):
            ns = rng.choice(self.namespaces)
            pod = self.pod(ns, f"pod{i}", f"10.0.{i // 200}.{i % 200 + 10}")
            docs.append(pod)
            pods.append(f"{ns}/pod{i}")
        for i in range(rng.randint(1, 5)):
            docs.append(self.policy(rng.choice(self.namespaces), f"np{i}"))
        return Scenario(self.name, tuple(docs), tuple(pods), self.externals(), self.probes())

    def labels(self, pool, low, high) -> dict:
        keys = self.rng.sample(sorted(pool), self.rng.randint(low, min(high, len(pool))))
        return {k: self.rng.choice(pool[k]) for k in keys}

    def pod(self, ns: str, name: str, ip: str) -> dict:
        ports = []
        for port_name, numbers, protocol in self.rng.sample(CONTAINER_PORTS, self.rng.randint(0, 3)):
            number = self.rng.choice(numbers)
            if any(p["containerPort"] == number and p.get("protocol", "TCP") == protocol
                   or port_name and p.get("name") == port_name for p in ports):
                continue  # a pod's port names, and number-protocol pairs, are unique
            port = {"containerPort": number, "protocol": protocol}
            if port_name:
                port = {"name": port_name, **port}
            if protocol == "TCP" and self.chance(0.3):
                del port["protocol"]  # defaulted
            ports.append(port)
            self.port_numbers.add(number)
        # The ports are spread over one or two containers; a pending pod has no IP yet.
        containers = [{"name": "main", "image": "registry.example/app:1"}]
        if ports and self.chance(0.3):
            containers.append({"name": "sidecar", "image": "registry.example/proxy:1"})
        for i, port in enumerate(ports):
            containers[i % len(containers)].setdefault("ports", []).append(port)
        pod = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "labels": self.labels(POD_LABELS, 0, 3)},
            "spec": {"containers": containers},
        }
        if self.chance(0.9):
            pod["status"] = {"podIP": ip}
        return pod

    # --- policies --------------------------------------------------------------

    def policy(self, ns: str, name: str) -> dict:
        rng = self.rng
        spec: dict = {"podSelector": {} if self.chance(0.35) else self.selector(POD_LABELS)}
        if self.chance(0.4):
            # policyTypes defaulted: Ingress, plus Egress when egress has a rule.
            if self.chance(0.75):
                spec["ingress"] = self.rules("from", 0, 3)
            if self.chance(0.5):
                spec["egress"] = self.rules("to", 1, 3)
        else:
            types = rng.choice((["Ingress"], ["Egress"], ["Ingress", "Egress"]))
            spec["policyTypes"] = types
            for direction, key, peer_key in (("Ingress", "ingress", "from"), ("Egress", "egress", "to")):
                if direction in types and self.chance(0.8):
                    spec[key] = self.rules(peer_key, 0, 3)
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": name, "namespace": ns}, "spec": spec}

    def rules(self, peer_key: str, low: int, high: int) -> list:
        rules = []
        for _ in range(self.rng.randint(low, high)):
            rule = {}
            r = self.rng.random()
            if r < 0.8:
                rule[peer_key] = [self.peer() for _ in range(self.rng.randint(1, 3))]
            elif r < 0.85:
                rule[peer_key] = []
            r = self.rng.random()
            if r < 0.65:
                rule["ports"] = [self.policy_port() for _ in range(self.rng.randint(1, 3))]
            elif r < 0.7:
                rule["ports"] = []
            rules.append(rule)
        return rules

    def peer(self) -> dict:
        kind = self.rng.choice(("pod", "namespace", "both", "both", "ipBlock"))
        if kind == "ipBlock":
            return {"ipBlock": self.ip_block()}
        if kind == "pod":
            return {"podSelector": self.selector(POD_LABELS)}
        ns_selector = self.selector(NAMESPACE_LABELS, namespaces=True)
        if kind == "namespace":
            return {"namespaceSelector": ns_selector}
        return {"namespaceSelector": ns_selector, "podSelector": self.selector(POD_LABELS, presence=False)}

    def selector(self, pool, namespaces: bool = False, presence: bool = True) -> dict:
        rng = self.rng
        shape = rng.choice(("empty", "labels", "expressions", "both"))
        selector = {}
        if shape in ("labels", "both"):
            selector["matchLabels"] = self.labels(pool, 1, 2)
        if shape in ("expressions", "both"):
            selector["matchExpressions"] = [self.requirement(pool, presence)
                                            for _ in range(rng.randint(1, 2))]
        if namespaces and shape != "empty" and self.chance(0.2):
            selector["matchExpressions"] = selector.get("matchExpressions", []) + [{
                "key": "kubernetes.io/metadata.name", "operator": rng.choice(("In", "NotIn")),
                "values": [f"{ns}-{self.name}" for ns in rng.sample(NAMESPACES, rng.randint(1, 2))]}]
        return selector

    def requirement(self, pool, presence: bool = True) -> dict:
        key = self.rng.choice(sorted(pool))
        operators = ("In", "NotIn", "Exists", "DoesNotExist") if presence else ("In", "NotIn")
        operator = self.rng.choice(operators)
        req = {"key": key, "operator": operator}
        if operator in ("In", "NotIn"):
            req["values"] = self.rng.sample(pool[key], self.rng.randint(1, len(pool[key])))
        return req

    def policy_port(self) -> dict:
        rng = self.rng
        port = {}
        r = rng.random()
        if r < 0.3:
            port["port"] = rng.choice(PORT_NUMBERS)
        elif r < 0.55:
            port["port"] = rng.choice(PORT_NAMES)
        elif r < 0.85:
            start = rng.choice(PORT_NUMBERS) + rng.randint(-5, 0)
            port["port"], port["endPort"] = start, start + rng.choice((0, 1, 10, 1000))
        # else: no port, every port of the protocol
        r = rng.random()
        if r < 0.6:
            port["protocol"] = rng.choice(PROTOCOLS)
        for key in ("port", "endPort"):
            if isinstance(port.get(key), int):
                self.port_numbers.add(port[key])
        return port

    def ip_block(self) -> dict:
        rng = self.rng
        base, required = rng.choice(IP_BASES)
        network = ipaddress.ip_network(base)
        if not required and self.chance(0.5):
            # a random smaller block inside the base, down to a single host
            prefix = rng.choice((rng.randint(network.prefixlen + 1, 28), 32))
            network = _subnet(rng, network, prefix, among=64)
        excepts = list(required)
        if network.prefixlen < 30 and self.chance(0.6):
            for _ in range(rng.randint(1, 2)):
                sub = rng.randint(network.prefixlen + 1, min(network.prefixlen + 8, 32))
                candidate = str(_subnet(rng, network, sub, among=32))
                if candidate not in excepts:
                    excepts.append(candidate)
        self.ip_blocks.append((str(network), tuple(excepts)))
        block = {"cidr": str(network)}
        if excepts:
            block["except"] = excepts
        return block

    # --- what to compare on ---------------------------------------------------------

    def externals(self) -> tuple[str, ...]:
        """Hosts just inside, just outside and in the excepts of the scenario's ipBlocks."""
        candidates = {int(ipaddress.ip_address("198.51.100.7"))}
        for cidr, excepts in self.ip_blocks:
            net = ipaddress.ip_network(cidr)
            first, last = int(net[0]), int(net[-1])
            candidates |= {first, last, first - 1, last + 1}
            for e in excepts:
                sub = ipaddress.ip_network(e)
                candidates |= {int(sub[0]), int(sub[-1]) + 1}
        usable = sorted(str(ipaddress.ip_address(n)) for n in candidates
                        if 0 < n < 2**32 - 1 and ipaddress.ip_address(n) not in POD_NET)
        return tuple(self.rng.sample(usable, min(4, len(usable))))

    def probes(self) -> tuple[tuple[int, str], ...]:
        numbers = set()
        for n in self.port_numbers:
            numbers |= {n - 1, n, n + 1}
        numbers = sorted(n for n in numbers if 1 <= n <= 65535)
        numbers = self.rng.sample(numbers, min(8, len(numbers))) + [self.rng.randint(1, 65535)]
        return tuple((n, p) for n in sorted(set(numbers)) for p in PROTOCOLS)


def _subnet(rng: random.Random, network, prefix: int, among: int):
    """One of the first `among` subnets of `network` with this prefix length."""
    index = rng.randrange(min(among, 2 ** (prefix - network.prefixlen)))
    start = int(network.network_address) + index * 2 ** (32 - prefix)
    return ipaddress.ip_network((start, prefix))
