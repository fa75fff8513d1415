"""lessons/exercises/*.yaml -> Exercise objects, and every problem found.

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
        check: {count: policies, namespace: prod}   # see exercise_objects.QUESTION_CHECKS

A question's `check` says how its key follows from the exercise's cluster, so
the tests can hold the key against the engine. Files load in name order, so a
numeric prefix orders them; the id, not the file name, is the exercise's slug.

Every problem of every file is reported, and a broken exercise is left out. The
checks that depend on a broken field are skipped: with a cluster that does not
load, no probe or question is held to it; with broken `externals`, no end is.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainer.grading.addresses import smallest_network
from trainer.limits import limits
from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.objects import Cluster, IPBlock
from trainer.netpol.problems import InputError

from .exercise_objects import (
    NONE_CHOICE,
    POLICY_TYPE_CHOICES,
    QUESTION_CHECKS,
    Accepted,
    Exercise,
    Question,
    RequiredPolicy,
)
from .fields import ContentError, FieldReader, shown_name
from .probes import read_probe

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
FIELDS = ("accepted", "cluster", "expect", "externals", "hints", "id", "pod_network", "questions",
          "require", "solution", "stage", "starter", "task", "title")
ACCEPTED_FIELDS = ("note", "solution")
QUESTION_FIELDS = ("answers", "check", "choices", "explanation", "id", "prompt")
REQUIRE_FIELDS = ("kind", "namespace", "name")
CHECK_FIELDS = {
    "count": ("count", "namespace"),
    "selected_by": ("selected_by",),
    "reaches": ("reaches", "port", "protocol"),
    "reached_from": ("reached_from", "port", "protocol"),
    "policy_types": ("policy_types",),
}


class ExerciseFileError(ContentError, ValueError):
    """A broken exercise file, refused whole by load_exercise_file; one message per problem."""


def load_exercises(root: Path, stage_numbers=()) -> tuple[tuple[Exercise, ...], tuple[str, ...]]:
    """Every exercise that loads, in file name order, and a message for every problem of every file."""
    directory = root / "exercises"
    if not directory.is_dir():
        return (), (f"{shown_name(directory, root)}: is missing (no such directory)",)
    exercises, problems, first_use = [], [], {}
    for path in sorted(directory.glob("*.yaml")):
        reader, exercise = read_exercise_file(path, root, stage_numbers)
        if exercise is not None and exercise.id in first_use:
            reader.duplicate(("id",), exercise.id, first_use[exercise.id])
        elif exercise is not None:
            first_use[exercise.id] = f"{reader.name}:{reader.line(('id',))}"
            exercises.append(exercise)
        problems += reader.problems
    return tuple(exercises), tuple(problems)


def load_exercise_file(path, root: Path, stage_numbers=()) -> Exercise:
    """One exercise file on its own; ExerciseFileError lists every problem it has."""
    reader, exercise = read_exercise_file(Path(path), root, stage_numbers)
    if exercise is None:
        raise ExerciseFileError(reader.problems)
    return exercise


def read_exercise_file(path: Path, root: Path, stage_numbers=()) -> tuple[FieldReader, Exercise | None]:
    """(the reader holding every problem of the file, the exercise or None when there is one)."""
    reader, data = FieldReader.read(path, shown_name(path, root))
    exercise = None if data is None else _exercise(reader, data, path, tuple(stage_numbers))
    return reader, None if reader.problems else exercise


def _exercise(r: FieldReader, data, path: Path, stage_numbers: tuple[int, ...]) -> Exercise | None:
    if not r.mapping(data, (), FIELDS):
        return None
    exercise_id = r.field(data, ("id",), str)
    if exercise_id is not None and not SLUG.fullmatch(exercise_id):
        r.fail(("id",), f"{exercise_id!r} must be a slug: lowercase letters, digits and dashes")
    title = r.field(data, ("title",), str)
    task = r.field(data, ("task",), str)
    cluster_text = r.field(data, ("cluster",), str)
    cluster = _cluster(r, cluster_text) if cluster_text is not None else None

    starter = r.field(data, ("starter",), str, required=False, blank=True) or ""
    solution = r.field(data, ("solution",), str, required=False) or ""
    for key, text in (("starter", starter), ("solution", solution)):
        if text.strip():
            _check_answer_text(r, (key,), text)
    accepted = [_accepted(r, ("accepted", i), item)
                for i, item in enumerate(r.field(data, ("accepted",), list, required=False) or ())]
    if accepted and r.missing(data, ("solution",)):
        r.fail(("accepted",), "lists answers accepted besides the solution, but there is no solution")

    pod_network = _pod_network(r, data, cluster)
    externals = _externals(r, data, cluster, pod_network)
    # The ends probes and questions may name; None when the cluster or externals are broken (reported).
    known = None if cluster is None or externals is None else {p.key for p in cluster.pods} | set(externals)

    def check_end(name, at):
        if known is not None and name not in known:
            r.fail(at, f"{name!r} is neither a pod of the cluster (namespace/name) nor one of externals")

    expect = tuple(read_probe(r, item, ("expect", i), check_end)
                   for i, item in enumerate(r.field(data, ("expect",), list, required=False) or ()))
    require = tuple(_requirement(r, ("require", i), item)
                    for i, item in enumerate(r.field(data, ("require",), list, required=False) or ()))
    hints = r.strings(data, ("hints",), required=False)
    questions = _questions(r, data, cluster, check_end)
    if r.missing(data, ("solution",)) and (r.missing(data, ("expect",)) or data.get("expect") == []):
        r.fail(("solution",), "an exercise needs a solution or expect probes to grade against")

    stage = r.field(data, ("stage",), int, required=False)
    if stage is not None and stage_numbers and stage not in stage_numbers:
        r.fail(("stage",), f"must be the number of a stage ({min(stage_numbers)} to {max(stage_numbers)})")
    if r.problems:
        return None
    return Exercise(
        id=exercise_id, title=title.strip(), task=task, cluster_text=cluster_text, starter=starter,
        solution=solution, expect=expect, externals=externals, require=require,
        hints=tuple(h.strip() for h in hints), questions=questions, stage=stage, path=path,
        accepted=tuple(accepted), pod_network=pod_network, origin=r.origin(),
    )


def _cluster(r: FieldReader, text: str) -> Cluster | None:
    try:
        cluster = load_cluster([(text, "cluster")], limits().content)
    except InputError as exc:
        r.fail_embedded(("cluster",), exc)
        return None
    if not cluster.pods:
        r.fail(("cluster",), "holds no Pod; an exercise needs pods to reach")
        return None
    return cluster


def _check_answer_text(r: FieldReader, at: tuple, text: str) -> None:
    try:
        answer = load_policies(text, str(at[0]), limits().content)
    except InputError as exc:
        r.fail_embedded(at, exc)
        return
    others = [p for p in answer.ignored] + [f"Pod {p.key}" for p in answer.pods]
    others += [f"Namespace {n.name}" for n in answer.namespaces.values() if n.declared]
    if others:
        r.fail(at, f"may hold NetworkPolicies only, found {', '.join(others)}")


def _accepted(r: FieldReader, at: tuple, item) -> Accepted | None:
    if not r.mapping(item, at, ACCEPTED_FIELDS):
        return None
    solution = r.field(item, at + ("solution",), str)
    if solution is not None:
        _check_answer_text(r, at + ("solution",), solution)
    note = r.field(item, at + ("note",), str)
    return Accepted(solution, note.strip()) if solution is not None and note is not None else None


def _pod_network(r: FieldReader, data: dict, cluster: Cluster | None) -> IPBlock | None:
    """The given pod network, or the smallest CIDR holding every pod's address; None when broken."""
    text = r.field(data, ("pod_network",), str, required=False)
    if text is None:
        absent = r.missing(data, ("pod_network",))  # not given: not broken, nor misspelt
        return smallest_network(p.ip for p in cluster.pods) if cluster is not None and absent else None
    try:
        network = ipaddress.IPv4Network(text)
    except ValueError:
        r.fail(("pod_network",), f"{text!r} is not an IPv4 CIDR such as 10.1.0.0/16")
        return None
    pods = cluster.pods if cluster else ()
    outside = [p.key for p in pods if p.ip and ipaddress.ip_address(p.ip) not in network]
    if outside:
        r.fail(("pod_network",), f"{text} does not hold the address of {', '.join(outside[:3])}")
    return IPBlock(str(network))


