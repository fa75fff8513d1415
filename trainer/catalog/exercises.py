"""lessons/exercises/*.yaml -> frozen Exercise objects, loaded once.

The format is DESIGN.md's, plus five optional fields:

    pod_network: 10.1.0.0/16   # where the cluster's pods get their addresses (by default
                               # the smallest CIDR holding them); outside hosts lie outside it

    stage: 2              # the walkthrough stage this exercise practises
    accepted:             # other answers that also pass, each meaning something the
      - note: text        # task's words allow; the note is shown to whoever matches it
        solution: |
          ...
    questions:            # the lab's inspection questions (multiple choice)
      - id: how-many
        prompt: How many NetworkPolicies are in prod?
        choices: ["0", "1", "2"]
        answers: [1]      # indexes into choices, from 0; one or several
        explanation: text shown after answering
        check: {count: policies, namespace: prod}   # optional, see QUESTION_CHECKS

A question's `check` says how its key follows from the exercise's cluster, so
the tests can hold the key against the engine. Files load in name order, so a
numeric prefix orders them; the id, not the file name, is the exercise's slug.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from trainer.grading import Reference
from trainer.grading.addresses import smallest_network
from trainer.grading.audit import exercise_problems
from trainer.limits import limits
from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.objects import Cluster, IPBlock
from trainer.netpol.problems import InputError

from . import stages
from .fields import FieldReader, kind_name, problem_text
from .probes import Probe, read_probe

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
FIELDS = ("accepted", "cluster", "expect", "externals", "hints", "id", "pod_network", "questions",
          "require", "solution", "stage", "starter", "task", "title")
ACCEPTED_FIELDS = ("note", "solution")
QUESTION_FIELDS = ("answers", "check", "choices", "explanation", "id", "prompt")
# check kinds: {count: policies, namespace: NS}; {selected_by: NS/POLICY};
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


class ExerciseFileError(ValueError):
    """A broken exercise file; the message names the file, the field and the line."""

    def __init__(self, path, field: str, line: int | None, message: str):
        self.path, self.field, self.line = str(path), field, line
        super().__init__(problem_text(self.path, line, field, message))


class _Reader(FieldReader):
    """Stops at the first problem: a broken exercise file is refused whole, by ExerciseFileError."""

    def report(self, line, field, message, who=""):
        raise ExerciseFileError(self.name, field, line, message)

    def line(self, path: tuple) -> int | None:
        # A field missing at the top is reported at the file's first field.
        return super().line(path) or self.lines.get(())

    def fail_embedded(self, path: tuple, error: InputError):
        """One message at the first problem's line, naming up to three of the block's problems."""
        message = "; ".join(_in_block(p) for p in error.problems[:3])
        if len(error.problems) > 3:
            message += f" (and {len(error.problems) - 3} more)"
        self.fail(path, message, self.embedded_line(path, error.problems[0]))


def _in_block(problem) -> str:
    parts = [p for p in (problem.obj, problem.path, problem.message) if p]
    if problem.line:
        parts.insert(0, f"line {problem.line} of the block")
    return ": ".join(parts)


def load_exercise_file(path) -> Exercise:
    path = Path(path)
    r, data = _Reader.read(path, str(path))
    if not isinstance(data, dict):
        r.fail((), f"must be a mapping (id, title, task, ...), not {kind_name(data)}")
    r.unknown_fields(data, (), FIELDS)

    exercise_id = r.field(data, ("id",), str)
    if not SLUG.fullmatch(exercise_id):
        r.fail(("id",), f"{exercise_id!r} must be a slug: lowercase letters, digits and dashes")
    title = r.field(data, ("title",), str).strip()
    task = r.field(data, ("task",), str)
    cluster_text = r.field(data, ("cluster",), str)
    try:
        cluster = load_cluster([(cluster_text, "cluster")], limits().content)
    except InputError as exc:
        r.fail_embedded(("cluster",), exc)
    if not cluster.pods:
        r.fail(("cluster",), "holds no Pod; an exercise needs pods to reach")

    starter = r.field(data, ("starter",), str, required=False, blank=True) or ""
    solution = r.field(data, ("solution",), str, required=False) or ""
    for key, text in (("starter", starter), ("solution", solution)):
        if text.strip():
            _check_answer_text(r, (key,), text)
    accepted = tuple(_accepted(r, ("accepted", i), item)
                     for i, item in enumerate(r.items(data, ("accepted",), dict)))
    if accepted and not solution.strip():
        r.fail(("accepted",), "lists answers accepted besides the solution, but there is no solution")

    pod_network = _pod_network(r, data, cluster)
    externals = tuple(_externals(r, data, cluster, pod_network))
    known = {p.key for p in cluster.pods} | set(externals)

    def check_end(name, path):
        if name not in known:
            r.fail(path, f"{name!r} is neither a pod of the cluster (namespace/name) nor one of externals")

    expect = tuple(read_probe(r, item, ("expect", i), check_end)
                   for i, item in enumerate(r.items(data, ("expect",), dict)))
    require = tuple(_requirement(r, ("require", i), item)
                    for i, item in enumerate(r.items(data, ("require",), dict)))
    hints = tuple(h.strip() for h in r.items(data, ("hints",), str))
    questions = tuple(_question(r, ("questions", i), item, cluster, check_end)
                      for i, item in enumerate(r.items(data, ("questions",), dict)))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        r.fail(("questions",), "two questions share an id")
    if not solution.strip() and not expect:
        r.fail(("solution",), "an exercise needs a solution or expect probes to grade against")

    stage = r.field(data, ("stage",), int, required=False)
    numbers = [s.number for s in stages.catalog().stages]
    if stage is not None and stage not in numbers:
        r.fail(("stage",), f"must be the number of a stage ({min(numbers)} to {max(numbers)})")

    return Exercise(
        id=exercise_id, title=title, task=task, cluster_text=cluster_text, starter=starter,
        solution=solution, expect=expect, externals=externals, require=require, hints=hints,
        questions=questions, stage=stage, path=path, accepted=accepted, pod_network=pod_network,
    )


def _pod_network(r: _Reader, data: dict, cluster: Cluster) -> IPBlock | None:
    """The given pod network, or the smallest CIDR holding every pod's address."""
    text = r.field(data, ("pod_network",), str, required=False)
    if text is None:
        return smallest_network(p.ip for p in cluster.pods)
    try:
        network = ipaddress.IPv4Network(text)
    except ValueError:
        r.fail(("pod_network",), f"{text!r} is not an IPv4 CIDR such as 10.1.0.0/16")
    outside = [p.key for p in cluster.pods if p.ip and ipaddress.ip_address(p.ip) not in network]
    if outside:
        r.fail(("pod_network",), f"{text} does not hold the address of {', '.join(outside[:3])}")
    return IPBlock(str(network))


