"""Do two sets of policies allow the same ports between every pair of endpoints?

A connection from s to d is allowed when s's egress allows it and d's ingress
allows it (DESIGN.md). s's egress depends on s only through the egress
policies that select it, and on d only through the egress peers d matches and
what d's named ports resolve to; d's ingress depends on d through the ingress
policies that select it, and on s through the ingress peers s matches. So the
universe's endpoints fall into a few *source kinds* and *destination kinds*,
and comparing every source kind with every destination kind compares every
ordered pair of endpoints there could be. Each kind is realised by as many
pods as one likes (replicas), so every pair of kinds is a pair of two
distinct endpoints, except between two hosts outside the cluster, where no
policy applies.

For each pair the allowed ports are exact sets (ports.py): equal sets mean
equal verdicts on every port of TCP, UDP and SCTP.

A side is a world (the policies in force) and a plugin behaviour: whether
ipBlocks match pod addresses (Calico does) or never do (Cilium). The API
leaves it to the plugin, so an answer is compared under both.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.netpol.compiled import bits

from .labels import TooComplex
from .ports import ALL, EMPTY, PortSet
from .universe import Endpoint, RuleEntry, Universe

MATCHING = "ipBlocks match pod addresses"
SKIPPING = "ipBlocks never match pods"
MODES = (SKIPPING, MATCHING)
PLUGIN_WORDS = {
    MATCHING: "with a network plugin that matches ipBlocks against pod addresses, as Calico does",
    SKIPPING: "with a network plugin that never matches ipBlocks against pods, as Cilium",
}
MAX_PAIRS = 50_000  # kinds of connection one comparison compares
MAX_COMPARED = 100_000  # and all comparisons on one universe together
MAX_KEPT = 400  # differences kept for feedback; the rest are counted


@dataclass(frozen=True)
class Side:
    policies: tuple  # the policies in force
    mode: str


@dataclass(frozen=True)
class Difference:
    src: Endpoint
    dst: Endpoint
    left: PortSet  # what the left side allows from src to dst
    right: PortSet  # what the right side allows
    mode: str | None  # None: under both plugin behaviours (set by the judgement)
    sources: tuple = ()  # every endpoint of src's kind: each differs the same way
    destinations: tuple = ()  # every endpoint of dst's kind

    def pairs(self, limit: int = 3):
        """Pairs of distinct endpoints of the two kinds, the cluster's own first."""
        sources = [e for e in self.sources if e.existing][:limit] or [self.src]
        destinations = [e for e in self.destinations if e.existing][:limit] or [self.dst]
        return [(a, b) for a in sources for b in destinations if a is not b]

    @property
    def extra(self) -> PortSet:
        """Allowed on the left only."""
        return self.left - self.right

    @property
    def missing(self) -> PortSet:
        """Allowed on the right only."""
        return self.right - self.left

    @property
    def existing(self) -> bool:
        return self.src.existing and self.dst.existing


class _Kind:
    __slots__ = ("members", "pods", "key")

    def __init__(self, key):
        self.key = key
        self.members: list[Endpoint] = []
        self.pods = False  # some member is a pod, not only hosts


