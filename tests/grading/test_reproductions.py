"""The answers that once scored PASSED 100/100 though each broke its task or taught
a bad habit, and the right answers that once failed: each as it should be now."""

from __future__ import annotations

from trainer.catalog.exercises import get_exercise
from trainer.grading import grade
from trainer.grading.audit import exercise_problems


def verdict(exercise_id: str, answer: str):
    result = grade(get_exercise(exercise_id), answer)
    assert result.error is None, result.error_messages
    return result


def failed_checks(result) -> list[str]:
    return [c.message for c in result.checks if not c.ok]


def solution(exercise_id: str, *pairs: tuple[str, str]) -> str:
    text = get_exercise(exercise_id).solution
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def extra_rule(exercise_id: str, direction: str, port: int) -> str:
    peers = "from" if direction == "ingress" else "to"
    return (get_exercise(exercise_id).solution.rstrip()
            + f"\n  - {peers}: [{{ipBlock: {{cidr: 0.0.0.0/0}}}}]\n    ports: [{{port: {port}}}]\n")


# 1. "deny all incoming traffic to the database pod", plus TCP 22 from everyone.
def test_deny_db_ingress_with_tcp_22_open_to_every_source_fails():
    answer = get_exercise("deny-db-ingress").solution + "  ingress: [{ports: [{protocol: TCP, port: 22}]}]\n"
    result = verdict("deny-db-ingress", answer)
    assert not result.passed and result.score < 100
    assert result.diagnoses[0].startswith("Open to everyone: ingress rule 1 of shop/db-policy")
    assert "every host on the internet" in result.diagnoses[0]
    assert any("can reach shop/db on TCP 22" in m for m in failed_checks(result))


# 2. "on TCP 3306, and on nothing else", written as ports 1 to 3306.
def test_allow_api_to_db_with_a_port_range_up_to_3306_fails_naming_the_extra_range():
    answer = solution("allow-api-to-db", ("port: 3306", "port: 1\n      endPort: 3306"))
    result = verdict("allow-api-to-db", answer)
    assert not result.passed
    assert result.diagnoses[0].startswith("Too many ports")
    assert any("billing/api-pod can reach billing/db on TCP 1-3305, but the task allows only TCP 3306"
               in m for m in failed_checks(result))


# 3. The API pod chosen by its own IP address instead of selectors.
def test_db_from_prod_api_by_the_api_pods_ip_fails_with_its_own_diagnosis():
    answer = solution("db-from-prod-api", (
        "    - podSelector:\n        matchLabels:\n          name: api-pod\n"
        "      namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: prod",
        "    - ipBlock:\n        cidr: 10.3.3.20/32"))
    result = verdict("db-from-prod-api", answer)
    assert not result.passed
    assert result.diagnoses[0].startswith("Pods chosen by their IP addresses")
    assert "ipBlock 10.3.3.20/32 holds the address of prod/api-pod" in result.diagnoses[0]
    assert any(m.startswith("prod/api-pod can reach data/db on no port, but the task wants TCP 3306 open")
               and "Cilium" in m
               for m in failed_checks(result))


# 4. DNS "to the cluster's DNS pods and nothing else": OR for AND, and the namespace alone.
DNS_POD_SELECTOR = "      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n"


def test_default_deny_dns_with_or_for_and_fails():
    or_for_and = DNS_POD_SELECTOR.replace("      podSelector", "    - podSelector")
    answer = solution("default-deny-dns", (DNS_POD_SELECTOR, or_for_and))
    result = verdict("default-deny-dns", answer)
    assert not result.passed
    assert result.diagnoses[0].startswith("OR where AND was meant")
    assert result.mistakes[0] == "or_for_and"  # the id class views count
    assert any("kube-system/metrics-server on TCP and UDP 53" in m for m in failed_checks(result))