def _accepted(r: _Reader, path: tuple, item: dict) -> Accepted:
    r.unknown_fields(item, path, ACCEPTED_FIELDS)
    solution = r.field(item, path + ("solution",), str)
    _check_answer_text(r, path + ("solution",), solution)
    note = r.field(item, path + ("note",), str).strip()
    return Accepted(solution, note)


def _check_answer_text(r: _Reader, path: tuple, text: str):
    try:
        answer = load_policies(text, str(path[0]), limits().content)
    except InputError as exc:
        r.fail_embedded(path, exc)
    others = [p for p in answer.ignored] + [f"Pod {p.key}" for p in answer.pods]
    others += [f"Namespace {n.name}" for n in answer.namespaces.values() if n.declared]
    if others:
        r.fail(path, f"may hold NetworkPolicies only, found {', '.join(others)}")


def _externals(r: _Reader, data: dict, cluster: Cluster, pod_network: IPBlock | None):
    pod_ips = {p.ip for p in cluster.pods if p.ip}
    for i, value in enumerate(r.items(data, ("externals",), str)):
        try:
            ip = ipaddress.IPv4Address(value)
        except ValueError:
            r.fail(("externals", i), f"{value!r} is not an IPv4 address")
        if str(ip) in pod_ips:
            r.fail(("externals", i), f"{value} is a pod's IP, not a host outside the cluster")
        if pod_network is not None and pod_network.contains(str(ip)):
            r.fail(("externals", i), f"{value} is inside the pod network {pod_network.cidr}: a host "
                                     f"outside the cluster has an address outside it (set pod_network)")
        yield str(ip)


def _requirement(r: _Reader, path: tuple, item: dict) -> RequiredPolicy:
    kind = item.get("kind", "NetworkPolicy")
    if kind != "NetworkPolicy":
        r.fail(path + ("kind",), "only NetworkPolicy can be required")
    name = r.field(item, path + ("name",), str)
    namespace = r.field(item, path + ("namespace",), str, required=False) or "default"
    return RequiredPolicy(kind, namespace, name)


