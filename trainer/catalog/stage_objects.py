"""The walkthrough's content as frozen objects: stages, and the scenarios (clusters) they run in.

stage_loading.py builds them from lessons/stages/ and lessons/clusters/; nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.netpol.objects import Cluster

from .probes import Probe


@dataclass(frozen=True)
class Block:
    """One piece of a lesson's text. kind: p, note, warning, list, table or code (shown as it is)."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    caption: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Claims:
    """What a stage's own YAML does in one scenario (checked by the content tests)."""

    reaches_db: frozenset[str]  # exactly the sources that reach the focus on its port
    db_reaches: frozenset[tuple[str, int, str]] | None  # exactly what the focus may open, if given
    probes: tuple[Probe, ...] = ()


@dataclass(frozen=True)
class External:
    ip: str
    label: str


@dataclass(frozen=True)
class Focus:
    pod: str
    port: int
    protocol: str
    label: str


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str
    cluster_file: str
    cluster: Cluster
    apply_namespace: str
    focus: Focus
    ports: tuple[tuple[int, str], ...]
    externals: tuple[External, ...]


@dataclass(frozen=True)
class Stage:
    number: int
    slug: str
    title: str
    goal: str
    body: tuple[Block, ...]
    tries: tuple[str, ...]
    yaml: str
    claims: dict  # scenario slug -> Claims

    @property
    def filename(self) -> str:
        return f"db-policy-stage-{self.number}.yaml"


@dataclass(frozen=True)
class Catalog:
    """The stages that loaded, in order of their numbers, and the scenarios; the first is the default."""

    stages: tuple[Stage, ...]
    scenarios: tuple[Scenario, ...]

    def stage(self, number: int) -> Stage | None:
        return next((s for s in self.stages if s.number == number), None)

    def scenario(self, slug: str | None) -> Scenario | None:
        """The named scenario, the first (default) one for None, or None when unknown."""
        if not slug:
            return self.scenarios[0] if self.scenarios else None
        return next((s for s in self.scenarios if s.slug == slug), None)
