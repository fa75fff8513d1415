"""What the panel evaluates a learner's YAML against, and how that YAML is read."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.limits import limits
from trainer.netpol.build import load_policies, merge_clusters
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

    Objects that name no namespace go in world.apply_namespace, as `kubectl apply -n` does.
    """
    own = load_policies(text, SOURCE, limits().web, namespace=world.apply_namespace)
    return own, merge_clusters(world.cluster, own)
