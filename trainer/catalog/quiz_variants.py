"""A question as one attempt shows it: the variant for a seed, its key and the evidence.

The seed decides a template's params, which of its choices are shown, and the
order of every question's choices. Choices are shown under letters in that
order, so a form's values (A, B, C...) say nothing about the key. A template's
key is the engine's verdict on each choice's probe; a bank question's key is
authored and held against the engine by quiz_keys.py and the tests.
"""

from __future__ import annotations

import dataclasses
import random
import string
from dataclasses import dataclass
from functools import lru_cache

from trainer.limits import limits
from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.objects import NAMESPACE_NAME_LABEL, Cluster, Pod
from trainer.netpol.problems import InputError

from .content import content
from .probes import Probe
from .quiz_objects import Bank, ChoiceSpec, QuestionSpec, expand, sources_of

LETTERS = "ABCDEFGHIJKL"
MAX_TRIES = 50  # templates retry params until a variant has a proper key


class VariantError(Exception):
    """A template that cannot produce a proper variant, or a question that does not load."""


@dataclass(frozen=True)
class PodView:
    key: str
    labels: str
    ip: str
    ports: str


@dataclass(frozen=True)
class ClusterView:
    """What the learner is shown of a question's cluster (policies are shown as YAML)."""

    namespaces: tuple[tuple[str, str], ...]  # (name, "k=v, k=v")
    pods: tuple[PodView, ...]
    externals: tuple[str, ...]


@dataclass(frozen=True)
class ShownChoice:
    letter: str
    text: str
    yaml: str = ""
    evidence: str = ""  # the engine's explanation of the choice's probe: for review only
    probe: str = ""  # the concrete probe, and whether the choice is right when it is allowed
    expect_allowed: bool = True


@dataclass(frozen=True)
class PublicChoice:
    letter: str
    text: str
    yaml: str = ""


@dataclass(frozen=True)
class PublicQuestion:
    """All a page may show before the answer is in: no key, no explanation, no evidence."""

    slug: str
    kind: str
    topic: str
    multiple: bool
    prompt: str
    yaml: str
    policies: str
    cluster: ClusterView | None
    choices: tuple[PublicChoice, ...]


@dataclass(frozen=True)
class Instance:
    slug: str
    seed: int
    kind: str
    topic: str
    stage: int
    multiple: bool
    prompt: str
    explanation: str
    yaml: str
    policies: str
    cluster: ClusterView | None
    choices: tuple[ShownChoice, ...]
    key: frozenset[str]
    sources: tuple[tuple[str, str], ...] = ()  # the YAML the engine loaded: (text, name)

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(c.letter for c in self.choices)

    def grade(self, answer) -> bool:
        return frozenset(answer) == self.key

    @property
    def public(self) -> PublicQuestion:
        return PublicQuestion(
            self.slug, self.kind, self.topic, self.multiple, self.prompt, self.yaml, self.policies,
            self.cluster, tuple(PublicChoice(c.letter, c.text, c.yaml) for c in self.choices))


# --- building ------------------------------------------------------------------------


def instance(slug: str, seed: int) -> Instance:
    """The question `slug` of the current bank as seed shows it. KeyError when it has no such question."""
    return _instance(content().bank, slug, int(seed))


@lru_cache(maxsize=4096)
def _instance(current: Bank, slug: str, seed: int) -> Instance:
    spec = current.get(slug)
    if spec is None:
        raise KeyError(f"no quiz question {slug!r}")
    return build_instance(spec, seed, current)


def build_instance(spec: QuestionSpec, seed: int, current: Bank) -> Instance:
    rng = random.Random(f"{spec.slug}:{seed}")  # str seeds hash the same in every process
    if spec.is_template:
        concrete, cluster, choices, key = _template_variant(spec, rng, current)
    else:
        concrete, (cluster, choices, key) = spec, _bank_choices(spec, current)
    order = list(range(len(choices)))
    if spec.shuffle:
        rng.shuffle(order)
    shown, letters = [], {}
    for position, index in enumerate(order):
        letters[index] = LETTERS[position]
        shown.append(dataclasses.replace(choices[index], letter=LETTERS[position]))
    return Instance(
        slug=spec.slug, seed=seed, kind=spec.kind, topic=spec.topic, stage=spec.stage,
        multiple=spec.multiple, prompt=concrete.prompt, explanation=concrete.explanation,
        yaml=concrete.yaml, policies=concrete.policies,
        cluster=_view(cluster, concrete.externals) if cluster is not None else None,
        choices=tuple(shown), key=frozenset(letters[i] for i in key),
        sources=tuple(sources_of(concrete, current.clusters)) if spec.has_cluster else (),
    )


