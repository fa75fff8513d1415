"""The engine's verdicts on the connections that differ, computed once for every detector.

Each difference is a pair of endpoints and two port sets; a few ports of the
symmetric difference are asked of the engine, on the answer's world and on
the reference's, under the plugin behaviour where they differ. Detectors read
these verdicts (which side let a connection through, which rule, which peer)
to name the mistake behind them.
"""

from __future__ import annotations

from functools import cached_property

from trainer.grading.equivalence import SKIPPING, Difference
from trainer.grading.ports import EMPTY
from trainer.grading.universe import Endpoint
from trainer.netpol.objects import NetworkPolicy, Pod

MAX_EVIDENCE = 60  # differences examined; enough to find every pattern
SAMPLES = 2  # ports asked of the engine per difference


class Evidence:
    def __init__(self, judgement):
        self.j = judgement
        self._wanted: dict[tuple, object] = {}

    @cached_property
    def declared(self) -> tuple:
        return tuple(sorted({(p.port, p.protocol) for pod in self.j.base.pods for p in pod.ports}))

    def _verdicts(self, diff: Difference, ports):
        """(connection, the answer's verdict, the reference's) for a few ports of the set,
        between each pair of the cluster's own endpoints the difference speaks for."""
        mine = self.j.analyzer("learner", diff.mode)
        theirs = self.j.analyzer("reference", diff.mode)
        for a, b in diff.pairs():
            if not self.j.can_explain(a, b):
                continue
            src, dst = a.engine_object, b.engine_object
            for port, protocol in ports.samples(self.declared)[:SAMPLES]:
                conn = (a.key, b.key, port, protocol)
                yield conn, mine.check(src, dst, port, protocol), theirs.check(src, dst, port, protocol)

    def _explainable(self):
        return self.j.differences[:MAX_EVIDENCE]

    @cached_property
    def opened(self) -> list[tuple]:
        """(difference, connection, the answer's side that let it through, the reference's side
        that does not) for connections the answer allows and the reference does not."""
        found = []
        for diff in self._explainable():
            if diff.extra:
                for conn, mine, theirs in self._verdicts(diff, diff.extra):
                    for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
                        if t is not None and not t.allowed:
                            found.append((diff, conn, m, t))
        return found

    @cached_property
    def closed(self) -> list[tuple]:
        """(difference, connection, the answer's side that blocks it, the reference's side)."""
        found = []
        for diff in self._explainable():
            if diff.missing:
                for conn, mine, theirs in self._verdicts(diff, diff.missing):
                    for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
                        if m is not None and not m.allowed:
                            found.append((diff, conn, m, t))
        return found

    @cached_property
    def opened_rules(self) -> dict:
        """(policy key, direction, rule index) of the answer -> [(difference, conn, peer index)]."""
        rules: dict[tuple, list] = {}
        for diff, conn, side, _ in self.opened:
            match = side.match if side is not None else None
            if match is not None and match.policy.source == self.j.source:
                rules.setdefault((match.policy.key, side.direction, match.rule_index), []).append(
                    (diff, conn, match.peer_index))
        return rules

    def answer_policies(self) -> list[NetworkPolicy]:
        return [p for p in self.j.learner.policies if p.source == self.j.source]

    @cached_property
    def _raw_by_key(self) -> dict:
        found = {}
        for m in self.j.manifests:  # the later of two with one name wins, as in the cluster
            meta = m.data.get("metadata") or {}
            if m.kind == "NetworkPolicy":
                found[f"{meta.get('namespace') or 'default'}/{meta.get('name')}"] = m.data
        return found

    def raw(self, policy: NetworkPolicy) -> dict:
        """The policy's manifest as written (to tell a default from an explicit field)."""
        return self._raw_by_key.get(policy.key, {})

    @cached_property
    def policies_by_key(self) -> dict[str, NetworkPolicy]:
        # Looked up per differing connection: a dict keeps a command-line answer of
        # thousands of policies linear, not quadratic.
        return {p.key: p for p in self.j.learner.policies}

    def endpoint(self, key: str) -> Endpoint:
        return self.j.endpoints[key]

    def known_first(self, keys) -> list[str]:
        """The keys of the cluster's own endpoints, or else those of the stand-ins, sorted."""
        known = sorted(k for k in keys if self.endpoint(k).existing)
        return known or sorted(keys)

    def pods_in(self, namespace: str) -> list[Endpoint]:
        """The universe's pods in a namespace that exists: the cluster's, then new ones."""
        return [e for e in self.j.universe.endpoints
                if e.pod is not None and not e.namespace_new and e.pod.namespace == namespace]

    def opens_new_ports(self, diff: Difference, conn: tuple, direction: str) -> bool:
        """Whether the answer opens ports the task opens to no one at all: into the
        destination (ingress) or out of the source (egress), from or to any endpoint."""
        end = self.endpoint(conn[1] if direction == "Ingress" else conn[0])
        key = (end.key, diff.mode, direction)
        wanted = self._wanted.get(key)
        if wanted is None:
            comparison = self.j.comparisons[self.j.closest][diff.mode or SKIPPING]
            wanted = EMPTY
            for other in self.j.universe.endpoints:
                if other is end or (other.is_host and end.is_host):
                    continue
                pair = (other, end) if direction == "Ingress" else (end, other)
                wanted = wanted | comparison.between(*pair)[1]
            self._wanted[key] = wanted
        return not (diff.extra & wanted)

    @cached_property
    def differing_keys(self) -> set[str]:
        return {k for d in self.j.differences for k in (d.src.key, d.dst.key)}


def selects(policy: NetworkPolicy, pod: Pod) -> bool:
    return pod.namespace == policy.namespace and policy.pod_selector.matches(pod.labels)


def policy_named(ev, key: str) -> NetworkPolicy:
    return ev.policies_by_key[key]
