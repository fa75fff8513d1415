"""What the panel evaluates a learner's YAML against, and how that YAML is read."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.netpol.build import build_cluster, merge_clusters
from trainer.netpol.loading import WEB_LIMITS, load_manifests
from trainer.netpol.objects import Cluster

SOURCE = "editor"  # the source name of the learner's YAML, as Verdict.lines names it


@dataclass(frozen=True)
class Target:
    """The question the headline answers: who can reach this pod on this port?"""

    pod: str
    port: int
    protocol: str = "TCP"
    label: str = ""

    @property
    def port_label(self) -> str:
        return f"{self.protocol} {self.port}"


@dataclass(frozen=True)
class World:
    cluster: Cluster
    externals: tuple[tuple[str, str], ...] = ()  # (ip, label) of hosts outside the cluster
    ports: tuple[tuple[int, str], ...] | None = None  # None: every port a pod declares
    target: Target | None = None
    apply_namespace: str = "default"  # where objects naming no namespace go (kubectl apply -n)

    def external_label(self, ip: str) -> str:
        return next((label for host, label in self.externals if host == ip), "")


def load_learner(world: World, text: str) -> tuple[Cluster, Cluster]:
    """(the learner's own objects, the world with them applied); raises InputError.

    Objects that name no namespace are put in world.apply_namespace first, as
    `kubectl apply -n` does. The engine's load_policies always uses "default",
    so the manifests are read here and built with the engine's build_cluster.
    """
    manifests = load_manifests(text, SOURCE, WEB_LIMITS)
    for manifest in manifests:
        meta = manifest.data.get("metadata")
        if manifest.kind != "Namespace" and isinstance(meta, dict) and meta.get("namespace") in (None, ""):
            meta["namespace"] = world.apply_namespace
    own = build_cluster(manifests)
    return own, merge_clusters(world.cluster, own)
