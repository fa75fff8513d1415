"""Building clusters: defaults applied once, lists unpacked, kubectl apply semantics."""

from trainer.netpol.build import apply_policies, load_cluster, load_policies
from trainer.netpol.objects import NAMESPACE_NAME_LABEL


def test_typed_list_items_take_their_kind_from_the_list():
    text = """
apiVersion: v1
kind: PodList
items:
- metadata: {name: db, namespace: prod, labels: {role: db}}
  status: {podIP: 10.0.1.10}
"""
    cluster = load_cluster([(text, "raw.yaml")])
    assert [p.key for p in cluster.pods] == ["prod/db"]


def test_defaults_namespace_protocol_and_policy_types_are_applied():
    cluster = load_cluster([("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {}
  egress: [{ports: [{port: 53}]}]
""", "p.yaml")])
    policy = cluster.policies[0]
    assert policy.namespace == "default"
    assert policy.policy_types == ("Ingress", "Egress")
    assert policy.egress[0].ports[0].protocol == "TCP"
    assert cluster.namespaces["default"].labels == {NAMESPACE_NAME_LABEL: "default"}
    assert cluster.namespaces["default"].declared is False


def test_empty_egress_list_does_not_add_egress():
    cluster = load_cluster([("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: prod}
spec: {podSelector: {}, egress: []}
""", "p.yaml")])
    assert cluster.policies[0].policy_types == ("Ingress",)


def test_namespace_name_label_cannot_be_spoofed():
    cluster = load_cluster([("""
apiVersion: v1
kind: Namespace
metadata: {name: dev, labels: {kubernetes.io/metadata.name: prod}}
""", "ns.yaml")])
    assert cluster.namespaces["dev"].labels[NAMESPACE_NAME_LABEL] == "dev"


def test_apply_replaces_a_policy_of_the_same_namespace_and_name():
    base = load_cluster([("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: prod}
spec: {podSelector: {}}
""", "a.yaml")])
    answer = load_policies("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: prod}
spec: {podSelector: {matchLabels: {role: db}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: q, namespace: prod}
spec: {podSelector: {}}
""")
    merged = apply_policies(base, answer.policies)
    assert sorted(p.key for p in merged.policies) == ["prod/p", "prod/q"]
    assert dict(merged.policies[0].pod_selector.match_labels) == {"role": "db"}


def test_other_kinds_are_ignored_and_named():
    cluster = load_cluster([("""
apiVersion: v1
kind: Service
metadata: {name: db, namespace: prod}
""", "s.yaml")])
    assert cluster.ignored == ("Service prod/db",)


def test_load_policies_puts_objects_without_namespace_where_apply_n_would():
    answer = load_policies("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-policy}
spec: {podSelector: {}}
""", namespace="prod")
    assert [p.key for p in answer.policies] == ["prod/db-policy"]
