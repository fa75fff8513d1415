"""Verdicts with explanations: may SRC reach DST on PORT/PROTOCOL, and why.

A connection is allowed when the source's egress allows it and the
destination's ingress allows it. Each side is judged on its own: not isolated
(no policy of that direction selects the pod), allowed by a rule (the first
policy, rule, peer and port that admit it), or denied (with the nearest rule
that failed and why). Hosts outside the cluster are never isolated and match
ipBlock peers only. The rules are asked through their matchers (matchers.py),
the same ones the fast path and the matrix use.

Reasons are kept as templates naming the endpoints by placeholder, so a verdict
found for one pod of a group of identical pods explains the connection for
every pod of the group (explain()).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from json.encoder import encode_basestring_ascii

from .compiled import CompiledCluster, ip_key
from .matchers import ADDRESS, DESTINATION, ENDPOINT, RuleMatcher
from .objects import PROTOCOLS, Cluster, ExternalHost, NetworkPolicy, Peer, Pod
from .problems import clip

SUBJECT = "\x00subject\x00"  # the endpoint whose policies a side asks, in explain()'s words
IPBLOCK_MARK = "\x00ipblock\x00"  # ends a side's words when an ipBlock peer admitted it

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
    reason: str  # in words, for the verdict's own endpoints
    lines: tuple[int, ...] = ()
    template: str = ""  # the reason with the endpoints as placeholders (see fill())


@dataclass(frozen=True)
class Side:
    direction: str  # "Egress" (from the source) or "Ingress" (to the destination)
    endpoint: Endpoint  # the endpoint whose policies are asked
    applies: bool  # False for a host outside the cluster
    isolated: bool
    policies: tuple[str, ...]
    allowed: bool
    match: Match | None = None
    miss: Miss | None = None
    other: Endpoint | None = None  # the endpoint at the other end
    destination: Endpoint | None = None

    @property
    def text(self) -> str:
        return self.describe(self.endpoint, self.other, self.destination)

    def describe(self, endpoint, other, destination) -> str:
        """The side in words, for these endpoints (a verdict may speak for a whole group)."""
        word = "from" if self.direction == "Egress" else "to"
        who = f"{self.direction} {word} {endpoint.key}"
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
            reason = fill(self.miss.template or self.miss.reason, other, destination)
            return f"{who}: isolated by {by}; no rule allows it. Nearest: {reason}."
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


def fill(template: str, other, destination, subject=None) -> str:
    """A text's placeholders replaced by the endpoints' names and address: `other` is the
    endpoint at the other end, `subject` the one whose policies were asked."""
    if "\x00" not in template:
        return template
    text = template.replace(ENDPOINT, other.key if other is not None else "")
    text = text.replace(ADDRESS, (other.ip or "") if other is not None else "")
    text = text.replace(DESTINATION, destination.key if destination is not None else "")
    return text.replace(SUBJECT, subject.key) if subject is not None else text


def json_text(text: str) -> str:
    """The text as the inside of a JSON string: placeholders (NULs) escape to \\u0000."""
    return encode_basestring_ascii(text)[1:-1]


# The placeholders, as they read in plain words and inside JSON-escaped ones.
_PLAIN_MARKS = (ENDPOINT, ADDRESS, DESTINATION, SUBJECT)
_JSON_MARKS = tuple(json_text(m) for m in _PLAIN_MARKS)


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
        return self._summary(self.src, self.dst)

    def _summary(self, src, dst) -> str:
        word = "allowed" if self.allowed else "denied"
        return f"{src.key} -> {dst.key} on {self.protocol} {self.port}: {word}"

    @property
    def explanation(self) -> str:
        return self.explain_for(self.src, self.dst)

    def explain_for(self, src: Endpoint, dst: Endpoint) -> str:
        """The explanation, said of src and dst: pods of the groups this verdict was found for."""
        if self.egress is None:
            return f"{self._summary(src, dst)}. Traffic from a pod to itself is always allowed."
        lines = [self._summary(src, dst), self.egress.describe(src, dst, dst),
                 self.ingress.describe(dst, src, dst)]
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


class RuleBook:
    """Every policy's rules as matchers, compiled once, and gathered per group of pods."""

    def __init__(self, compiled: CompiledCluster):
        self.compiled = compiled
        self._by_policy: dict[tuple[int, str], tuple[RuleMatcher, ...]] = {}
        self._by_group: dict[tuple[str, int], tuple[RuleMatcher, ...]] = {}

    def of(self, policy: NetworkPolicy, direction: str) -> tuple[RuleMatcher, ...]:
        key = (id(policy), direction)  # policies live as long as the cluster
        found = self._by_policy.get(key)
        if found is None:
            found = self._by_policy[key] = tuple(
                RuleMatcher(policy, direction, i, rule, self.compiled)
                for i, rule in enumerate(policy.rules(direction)))
        return found

    def isolating(self, direction: str, group: int) -> tuple[RuleMatcher, ...]:
        """The rules of every policy isolating the group in that direction, in order."""
        key = (direction, group)
        found = self._by_group.get(key)
        if found is None:
            found = self._by_group[key] = tuple(
                r for policy in self.compiled.isolating[direction][group] for r in self.of(policy, direction))
        return found