class Comparison:
    """Every difference between two sides over a universe.

    More sides may follow the two compared: `relevant` then counts the pairs of
    kinds where any side differs from the right one (the grader passes the
    starting cluster, so that a pair counts when the task changes it)."""

    def __init__(self, universe: Universe, left: Side, right: Side, *others: Side):
        self.universe = universe
        self.sides = (left, right, *others)
        table = universe.table
        self._worlds = tuple(table.mask(side.policies) for side in self.sides)
        every = 0
        for world in self._worlds:
            every |= world
        self._egress_isolating = table.isolating["Egress"] & every
        self._ingress_isolating = table.isolating["Ingress"] & every
        self._rules_cache: dict[tuple, list[RuleEntry]] = {}
        self._ports_cache: dict[tuple, PortSet] = {}
        self._side_cache: list[dict] = [{} for _ in self.sides]
        self.sources, self.destinations = self._kinds()
        pairs = len(self.sources) * len(self.destinations)
        universe.compared += pairs
        if pairs > MAX_PAIRS or universe.compared > MAX_COMPARED:
            raise TooComplex(f"more than {MAX_PAIRS} kinds of connection")
        self.pairs = pairs
        self.relevant = 0  # pairs of kinds where some side differs from the right one
        self.count = 0  # pairs of kinds where left and right differ; the first MAX_KEPT are kept
        self.differences = self._compare()

    def __bool__(self) -> bool:
        return bool(self.count)

    # --- kinds ----------------------------------------------------------------

    def _peer_bits(self, e: Endpoint, side: int) -> int:
        if e.is_host or self.sides[side].mode == MATCHING:
            return e.peers | e.ip_peers
        return e.peers

    def _kinds(self):
        table = self.universe.table
        into, out_of = table.peer_bits["Ingress"], table.peer_bits["Egress"]
        sources: dict[tuple, _Kind] = {}
        destinations: dict[tuple, _Kind] = {}
        self._kind_of: dict[int, tuple[_Kind, _Kind]] = {}
        modes = range(len(self.sides))
        for e in sorted(self.universe.endpoints, key=lambda e: e.rank):
            peers = [self._peer_bits(e, side) for side in modes]
            s_key = (e.sel & self._egress_isolating, *(p & into for p in peers))
            d_key = (e.sel & self._ingress_isolating, e.profile, *(p & out_of for p in peers))
            for kinds, key in ((sources, s_key), (destinations, d_key)):
                kind = kinds.get(key)
                if kind is None:
                    kind = kinds[key] = _Kind(key)
                kind.members.append(e)
                kind.pods |= not e.is_host
            self._kind_of[id(e)] = (sources[s_key], destinations[d_key])
        return list(sources.values()), list(destinations.values())

    def between(self, src: Endpoint, dst: Endpoint) -> tuple[PortSet, PortSet]:
        """What the left and the right side allow from src to dst (two endpoints of the universe)."""
        s, d = self._kind_of[id(src)][0], self._kind_of[id(dst)][1]
        return self.allowed(0, s, d), self.allowed(1, s, d)

    # --- verdicts --------------------------------------------------------------

    def allowed(self, side: int, src: _Kind, dst: _Kind) -> PortSet:
        world = self._worlds[side]
        egress_policies, ingress_policies = src.key[0] & world, dst.key[0] & world
        if not egress_policies and not ingress_policies:
            return ALL  # neither end isolated
        egress = self._side(side, "Egress", egress_policies, dst.key[2 + side], dst.key[1])
        if not egress:
            return EMPTY
        ingress = self._side(side, "Ingress", ingress_policies, src.key[1 + side], dst.key[1])
        return egress & ingress

    def _side(self, side: int, direction: str, policies: int, peers: int, profile) -> PortSet:
        """The ports one direction allows: every port when no policy isolates, else the
        union of the ports of every rule of the isolating policies whose peers match."""
        if not policies:
            return ALL
        key = (direction, policies, peers, profile)
        cache = self._side_cache[side]
        found = cache.get(key)
        if found is None:
            found = EMPTY
            for rule in self._rules(policies, direction):
                if rule.peers is None or rule.peers & peers:
                    found = found | self._ports(rule, profile)
                    if found == ALL:
                        break
            cache[key] = found
        return found

    def _rules(self, policies: int, direction: str) -> list[RuleEntry]:
        key = (policies, direction)
        found = self._rules_cache.get(key)
        if found is None:
            rules = self.universe.table.rules
            found = self._rules_cache[key] = [r for i in bits(policies) for r in rules[(i, direction)]]
        return found

    def _ports(self, rule: RuleEntry, profile) -> PortSet:
        key = (rule.key, profile)
        found = self._ports_cache.get(key)
        if found is None:
            found = self._ports_cache[key] = rule_ports(rule.ports, profile, self.universe.table.named_ports)
        return found

    def _compare(self) -> list[Difference]:
        """Every pair of kinds, both sides; kinds come in the order of their best member,
        so the differences kept first are those about the cluster's own endpoints."""
        found = []
        mode = self.sides[0].mode if self.sides[0].mode == self.sides[1].mode else None
        allowed, others = self.allowed, range(2, len(self.sides))
        for src in self.sources:
            for dst in self.destinations:
                if not (src.pods or dst.pods):
                    continue  # between two hosts outside the cluster no policy applies
                left, right = allowed(0, src, dst), allowed(1, src, dst)
                if left != right:
                    self.relevant += 1
                    self.count += 1
                    if len(found) < MAX_KEPT:
                        a, b = _distinct(src.members, dst.members)
                        if a is not None:
                            found.append(Difference(a, b, left, right, mode,
                                                    tuple(src.members), tuple(dst.members)))
                elif any(allowed(side, src, dst) != right for side in others):
                    self.relevant += 1
        found.sort(key=lambda d: (not d.existing, d.src.rank, d.dst.rank))
        return found


def rule_ports(ports: tuple, profile, named_ports: tuple) -> PortSet:
    """The exact ports of a rule for a destination whose named ports resolve to `profile`
    (None: a host outside the cluster, where no name resolves)."""
    if not ports:
        return ALL
    found = EMPTY
    for pp in ports:
        if pp.port is None:
            found = found | PortSet.of(pp.protocol)
        elif isinstance(pp.port, str):
            number = None if profile is None else profile[named_ports.index((pp.port, pp.protocol))]
            if number is not None:
                found = found | PortSet.of(pp.protocol, number, number)
        else:
            found = found | PortSet.of(pp.protocol, pp.port, pp.end_port or pp.port)
    return found


def _distinct(sources: list[Endpoint], destinations: list[Endpoint]):
    """Two different endpoints to speak for a pair of kinds (a pod never differs with
    itself): the cluster's own where possible, and not a pod and its own replica."""
    best, pair = None, (None, None)
    for a in sources[:4]:
        for b in destinations[:4]:
            if a is b:
                continue
            twins = a.pod is not None and b.pod is not None and a.pod.namespace == b.pod.namespace \
                and a.pod.labels == b.pod.labels
            score = (a.rank[0] + b.rank[0], twins)
            if best is None or score < best:
                best, pair = score, (a, b)
    return pair
