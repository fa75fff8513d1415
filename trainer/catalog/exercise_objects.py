"""The practice lab's content as frozen objects: exercises, their inspection questions and requirements.

exercise_loading.py builds them from lessons/exercises/*.yaml; nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from trainer.grading import Reference
from trainer.limits import limits
from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.objects import Cluster, IPBlock

from .fields import Origin
from .probes import Probe

# An inspection question's `check` kinds: {count: policies, namespace: NS}; {selected_by: NS/POLICY};
# {reaches: DST, port: N, protocol: P} (choices are sources);
# {reached_from: SRC, port: N, protocol: P} (choices are destinations);
# {policy_types: NS/POLICY} (choices among POLICY_TYPE_CHOICES). Where choices are pods
# or hosts, one may be NONE_CHOICE: right exactly when none of the others is.
QUESTION_CHECKS = ("count", "selected_by", "reaches", "reached_from", "policy_types")
NONE_CHOICE = "None of them"
POLICY_TYPE_CHOICES = {("Ingress",): "Ingress", ("Egress",): "Egress",
                       ("Ingress", "Egress"): "Ingress and Egress"}


@dataclass(frozen=True)
class RequiredPolicy:
    kind: str
    namespace: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    choices: tuple[str, ...]
    answers: frozenset[int]
    explanation: str = ""
    check: tuple[tuple[str, object], ...] = ()  # the `check` mapping, frozen

    @property
    def multiple(self) -> bool:
        return len(self.answers) > 1

    def is_right(self, picked) -> bool:
        return frozenset(int(i) for i in picked) == self.answers


@dataclass(frozen=True)
class Accepted:
    """Another answer that passes, and what to tell the learner who wrote its like."""

    solution: str
    note: str


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    task: str
    cluster_text: str
    starter: str
    solution: str
    expect: tuple[Probe, ...]
    externals: tuple[str, ...]
    require: tuple[RequiredPolicy, ...]
    hints: tuple[str, ...]
    questions: tuple[Question, ...]
    stage: int | None
    path: Path
    accepted: tuple[Accepted, ...] = ()
    pod_network: IPBlock | None = None
    # Where it was read, for messages about it (the audit's); not part of what it is.
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @cached_property
    def cluster(self) -> Cluster:
        """The cluster the exercise starts from (validated when the file was loaded)."""
        return load_cluster([(self.cluster_text, f"{self.id}:cluster")], limits().content)

    @cached_property
    def solution_policies(self) -> Cluster:
        return load_policies(self.solution, f"{self.id}:solution", limits().content)

    @cached_property
    def references(self) -> tuple[Reference, ...]:
        """What the grader compares with: the solution, then each accepted answer."""
        if not self.solution.strip():
            return ()
        others = tuple(Reference(load_policies(a.solution, f"{self.id}:accepted[{i}]", limits().content),
                                 a.note) for i, a in enumerate(self.accepted))
        return (Reference(self.solution_policies),) + others

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"exercise {self.id} has no question {question_id!r}")
