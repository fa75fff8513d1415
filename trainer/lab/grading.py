"""Grade a learner's NetworkPolicies against an exercise, by reachability.

The answer is applied on top of the exercise's cluster as `kubectl apply`
would, and so is the reference solution. Both must give the same verdict for
every ordered pair of pods and outside hosts the exercise names, on every port
number any pod declares or any probe names, under TCP, UDP and SCTP. Then the
explicit probes and the required names. How the answer is written does not
matter: only what it lets through.

Plain Python: the views, the `grade` command and the tests all call grade().
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.netpol.build import apply_policies, build_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.loading import WEB_LIMITS, Limits, Manifest, load_manifests
from trainer.netpol.matrix import build_matrix
from trainer.netpol.objects import PROTOCOLS, Cluster
from trainer.netpol.problems import InputError, Problem

from . import diagnosis, privilege

ANSWER_SOURCE = "answer"
# The matrix is what must agree; probes and required names count for less.
WEIGHTS = {"reachability": 3, "probes": 1, "require": 1}

Connection = tuple[str, str, int, str]  # (src key, dst key, port, protocol)


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


@dataclass
class Comparison:
    """Everything the diagnosis needs: both sides, and where they differ."""

    exercise: object
    source: str  # the answer's source name; its policies carry it
    manifests: list[Manifest]
    answer: Cluster  # the answer's objects alone
    reference: Cluster  # the exercise's cluster with the solution applied
    learner: Cluster  # the exercise's cluster with the answer applied
    ports: tuple[tuple[int, str], ...]
    opened: tuple[Connection, ...] = ()  # the learner allows, the reference does not
    closed: tuple[Connection, ...] = ()  # the reference allows, the learner does not
    task: frozenset = frozenset()  # connections the solution changes in the starting cluster
    ref_allowed: frozenset = frozenset()  # every connection the reference allows
    learner_allowed: frozenset = frozenset()

    def __post_init__(self):
        self.ref_analyzer = Analyzer(self.reference)
        self.learner_analyzer = Analyzer(self.learner)

    @property
    def base(self) -> Cluster:
        return self.exercise.cluster

    @property
    def solution(self) -> Cluster:
        return self.exercise.solution_policies

    @property
    def differs(self) -> bool:
        return bool(self.opened or self.closed)


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


def grading_ports(exercise) -> tuple[tuple[int, str], ...]:
    """Every port number a pod declares or a probe names, under every protocol."""
    numbers = {p.port for pod in exercise.cluster.pods for p in pod.ports}
    numbers |= {probe.port for probe in exercise.expect}
    return tuple((n, proto) for n in sorted(numbers or {80}) for proto in PROTOCOLS)


def compare(exercise, manifests, answer: Cluster, source: str = ANSWER_SOURCE) -> Comparison:
    base = exercise.cluster
    ports = grading_ports(exercise)
    reference = apply_policies(base, exercise.solution_policies.policies if exercise.solution else ())
    learner = apply_policies(base, answer.policies)
    cmp = Comparison(exercise, source, manifests, answer, reference, learner, ports)
    if exercise.solution.strip():
        ref = build_matrix(cmp.ref_analyzer, exercise.externals, ports).allowed
        got = build_matrix(cmp.learner_analyzer, exercise.externals, ports).allowed
        start = build_matrix(Analyzer(base), exercise.externals, ports).allowed
        cmp.ref_allowed, cmp.learner_allowed = ref, got
        cmp.opened = tuple(sorted(got - ref))
        cmp.closed = tuple(sorted(ref - got))
        cmp.task = frozenset(start ^ ref)
    return cmp


def grade(exercise, answer_text: str | bytes, limits: Limits = WEB_LIMITS,
          source: str = ANSWER_SOURCE) -> Grade:
    """The verdict on an answer; YAML that cannot be read gives Grade.error, not a fail."""
    try:
        manifests, answer = parse_answer(answer_text, limits, source)
    except InputError as exc:
        checks = [Check(False, str(p)) for p in exc.problems]
        return Grade(False, 0, checks, error=exc)

    cmp = compare(exercise, manifests, answer, source)
    checks, parts = [], {}

    if exercise.solution.strip():
        differences = diagnosis.describe_differences(cmp)
        if differences:
            checks += [Check(False, m) for m in differences]
        else:
            cells = len(cmp.ports) * _pairs(exercise)
            checks.append(Check(True, f"Every connection matches the task: {cells} checked "
                                      f"(each pair of pods and outside hosts, ports "
                                      f"{_port_numbers(cmp.ports)} under TCP, UDP and SCTP)."))
        relevant = len(cmp.task | set(cmp.opened) | set(cmp.closed))
        wrong = len(cmp.opened) + len(cmp.closed)
        parts["reachability"] = 1 - wrong / relevant if relevant else 1.0

    if exercise.expect:
        ok = 0
        for probe in exercise.expect:
            verdict = cmp.learner_analyzer.check(probe.src, probe.dst, probe.port, probe.protocol)
            good = verdict.allowed == probe.allowed
            ok += good
            checks.append(Check(good, _probe_message(probe, verdict.allowed)))
        parts["probes"] = ok / len(exercise.expect)

    if exercise.require:
        present = {p.key for p in cmp.learner.policies}
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
    diagnoses, notes = diagnosis.diagnose(cmp, passed)
    if passed:
        notes += privilege.least_privilege_notes(cmp)
    return Grade(passed, score, checks, diagnoses, notes)


def _pairs(exercise) -> int:
    pods, hosts = len(exercise.cluster.pods), len(exercise.externals)
    return pods * (pods - 1) + 2 * pods * hosts


def _port_numbers(ports) -> str:
    return ", ".join(str(n) for n in sorted({n for n, _ in ports}))


def _probe_message(probe, allowed: bool) -> str:
    got = "allowed" if allowed else "denied"
    if allowed == probe.allowed:
        return f"{probe.describe()} is {got}, as the task wants."
    wanted = "allowed" if probe.allowed else "denied"
    return f"{probe.describe()} is {got}, but the task wants it {wanted}."

