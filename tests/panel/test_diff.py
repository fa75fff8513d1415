"""What changed since the previous evaluation: the panel's diff of two allowed sets."""

from __future__ import annotations

from trainer.netpol.build import load_cluster
from trainer.panel.panel import evaluate
from trainer.panel.world import World

CLUSTER = """
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {role: web}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {role: db}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 3306}]}]}
"""

DENY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: prod}
spec: {podSelector: {matchLabels: {role: db}}}
"""


def test_the_diff_names_the_connections_closed_and_then_opened_again():
    world = World(cluster=load_cluster([(CLUSTER, "c.yaml")]), apply_namespace="prod")
    open_ = evaluate(world, "")
    assert open_.diff.first
    closed = evaluate(world, DENY, before=open_.allowed)
    assert closed.diff.closed == ("prod/web → prod/db TCP 3306",) and closed.diff.opened == ()
    reopened = evaluate(world, "", before=closed.allowed)
    assert reopened.diff.opened == ("prod/web → prod/db TCP 3306",) and reopened.diff.closed == ()
