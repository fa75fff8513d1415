"""The quiz bank's content as frozen objects: topics, questions and templates, and the bank.

quiz_loading.py builds them from lessons/quiz/*.yaml; nothing here reads a file.
quiz_variants.py makes what one attempt shows of a question, and quiz_keys.py
holds the authored keys against the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .fields import Origin

KINDS = {
    "concept": "Concept",
    "reading": "Reading a policy",
    "prediction": "Predicting reachability",
    "least-permissive": "Least permissive policy",
    "mistake": "Spot the mistake",
}


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    rule: str


@dataclass(frozen=True)
class ChoiceSpec:
    """A choice as authored; in a template its texts still hold $placeholders."""

    text: str = ""
    probe: str = ""
    expect_allowed: bool = True
    yaml: str = ""
    correct: bool | None = None  # None in templates: the engine decides


@dataclass(frozen=True)
class QuestionSpec:
    """A bank question, or a template when it has params."""

    slug: str
    kind: str
    topic: str
    stage: int
    prompt: str
    explanation: str
    choices: tuple[ChoiceSpec, ...]
    multiple: bool = False
    shuffle: bool = True
    yaml: str = ""
    cluster: str = ""  # a name in clusters.yaml
    manifests: str = ""
    policies: str = ""
    externals: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    params: tuple[tuple[str, tuple[str, ...]], ...] = ()
    pick: int | None = None
    # Where it was read, for messages about it (the engine's check of its key); not part of what it is.
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def is_template(self) -> bool:
        return bool(self.params)

    @property
    def has_cluster(self) -> bool:
        return bool(self.cluster or self.manifests)

    @property
    def source(self) -> str:
        """The file it is in, as lessons/quiz/<file>."""
        return self.origin.name if self.origin else ""

    @property
    def line(self) -> int | None:
        return self.origin.line() if self.origin else None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass(frozen=True, eq=False)  # compared by identity, so it can key caches
class Bank:
    topics: Mapping[str, Topic]
    clusters: Mapping[str, str]
    questions: Mapping[str, QuestionSpec]  # bank questions and templates, by slug

    def __post_init__(self):
        for name in ("topics", "clusters", "questions"):  # frozen all the way down
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def get(self, slug: str) -> QuestionSpec | None:
        return self.questions.get(slug)


# --- template params ---------------------------------------------------------------


def placeholders(params) -> dict[str, tuple[str, ...]]:
    """Every placeholder name a template's params provide, with its possible values."""
    found = {}
    for name, values in params:
        if isinstance(values[0], tuple):
            for key, _ in values[0]:
                found[f"{name}_{key}"] = tuple(dict(v)[key] for v in values)
        else:
            found[name] = values
    return found


def expand(name: str, value) -> dict[str, str]:
    """One param's chosen value as placeholder values."""
    if isinstance(value, tuple):
        return {f"{name}_{key}": v for key, v in value}
    return {name: value}


def sources_of(spec: QuestionSpec, clusters: Mapping[str, str], extra: str = "") -> list[tuple[str, str]]:
    """The YAML a question's cluster is built from, as (text, name): its shared cluster, its
    manifests, its policies and `extra` (a choice's policy)."""
    sources = []
    if spec.cluster:
        sources.append((clusters[spec.cluster], f"clusters.yaml#{spec.cluster}"))
    for text, name in ((spec.manifests, "manifests"), (spec.policies, "policies"), (extra, "choice")):
        if text:
            sources.append((text, f"{spec.slug}:{name}"))
    return sources