def _question(r: _Reader, path: tuple, item: dict, cluster: Cluster, check_end) -> Question:
    r.unknown_fields(item, path, QUESTION_FIELDS)
    qid = r.field(item, path + ("id",), str)
    if not SLUG.fullmatch(qid):
        r.fail(path + ("id",), f"{qid!r} must be a slug")
    prompt = r.field(item, path + ("prompt",), str).strip()
    choices = r.items(item, path + ("choices",), str)
    if len(choices) < 2:
        r.fail(path + ("choices",), "needs at least two choices")
    if len(set(choices)) != len(choices):
        r.fail(path + ("choices",), "has the same choice twice")
    answers = r.items(item, path + ("answers",), int)
    if not answers:
        r.fail(path + ("answers",), "needs at least one right answer (indexes into choices, from 0)")
    for i, a in enumerate(answers):
        if not 0 <= a < len(choices):
            r.fail(path + ("answers", i), f"{a} is not an index of choices (0 to {len(choices) - 1})")
    explanation = (r.field(item, path + ("explanation",), str, required=False) or "").strip()
    check = r.field(item, path + ("check",), dict, required=False)
    if check is not None:
        _check_question_check(r, path + ("check",), check, choices, cluster, check_end)
    return Question(qid, prompt, tuple(choices), frozenset(answers), explanation,
                    tuple(sorted((check or {}).items())))


def _check_question_check(r: _Reader, path, check: dict, choices, cluster: Cluster, check_end):
    kinds = [k for k in QUESTION_CHECKS if k in check]
    if len(kinds) != 1:
        r.fail(path, f"needs exactly one of {', '.join(QUESTION_CHECKS)}")
    kind = kinds[0]
    policies = {p.key for p in cluster.policies}
    if kind == "count":
        if check["count"] not in ("policies", "pods"):
            r.fail(path + ("count",), "must be policies or pods")
        if not all(c.isdigit() for c in choices):
            r.fail(path, "a count question's choices must be numbers")
    elif kind in ("selected_by", "policy_types"):
        if check[kind] not in policies:
            r.fail(path + (kind,), f"{check[kind]!r} is not a NetworkPolicy of the cluster (ns/name)")
        if kind == "policy_types" and not set(choices) <= set(POLICY_TYPE_CHOICES.values()):
            r.fail(path, f"choices must be among {', '.join(POLICY_TYPE_CHOICES.values())}")
        if kind == "selected_by":
            pods = {p.key for p in cluster.pods}
            for c in choices:
                if c != NONE_CHOICE and c not in pods:
                    r.fail(path, f"{c!r} is not a pod of the cluster (namespace/name)")
    else:
        check_end(check[kind], path + (kind,))
        r.port(check, path + ("port",))
        r.protocol(check, path + ("protocol",))
        for c in choices:
            if c != NONE_CHOICE:
                check_end(c, path)


def exercises_dir() -> Path:
    from django.conf import settings

    return Path(settings.LESSONS_DIR) / "exercises"


@lru_cache(maxsize=4)
def _load_all(directory: Path) -> tuple[Exercise, ...]:
    exercises = tuple(load_exercise_file(p) for p in sorted(directory.glob("*.yaml")))
    seen = set()
    for e in exercises:
        if e.id in seen:
            raise ExerciseFileError(e.path, "id", None, f"{e.id!r} is used by another exercise")
        seen.add(e.id)
    return exercises


def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise, in file name order (loaded once per process)."""
    return _load_all(exercises_dir())


def get_exercise(exercise_id: str) -> Exercise:
    for e in all_exercises():
        if e.id == exercise_id:
            return e
    raise KeyError(f"no exercise {exercise_id!r}")


def problems() -> list[str]:
    """One message per broken file, for the system check; [] when all is well."""
    directory = exercises_dir()
    if not directory.is_dir():
        return [f"{directory}: the exercises directory is missing"]
    messages, ids = [], {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            exercise = load_exercise_file(path)
        except ExerciseFileError as exc:
            messages.append(str(exc))
            continue
        if exercise.id in ids:
            messages.append(f"{path}: id: {exercise.id!r} is also the id of {ids[exercise.id]}")
        ids[exercise.id] = path.name
        if exercise.solution.strip():
            messages += [f"{path}: {m}" for m in exercise_problems(exercise)]
    return messages
