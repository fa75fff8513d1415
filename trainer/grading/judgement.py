"""An answer against an exercise's references, in every sense the grader knows.

The answer and each accepted reference are applied on top of the exercise's
cluster as `kubectl apply` would. The answer is right when it allows exactly
what one reference allows, between every pair of the universe's endpoints,
on every port, under both plugin behaviours (equivalence.py). Otherwise the
closest reference (fewest differences, the cluster's own pods first) is the
one the feedback compares with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from trainer.netpol.build import apply_policies
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.objects import Cluster, IPBlock

from .equivalence import MATCHING, MODES, SKIPPING, Comparison, Difference, Side
from .universe import Endpoint, Universe

MAX_EXPLAINED = 40  # differences whose endpoints the engine's explanations cover


@dataclass(frozen=True)
class Reference:
    """A reference answer: its policies, and what to tell a learner who matched it."""

    policies: Cluster
    note: str = ""


class Judgement:
    def __init__(self, base: Cluster, answer: Cluster, references: list[Reference],
                 externals=(), source: str = "answer", pod_network: IPBlock | None = None):
        self.base = base
        self.answer = answer
        self.source = source
        self.references = references
        self.learner = apply_policies(base, answer.policies)
        self.worlds = [apply_policies(base, r.policies.policies) for r in references]
        self.universe = Universe(base, [self.learner, *self.worlds], externals, pod_network)
        self.comparisons = [
            {mode: Comparison(self.universe, Side(self.learner.policies, mode),
                              Side(world.policies, mode), Side(base.policies, mode))
             for mode in MODES}
            for world in self.worlds]
        scores = [_distance(c) for c in self.comparisons]
        self.closest = min(range(len(scores)), key=scores.__getitem__)
        self.matched = scores[self.closest] == (0, 0)

    @property
    def reference(self) -> Reference:
        return self.references[self.closest]

    @property
    def world(self) -> Cluster:
        """The exercise's cluster with the closest reference applied."""
        return self.worlds[self.closest]

    @cached_property
    def differences(self) -> list[Difference]:
        """With the closest reference: those under both behaviours once (as portable),
        then those under one behaviour only."""
        found = self.comparisons[self.closest]
        skipping, matching = found[SKIPPING], found[MATCHING]
        out = []
        for diff in skipping.differences:
            same = matching.between(diff.src, diff.dst) == (diff.left, diff.right)
            out.append(replace(diff, mode=None) if same else diff)
        out += [d for d in matching.differences if skipping.between(d.src, d.dst) != (d.left, d.right)]
        out.sort(key=lambda d: (not d.existing, d.mode is not None))
        return out

    @property
    def count(self) -> int:
        """Kinds of connection that differ from the closest reference, under either behaviour."""
        return sum(c.count for c in self.comparisons[self.closest].values())

    @property
    def pairs(self) -> int:
        return sum(c.pairs for c in self.comparisons[self.closest].values())

    @property
    def relevant(self) -> int:
        return sum(c.relevant for c in self.comparisons[self.closest].values())

    # --- the engine's view, for explanations -----------------------------------

    @cached_property
    def explained(self) -> list[Endpoint]:
        ends = []
        for diff in self.differences[:MAX_EXPLAINED]:
            ends += [diff.src, diff.dst]
        return list(dict.fromkeys(ends))

    def analyzer(self, which: str, mode: str | None) -> Analyzer:
        """The engine on the answer's world ('learner') or the reference's ('reference'),
        over the cluster and the stand-ins the feedback speaks of."""
        return self._analyzers[(which, mode or SKIPPING)]

    @cached_property
    def _analyzers(self) -> dict:
        found = {}
        for which, world in (("learner", self.learner), ("reference", self.world)):
            cluster = self.universe.cluster(world, self.explained)
            for mode in MODES:
                found[(which, mode)] = Analyzer(cluster, mode == MATCHING)
        return found

    def can_explain(self, *ends: Endpoint) -> bool:
        """Whether the engine's clusters hold these endpoints (hosts always do)."""
        return all(e.is_host or e.key in self._pod_keys for e in ends)

    @cached_property
    def _pod_keys(self) -> set[str]:
        return {p.key for p in self._analyzers[("learner", SKIPPING)].cluster.pods}

    @cached_property
    def endpoints(self) -> dict[str, Endpoint]:
        return {e.key: e for e in self.universe.endpoints}


def _distance(comparisons: dict) -> tuple[int, int]:
    """How far an answer is from a reference: differences between the cluster's own
    endpoints, then all differences."""
    existing = sum(d.existing for c in comparisons.values() for d in c.differences)
    return existing, sum(c.count for c in comparisons.values())

