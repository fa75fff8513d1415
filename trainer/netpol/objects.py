"""The cluster's objects as frozen dataclasses.

They are built from validated documents (see build.py), so they hold only
well-formed values with every default applied. Each part remembers the YAML
line it came from and its field path, for explanations and editor highlights.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

PROTOCOLS = ("TCP", "UDP", "SCTP")
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class Requirement:
    """One matchExpressions entry, matched as apimachinery does."""

    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return labels.get(self.key) in self.values
        if self.operator == "NotIn":
            # A pod without the key is "not in" any set (apimachinery Requirement.Matches).
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        return self.key not in labels  # DoesNotExist

    def describe(self) -> str:
        if self.operator == "Exists":
            return self.key
        if self.operator == "DoesNotExist":
            return f"!{self.key}"
        op = "in" if self.operator == "In" else "notin"
        return f"{self.key} {op} ({', '.join(self.values)})"

    def why_not(self, labels: Mapping[str, str]) -> str:
        """Say why labels fail this requirement (call only when they do)."""
        if self.operator in ("In", "Exists"):
            if self.key not in labels:
                return f"has no label {self.key}"
            return f"has {self.key}={labels[self.key]}"
        return f"has {self.key}={labels[self.key]}"


@dataclass(frozen=True)
class LabelSelector:
    """matchLabels and matchExpressions, ANDed. Empty selects everything."""

    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[Requirement, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.match_labels and not self.match_expressions

    def matches(self, labels: Mapping[str, str]) -> bool:
        for key, value in self.match_labels:
            if labels.get(key) != value:
                return False
        return all(r.matches(labels) for r in self.match_expressions)

    def describe(self) -> str:
        if self.is_empty:
            return "everything"
        parts = [f"{k}={v}" for k, v in self.match_labels]
        parts += [r.describe() for r in self.match_expressions]
        return ",".join(parts)

    def why_not(self, labels: Mapping[str, str]) -> str:
        """The first unmet requirement, in words (call only when it fails)."""
        for key, value in self.match_labels:
            if key not in labels:
                return f"wants {key}={value}, has no label {key}"
            if labels[key] != value:
                return f"wants {key}={value}, has {key}={labels[key]}"
        for r in self.match_expressions:
            if not r.matches(labels):
                return f"wants {r.describe()}, {r.why_not(labels)}"
        return "matches"


@dataclass(frozen=True)
class IPBlock:
    cidr: str
    except_: tuple[str, ...] = ()

    @property
    def network(self):
        return ipaddress.ip_network(self.cidr, strict=False)

    @property
    def exceptions(self):
        return tuple(ipaddress.ip_network(c, strict=False) for c in self.except_)

    def contains(self, ip: str | None) -> bool:
        if not ip:
            return False
        addr = ipaddress.ip_address(ip)
        if addr.version != self.network.version or addr not in self.network:
            return False
        return not any(addr in net for net in self.exceptions)

    def describe(self) -> str:
        if self.except_:
            return f"ipBlock {self.cidr} except {', '.join(self.except_)}"
        return f"ipBlock {self.cidr}"


@dataclass(frozen=True)
class Peer:
    """One item of from/to. ipBlock excludes the selectors (validation sees to it)."""

    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    ip_block: IPBlock | None = None
    path: str = ""
    line: int | None = None

    def describe(self, policy_namespace: str) -> str:
        if self.ip_block is not None:
            return self.ip_block.describe()
        if self.namespace_selector is None:
            return f"pods {self.pod_selector.describe()} in namespace {policy_namespace}"
        ns = self.namespace_selector.describe()
        ns_words = "every namespace" if self.namespace_selector.is_empty else f"namespaces {ns}"
        if self.pod_selector is None:
            return f"all pods in {ns_words}"
        return f"pods {self.pod_selector.describe()} in {ns_words}"


@dataclass(frozen=True)
class PolicyPort:
    protocol: str = "TCP"
    port: int | str | None = None  # None: every port of the protocol; str: a named port
    end_port: int | None = None
    path: str = ""
    line: int | None = None

    def describe(self) -> str:
        if self.port is None:
            return f"all {self.protocol} ports"
        if self.end_port is not None:
            return f"{self.protocol} {self.port}-{self.end_port}"
        return f"{self.protocol} {self.port}"


@dataclass(frozen=True)
class Rule:
    """One ingress or egress rule. Empty peers or ports mean "all"."""

    peers: tuple[Peer, ...] = ()
    ports: tuple[PolicyPort, ...] = ()
    path: str = ""
    line: int | None = None


@dataclass(frozen=True)
class NetworkPolicy:
    namespace: str
    name: str
    pod_selector: LabelSelector
    policy_types: tuple[str, ...]  # effective types, defaults applied
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()
    source: str = ""
    line: int | None = None

    @cached_property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def rules(self, direction: str) -> tuple[Rule, ...]:
        return self.ingress if direction == "Ingress" else self.egress


@dataclass(frozen=True)
class Namespace:
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    declared: bool = True  # False when only named by a pod or policy


@dataclass(frozen=True)
class ContainerPort:
    port: int
    protocol: str = "TCP"
    name: str | None = None


@dataclass(frozen=True)
class Pod:
    namespace: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    ip: str | None = None
    ports: tuple[ContainerPort, ...] = ()
    line: int | None = None

    @cached_property
    def key(self) -> str:  # cached: the hot path asks for it on every probe
        return f"{self.namespace}/{self.name}"

    def named_port(self, name: str, protocol: str) -> int | None:
        for p in self.ports:
            if p.name == name and p.protocol == protocol:
                return p.port
        return None


@dataclass(frozen=True)
class ExternalHost:
    """A host outside the cluster, known by its IP."""

    ip: str

    @property
    def key(self) -> str:
        return self.ip


@dataclass(frozen=True)
class Cluster:
    namespaces: Mapping[str, Namespace]
    pods: tuple[Pod, ...]
    policies: tuple[NetworkPolicy, ...]
    ignored: tuple[str, ...] = ()  # objects of other kinds, by label ("Service prod/db")

    def pod(self, key: str) -> Pod | None:
        for pod in self.pods:
            if pod.key == key:
                return pod
        return None

    def namespace_labels(self, name: str) -> Mapping[str, str]:
        ns = self.namespaces.get(name)
        return ns.labels if ns else {NAMESPACE_NAME_LABEL: name}
