"""What the learner did to the exercise's cluster, and the cluster that results.

A Baseline is the exercise's starting point (built once). A Changes is the
learner's changes on top of it: policies applied, base policies deleted,
labels changed. It is plain JSON for the session or the database, and `current_cluster`
turns baseline plus changes back into an engine Cluster on every command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from trainer.netpol.build import apply_policies, load_cluster, load_policies
from trainer.netpol.loading import Limits, load_manifests
from trainer.netpol.objects import NAMESPACE_NAME_LABEL, Cluster, Namespace, NetworkPolicy

from .manifests import policy_manifest

# The lab's own policies are re-read on every command; these caps keep that cheap.
STATE_LIMITS = Limits(max_bytes=256 * 1024, max_nodes=60_000)
MAX_LAB_POLICIES = 100
STATE_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    """The exercise's cluster, plus its manifests as written (for -o yaml)."""

    cluster: Cluster
    documents: dict = field(default_factory=dict)  # "Pod shop/db" -> manifest data
    externals: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, text: str, source: str = "cluster", externals=(), *, limits: Limits,
                  cluster=None) -> Baseline:
        cluster = cluster or load_cluster([(text, source)], limits)
        documents = {m.label: m.data for m in load_manifests(text, source, limits)}
        return cls(cluster, documents, tuple(externals))


@dataclass(frozen=True)
class Changes:
    started: datetime
    policies: dict = field(default_factory=dict)  # "ns/name" -> normalised manifest
    created: dict = field(default_factory=dict)  # "ns/name" -> datetime, for lab-made policies
    deleted: frozenset = frozenset()  # base policies the learner deleted
    namespace_labels: dict = field(default_factory=dict)  # name -> full label dict
    pod_labels: dict = field(default_factory=dict)  # "ns/name" -> full label dict

    @classmethod
    def fresh(cls, now: datetime) -> Changes:
        return cls(started=now)

    @property
    def is_pristine(self) -> bool:
        return not (self.policies or self.deleted or self.namespace_labels or self.pod_labels)

    def to_json(self) -> dict:
        return {
            "v": STATE_VERSION,
            "started": _iso(self.started),
            "policies": self.policies,
            "created": {k: _iso(v) for k, v in self.created.items()},
            "deleted": sorted(self.deleted),
            "namespace_labels": self.namespace_labels,
            "pod_labels": self.pod_labels,
        }

    @classmethod
    def from_json(cls, data, now: datetime) -> Changes:
        """Read stored changes; anything malformed gives a fresh lab rather than an error."""
        try:
            if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
                raise ValueError("unknown changes")
            policies = data.get("policies") or {}
            labels = (data.get("namespace_labels") or {}, data.get("pod_labels") or {})
            if not isinstance(policies, dict) or not all(
                    isinstance(m, dict) and all(isinstance(v, dict) for v in m.values()) for m in labels):
                raise ValueError("bad changes")
            return cls(
                started=_parse_iso(data["started"]),
                policies=policies,
                created={k: _parse_iso(v) for k, v in (data.get("created") or {}).items()},
                deleted=frozenset(str(k) for k in data.get("deleted") or ()),
                namespace_labels={k: {str(a): str(b) for a, b in v.items()} for k, v in labels[0].items()},
                pod_labels={k: {str(a): str(b) for a, b in v.items()} for k, v in labels[1].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls.fresh(now)

    def size(self) -> int:
        return len(json.dumps(self.to_json()))


def lab_policies(changes: Changes) -> tuple[NetworkPolicy, ...]:
    """The learner's applied policies, re-read through the engine."""
    if not changes.policies:
        return ()
    text = json.dumps({"apiVersion": "v1", "kind": "List", "items": list(changes.policies.values())})
    return load_policies(text, "lab", STATE_LIMITS).policies


def current_cluster(baseline: Baseline, changes: Changes) -> Cluster:
    """The cluster as the learner has left it. Raises InputError if the changes is unreadable."""
    base = baseline.cluster
    namespaces = dict(base.namespaces)
    # Every cluster has a default namespace, and policies without a namespace land there.
    namespaces.setdefault("default", Namespace("default", {NAMESPACE_NAME_LABEL: "default"}))
    for name, labels in changes.namespace_labels.items():
        if name in namespaces:
            namespaces[name] = replace(namespaces[name], labels={**labels, NAMESPACE_NAME_LABEL: name})
    pods = tuple(replace(p, labels=dict(changes.pod_labels[p.key])) if p.key in changes.pod_labels else p
                 for p in base.pods)
    policies = tuple(p for p in base.policies if p.key not in changes.deleted)
    cluster = Cluster(dict(sorted(namespaces.items())), pods, policies, base.ignored)
    return apply_policies(cluster, lab_policies(changes))


def with_policies(changes: Changes, applied: list[NetworkPolicy], now: datetime,
                  existing: set[str]) -> Changes:
    policies = dict(changes.policies)
    created = dict(changes.created)
    for p in applied:
        policies[p.key] = policy_manifest(p)
        if p.key not in existing:
            created[p.key] = now
    return replace(changes, policies=policies, created=created)


def without_policy(changes: Changes, key: str, base_keys: set[str]) -> Changes:
    policies = {k: v for k, v in changes.policies.items() if k != key}
    created = {k: v for k, v in changes.created.items() if k != key}
    deleted = changes.deleted | {key} if key in base_keys else changes.deleted
    return replace(changes, policies=policies, created=created, deleted=deleted)


def created_at(changes: Changes, key: str) -> datetime:
    return changes.created.get(key, changes.started)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
