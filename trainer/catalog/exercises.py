"""lessons/exercises/*.yaml -> frozen Exercise objects, loaded once.

The format is DESIGN.md's, plus three optional fields:

    stage: 2              # the walkthrough stage this exercise practises
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

from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.loading import Limits, parse_yaml
from trainer.netpol.objects import PROTOCOLS, Cluster
from trainer.netpol.problems import InputError, format_path

# Content is trusted more than a learner's input, but still read through the engine's
# loader: generous limits, the same safe scalars and line numbers.
CONTENT_LIMITS = Limits(max_bytes=1024 * 1024, max_nodes=200_000)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
FIELDS = {"id", "title", "task", "cluster", "starter", "solution", "expect", "externals",
          "require", "hints", "questions", "stage"}
QUESTION_FIELDS = {"id", "prompt", "choices", "answers", "explanation", "check"}
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
class Probe:
    src: str
    dst: str
    port: int
    protocol: str
    allowed: bool

    def describe(self) -> str:
        return f"{self.src} -> {self.dst} on {self.protocol} {self.port}"


@dataclass(frozen=True)
class Requirement:
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
class Exercise:
    id: str
    title: str
    task: str
    cluster_text: str
    starter: str
    solution: str
    expect: tuple[Probe, ...]
    externals: tuple[str, ...]
    require: tuple[Requirement, ...]
    hints: tuple[str, ...]
    questions: tuple[Question, ...]
    stage: int | None
    path: Path

    @cached_property
    def cluster(self) -> Cluster:
        """The cluster the exercise starts from (validated when the file was loaded)."""
        return load_cluster([(self.cluster_text, f"{self.id}:cluster")], CONTENT_LIMITS)

    @cached_property
    def solution_policies(self) -> Cluster:
        return load_policies(self.solution, f"{self.id}:solution", CONTENT_LIMITS)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"exercise {self.id} has no question {question_id!r}")


class ExerciseFileError(ValueError):
    """A broken exercise file; the message names the file, the field and the line."""

    def __init__(self, path, field: str, line: int | None, message: str):
        self.path, self.field, self.line = str(path), field, line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


class _Reader:
    """Typed access to one file's fields, raising ExerciseFileError with the line."""

    def __init__(self, path: Path, lines: dict):
        self.path, self.lines = path, lines

    def line(self, path: tuple) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def fail(self, path: tuple, message: str):
        raise ExerciseFileError(self.path, format_path(path), self.line(path), message)

    def text(self, data: dict, path: tuple, required=True, empty_ok=False) -> str:
        value = data.get(path[-1])
        if value is None:
            if required:
                self.fail(path, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(path, f"must be text, not {type(value).__name__}")
        if not value.strip() and not empty_ok:
            self.fail(path, "must not be empty")
        return value

    def items(self, data: dict, path: tuple, kind=None) -> list:
        value = data.get(path[-1])
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "must be a list")
        if kind is not None:
            for i, item in enumerate(value):
                if not isinstance(item, kind) or isinstance(item, bool) and kind is not bool:
                    self.fail(path + (i,), f"must be {_kind_name(kind)}")
        return value

    def embedded_problem(self, path: tuple, error: InputError):
        """A problem inside an embedded YAML block, moved to the line in the file."""
        first = error.problems[0]
        start = self.line(path) or 0
        line = start + first.line if first.line else start
        message = "; ".join(_strip_source(p) for p in error.problems[:3])
        if len(error.problems) > 3:
            message += f" (and {len(error.problems) - 3} more)"
        raise ExerciseFileError(self.path, format_path(path), line, message)


def _kind_name(kind) -> str:
    return {str: "text", int: "a whole number", dict: "a mapping", bool: "true or false"}.get(
        kind, kind.__name__)


def _strip_source(problem) -> str:
    parts = [p for p in (problem.obj, problem.path, problem.message) if p]
    if problem.line:
        parts.insert(0, f"line {problem.line} of the block")
    return ": ".join(parts)


def load_exercise_file(path) -> Exercise:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExerciseFileError(path, "", None, f"cannot be read: {exc.strerror}") from None
    try:
        docs = parse_yaml(raw, str(path), CONTENT_LIMITS)
    except InputError as exc:
        problem = exc.problems[0]
        raise ExerciseFileError(path, "", problem.line, problem.message) from None
    docs = [d for d in docs if d[0] is not None]
    if len(docs) != 1 or not isinstance(docs[0][0], dict):
        raise ExerciseFileError(path, "", None, "must hold one YAML mapping (id, title, task, ...)")
    data, lines, _ = docs[0]
    r = _Reader(path, lines)
    for key in data:
        if key not in FIELDS:
            r.fail((key,), f"unknown field (expected one of {', '.join(sorted(FIELDS))})")

    exercise_id = r.text(data, ("id",))
    if not SLUG.fullmatch(exercise_id):
        r.fail(("id",), f"{exercise_id!r} must be a slug: lowercase letters, digits and dashes")
    title = r.text(data, ("title",)).strip()
    task = r.text(data, ("task",))
    cluster_text = r.text(data, ("cluster",))
    try:
        cluster = load_cluster([(cluster_text, "cluster")], CONTENT_LIMITS)
    except InputError as exc:
        r.embedded_problem(("cluster",), exc)
    if not cluster.pods:
        r.fail(("cluster",), "holds no Pod; an exercise needs pods to reach")

    starter = r.text(data, ("starter",), required=False, empty_ok=True)
    solution = r.text(data, ("solution",), required=False)
    for key, text in (("starter", starter), ("solution", solution)):
        if text.strip():
            _check_answer_text(r, key, text)

    externals = tuple(_externals(r, data, cluster))
    known = {p.key for p in cluster.pods} | set(externals)
    expect = tuple(_probe(r, ("expect", i), item, known)
                   for i, item in enumerate(r.items(data, ("expect",), dict)))
    require = tuple(_requirement(r, ("require", i), item)
                    for i, item in enumerate(r.items(data, ("require",), dict)))
    hints = tuple(h.strip() for h in r.items(data, ("hints",), str))
    questions = tuple(_question(r, ("questions", i), item, cluster, known)
                      for i, item in enumerate(r.items(data, ("questions",), dict)))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        r.fail(("questions",), "two questions share an id")
    if not solution.strip() and not expect:
        r.fail(("solution",), "an exercise needs a solution or expect probes to grade against")

    stage = data.get("stage")
    if stage is not None and (not isinstance(stage, int) or isinstance(stage, bool)
                              or not 1 <= stage <= 6):
        r.fail(("stage",), "must be a stage number from 1 to 6")

    return Exercise(
        id=exercise_id, title=title, task=task, cluster_text=cluster_text, starter=starter,
        solution=solution, expect=expect, externals=externals, require=require, hints=hints,
        questions=questions, stage=stage, path=path,
    )


