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

    @cached_property
    def _raw_by_key(self) -> dict:
        found = {}
        for m in self.cmp.manifests:  # the later of two with one name wins, as in the cluster
            meta = m.data.get("metadata") or {}
            if m.kind == "NetworkPolicy":
                found[f"{meta.get('namespace') or 'default'}/{meta.get('name')}"] = m.data
        return found

    @cached_property
    def policies_by_key(self) -> dict:
        # Detectors look policies up per differing connection: a dict keeps a
        # command-line answer of thousands of policies linear, not quadratic.
        return {p.key: p for p in self.cmp.learner.policies}

    def raw(self, policy: NetworkPolicy) -> dict:
        """The policy's manifest as written (to tell a default from an explicit field)."""
        return self._raw_by_key.get(policy.key, {})

    def selects(self, policy: NetworkPolicy, pod: Pod) -> bool:
        compiled = self.cmp.learner_analyzer.compiled
        return bool(compiled.selected_groups(policy) >> compiled.group(pod) & 1)


def policy_named(ev, key: str) -> NetworkPolicy:
    return ev.policies_by_key[key]
