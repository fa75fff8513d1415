"""Each rule compiled once into small matchers that say whether they match, and why not.

A RuleMatcher holds one PeerMatcher per item of `from`/`to` and one PortMatcher
per item of `ports`. Peer matchers answer for pod groups at once (a bitmask,
from compiled.py) and for hosts outside the cluster by address; port matchers
answer for a port and protocol, resolving named ports on the destination. The
verdict with its explanation (evaluation.py), the fast yes-or-no, and the
all-pairs matrix (matrix.py) all ask these same matchers, so a new kind of peer
or port is one new matcher, not three edits.

Texts that name the endpoint under test use ENDPOINT, filled in by the caller:
explanations are computed once per group of identical pods and then given each
pod's name.
"""

from __future__ import annotations

from .compiled import ip_key
from .objects import ExternalHost, NetworkPolicy, Peer, Pod, PolicyPort, Rule

ENDPOINT = "\x00endpoint\x00"  # stands for the endpoint's name in a reason; no name holds a NUL
ADDRESS = "\x00address\x00"  # and for its IP
DESTINATION = "\x00destination\x00"  # the connection's destination, where named ports resolve


class PeerMatcher:
    """One item of `from`/`to`: which pods and hosts it admits, and why not."""

    __slots__ = ("peer", "namespace", "compiled", "_mask", "_range", "_words")

    def __init__(self, peer: Peer, namespace: str, compiled):
        self.peer, self.namespace, self.compiled = peer, namespace, compiled
        self._mask = self._words = None
        self._range = compiled.ip_range(peer.ip_block) if peer.ip_block is not None else None

    @property
    def mask(self) -> int:
        """Pod groups admitted (by address too for an ipBlock, when the plugin does so)."""
        if self._mask is None:
            self._mask = self.compiled.peer_groups(self.peer, self.namespace)
        return self._mask

    def admits_host(self, ip: tuple[int, int] | None) -> bool:
        return self._range is not None and self._range.contains(ip)

    def admits(self, endpoint) -> bool:
        if type(endpoint) is ExternalHost:
            return self.admits_host(ip_key(endpoint.ip))
        return bool(self.mask >> self.compiled.group(endpoint) & 1)

    def describe(self) -> str:
        if self._words is None:
            self._words = self.peer.describe(self.namespace)
        return self._words

    def why_not(self, endpoint) -> tuple[int, str]:
        """(conditions failed, words) for an endpoint this peer does not admit."""
        peer = self.peer
        if isinstance(endpoint, ExternalHost):
            if peer.ip_block is None:
                return 2, f"does not match {ENDPOINT}: a host outside the cluster matches ipBlock peers only"
            return 1, _ipblock_why_not(self._range, peer, endpoint.ip)
        if peer.ip_block is not None:
            if not self.compiled.ipblocks_match_pods:
                return 2, (f"does not match {ENDPOINT}: "
                           "under this network plugin an ipBlock never matches a pod")
            if not endpoint.ip:
                return 2, f"does not match {ENDPOINT}, which has no IP"
            return 1, _ipblock_why_not(self._range, peer, endpoint.ip)
        ns = endpoint.namespace
        ns_labels = self.compiled.cluster.namespace_labels(ns)
        failures, reasons = 0, []
        if peer.namespace_selector is None:
            if ns != self.namespace:
                failures += 1
                reasons.append(f"a podSelector alone matches pods in {self.namespace} only; "
                               f"{ENDPOINT} is in {ns}")
        elif not peer.namespace_selector.matches(ns_labels):
            failures += 1
            reasons.append(f"namespace {ns} {peer.namespace_selector.why_not(ns_labels)}")
        if peer.pod_selector is not None and not peer.pod_selector.matches(endpoint.labels):
            failures += 1
            reasons.append(f"pod {ENDPOINT} {peer.pod_selector.why_not(endpoint.labels)}")
        return failures, "does not match: " + "; ".join(reasons)


class PortMatcher:
    """One item of `ports`: a number, a range, a name resolved on the destination, or a
    whole protocol."""

    __slots__ = ("port",)

    def __init__(self, port: PolicyPort):
        self.port = port

    def admits(self, number: int, protocol: str, dst: Pod | None) -> bool:
        pp = self.port
        if pp.protocol != protocol:
            return False
        if pp.port is None:
            return True
        if isinstance(pp.port, str):
            return dst is not None and dst.named_port(pp.port, protocol) == number
        if pp.end_port is not None:
            return pp.port <= number <= pp.end_port
        return pp.port == number

    def admits_any_destination(self, number: int, protocol: str) -> bool:
        """Whether it admits the port whatever the destination (a named port depends on it)."""
        return not isinstance(self.port.port, str) and self.admits(number, protocol, None)

    def describe(self) -> str:
        return self.port.describe()


