"""Verdicts with explanations: may SRC reach DST on PORT/PROTOCOL, and why.

A connection is allowed when the source's egress allows it and the
destination's ingress allows it. Each side is judged on its own: not isolated
(no policy of that direction selects the pod), allowed by a rule (the first
policy, rule, peer and port that admit it), or denied (with the nearest rule
that failed and why). Hosts outside the cluster are never isolated and match
ipBlock peers only.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .compiled import CompiledCluster, ip_key, port_matches
from .objects import PROTOCOLS, Cluster, ExternalHost, NetworkPolicy, Peer, Pod, Rule
from .problems import clip

Endpoint = Pod | ExternalHost

NAMED_POLICIES = 10  # isolating policies an explanation names before it counts the rest
IPBLOCK_NOTE = ("whether an ipBlock also matches pod IPs depends on the network plugin; "
                "the trainer matches by IP")


@dataclass(frozen=True)
class Match:
    policy: NetworkPolicy
    rule_index: int
    peer_index: int | None  # None: the rule has no peers, so it admits every peer
    port_index: int | None  # None: the rule has no ports, so it admits every port
    text: str


@dataclass(frozen=True)
class Miss:
    policy: NetworkPolicy
    rule_index: int | None  # None: the policy has no rules in this direction
    reason: str
    lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Side:
    direction: str  # "Egress" (from the source) or "Ingress" (to the destination)
    endpoint: Endpoint
    applies: bool  # False for a host outside the cluster
    isolated: bool
    policies: tuple[str, ...]
    allowed: bool
    match: Match | None = None
    miss: Miss | None = None

    @property
    def text(self) -> str:
        word = "from" if self.direction == "Egress" else "to"
        who = f"{self.direction} {word} {self.endpoint.key}"
        if not self.applies:
            return f"{who}: a host outside the cluster; no policy applies to it."
        if not self.isolated:
            return (f"{who}: not isolated (no policy selects it for "
                    f"{self.direction.lower()}), so it is allowed.")
        by = ", ".join(self.policies[:NAMED_POLICIES])
        if len(self.policies) > NAMED_POLICIES:  # a namespace of thousands: name a few
            by += f" and {len(self.policies) - NAMED_POLICIES} more"
        if self.match is not None:
            return f"{who}: isolated by {by}; allowed by {self.match.text}."
        if self.miss is not None:
            return f"{who}: isolated by {by}; no rule allows it. Nearest: {self.miss.reason}."
        return f"{who}: isolated by {by}; no rule allows it."

    @property
    def lines(self) -> tuple[tuple[str, int], ...]:
        """The YAML lines that decided this side."""
        if self.match is not None:
            policy = self.match.policy
            rule = policy.rules(self.direction)[self.match.rule_index]
            found = [rule.line]
            if self.match.peer_index is not None:
                found.append(rule.peers[self.match.peer_index].line)
            if self.match.port_index is not None:
                found.append(rule.ports[self.match.port_index].line)
            return tuple((policy.source, n) for n in found if n)
        if self.miss is not None:
            return tuple((self.miss.policy.source, n) for n in self.miss.lines if n)
        return ()


@dataclass(frozen=True)
class Verdict:
    src: Endpoint
    dst: Endpoint
    port: int
    protocol: str
    allowed: bool
    egress: Side | None  # None for traffic from a pod to itself
    ingress: Side | None

    @property
    def summary(self) -> str:
        word = "allowed" if self.allowed else "denied"
        return f"{self.src.key} -> {self.dst.key} on {self.protocol} {self.port}: {word}"

    @property
    def explanation(self) -> str:
        if self.egress is None:
            return f"{self.summary}. Traffic from a pod to itself is always allowed."
        lines = [self.summary, self.egress.text, self.ingress.text]
        if not self.allowed and self.egress.allowed != self.ingress.allowed:
            blocked = self.ingress if self.egress.allowed else self.egress
            lines.append(f"Both sides must allow a connection; {blocked.direction.lower()} does not.")
        if self.uses_ipblock_for_pod:
            lines.append(f"Note: {IPBLOCK_NOTE}.")
        return "\n".join(lines)

    @property
    def uses_ipblock_for_pod(self) -> bool:
        for side, peer_end in ((self.egress, self.dst), (self.ingress, self.src)):
            if side and side.match and side.match.peer_index is not None and isinstance(peer_end, Pod):
                rule = side.match.policy.rules(side.direction)[side.match.rule_index]
                if rule.peers[side.match.peer_index].ip_block is not None:
                    return True
        return False

    @property
    def lines(self) -> tuple[tuple[str, int], ...]:
        found = []
        for side in (self.egress, self.ingress):
            if side is not None:
                found += [x for x in side.lines if x not in found]
        return tuple(found)

    def as_dict(self) -> dict:
        return {"from": self.src.key, "to": self.dst.key, "port": self.port,
                "protocol": self.protocol, "allowed": self.allowed,
                "explanation": self.explanation}


class Analyzer:
    """Answers reachability questions about one cluster."""

    def __init__(self, cluster: Cluster, ipblocks_match_pods: bool = True):
        self.cluster = cluster
        self.compiled = CompiledCluster(cluster, ipblocks_match_pods)
        self._by_ip = {}
        self._memo: dict[tuple, bool] = {}
        self._masks: dict[tuple, list] = {}
        for pod in cluster.pods:
            if pod.ip:
                self._by_ip.setdefault(pod.ip, pod)

    # --- endpoints ------------------------------------------------------------

    def endpoint(self, spec: str | Endpoint) -> Endpoint:
        """'namespace/pod', a pod's IP, or the IP of a host outside the cluster."""
        if isinstance(spec, (Pod, ExternalHost)):
            return spec
        text = str(spec).strip()
        if "/" in text:
            index = self.compiled.index_of.get(text)
            if index is None:
                raise KeyError(f"no pod {clip(text)[1:-1]} in the cluster")
            return self.cluster.pods[index]
        try:
            ip = str(ipaddress.ip_address(text))
        except ValueError:
            raise KeyError(f"{clip(text)} is neither namespace/pod nor an IP address") from None
        return self._by_ip.get(ip) or ExternalHost(ip)

    # --- the verdict ----------------------------------------------------------

    def check(self, src, dst, port: int, protocol: str = "TCP", explain: bool = True) -> Verdict:
        """The verdict; with explain=False a denial carries no nearest miss (faster)."""
        src, dst = self.endpoint(src), self.endpoint(dst)
        protocol = protocol.upper()
        if protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}")
        if isinstance(src, Pod) and isinstance(dst, Pod) and src.key == dst.key:
            return Verdict(src, dst, port, protocol, True, None, None)
        egress = self.side("Egress", src, dst, port, protocol, explain)
        ingress = self.side("Ingress", dst, src, port, protocol, explain)
        return Verdict(src, dst, port, protocol, egress.allowed and ingress.allowed, egress, ingress)

    def allowed(self, src, dst, port: int, protocol: str = "TCP") -> bool:
        """Just the answer, memoised: pods of one group are alike, hosts by their IP."""
        # Called once per probe: endpoints already resolved skip endpoint(), keys are read once.
        if type(src) is not Pod:
            src = self.endpoint(src)
        if type(dst) is not Pod:
            dst = self.endpoint(dst)
        group = self.compiled.group_by_key
        src_key, dst_key = src.key, dst.key
        key = (group[src_key] if type(src) is Pod else src.ip,
               group[dst_key] if type(dst) is Pod else dst.ip,
               src_key == dst_key, port, protocol)
        found = self._memo.get(key)
        if found is None:
            found = key[2] or (self._side_allows("Egress", src, dst, port, protocol)
                               and self._side_allows("Ingress", dst, src, port, protocol))
            self._memo[key] = found
        return found

    def _side_allows(self, direction, subject: Endpoint, other: Endpoint, port, protocol) -> bool:
        """The fast path of side(): a yes or no from cached rule masks, no explanation."""
        if type(subject) is not Pod:
            return True  # hosts outside the cluster are never isolated
        compiled = self.compiled
        group = compiled.group(subject)
        policies = compiled.isolating[direction][group]
        if not policies:
            return True
        dst = subject if direction == "Ingress" else other
        dst = dst if type(dst) is Pod else None
        if type(other) is Pod:
            bit = 1 << compiled.group(other)
            for peers, ports in self._rule_masks(direction, group, policies):
                if peers & bit and (not ports or any(port_matches(pp, port, protocol, dst)
                                                     for pp in ports)):
                    return True
            return False
        for policy in policies:
            for rule in policy.rules(direction):
                if rule.peers and not any(self.peer_matches(p, policy.namespace, other)
                                          for p in rule.peers):
                    continue
                if not rule.ports or any(port_matches(pp, port, protocol, dst) for pp in rule.ports):
                    return True
        return False

    def _rule_masks(self, direction, group, policies) -> list[tuple[int, tuple]]:
        """(peer groups, ports) of every rule isolating a group, gathered once per group."""
        key = (direction, group)
        masks = self._masks.get(key)
        if masks is None:
            masks = self._masks[key] = [
                (self.compiled.rule_peer_groups(rule, policy.namespace), rule.ports)
                for policy in policies for rule in policy.rules(direction)]
        return masks

    def side(self, direction: str, subject: Endpoint, peer: Endpoint, port: int, protocol: str,
             explain: bool = True) -> Side:
        """Does subject's `direction` allow traffic with peer? subject is the pod policies select."""
        if not isinstance(subject, Pod):
            return Side(direction, subject, False, False, (), True)
        group = self.compiled.group(subject)
        policies = self.compiled.isolating[direction][group]
        if not policies:
            return Side(direction, subject, True, False, (), True)
        dst = subject if direction == "Ingress" else peer
        dst_pod = dst if isinstance(dst, Pod) else None
        for policy in policies:
            for r, rule in enumerate(policy.rules(direction)):
                peer_index = self._matching_peer(rule, policy, peer)
                if peer_index is False:
                    continue
                port_index = self._matching_port(rule, port, protocol, dst_pod)
                if port_index is False:
                    continue
                text = _match_text(policy, direction, r, rule, peer_index, port_index)
                return Side(direction, subject, True, True, _keys(policies), True,
                            match=Match(policy, r, peer_index, port_index, text))
        miss = self._nearest_miss(direction, policies, peer, port, protocol, dst_pod) if explain else None
        return Side(direction, subject, True, True, _keys(policies), False, miss=miss)

    # --- rule matching --------------------------------------------------------

    def peer_matches(self, peer: Peer, policy_namespace: str, endpoint: Endpoint) -> bool:
        if isinstance(endpoint, ExternalHost):
            return peer.ip_block is not None and self.compiled.ip_range(peer.ip_block).contains(
                ip_key(endpoint.ip))
        mask = self.compiled.peer_groups(peer, policy_namespace)
        return bool(mask >> self.compiled.group(endpoint) & 1)

    def _matching_peer(self, rule: Rule, policy: NetworkPolicy, endpoint: Endpoint):
        """Index of the first peer matching, None when the rule has no peers, False if none match."""
        if not rule.peers:
            return None
        for i, peer in enumerate(rule.peers):
            if self.peer_matches(peer, policy.namespace, endpoint):
                return i
        return False

    @staticmethod
    def _matching_port(rule: Rule, port: int, protocol: str, dst: Pod | None):
        if not rule.ports:
            return None
        for i, pp in enumerate(rule.ports):
            if port_matches(pp, port, protocol, dst):
                return i
        return False

    # --- explaining a denial -------------------------------------------------

    def _nearest_miss(self, direction, policies, peer, port, protocol, dst_pod) -> Miss:
        best = None  # (failures, Miss)
        for policy in policies:
            rules = policy.rules(direction)
            if not rules:
                candidate = ((3, 1), Miss(policy, None, (
                    f"{policy.key} has no {direction.lower()} rules, so it allows no "
                    f"{direction.lower()} to the pods it selects"
                    if direction == "Ingress" else
                    f"{policy.key} has no egress rules, so it allows no egress from the pods it selects"),
                    (policy.line,)))
                if best is None or candidate[0] < best[0]:
                    best = candidate
                continue
            for r, rule in enumerate(rules):
                peer_ok = self._matching_peer(rule, policy, peer) is not False
                port_ok = self._matching_port(rule, port, protocol, dst_pod) is not False
                # Fewest failed conditions first; on a tie, a rule whose peer matched
                # (only the port is wrong) tells the learner more.
                failures = ((not peer_ok) + (not port_ok), not peer_ok)
                if best is not None and failures >= best[0]:
                    continue
                reasons, lines = [], [rule.line]
                if not peer_ok:
                    text, line = self._peer_reason(rule, policy, peer)
                    reasons.append(text)
                    lines.append(line)
                if not port_ok:
                    text, line = _port_reason(rule, port, protocol, dst_pod, direction)
                    reasons.append(text)
                    lines.append(line)
                where = f"{direction.lower()} rule {r + 1} of {policy.key} ({rule.path})"
                best = (failures, Miss(policy, r, f"{where}: " + "; and ".join(reasons),
                                       tuple(n for n in lines if n)))
        return best[1]

    def _peer_reason(self, rule: Rule, policy: NetworkPolicy, endpoint: Endpoint):
        """Why no peer of the rule matches, told for the peer that came closest."""
        best = None
        for i, peer in enumerate(rule.peers):
            failures, text = self._peer_why_not(peer, policy, endpoint)
            text = f"peer {i + 1} ({peer.describe(policy.namespace)}) {text}"
            if best is None or failures < best[0]:
                best = (failures, text, peer.line)
        return best[1], best[2]

    def _peer_why_not(self, peer: Peer, policy: NetworkPolicy, endpoint: Endpoint):
        key = endpoint.key
        if isinstance(endpoint, ExternalHost):
            if peer.ip_block is None:
                return 2, f"does not match {key}: a host outside the cluster matches ipBlock peers only"
            return 1, _ipblock_why_not(self.compiled.ip_range(peer.ip_block), peer, endpoint.ip)
        if peer.ip_block is not None:
            if not self.compiled.ipblocks_match_pods:
                return 2, f"does not match {key}: under this network plugin an ipBlock never matches a pod"
            if not endpoint.ip:
                return 2, f"does not match {key}, which has no IP"
            return 1, _ipblock_why_not(self.compiled.ip_range(peer.ip_block), peer, endpoint.ip)
        ns = endpoint.namespace
        ns_labels = self.cluster.namespace_labels(ns)
        failures, reasons = 0, []
        if peer.namespace_selector is None:
            if ns != policy.namespace:
                failures += 1
                reasons.append(f"a podSelector alone matches pods in {policy.namespace} only; "
                               f"{key} is in {ns}")
        elif not peer.namespace_selector.matches(ns_labels):
            failures += 1
            reasons.append(f"namespace {ns} {peer.namespace_selector.why_not(ns_labels)}")
        if peer.pod_selector is not None and not peer.pod_selector.matches(endpoint.labels):
            failures += 1
            reasons.append(f"pod {key} {peer.pod_selector.why_not(endpoint.labels)}")
        return failures, "does not match: " + "; ".join(reasons)


