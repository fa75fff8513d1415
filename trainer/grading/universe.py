"""The world an answer is judged in: the exercise's own pods and hosts, and one
stand-in for every other kind of pod, namespace and host that the policies of
either side could tell apart.

A pod's fate under any set of policies depends only on its namespace (its
name and labels), its labels, its address (where ipBlocks match pods) and the
numbers its named ports resolve to. The universe covers each of these:

- namespaces: every namespace of the cluster or named by a policy, as it is;
  and new namespaces, one per box of namespace labels that the
  namespaceSelectors tell apart (labels.py), named so as to collide with none;
- in every namespace, one new pod per box of pod labels that the selectors
  able to reach that namespace tell apart, labelled as close to an existing
  pod as the box allows;
- addresses: each new pod once per address atom inside the pod network
  (addresses.py), and one host outside the cluster per atom outside it,
  besides the hosts the exercise names. The pod network is given, or else the
  smallest CIDR holding every pod's address: pods get their addresses there,
  and hosts outside the cluster never do.

New pods declare the cluster's named ports with the cluster's numbers (a port
name is a convention of the application: a new replica declares it too), so a
named port and its number stay interchangeable. Existing pods keep their own.
Every pod and host that could ever exist falls in the same cell as one of
these stand-ins, so comparing two policy sets on them compares them on all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from trainer.netpol.compiled import bits, ip_key
from trainer.netpol.objects import (
    NAMESPACE_NAME_LABEL,
    Cluster,
    ContainerPort,
    ExternalHost,
    IPBlock,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    Pod,
)

from .addresses import Atom, atoms, smallest_network
from .labels import OTHER, Budget, LabelSpace, TooComplex

MAX_ENDPOINTS = 6000  # stand-ins in all; past it the answer is too tangled to compare
MAX_WORK = 300_000  # label boxes looked at while cutting the label space, for all namespaces
MAX_BOXES = 3000  # label kinds per namespace
MAX_LIKES = 20  # existing pods a new pod's labels are modelled on
NEW_NAMESPACE = "new-namespace"
NEW_POD = "new-pod"


@dataclass(frozen=True)
class PeerMeaning:
    """What a peer matches, whoever wrote it: equal peers share one bit."""

    namespace: str  # the policy's namespace, for a podSelector alone
    pod_selector: LabelSelector | None
    namespace_selector: LabelSelector | None
    ip_block: IPBlock | None


@dataclass(frozen=True)
class RuleEntry:
    """One rule of one policy: the peer bits it admits (None: every peer) and its ports."""

    key: tuple  # (policy index, direction, rule index)
    peers: int | None
    ports: tuple


class PolicyTable:
    """Every policy of every world, numbered, with their peers numbered by meaning."""

    def __init__(self, policies: Iterable[NetworkPolicy]):
        self.policies: list[NetworkPolicy] = []
        self._index: dict[int, int] = {}
        self.peers: list[PeerMeaning] = []
        self._peer_index: dict[PeerMeaning, int] = {}
        self.rules: dict[tuple[int, str], list[RuleEntry]] = {}
        self.isolating = {"Ingress": 0, "Egress": 0}
        self.peer_bits = {"Ingress": 0, "Egress": 0}  # peers used by rules of each direction
        named = set()
        for policy in policies:
            if id(policy) in self._index:
                continue
            i = self._index[id(policy)] = len(self.policies)
            self.policies.append(policy)
            for direction in ("Ingress", "Egress"):
                if direction in policy.policy_types:
                    self.isolating[direction] |= 1 << i
                entries = []
                for r, rule in enumerate(policy.rules(direction)):
                    mask = None
                    if rule.peers:
                        mask = 0
                        for peer in rule.peers:
                            mask |= 1 << self._peer(policy, peer)
                        self.peer_bits[direction] |= mask
                    entries.append(RuleEntry((i, direction, r), mask, rule.ports))
                    named |= {(p.port, p.protocol) for p in rule.ports if isinstance(p.port, str)}
                self.rules[(i, direction)] = entries
        self.named_ports = tuple(sorted(named))

    def _peer(self, policy: NetworkPolicy, peer) -> int:
        meaning = PeerMeaning(policy.namespace if peer.namespace_selector is None else "",
                              peer.pod_selector, peer.namespace_selector, peer.ip_block)
        if meaning.ip_block is not None:
            meaning = PeerMeaning("", None, None, peer.ip_block)
        found = self._peer_index.get(meaning)
        if found is None:
            found = self._peer_index[meaning] = len(self.peers)
            self.peers.append(meaning)
        return found

    def mask(self, policies: Iterable[NetworkPolicy]) -> int:
        out = 0
        for policy in policies:
            out |= 1 << self._index[id(policy)]
        return out

    def index(self, policy: NetworkPolicy) -> int:
        return self._index[id(policy)]

    @cached_property
    def ip_blocks(self) -> list[IPBlock]:
        return list(dict.fromkeys(p.ip_block for p in self.peers if p.ip_block is not None))

    def block_peers(self, blocks: int) -> int:
        """The ipBlock peer bits of the blocks whose bits are set (in ip_blocks order)."""
        mask = 0
        for i in bits(blocks):
            mask |= self._peers_of_block[i]
        return mask

    @cached_property
    def _peers_of_block(self) -> list[int]:
        index = {block: i for i, block in enumerate(self.ip_blocks)}
        found = [0] * len(self.ip_blocks)
        for j, peer in enumerate(self.peers):
            if peer.ip_block is not None:
                found[index[peer.ip_block]] |= 1 << j
        return found

    def profile(self, pod: Pod) -> tuple:
        """What the named ports of every rule resolve to on this pod."""
        return tuple(pod.named_port(name, protocol) for name, protocol in self.named_ports)


@dataclass(eq=False)
class Endpoint:
    """A pod or a host, with what every policy of the table makes of it."""

    key: str
    pod: Pod | None  # None for a host outside the cluster
    existing: bool  # a pod of the exercise's cluster, or a host the exercise names
    sel: int = 0  # policies selecting it
    peers: int = 0  # selector peers matching it
    ip_peers: int = 0  # ipBlock peers holding its address
    profile: tuple | None = None  # named ports resolved (None for a host)
    namespace: Namespace | None = None  # a pod's; new namespaces of one name may differ in labels
    namespace_new: bool = False

    @property
    def is_host(self) -> bool:
        return self.pod is None

    @cached_property
    def rank(self) -> tuple[int, int]:
        """Which endpoint speaks for a kind, lowest first: the cluster's pods, named hosts,
        new pods in namespaces that exist, new pods in new namespaces, other hosts."""
        if self.existing:
            rank = 1 if self.is_host else 0
        elif not self.is_host:
            rank = 3 if self.namespace_new else 2
        else:
            rank = 4
        return rank, len(self.pod.labels) if self.pod is not None else 0

    @property
    def ip(self) -> str | None:
        return self.key if self.pod is None else self.pod.ip

    @cached_property
    def engine_object(self):
        return self.pod if self.pod is not None else ExternalHost(self.key)


class Universe:
    """The stand-ins for a cluster and the policy sets compared on it."""

    def __init__(self, base: Cluster, worlds: Sequence[Cluster], externals: Sequence[str] = (),
                 pod_network: IPBlock | None = None):
        self.base = base
        self.pod_network = pod_network or smallest_network(p.ip for p in base.pods)
        self.table = PolicyTable(p for world in (base, *worlds) for p in world.policies)
        self.namespaces: dict[str, Namespace] = {}
        for cluster in (base, *worlds):
            for name, ns in cluster.namespaces.items():
                if name not in self.namespaces or ns.declared:
                    self.namespaces.setdefault(name, ns)
        self.atoms: list[Atom] = atoms(self.table.ip_blocks, self.pod_network)
        self.named_ports = _named_port_table(base.pods)
        self.endpoints: list[Endpoint] = []
        self.compared = 0  # kinds of connection compared on this universe so far (a budget)
        self.budget = Budget(MAX_WORK)
        self.new_namespaces: list[Namespace] = []
        self._new_pods = 0
        pod_ips = {p.ip for p in base.pods if p.ip}
        self._hosts(externals, pod_ips)
        host_ips = {e.key for e in self.endpoints}
        for ns, new in self._namespace_classes():
            self._pods_in(ns, new, pod_ips | host_ips)
        if len(self.endpoints) > MAX_ENDPOINTS:
            raise TooComplex(f"more than {MAX_ENDPOINTS} kinds of pod and host")

    # --- namespaces -------------------------------------------------------------

    def _namespace_classes(self):
        """(Namespace, is new) for every namespace there is and every kind there could be."""
        for ns in self.namespaces.values():
            yield ns, False
        selectors = list(dict.fromkeys(p.namespace_selector for p in self.table.peers
                                       if p.namespace_selector is not None))
        known = set(self.namespaces)
        probe = LabelSpace(selectors)
        names = probe.values.get(NAMESPACE_NAME_LABEL, frozenset())
        space = LabelSpace(selectors, restrict={
            NAMESPACE_NAME_LABEL: frozenset(n for n in names if n not in known) | {OTHER}})
        taken = known | set(names)
        for box in space.refine(selectors, limit=MAX_BOXES, budget=self.budget):
            fresh = _free_name(NEW_NAMESPACE, taken)
            labels = space.labels_in(box.constraints, {NAMESPACE_NAME_LABEL: fresh})
            taken.add(labels[NAMESPACE_NAME_LABEL])
            # Two boxes may both need a name a selector mentions: two alternative
            # namespaces of that name, never both at once. Pods of two new namespaces
            # never differ (no policy lives there), so no pair needs both.
            ns = Namespace(labels[NAMESPACE_NAME_LABEL], labels)
            self.new_namespaces.append(ns)
            yield ns, True

    # --- pods --------------------------------------------------------------------

    def _pods_in(self, ns: Namespace, new: bool, avoid: set):
        """One new pod per label box (and address atom) of the namespace; existing pods too."""
        table = self.table
        relevant, constant_peers = self._selectors_in(ns)
        selectors, masks = list(relevant), list(relevant.values())
        space = LabelSpace(selectors)
        boxes = space.refine(selectors, limit=MAX_BOXES, budget=self.budget)
        existing = [p for p in self.base.pods if p.namespace == ns.name]
        for pod in existing:
            box = next(b for b in boxes if space.misfits(b.constraints, pod.labels) == 0)
            sel, peers = _box_bits(box.matched, masks, constant_peers)
            self._add(Endpoint(pod.key, pod, True, sel, peers, self._ip_peers(pod.ip),
                               table.profile(pod), ns, new))
        likes = existing or list(self.base.pods)
        ports = tuple(ContainerPort(number, protocol, name)
                      for (name, protocol), number in self.named_ports.items())
        for box in boxes:
            like = min(likes[:MAX_LIKES], key=lambda p: space.misfits(box.constraints, p.labels),
                       default=None)
            labels = space.labels_in(box.constraints, like.labels if like else {})
            sel, peers = _box_bits(box.matched, masks, constant_peers)
            for atom, ip_peers in self._atom_peers:
                self._new_pods += 1
                ip = atom.address(avoid) or atom.address()
                pod = Pod(ns.name, f"{NEW_POD}-{self._new_pods}", labels, ip, ports)
                self._add(Endpoint(pod.key, pod, False, sel, peers, ip_peers,
                                   table.profile(pod), ns, new))

    def _selectors_in(self, ns: Namespace) -> tuple[dict[LabelSelector, list[int]], int]:
        """Selectors that can apply to pods of ns, each with the [policy bits, peer bits] it
        sets when it matches; and the bits of the peers that match every pod of ns."""
        relevant: dict[LabelSelector, list[int]] = {}
        constant_peers = 0
        for i, policy in enumerate(self.table.policies):
            if policy.namespace == ns.name:
                relevant.setdefault(policy.pod_selector, [0, 0])[0] |= 1 << i
        for j, peer in enumerate(self.table.peers):
            if peer.ip_block is not None:
                continue
            if peer.namespace_selector is None:
                if peer.namespace == ns.name:
                    relevant.setdefault(peer.pod_selector, [0, 0])[1] |= 1 << j
            elif peer.namespace_selector.matches(ns.labels):
                if peer.pod_selector is None:
                    constant_peers |= 1 << j
                else:
                    relevant.setdefault(peer.pod_selector, [0, 0])[1] |= 1 << j
        return relevant, constant_peers

    @cached_property
    def _atom_peers(self) -> list[tuple[Atom, int]]:
        """The atoms a pod's address may lie in, with the ipBlock peers holding them."""
        return [(atom, self.table.block_peers(atom.blocks)) for atom in self.atoms if atom.pods]

    def _hosts(self, externals, pod_ips):
        """The named hosts, and one more host in every atom none of them is in."""
        for ip in dict.fromkeys(externals):
            self._add(Endpoint(ip, None, True, ip_peers=self._ip_peers(ip)))
        named = list(dict.fromkeys(externals))
        for atom in self.atoms:
            if (atom.pods and self.pod_network is not None) or any(atom.contains(ip) for ip in named):
                continue
            ip = atom.address(pod_ips)
            if ip is not None:
                self._add(Endpoint(ip, None, False, ip_peers=self._ip_peers(ip)))

    def _ip_peers(self, ip: str | None) -> int:
        """The ipBlock peers holding an address: those of the atom it lies in."""
        if not ip:
            return 0
        key = ip_key(ip)
        i = bisect_right(self._atom_starts, key) - 1
        return self.table.block_peers(self.atoms[i].blocks)

    @cached_property
    def _atom_starts(self) -> list[tuple[int, int]]:
        return [(atom.version, atom.first) for atom in self.atoms]  # atoms come sorted

    def _add(self, endpoint: Endpoint):
        self.endpoints.append(endpoint)
        if len(self.endpoints) > MAX_ENDPOINTS:
            raise TooComplex(f"more than {MAX_ENDPOINTS} kinds of pod and host")

    # --- for the engine's explanations ----------------------------------------

    def cluster(self, world: Cluster, endpoints: Iterable[Endpoint]) -> Cluster:
        """The world's policies over the base's pods plus the given stand-ins (a stand-in
        whose new namespace has the name of another already there is left out)."""
        namespaces = dict(self.namespaces)
        pods = {p.key: p for p in self.base.pods}
        for e in endpoints:
            if e.pod is None or e.key in pods:
                continue
            if namespaces.setdefault(e.namespace.name, e.namespace) is e.namespace:
                pods[e.key] = e.pod
        return Cluster(namespaces, tuple(pods.values()), world.policies)


def _box_bits(matched: int, masks: list[list[int]], constant_peers: int) -> tuple[int, int]:
    """For pods matching the selectors set in `matched`: the policies selecting them and the
    peers matching them."""
    sel, peers = 0, constant_peers
    for s, (policy_bits, peer_bits) in enumerate(masks):
        if matched >> s & 1:
            sel |= policy_bits
            peers |= peer_bits
    return sel, peers


def _named_port_table(pods) -> dict[tuple[str, str], int]:
    """(name, protocol) -> number, as the cluster's pods declare them (the first wins)."""
    table: dict[tuple[str, str], int] = {}
    for pod in pods:
        for port in pod.ports:
            if port.name:
                table.setdefault((port.name, port.protocol), port.port)
    return table


def _free_name(stem: str, taken: set) -> str:
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}"
    return name