class RuleMatcher:
    """One ingress or egress rule of one policy."""

    __slots__ = ("policy", "direction", "index", "rule", "peers", "ports", "_mask", "where")

    def __init__(self, policy: NetworkPolicy, direction: str, index: int, rule: Rule, compiled):
        self.policy, self.direction, self.index, self.rule = policy, direction, index, rule
        self.peers = tuple(PeerMatcher(p, policy.namespace, compiled) for p in rule.peers)
        self.ports = tuple(PortMatcher(p) for p in rule.ports)
        self._mask = None
        self.where = f"{direction.lower()} rule {index + 1} of {policy.key} ({rule.path})"

    @property
    def peer_mask(self) -> int | None:
        """Pod groups any peer admits; None when the rule has no peers (it admits all)."""
        if not self.peers:
            return None
        if self._mask is None:
            mask = 0
            for peer in self.peers:
                mask |= peer.mask
            self._mask = mask
        return self._mask

    def admits_host(self, ip: tuple[int, int] | None) -> bool:
        return not self.peers or any(p.admits_host(ip) for p in self.peers)

    def matching_peer(self, endpoint):
        """Index of the first peer admitting the endpoint, None when the rule has no peers
        (it admits every peer), False when none does."""
        if not self.peers:
            return None
        for i, peer in enumerate(self.peers):
            if peer.admits(endpoint):
                return i
        return False

    def matching_port(self, number: int, protocol: str, dst: Pod | None):
        """Index of the first port admitting it, None when the rule has no ports, False if none."""
        if not self.ports:
            return None
        for i, port in enumerate(self.ports):
            if port.admits(number, protocol, dst):
                return i
        return False

    def admits_port(self, number: int, protocol: str, dst: Pod | None) -> bool:
        return not self.ports or any(p.admits(number, protocol, dst) for p in self.ports)

    def match_text(self, peer_index, port_index) -> str:
        text = self.where
        if peer_index is None:
            text += ", which admits every peer"
        else:
            text += f", peer {peer_index + 1} ({self.peers[peer_index].describe()})"
        if port_index is None:
            text += ", on every port"
        else:
            text += f", port {self.ports[port_index].describe()}"
        return text

    def peer_reason(self, endpoint) -> tuple[str, int | None]:
        """Why no peer admits the endpoint, told for the peer that came closest."""
        best = None
        for i, peer in enumerate(self.peers):
            failures, text = peer.why_not(endpoint)
            if best is None or failures < best[0]:
                best = (failures, f"peer {i + 1} ({peer.describe()}) {text}", peer.peer.line)
        return best[1], best[2]

    def port_reason(self, number: int, protocol: str, dst: Pod | None) -> tuple[str, int | None]:
        wanted = ", ".join(p.describe() for p in self.ports)
        text = f"ports ({wanted}) do not include {protocol} {number}"
        notes = []
        for pp in (p.port for p in self.ports if isinstance(p.port.port, str)):
            if dst is None:
                notes.append(f"named port {pp.port} cannot resolve on a host outside the cluster")
                continue
            resolved = dst.named_port(pp.port, pp.protocol)
            if resolved is not None:
                notes.append(f"named port {pp.port} is {pp.protocol} {resolved} on {DESTINATION}")
            else:
                other = [p for p in dst.ports if p.name == pp.port]
                if other:
                    notes.append(f"named port {pp.port} on {DESTINATION} is {other[0].protocol}, "
                                 f"not {pp.protocol}")
                else:
                    notes.append(f"{DESTINATION} declares no port named {pp.port}")
        if notes:
            text += " (" + "; ".join(notes) + ")"
        return text, self.rule.ports[0].line


def _ipblock_why_not(rng, peer: Peer, ip: str) -> str:
    key = ip_key(ip)
    if rng.version != key[0] or not rng.start <= key[1] <= rng.end:
        return f"does not contain {ADDRESS}"
    ex = rng.excluded_by(key)
    return f"contains {ADDRESS}, but except {peer.ip_block.except_[ex]} removes it"