def _externals(r: FieldReader, data: dict, cluster: Cluster | None, pod_network: IPBlock | None):
    """The outside hosts, or None when the list is broken."""
    values = r.strings(data, ("externals",), required=False)
    if values is None:
        return None
    pod_ips = {p.ip for p in cluster.pods if p.ip} if cluster is not None else set()
    hosts = []
    for i, value in enumerate(values):
        try:
            ip = str(ipaddress.IPv4Address(value))
        except ValueError:
            r.fail(("externals", i), f"{value!r} is not an IPv4 address")
            continue
        if ip in pod_ips:
            r.fail(("externals", i), f"{value} is a pod's IP, not a host outside the cluster")
        elif pod_network is not None and pod_network.contains(ip):
            r.fail(("externals", i), f"{value} is inside the pod network {pod_network.cidr}: a host "
                                     f"outside the cluster has an address outside it (set pod_network)")
        hosts.append(ip)
    return tuple(hosts)


def _requirement(r: FieldReader, at: tuple, item) -> RequiredPolicy | None:
    if not r.mapping(item, at, REQUIRE_FIELDS):
        return None
    kind = r.field(item, at + ("kind",), str, required=False) or "NetworkPolicy"
    if kind != "NetworkPolicy":
        r.fail(at + ("kind",), "only NetworkPolicy can be required")
    name = r.field(item, at + ("name",), str)
    namespace = r.field(item, at + ("namespace",), str, required=False) or "default"
    return RequiredPolicy(kind, namespace, name)