def test_default_deny_dns_with_the_namespace_alone_fails():
    result = verdict("default-deny-dns", solution("default-deny-dns", (DNS_POD_SELECTOR, "")))
    assert not result.passed
    assert result.diagnoses[0].startswith("The whole namespace is allowed")
    assert result.mistakes[0] == "namespace_alone"


# 5. Selectors that leave pods to come open, or let them in.
def test_default_deny_namespace_with_app_exists_fails_naming_an_unlabelled_pod():
    answer = solution("default-deny-namespace",
                      ("podSelector: {}", "podSelector: {matchExpressions: [{key: app, operator: Exists}]}"))
    result = verdict("default-deny-namespace", answer)
    assert not result.passed
    assert result.diagnoses[0].startswith("A selector that misses pods to come")
    assert "a new pod with no labels in staging: none exists today" in result.diagnoses[0]


def test_two_databases_with_tier_not_in_frontend_fails():
    answer = solution("two-databases", ("{key: tier, operator: In, values: [backend, worker]}",
                                        "{key: tier, operator: NotIn, values: [frontend]}"))
    result = verdict("two-databases", answer)
    assert not result.passed
    assert result.diagnoses[0].startswith("A selector that admits pods to come")
    assert "`NotIn` and `DoesNotExist` also match pods that lack the label" in result.diagnoses[0]


# 6. An extra rule to or from 0.0.0.0/0 on a port no pod declares.
def test_backup_ipblock_with_tcp_22_from_everywhere_fails():
    result = verdict("backup-ipblock", extra_rule("backup-ipblock", "ingress", 22))
    assert not result.passed
    assert result.diagnoses[0].startswith("Open to everyone: ingress rule 2 of prod/db-policy")


def test_db_egress_backup_with_tcp_22_to_everywhere_fails():
    result = verdict("db-egress-backup", extra_rule("db-egress-backup", "egress", 22))
    assert not result.passed
    assert result.diagnoses[0].startswith("Open to everything: egress rule 2 of prod/db-policy")
    assert any("prod/db can reach 203.0.113.50 on TCP 22" in m for m in failed_checks(result))


def test_vault_egress_with_tcp_443_to_everywhere_fails():
    result = verdict("vault-egress", extra_rule("vault-egress", "egress", 443))
    assert not result.passed
    assert result.diagnoses[0].startswith("Open to everything: egress rule 2 of vault/vault-egress")


# And the other way round.
def test_egress_payroll_mysql_with_least_privilege_dns_passes():
    result = verdict("egress-payroll-mysql", get_exercise("egress-payroll-mysql").solution)
    assert result.passed and result.score == 100
    assert "kube-dns" in get_exercise("egress-payroll-mysql").solution
    assert not any("DNS is forgotten" in d for d in result.diagnoses)


def test_egress_payroll_mysql_with_dns_to_anywhere_passes_with_a_note():
    exercise = get_exercise("egress-payroll-mysql")
    [accepted] = exercise.accepted
    result = verdict("egress-payroll-mysql", accepted.solution)
    assert result.passed
    assert result.notes[0].startswith("Accepted: your DNS rule lets the internal pod send port 53 to any")


def test_egress_payroll_mysql_with_dns_to_all_of_kube_system_fails():
    answer = get_exercise("egress-payroll-mysql").solution.replace(
        "      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n", "")
    result = verdict("egress-payroll-mysql", answer)
    assert not result.passed
    assert any("kube-system/metrics-server" in m for m in failed_checks(result))


OLD_IPBLOCK_EXCEPT = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: block-metadata, namespace: ci}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}
"""


def test_ipblock_except_reference_is_portable_and_the_old_one_fails():
    exercise = get_exercise("ipblock-except")
    assert exercise_problems(exercise) == []
    assert "namespaceSelector: {}" in exercise.solution
    result = verdict("ipblock-except", OLD_IPBLOCK_EXCEPT)
    assert not result.passed
    assert any("ci/runner and ci/cache can reach any pod on no port" in m and "Cilium" in m
               for m in failed_checks(result)), failed_checks(result)