@lru_cache(maxsize=512)
def _bank_choices(spec: QuestionSpec, current: Bank):
    """Bank questions: the same cluster and evidence whatever the seed, so computed once."""
    cluster = load(spec, current) if spec.has_cluster else None
    analyzer = Analyzer(cluster) if cluster is not None else None
    choices, key = [], []
    for i, c in enumerate(spec.choices):
        evidence = check_choice(analyzer, c).explanation if c.probe and analyzer else ""
        choices.append(ShownChoice("", _choice_text(c), c.yaml, evidence, c.probe, c.expect_allowed))
        if c.correct:
            key.append(i)
    return cluster, tuple(choices), tuple(key)


def _template_variant(spec: QuestionSpec, rng: random.Random, current: Bank):
    for _ in range(MAX_TRIES):
        values = {}
        for name, pool in spec.params:
            values.update(expand(name, rng.choice(pool)))
        concrete = substitute(spec, values)
        picked = list(concrete.choices)
        if spec.pick:
            picked = rng.sample(picked, spec.pick)
        cluster = load(concrete, current)
        analyzer = Analyzer(cluster)
        choices, key = [], []
        for i, c in enumerate(picked):
            verdict = check_choice(analyzer, c)
            choices.append(ShownChoice("", _choice_text(c), c.yaml, verdict.explanation, c.probe,
                                       c.expect_allowed))
            if verdict.allowed == c.expect_allowed:
                key.append(i)
        if key and (spec.multiple or len(key) == 1) and len(set(c.text for c in choices)) == len(choices):
            return concrete, cluster, tuple(choices), tuple(key)
    raise VariantError(f"template {spec.slug} found no variant with a proper key in {MAX_TRIES} tries")


def substitute(spec: QuestionSpec, values: dict[str, str]) -> QuestionSpec:
    def sub(text: str) -> str:
        return string.Template(text).substitute(values) if text else text

    choices = tuple(dataclasses.replace(c, text=sub(c.text), probe=sub(c.probe), yaml=sub(c.yaml))
                    for c in spec.choices)
    return dataclasses.replace(
        spec, prompt=sub(spec.prompt), explanation=sub(spec.explanation), yaml=sub(spec.yaml),
        manifests=sub(spec.manifests), policies=sub(spec.policies), choices=choices,
        externals=tuple(sub(e) for e in spec.externals),
        requires=tuple(sub(r) for r in spec.requires))


def load(spec: QuestionSpec, current: Bank, extra: str = "") -> Cluster:
    """The question's cluster with its policies (and `extra` YAML) applied."""
    try:
        return load_cluster(sources_of(spec, current.clusters, extra), limits().content)
    except InputError as exc:
        raise VariantError(f"{spec.slug}: the cluster does not load: {exc}") from None


def check_choice(analyzer: Analyzer, choice: ChoiceSpec):
    """The engine's verdict on a choice's probe; VariantError when an end is unknown."""
    probe = Probe.parse(choice.probe)
    try:
        return analyzer.check(probe.src, probe.dst, probe.port, probe.protocol)
    except (KeyError, ValueError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        raise VariantError(f"probe {choice.probe!r}: {message}") from None


def _choice_text(c: ChoiceSpec) -> str:
    if c.text:
        return c.text
    if c.probe:
        return Probe.parse(c.probe).describe("→")
    return ""


def _view(cluster: Cluster, externals) -> ClusterView:
    namespaces = tuple((ns.name, _labels(ns.labels, first=NAMESPACE_NAME_LABEL))
                       for ns in cluster.namespaces.values())
    pods = tuple(PodView(p.key, _labels(p.labels), p.ip or "", _ports(p))
                 for p in sorted(cluster.pods, key=lambda p: p.key))
    return ClusterView(namespaces, pods, tuple(externals))


def _labels(labels, first: str = "") -> str:
    items = sorted(labels.items(), key=lambda kv: (kv[0] == first, kv[0]))
    return ", ".join(f"{k}={v}" for k, v in items)


def _ports(pod: Pod) -> str:
    return ", ".join(f"{p.port}/{p.protocol}" + (f" ({p.name})" if p.name else "") for p in pod.ports)
