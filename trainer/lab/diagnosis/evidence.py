"""Verdicts on the connections that differ, computed once for every detector."""

from __future__ import annotations

from functools import cached_property

from trainer.netpol.objects import NetworkPolicy, Pod

MAX_EVIDENCE = 300  # connections examined for evidence; enough to find every pattern


class Evidence:
    """Verdicts on the differing connections, computed once for every detector."""

    def __init__(self, cmp):
        self.cmp = cmp

    @cached_property
    def opened(self) -> list[tuple]:
        """(connection, side of the learner that let it through, where the reference denies)."""
        found = []
        for conn in self.cmp.opened[:MAX_EVIDENCE]:
            if conn[0] == conn[1]:
                continue
            mine = self.cmp.learner_analyzer.check(*conn)
            theirs = self.cmp.ref_analyzer.check(*conn)
            for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
                if t is not None and not t.allowed:
                    found.append((conn, m, t))
        return found

    @cached_property
    def closed(self) -> list[tuple]:
        """(connection, side of the learner that blocks it, the reference's side)."""
        found = []
        for conn in self.cmp.closed[:MAX_EVIDENCE]:
            mine = self.cmp.learner_analyzer.check(*conn)
            theirs = self.cmp.ref_analyzer.check(*conn)
            for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
                if m is not None and not m.allowed:
                    found.append((conn, m, t))
        return found

    @cached_property
    def opened_rules(self) -> dict:
        """(policy key, direction, rule index) of the answer -> [(conn, peer index)]."""
        rules: dict[tuple, list] = {}
        for conn, side, _ in self.opened:
            match = side.match if side is not None else None
            if match is not None and match.policy.source == self.cmp.source:
                rules.setdefault((match.policy.key, side.direction, match.rule_index), []).append(
                    (conn, match.peer_index))
        return rules

    def answer_policies(self):
        return [p for p in self.cmp.learner.policies if p.source == self.cmp.source]

    def raw(self, policy: NetworkPolicy) -> dict:
        """The policy's manifest as written (to tell a default from an explicit field)."""
        found = {}
        for m in self.cmp.manifests:
            meta = m.data.get("metadata") or {}
            if m.kind == "NetworkPolicy" and meta.get("name") == policy.name and \
                    (meta.get("namespace") or "default") == policy.namespace:
                found = m.data
        return found

    def selects(self, policy: NetworkPolicy, pod: Pod) -> bool:
        compiled = self.cmp.learner_analyzer.compiled
        return bool(compiled.selected_groups(policy) >> compiled.group(pod) & 1)


def policy_named(ev, key: str) -> NetworkPolicy:
    return next(p for p in ev.cmp.learner.policies if p.key == key)