def _questions(r: FieldReader, data: dict, cluster: Cluster | None, check_end) -> tuple[Question, ...]:
    questions, first_use = [], {}
    for i, item in enumerate(r.field(data, ("questions",), list, required=False) or ()):
        at = ("questions", i)
        question = _question(r, at, item, cluster, check_end)
        if question is None:
            continue
        if question.id in first_use:
            r.duplicate(at + ("id",), question.id, first_use[question.id])
            continue
        first_use[question.id] = f"{r.name}:{r.line(at + ('id',))}"
        questions.append(question)
    return tuple(questions)


def _question(r: FieldReader, at: tuple, item, cluster: Cluster | None, check_end) -> Question | None:
    if not r.mapping(item, at, QUESTION_FIELDS):
        return None
    qid = r.field(item, at + ("id",), str)
    if qid is not None and not SLUG.fullmatch(qid):
        r.fail(at + ("id",), f"{qid!r} must be a slug")
    prompt = r.field(item, at + ("prompt",), str)
    choices = r.strings(item, at + ("choices",), required=False)
    if choices is not None and len(choices) < 2:
        r.fail(at + ("choices",), "needs at least two choices")
        choices = None  # what is said of the choices (answers, the check) is not checked against too few
    elif choices is not None and len(set(choices)) != len(choices):
        r.fail(at + ("choices",), "has the same choice twice")
    answers = r.items(item, at + ("answers",), int)
    if answers == [] and at + ("answers",) not in r.misspelt:
        r.fail(at + ("answers",), "needs at least one right answer (indexes into choices, from 0)")
    for i, a in enumerate(answers if answers and choices is not None else ()):
        if not 0 <= a < len(choices):
            r.fail(at + ("answers", i), f"{a} is not an index of choices (0 to {len(choices) - 1})")
    explanation = r.field(item, at + ("explanation",), str, required=False) or ""
    check = r.field(item, at + ("check",), dict, required=False)
    if check is not None:
        _check_question_check(r, at + ("check",), check, choices, cluster, check_end)
    if None in (qid, prompt, choices, answers):
        return None
    return Question(qid, prompt.strip(), tuple(choices), frozenset(answers), explanation.strip(),
                    tuple(sorted((check or {}).items())))


