"""The grader judges by reachability: right answers written differently pass, near
misses fail with the right diagnosis, unreadable answers are errors, not fails."""

from __future__ import annotations

import json

import pytest

from trainer.catalog.exercises import get_exercise
from trainer.grading import grade
from trainer.netpol.loading import Limits


def passes(exercise_id: str, answer: str):
    result = grade(get_exercise(exercise_id), answer)
    assert result.error is None, result.error_messages
    assert result.passed, [c.message for c in result.checks if not c.ok] + result.diagnoses
    assert result.score == 100
    return result


def fails(exercise_id: str, answer: str, diagnosis: str):
    result = grade(get_exercise(exercise_id), answer)
    assert result.error is None, result.error_messages
    assert not result.passed
    assert 0 <= result.score < 100
    assert any(diagnosis in d for d in result.diagnoses), result.diagnoses
    return result


# --- the same answer, written differently ---------------------------------------

AND_PEER_REORDERED = """
spec:
  ingress:
  - ports:
    - port: 5432
      protocol: TCP
    from:
    - podSelector:
        matchLabels: {app: backend}
      namespaceSelector:
        matchLabels: {team: shop}
  policyTypes: [Ingress]
  podSelector:
    matchLabels: {app: postgres}
metadata:
  namespace: data
  name: db-access
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
"""

AND_PEER_FLOW = (
    "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: db-access, "
    "namespace: data}, spec: {podSelector: {matchLabels: {app: postgres}}, ingress: [{from: "
    "[{namespaceSelector: {matchLabels: {team: shop}}, podSelector: {matchLabels: {app: backend}}}], "
    "ports: [{port: 5432}]}]}}"
)

AND_PEER_JSON = json.dumps({
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "db-access", "namespace": "data"},
    "spec": {
        "podSelector": {"matchLabels": {"app": "postgres"}},
        "policyTypes": ["Ingress"],
        "ingress": [{
            "from": [{"namespaceSelector": {"matchLabels": {"team": "shop"}},
                      "podSelector": {"matchLabels": {"app": "backend"}}}],
            "ports": [{"protocol": "TCP", "port": 5432}],
        }],
    },
}, indent=2)

AND_PEER_EXPRESSIONS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-access, namespace: data}
spec:
  podSelector:
    matchExpressions:
    - {key: app, operator: In, values: [postgres]}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions:
        - {key: team, operator: In, values: [shop]}
      podSelector:
        matchExpressions:
        - {key: app, operator: In, values: [backend]}
    ports:
    - {protocol: TCP, port: 5432}
"""

AND_PEER_LIST = """
apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: db-access, namespace: data}
  spec:
    podSelector: {matchLabels: {app: postgres}}
    ingress:
    - from:
      - {namespaceSelector: {matchLabels: {team: shop}}, podSelector: {matchLabels: {app: backend}}}
      ports: [{port: 5432, protocol: TCP}]
"""


@pytest.mark.parametrize("answer", [AND_PEER_REORDERED, AND_PEER_FLOW, AND_PEER_JSON,
                                    AND_PEER_EXPRESSIONS, AND_PEER_LIST],
                         ids=["keys-reordered", "flow-style", "json", "matchExpressions", "list"])
def test_the_and_peer_answer_passes_however_it_is_written(answer):
    passes("and-peer", answer)


PAYROLL_SPLIT = """
# the two services in one policy...
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: internal-policy, namespace: hr}
spec:
  podSelector: {matchLabels: {name: internal}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {name: payroll}}}]
    ports: [{port: 8080}]
  - to: [{podSelector: {matchLabels: {name: mysql}}}]
    ports: [{port: 3306}]