def _check_answer_text(r: _Reader, key: str, text: str):
    try:
        answer = load_policies(text, key, CONTENT_LIMITS)
    except InputError as exc:
        r.embedded_problem((key,), exc)
    others = [p for p in answer.ignored] + [f"Pod {p.key}" for p in answer.pods]
    others += [f"Namespace {n.name}" for n in answer.namespaces.values() if n.declared]
    if others:
        r.fail((key,), f"may hold NetworkPolicies only, found {', '.join(others)}")


def _externals(r: _Reader, data: dict, cluster: Cluster):
    pod_ips = {p.ip for p in cluster.pods if p.ip}
    for i, value in enumerate(r.items(data, ("externals",), str)):
        try:
            ip = ipaddress.IPv4Address(value)
        except ValueError:
            r.fail(("externals", i), f"{value!r} is not an IPv4 address")
        if str(ip) in pod_ips:
            r.fail(("externals", i), f"{value} is a pod's IP, not a host outside the cluster")
        yield str(ip)


def _port(r: _Reader, path: tuple, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        r.fail(path, "must be a port number from 1 to 65535")
    return value


def _protocol(r: _Reader, path: tuple, value) -> str:
    value = "TCP" if value is None else value
    if value not in PROTOCOLS:
        r.fail(path, f"must be one of {', '.join(PROTOCOLS)}")
    return value


def _endpoint(r: _Reader, path: tuple, value, known: set) -> str:
    if value not in known:
        r.fail(path, f"{value!r} is neither a pod of the cluster (namespace/name) nor one of externals")
    return value


def _probe(r: _Reader, path: tuple, item: dict, known: set) -> Probe:
    extra = set(item) - {"from", "to", "port", "protocol", "allowed"}
    if extra:
        r.fail(path + (sorted(extra)[0],), "unknown field (expected from, to, port, protocol, allowed)")
    allowed = item.get("allowed")
    if not isinstance(allowed, bool):
        r.fail(path + ("allowed",), "must be true or false")
    return Probe(
        src=_endpoint(r, path + ("from",), item.get("from"), known),
        dst=_endpoint(r, path + ("to",), item.get("to"), known),
        port=_port(r, path + ("port",), item.get("port")),
        protocol=_protocol(r, path + ("protocol",), item.get("protocol")),
        allowed=allowed,
    )


def _requirement(r: _Reader, path: tuple, item: dict) -> Requirement:
    kind = item.get("kind", "NetworkPolicy")
    if kind != "NetworkPolicy":
        r.fail(path + ("kind",), "only NetworkPolicy can be required")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        r.fail(path + ("name",), "is required")
    namespace = item.get("namespace") or "default"
    if not isinstance(namespace, str):
        r.fail(path + ("namespace",), "must be text")
    return Requirement(kind, namespace, name)


def _question(r: _Reader, path: tuple, item: dict, cluster: Cluster, known: set) -> Question:
    for key in item:
        if key not in QUESTION_FIELDS:
            r.fail(path + (key,), f"unknown field (expected {', '.join(sorted(QUESTION_FIELDS))})")
    qid = r.text(item, path + ("id",))
    if not SLUG.fullmatch(qid):
        r.fail(path + ("id",), f"{qid!r} must be a slug")
    prompt = r.text(item, path + ("prompt",)).strip()
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
    explanation = r.text(item, path + ("explanation",), required=False).strip()
    check = item.get("check")
    if check is not None:
        _check_question_check(r, path + ("check",), check, choices, cluster, known)
    return Question(qid, prompt, tuple(choices), frozenset(answers), explanation,
                    tuple(sorted((check or {}).items())))


def _check_question_check(r, path, check, choices, cluster: Cluster, known: set):
    if not isinstance(check, dict):
        r.fail(path, "must be a mapping")
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
            for c in choices:
                if c != NONE_CHOICE:
                    _endpoint(r, path, c, {p.key for p in cluster.pods})
    else:
        _endpoint(r, path + (kind,), check[kind], known)
        _port(r, path + ("port",), check.get("port"))
        _protocol(r, path + ("protocol",), check.get("protocol"))
        for c in choices:
            if c != NONE_CHOICE:
                _endpoint(r, path, c, known)


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
    return messages