def _check_question_check(r: FieldReader, at: tuple, check: dict, choices, cluster: Cluster | None,
                          check_end) -> None:
    """The check's own fields, and the choices it says what they are (pods, numbers, policy types)."""
    kinds = [k for k in QUESTION_CHECKS if k in check]
    if len(kinds) != 1:
        r.fail(at, f"needs exactly one of {', '.join(QUESTION_CHECKS)}")
        return
    kind = kinds[0]
    r.unknown_fields(check, at, CHECK_FIELDS[kind])
    value = r.field(check, at + (kind,), str)
    _CHECK_KINDS[kind](_Check(r, at, check, kind, value, choices, cluster, check_end))


@dataclass(frozen=True)
class _Check:
    """A question's check being read: its kind, that kind's value (None when reported broken),
    and what it is held against."""

    r: FieldReader
    at: tuple  # the check's path: ("questions", i, "check")
    check: dict
    kind: str
    value: str | None
    choices: tuple[str, ...] | None  # None when broken (reported)
    cluster: Cluster | None  # None when broken (reported)
    check_end: Callable[[str, tuple], None]

    def choice_at(self, i: int) -> tuple:
        return self.at[:-1] + ("choices", i)


def _check_count(c: _Check) -> None:
    if c.value is not None and c.value not in ("policies", "pods"):
        c.r.fail(c.at + ("count",), "must be policies or pods")
    c.r.field(c.check, c.at + ("namespace",), str)
    if c.choices is not None and not all(choice.isdigit() for choice in c.choices):
        c.r.fail(c.at, "a count question's choices must be numbers")


def _check_policy_named(c: _Check) -> None:
    """The check's value names a NetworkPolicy of the cluster."""
    policies = {p.key for p in c.cluster.policies} if c.cluster is not None else None
    if c.value is not None and policies is not None and c.value not in policies:
        c.r.fail(c.at + (c.kind,), f"{c.value!r} is not a NetworkPolicy of the cluster (ns/name)")


def _check_selected_by(c: _Check) -> None:
    _check_policy_named(c)
    if c.choices is None or c.cluster is None:
        return
    pods = {p.key for p in c.cluster.pods}
    for i, choice in enumerate(c.choices):
        if choice != NONE_CHOICE and choice not in pods:
            c.r.fail(c.choice_at(i), f"{choice!r} is not a pod of the cluster (namespace/name)")


def _check_policy_types(c: _Check) -> None:
    _check_policy_named(c)
    if c.choices is not None and not set(c.choices) <= set(POLICY_TYPE_CHOICES.values()):
        c.r.fail(c.at, f"choices must be among {', '.join(POLICY_TYPE_CHOICES.values())}")


def _check_reach(c: _Check) -> None:
    """reaches / reached_from: the value and every choice but NONE_CHOICE are ends of the exercise."""
    if c.value is not None:
        c.check_end(c.value, c.at + (c.kind,))
    c.r.port(c.check, c.at + ("port",))
    c.r.protocol(c.check, c.at + ("protocol",))
    for i, choice in enumerate(c.choices or ()):
        if choice != NONE_CHOICE:
            c.check_end(choice, c.choice_at(i))


# What each kind of check (a key of CHECK_FIELDS) holds the check and the choices to.
_CHECK_KINDS: dict[str, Callable[[_Check], None]] = {
    "count": _check_count,
    "selected_by": _check_selected_by,
    "reaches": _check_reach,
    "reached_from": _check_reach,
    "policy_types": _check_policy_types,
}