---
# ...and DNS in another: policies add up
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: internal-dns, namespace: hr}
spec:
  podSelector: {matchLabels: {name: internal}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
"""


def test_an_answer_split_into_two_policies_passes():
    passes("egress-payroll-mysql", PAYROLL_SPLIT)


def test_named_ports_pass_where_they_resolve_to_the_same_numbers():
    dns = get_exercise("default-deny-dns").solution
    dns = dns.replace("protocol: UDP\n      port: 53", "protocol: UDP\n      port: dns")
    dns = dns.replace("protocol: TCP\n      port: 53", "protocol: TCP\n      port: dns-tcp")
    assert "port: dns-tcp" in dns
    passes("default-deny-dns", dns)
    metrics = get_exercise("allow-namespace-label").solution.replace("port: 9100", "port: metrics")
    passes("allow-namespace-label", metrics)


def test_a_named_port_fails_where_the_numbers_differ_per_pod():
    numbers = get_exercise("named-ports").solution.replace(
        "      port: http\n", "      port: 8080\n    - protocol: TCP\n      port: 9090\n")
    result = fails("named-ports", numbers, "number their `http` port differently")
    assert any("api/api-v1 on TCP 9090" in c.message for c in result.checks if not c.ok)


def test_the_answer_is_applied_on_top_of_the_existing_policies():
    # policies-add-up keeps default-deny and allow-web from the cluster: the answer adds to them.
    result = passes("policies-add-up", get_exercise("policies-add-up").solution)
    assert any("shop/default-deny exists" in c.message for c in result.checks)


# --- near misses ----------------------------------------------------------------


def test_or_for_and_fails_naming_the_pods_that_got_in():
    result = fails("and-peer", get_exercise("and-peer").starter, "OR where AND was meant")
    wrong = [c.message for c in result.checks if not c.ok]
    assert any(m.startswith("data/migrations and shop/frontend can reach data/postgres on TCP 5432")
               and "only shop/backend" in m for m in wrong), wrong


def test_a_wrong_port_fails_with_the_wrong_port_diagnosis():
    answer = get_exercise("allow-api-to-db").solution.replace("port: 3306", "port: 3307")
    result = fails("allow-api-to-db", answer, "Wrong port")
    assert any("TCP 3307" in d and "TCP 3306" in d for d in result.diagnoses)


def test_egress_missing_from_policy_types_fails():
    answer = get_exercise("vault-egress").solution.replace("  - Egress\n", "  - Ingress\n")
    fails("vault-egress", answer, "Egress is missing from policyTypes")


def test_egress_rules_without_policy_types_also_isolate_ingress():
    answer = get_exercise("vault-egress").solution.replace("  policyTypes:\n  - Egress\n", "")
    result = fails("vault-egress", answer, "Egress rules that also isolate ingress")
    # Ingress closed on every port: said "on no port", never "cannot reach ... on every port".
    assert any("apps/payments" in c.message and "can reach vault/vault-0 on no port, but the task wants "
               "every port (TCP, UDP and SCTP) open." in c.message for c in result.checks if not c.ok)
    assert not any("on every port" in c.message and "cannot" in c.message for c in result.checks)


def test_the_whole_namespace_allowed_fails():
    answer = get_exercise("and-peer").solution.replace(
        "      podSelector:\n        matchLabels:\n          app: backend\n", "")
    result = fails("and-peer", answer, "The whole namespace is allowed")
    assert any("shop/frontend can reach data/postgres" in c.message for c in result.checks)


def test_dns_over_tcp_only_fails():
    answer = get_exercise("default-deny-dns").solution.replace(
        "    - protocol: UDP\n      port: 53\n", "")
    fails("default-deny-dns", answer, "DNS over TCP only")


def test_a_closer_answer_scores_higher():
    exercise = get_exercise("and-peer")
    nothing = grade(exercise, "")
    near = grade(exercise, exercise.starter)
    assert not nothing.passed and not near.passed
    assert nothing.score < near.score < 100
    assert nothing.diagnoses == ["The answer holds no NetworkPolicy, so nothing changes in the cluster."]


# --- broader than the task: once a least-privilege note, now a fail ----------------


def test_admitting_the_api_label_from_any_namespace_fails_naming_a_new_namespace():
    answer = get_exercise("allow-api-to-db").solution.replace(
        "  - from:\n    - podSelector:",
        "  - from:\n    - namespaceSelector: {}\n      podSelector:")
    result = grade(get_exercise("allow-api-to-db"), answer)
    assert not result.passed
    failed = [c.message for c in result.checks if not c.ok]
    assert any("a new pod labelled name=api-pod in a new namespace" in m and "billing/db" in m
               for m in failed), failed


def test_a_port_range_around_the_port_fails_with_the_extra_ports_as_ranges():
    answer = get_exercise("allow-api-to-db").solution.replace(
        "port: 3306", "port: 3306\n      endPort: 3310")
    result = fails("allow-api-to-db", answer, "Too many ports")
    assert any("TCP 3306-3310" in c.message and "TCP 3306 there" in c.message
               for c in result.checks if not c.ok), result.checks


def test_a_wider_ip_block_fails_naming_a_neighbour_it_lets_in():
    answer = get_exercise("backup-ipblock").solution.replace(
        "cidr: 192.168.5.10/32", "cidr: 192.168.5.8/30\n        except: [192.168.5.11/32]")
    result = fails("backup-ipblock", answer, "The ipBlock is too wide")
    assert any("192.168.5.8" in d or "192.168.5.9" in d for d in result.diagnoses), result.diagnoses


def test_the_reference_itself_gets_no_note():
    for exercise_id in ("allow-api-to-db", "backup-ipblock", "and-peer", "named-ports"):
        assert passes(exercise_id, get_exercise(exercise_id).solution).notes == []


def test_an_accepted_answer_passes_with_its_note():
    exercise = get_exercise("db-from-prod-api")
    result = passes("db-from-prod-api", exercise.accepted[0].solution)
    assert result.notes[0].startswith("Accepted: you picked prod by its label env=prod")


# --- answers that cannot be graded ----------------------------------------------


def test_yaml_that_does_not_parse_is_an_error_with_its_line():
    result = grade(get_exercise("and-peer"), "kind: NetworkPolicy\nmetadata: {name: x\n")
    assert result.error is not None and not result.passed and result.score == 0
    assert result.error.problems[0].line is not None
    assert result.error_messages[0].startswith("answer:")
    assert "invalid YAML" in result.error_messages[0]


def test_an_object_the_api_server_refuses_is_an_error_naming_the_field():
    answer = get_exercise("and-peer").solution.replace("protocol: TCP", "protocol: HTTP")
    result = grade(get_exercise("and-peer"), answer)
    assert result.error is not None
    assert any("spec.ingress[0].ports[0].protocol" in m for m in result.error_messages), \
        result.error_messages
    assert any("NetworkPolicy data/db-access" in m for m in result.error_messages)


def test_ip_block_beside_a_selector_in_one_peer_is_refused():
    answer = get_exercise("backup-ipblock").solution.replace(
        "    - ipBlock:", "      ipBlock:")
    result = grade(get_exercise("backup-ipblock"), answer)
    assert result.error is not None
    assert any("spec.ingress[0].from[0]" in m for m in result.error_messages), result.error_messages


def test_objects_other_than_network_policies_are_an_error():
    answer = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: lab}}\n"
    result = grade(get_exercise("and-peer"), answer)
    assert result.error is not None
    assert "only NetworkPolicy objects are graded" in result.error_messages[0]
    assert "Namespace shop" in result.error_messages[0]


def test_an_answer_over_the_size_limit_is_an_error():
    answer = "# padding\n" * 20 + get_exercise("and-peer").solution
    result = grade(get_exercise("and-peer"), answer, Limits(max_bytes=100))
    assert result.error is not None
    assert "limit" in result.error_messages[0]


def test_an_error_in_json_is_reported_with_the_design_shape():
    result = grade(get_exercise("and-peer"), "{")
    data = result.as_json()
    assert list(data)[:3] == ["passed", "score", "checks"]
    assert data["passed"] is False and data["score"] == 0
    assert data["errors"] and data["checks"][0]["ok"] is False


def test_as_json_starts_with_the_design_fields():
    data = grade(get_exercise("and-peer"), get_exercise("and-peer").starter).as_json()
    assert list(data)[:3] == ["passed", "score", "checks"]
    assert data["passed"] is False and isinstance(data["score"], int)
    assert all(set(c) == {"ok", "message"} for c in data["checks"])
    assert data["diagnoses"] and data["errors"] == []
    json.dumps(data)


def test_every_mangled_solution_gets_a_grade_or_an_error_never_an_exception():
    from trainer.catalog.exercises import all_exercises
    for exercise in all_exercises():
        lines = exercise.solution.splitlines()
        for i, line in enumerate(lines):
            for changed in ([], [line[2:]], ["  " + line], [line.replace("- ", "", 1)]):
                result = grade(exercise, "\n".join(lines[:i] + changed + lines[i + 1:]))
                assert result.error is not None or result.checks
                assert 0 <= result.score <= 100


def test_another_exercise_s_answer_never_passes():
    from trainer.catalog.exercises import all_exercises
    exercises = all_exercises()
    for exercise in exercises:
        for other in exercises:
            if other.id != exercise.id:
                result = grade(exercise, other.solution)
                assert not result.passed, (exercise.id, other.id)