class Analyzer:
    """Answers reachability questions about one cluster."""

    def __init__(self, cluster: Cluster, ipblocks_match_pods: bool = True):
        self.cluster = cluster
        self.compiled = CompiledCluster(cluster, ipblocks_match_pods)
        self.rules = RuleBook(self.compiled)
        self._by_ip = {}
        self._memo: dict[tuple, bool] = {}
        self._sides: dict[tuple, tuple[bool, str, bool]] = {}  # a side's words per kinds of its ends
        self._isolated: dict[tuple, str] = {}
        self._port_reasons: dict[tuple, tuple] = {}
        self._kinds: dict[str, tuple] = {}
        self._ip_keys: dict[str, tuple] = {}
        self._peer_reasons: dict[tuple, tuple] = {}
        self._json_names: dict[str, str] = {}
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

    def _kind(self, end: Endpoint) -> tuple:
        """What a verdict and its words depend on: a pod's group, whether it has an IP and,
        where ipBlocks match pods, how each block that does not hold it misses it; a host's IP."""
        if type(end) is not Pod:
            return (end.ip,)
        found = self._kinds.get(end.key)
        if found is None:
            misses = ()
            if end.ip and self.compiled.ipblocks_match_pods and self.compiled.ranges:
                ip = ip_key(end.ip)
                misses = tuple(r.excluded_by(ip) if r.version == ip[0] and r.start <= ip[1] <= r.end else -1
                               for r in self.compiled.ranges)
            found = self._kinds[end.key] = (self.compiled.group_by_key[end.key], end.ip is None, misses)
        return found

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

    def explain(self, src, dst, port: int, protocol: str = "TCP", as_json: bool = False) -> tuple[bool, str]:
        """(allowed, explanation), as check() would say it, for many probes at a time: each
        side's words are found once per kind of its endpoints (the pods of a group are
        alike) and given these endpoints' names, with no intermediate objects. With
        as_json the explanation comes as the inside of a JSON string: words are escaped
        once per kind, not once per probe (20,000 probes make 15 MB of them)."""
        if type(src) is not Pod:
            src = self.endpoint(src)
        if type(dst) is not Pod:
            dst = self.endpoint(dst)
        if type(src) is Pod and type(dst) is Pod and src.key == dst.key:
            text = Verdict(src, dst, port, protocol, True, None, None).explanation
            return True, json_text(text) if as_json else text
        src_kind, dst_kind = self._kind(src), self._kind(dst)
        egress_ok, egress, egress_block = self._side_words(
            as_json, "Egress", src, dst, src_kind, dst_kind, port, protocol)
        ingress_ok, ingress, ingress_block = self._side_words(
            as_json, "Ingress", dst, src, dst_kind, src_kind, port, protocol)
        allowed = egress_ok and ingress_ok
        src_name, dst_name = (self._json_name(src), self._json_name(dst)) if as_json else (src.key, dst.key)
        # Each side's words take (other end, its address, destination, subject).
        lines = [f"{src_name} -> {dst_name} on {protocol} {port}: {'allowed' if allowed else 'denied'}",
                 egress.format(dst_name, dst.ip or "", dst_name, src_name),
                 ingress.format(src_name, src.ip or "", dst_name, dst_name)]
        if not allowed and egress_ok != ingress_ok:
            refusing = "ingress" if egress_ok else "egress"
            lines.append(f"Both sides must allow a connection; {refusing} does not.")
        if ((egress_ok and egress_block and type(dst) is Pod)
                or (ingress_ok and ingress_block and type(src) is Pod)):
            lines.append(f"Note: {IPBLOCK_NOTE}.")
        return allowed, ("\\n" if as_json else "\n").join(lines)

    def _side_words(self, as_json, direction, subject, peer, subject_kind, peer_kind, port, protocol):
        """(allowed, the side's words as a format string, admitted through an ipBlock),
        once per kind of both ends and port: {0} is the other end, {1} its address,
        {2} the destination and {3} the subject."""
        if type(subject) is not Pod:
            key = (as_json, direction, False)
        elif self.compiled.isolating[direction][subject_kind[0]]:
            key = (as_json, direction, subject_kind, peer_kind, port, protocol)
        else:  # a pod no policy isolates, like a host: the same words whatever the other end
            key = (as_json, direction, True)
        found = self._sides.get(key)
        if found is None:
            allowed, words = self._words(direction, subject, peer, subject_kind, peer_kind, port, protocol)
            via_block = words.endswith(IPBLOCK_MARK)
            words = words.removesuffix(IPBLOCK_MARK)
            if as_json:
                words = json_text(words)
            words = words.replace("{", "{{").replace("}", "}}")
            for i, mark in enumerate(_JSON_MARKS if as_json else _PLAIN_MARKS):
                words = words.replace(mark, f"{{{i}}}")
            found = self._sides[key] = (allowed, words, via_block)
        return found

    def _json_name(self, end: Endpoint) -> str:
        """Names are DNS labels and addresses digits: escaped once each, to be sure."""
        name = end.key
        found = self._json_names.get(name)
        if found is None:
            found = self._json_names[name] = json_text(name)
        return found

    def _words(self, direction, subject, peer, subject_kind, peer_kind, port, protocol) -> tuple[bool, str]:
        """(allowed, the side's words with placeholders); _side_words keeps them."""
        word = "from" if direction == "Egress" else "to"
        if type(subject) is not Pod:
            return True, f"{direction} {word} {SUBJECT}: a host outside the cluster; no policy applies to it."
        policies = self.compiled.isolating[direction][subject_kind[0]]
        if not policies:
            return True, (f"{direction} {word} {SUBJECT}: not isolated (no policy selects it for "
                          f"{direction.lower()}), so it is allowed.")
        who = self._isolated_words(direction, subject_kind[0], policies)
        policies, rule, tried = self._decide(direction, subject, peer, port, protocol)
        dst = subject if direction == "Ingress" else peer
        dst_pod = dst if type(dst) is Pod else None
        if rule is not None:
            peer_index = rule.matching_peer(peer)
            text = rule.match_text(peer_index, rule.matching_port(port, protocol, dst_pod))
            through_block = peer_index is not None and rule.rule.peers[peer_index].ip_block is not None
            found = True, f"{who}; allowed by {text}." + (IPBLOCK_MARK if through_block else "")
        else:
            miss = self._nearest_miss(direction, policies, tried, peer, port, protocol, dst_pod, peer_kind)
            found = False, f"{who}; no rule allows it. Nearest: {miss.template}."
        return found

    def _isolated_words(self, direction, group, policies) -> str:
        """ "Ingress to <subject>: isolated by a, b", once per group."""
        key = (direction, group)
        found = self._isolated.get(key)
        if found is None:
            by = ", ".join(p.key for p in policies[:NAMED_POLICIES])
            if len(policies) > NAMED_POLICIES:  # a namespace of thousands: name a few
                by += f" and {len(policies) - NAMED_POLICIES} more"
            word = "from" if direction == "Egress" else "to"
            found = self._isolated[key] = f"{direction} {word} {SUBJECT}: isolated by {by}"
        return found

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
        """The fast path of side(): a yes or no from the rules' masks, no explanation."""
        if type(subject) is not Pod:
            return True  # hosts outside the cluster are never isolated
        group = self.compiled.group(subject)
        if not self.compiled.isolating[direction][group]:
            return True
        dst = subject if direction == "Ingress" else other
        dst = dst if type(dst) is Pod else None
        if type(other) is Pod:
            bit = 1 << self.compiled.group(other)
            for rule in self.rules.isolating(direction, group):
                peers = rule.peer_mask
                if (peers is None or peers & bit) and rule.admits_port(port, protocol, dst):
                    return True
            return False
        ip = ip_key(other.ip)
        return any(rule.admits_host(ip) and rule.admits_port(port, protocol, dst)
                   for rule in self.rules.isolating(direction, group))

    def side(self, direction: str, subject: Endpoint, peer: Endpoint, port: int, protocol: str,
             explain: bool = True) -> Side:
        """Does subject's `direction` allow traffic with peer? subject is the pod policies select."""
        dst = subject if direction == "Ingress" else peer
        ends = {"other": peer, "destination": dst}
        if not isinstance(subject, Pod):
            return Side(direction, subject, False, False, (), True, **ends)
        policies, rule, tried = self._decide(direction, subject, peer, port, protocol)
        if not policies:
            return Side(direction, subject, True, False, (), True, **ends)
        keys = tuple(p.key for p in policies)
        dst_pod = dst if isinstance(dst, Pod) else None
        if rule is not None:
            peer_index = rule.matching_peer(peer)
            port_index = rule.matching_port(port, protocol, dst_pod)
            match = Match(rule.policy, rule.index, peer_index, port_index,
                          rule.match_text(peer_index, port_index))
            return Side(direction, subject, True, True, keys, True, match=match, **ends)
        miss = None
        if explain:
            miss = self._nearest_miss(direction, policies, tried, peer, port, protocol, dst_pod)
            miss = replace(miss, reason=fill(miss.template, peer, dst))
        return Side(direction, subject, True, True, keys, False, miss=miss, **ends)

    def _decide(self, direction: str, subject: Pod, peer: Endpoint, port: int, protocol: str):
        """(isolating policies, the first rule admitting peer and port or None, the rules
        tried before it with whether each admitted the peer and the port). One pass: the
        nearest miss needs no second look."""
        group = self.compiled.group(subject)
        policies = self.compiled.isolating[direction][group]
        if not policies:
            return policies, None, ()
        dst = subject if direction == "Ingress" else peer
        dst_pod = dst if type(dst) is Pod else None
        if type(peer) is Pod:
            bit, ip = 1 << self.compiled.group(peer), None
        else:
            bit, ip = 0, self._ip_key(peer.ip)
        tried = []
        for rule in self.rules.isolating(direction, group):
            if not rule.peers:
                peer_ok = True
            elif bit:
                peer_ok = bool(rule.peer_mask & bit)
            else:
                peer_ok = rule.admits_host(ip)
            port_ok = rule.admits_port(port, protocol, dst_pod)
            if peer_ok and port_ok:
                return policies, rule, tried
            tried.append((rule, peer_ok, port_ok))
        return policies, None, tried

    def _ip_key(self, ip: str):
        found = self._ip_keys.get(ip)
        if found is None:
            found = self._ip_keys[ip] = ip_key(ip)
        return found

    # --- rule matching --------------------------------------------------------

    def peer_matches(self, peer: Peer, policy_namespace: str, endpoint: Endpoint) -> bool:
        if isinstance(endpoint, ExternalHost):
            return peer.ip_block is not None and self.compiled.ip_range(peer.ip_block).contains(
                ip_key(endpoint.ip))
        mask = self.compiled.peer_groups(peer, policy_namespace)
        return bool(mask >> self.compiled.group(endpoint) & 1)

    # --- explaining a denial -------------------------------------------------

    def _nearest_miss(self, direction, policies, tried, peer, port, protocol, dst_pod,
                      peer_kind=None) -> Miss:
        """The rule that came closest, from side()'s one pass: fewest failed conditions
        first, and on a tie a rule whose peer matched (only the port is wrong), which
        tells the learner more. A policy with no rules in the direction comes last."""
        best, best_failures = None, (3, 1)
        for rule, peer_ok, port_ok in tried:
            failures = ((not peer_ok) + (not port_ok), not peer_ok)
            if failures < best_failures:
                best, best_failures = rule, failures
        if best is None:
            policy = next(p for p in policies if not self.rules.of(p, direction))
            word = direction.lower()
            to = "to" if direction == "Ingress" else "from"
            text = f"{policy.key} has no {word} rules, so it allows no {word} {to} the pods it selects"
            return Miss(policy, None, text, (policy.line,), text)
        reasons, lines = [], [best.rule.line]
        if best_failures[1]:
            key = (id(best), peer_kind if peer_kind is not None else self._kind(peer))
            found = self._peer_reasons.get(key)
            if found is None:  # the same words for every endpoint of a kind (placeholders)
                found = self._peer_reasons[key] = best.peer_reason(peer)
            text, line = found
            reasons.append(text)
            lines.append(line)
        if best_failures[0] - best_failures[1]:
            key = (id(best), port, protocol, self._kind(dst_pod) if dst_pod is not None else None)
            found = self._port_reasons.get(key)
            if found is None:  # the same words for every destination of a kind
                found = self._port_reasons[key] = best.port_reason(port, protocol, dst_pod)
            text, line = found
            reasons.append(text)
            lines.append(line)
        return Miss(best.policy, best.index, "", tuple(n for n in lines if n),
                    f"{best.where}: " + "; and ".join(reasons))
