"""Grade a learner's NetworkPolicies against an exercise, by what they mean.

The answer passes when it allows exactly what one of the exercise's accepted
references allows (judgement.py): between every pair of endpoints of the
universe (the cluster's pods and hosts, and every pod, namespace and host the
selectors of either side could tell apart), on every port of TCP, UDP and
SCTP, whether ipBlocks match pod addresses or never do. Then the explicit
probes (under both plugin behaviours) and the required names. How the answer
is written does not matter.

Plain Python: the views, the `grade` command and the tests all call grade().
The exercise is anything with `cluster`, `references`, `externals`,
`pod_network`, `expect` and `require` (the catalog's Exercise).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.netpol.build import apply_policies, build_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.loading import WEB_LIMITS, Limits, Manifest, load_manifests
from trainer.netpol.objects import Cluster
from trainer.netpol.problems import InputError, Problem

from . import diagnosis
from .equivalence import MATCHING, MODES, PLUGIN_WORDS
from .judgement import Judgement
from .labels import TooComplex
from .wording import describe_differences

ANSWER_SOURCE = "answer"
# What the answer allows must agree; probes and required names count for less.
WEIGHTS = {"reachability": 3, "probes": 1, "require": 1}


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str

    def as_json(self) -> dict:
        return {"ok": self.ok, "message": self.message}


@dataclass
class Grade:
    passed: bool
    score: int
    checks: list[Check] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: InputError | None = None
    mistakes: list[str] = field(default_factory=list)  # the diagnosis.MISTAKES id of each diagnosis

    @property
    def error_messages(self) -> list[str]:
        return [str(p) for p in self.error.problems] if self.error else []

    def as_json(self) -> dict:
        """DESIGN.md's shape, then the teaching parts."""
        return {
            "passed": self.passed,
            "score": self.score,
            "checks": [c.as_json() for c in self.checks],
            "diagnoses": list(self.diagnoses),
            "notes": list(self.notes),
            "errors": self.error_messages,
        }


def parse_answer(text: str | bytes, limits: Limits = WEB_LIMITS,
                 source: str = ANSWER_SOURCE) -> tuple[list[Manifest], Cluster]:
    """The answer's manifests and objects; InputError if it does not parse or validate,
    or holds anything but NetworkPolicies (a lab answer changes policies, nothing else)."""
    manifests = load_manifests(text, source, limits)
    others = [m for m in manifests if m.kind != "NetworkPolicy"]
    answer = build_cluster(manifests)  # validation first: its messages are the most useful
    if others:
        raise InputError([
            Problem(f"only NetworkPolicy objects are graded; remove this {m.kind or 'object'}",
                    source, m.label, "kind", m.line(("kind",)))
            for m in others])
    return manifests, answer


def judge(exercise, manifests: list[Manifest], answer: Cluster,
          source: str = ANSWER_SOURCE) -> Judgement:
    """The answer against the exercise's references (raises TooComplex)."""
    judgement = Judgement(exercise.cluster, answer, list(exercise.references), exercise.externals, source,
                          exercise.pod_network)
    judgement.manifests = manifests
    return judgement


def grade(exercise, answer_text: str | bytes, limits: Limits = WEB_LIMITS,
          source: str = ANSWER_SOURCE) -> Grade:
    """The verdict on an answer; YAML that cannot be read gives Grade.error, not a fail."""
    try:
        manifests, answer = parse_answer(answer_text, limits, source)
    except InputError as exc:
        checks = [Check(False, str(p)) for p in exc.problems]
        return Grade(False, 0, checks, error=exc)

    checks, parts, diagnoses, notes = [], {}, [], []
    judgement = None
    if exercise.references:
        try:
            judgement = judge(exercise, manifests, answer, source)
        except TooComplex as exc:
            return Grade(False, 0, [Check(False, (
                f"The grader could not compare this answer: its selectors tell apart {exc}, more "
                f"than it compares. Write it with fewer distinct labels, namespaces and ipBlocks."))])
        checks += _reachability_checks(judgement)
        parts["reachability"] = _closeness(judgement)

    learner = apply_policies(exercise.cluster, answer.policies)
    if exercise.expect:
        probe_checks = _probe_checks(exercise, learner)
        checks += probe_checks
        parts["probes"] = sum(c.ok for c in probe_checks) / len(probe_checks)

    if exercise.require:
        present = {p.key for p in learner.policies}
        ok = 0
        for req in exercise.require:
            good = f"{req.namespace}/{req.name}" in present
            ok += good
            checks.append(Check(good, f"{req.label} exists." if good else
                                f"{req.label} is missing: the task asks for a NetworkPolicy named "
                                f"{req.name} in namespace {req.namespace}."))
        parts["require"] = ok / len(exercise.require)

    passed = all(c.ok for c in checks)
    total = sum(WEIGHTS[k] for k in parts)
    score = round(100 * sum(WEIGHTS[k] * v for k, v in parts.items()) / total) if total else 100
    score = 100 if passed else min(score, 99)
    mistakes = []
    if judgement is not None:
        told = diagnosis.findings(judgement, passed)
        diagnoses, notes, mistakes = told.diagnoses, told.notes, told.mistakes
        if judgement.matched and judgement.reference.note:
            notes.insert(0, judgement.reference.note)
    return Grade(passed, score, checks, diagnoses, notes, mistakes=mistakes)


def _reachability_checks(judgement: Judgement) -> list[Check]:
    if judgement.matched:
        return [Check(True, (
            f"Your policies allow exactly what the task asks: {judgement.pairs} kinds of connection "
            f"compared on every port of TCP, UDP and SCTP, between the cluster's pods and hosts and "
            f"every pod, namespace and host the selectors could mean, whether the network plugin "
            f"matches ipBlocks against pods or not."))]
    return [Check(False, m) for m in describe_differences(judgement)]


def _closeness(judgement: Judgement) -> float:
    """The share of the connections that matter (those the task changes, and those the
    answer gets wrong) that the answer gets right."""
    wrong = sum(c.count for c in judgement.comparisons[judgement.closest].values())
    relevant = judgement.relevant
    return 1 - wrong / relevant if relevant else 1.0


def _probe_checks(exercise, learner: Cluster) -> list[Check]:
    """Each probe must hold under both plugin behaviours."""
    analyzers = {mode: Analyzer(learner, mode == MATCHING) for mode in MODES}
    out = []
    for probe in exercise.expect:
        verdicts = {mode: a.check(probe.src, probe.dst, probe.port, probe.protocol, explain=False).allowed
                    for mode, a in analyzers.items()}
        wrong = [mode for mode, allowed in verdicts.items() if allowed != probe.allowed]
        wanted = "allowed" if probe.allowed else "denied"
        if not wrong:
            out.append(Check(True, f"{probe.describe()} is {wanted}, as the task wants."))
        elif len(wrong) == len(MODES):
            got = "denied" if probe.allowed else "allowed"
            out.append(Check(False, f"{probe.describe()} is {got}, but the task wants it {wanted}."))
        else:
            holds = next(mode for mode in MODES if mode not in wrong)
            out.append(Check(False, f"{probe.describe()} is {wanted} only {PLUGIN_WORDS[holds]}; "
                                    f"the task wants it {wanted} whatever the plugin."))
    return out