def _keys(policies) -> tuple[str, ...]:
    return tuple(p.key for p in policies)


def _ipblock_why_not(rng, peer: Peer, ip: str) -> str:
    key = ip_key(ip)
    if rng.version != key[0] or not rng.start <= key[1] <= rng.end:
        return f"does not contain {ip}"
    ex = rng.excluded_by(key)
    return f"contains {ip}, but except {peer.ip_block.except_[ex]} removes it"


def _port_reason(rule: Rule, port: int, protocol: str, dst: Pod | None, direction: str):
    wanted = ", ".join(pp.describe() for pp in rule.ports)
    named = [pp for pp in rule.ports if isinstance(pp.port, str)]
    text = f"ports ({wanted}) do not include {protocol} {port}"
    notes = []
    for pp in named:
        if dst is None:
            notes.append(f"named port {pp.port} cannot resolve on a host outside the cluster")
            continue
        number = dst.named_port(pp.port, pp.protocol)
        if number is not None:
            notes.append(f"named port {pp.port} is {pp.protocol} {number} on {dst.key}")
        else:
            other = [p for p in dst.ports if p.name == pp.port]
            if other:
                notes.append(f"named port {pp.port} on {dst.key} is {other[0].protocol}, "
                             f"not {pp.protocol}")
            else:
                notes.append(f"{dst.key} declares no port named {pp.port}")
    if notes:
        text += " (" + "; ".join(notes) + ")"
    return text, rule.ports[0].line


def _match_text(policy, direction, r, rule, peer_index, port_index) -> str:
    text = f"{direction.lower()} rule {r + 1} of {policy.key} ({rule.path})"
    if peer_index is None:
        text += ", which admits every peer"
    else:
        text += f", peer {peer_index + 1} ({rule.peers[peer_index].describe(policy.namespace)})"
    if port_index is None:
        text += ", on every port"
    else:
        text += f", port {rule.ports[port_index].describe()}"
    return text
