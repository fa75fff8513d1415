"""Feedback in words: differing connections told plainly, oddities of a passing answer as notes."""

from __future__ import annotations

from trainer.lab.diagnosis import describe_differences, join, ports_text
from trainer.lab.grading import compare, grade, parse_answer

from trainer.catalog.exercises import get_exercise

EVERY = tuple((n, p) for n in (80, 3306) for p in ("TCP", "UDP", "SCTP"))


def comparison(exercise_id: str, answer: str):
    exercise = get_exercise(exercise_id)
    manifests, parsed = parse_answer(answer)
    return compare(exercise, manifests, parsed)


def test_join_reads_like_a_sentence():
    assert join([]) == ""
    assert join(["a"]) == "a"
    assert join(["a", "b"]) == "a and b"
    assert join(["a", "b", "c"], "or") == "a, b or c"


def test_ports_text_groups_protocols_and_numbers():
    assert ports_text([(3306, "TCP")]) == "TCP 3306"
    assert ports_text([(53, "UDP"), (53, "TCP")]) == "TCP and UDP 53"
    assert ports_text([(80, "TCP"), (8080, "TCP")]) == "TCP 80 and 8080"
    assert ports_text([(80, "TCP"), (80, "UDP"), (3306, "TCP"), (3306, "UDP")]) == \
        "ports 80 and 3306 over TCP and UDP"
    assert ports_text(EVERY, every=EVERY) == "every port checked"


def test_an_opened_connection_says_who_the_task_admits_instead():
    cmp = comparison("and-peer", get_exercise("and-peer").starter)
    messages = describe_differences(cmp)
    assert messages[0] == (
        "data/migrations and shop/frontend can reach data/postgres on TCP 5432, but the task lets "
        "only shop/backend on TCP 5432 into data/postgres. Let through by ingress rule 1 of "
        "data/db-access (spec.ingress[0]), peer 2 (pods app=backend in namespace data), port TCP 5432.")


def test_a_closed_connection_says_what_blocks_it():
    cmp = comparison("allow-api-to-db", get_exercise("allow-api-to-db").starter)
    [message] = describe_differences(cmp)
    assert message.startswith(
        "billing/api-pod cannot reach billing/db on TCP 3306, but the task says it should.")
    assert "Ingress to billing/db: isolated by billing/db-policy" in message


def test_an_egress_difference_says_where_the_source_may_go():
    cmp = comparison("db-egress-backup", get_exercise("db-egress-backup").starter)
    messages = describe_differences(cmp)
    assert any("the task lets prod/db reach only 192.168.5.10 on TCP 80" in m for m in messages)
    assert any("No policy isolates prod/db for egress, so it is open." in m for m in messages)


def test_many_differences_are_cut_short_with_a_count():
    cmp = comparison("default-deny-namespace", get_exercise("default-deny-namespace").starter)
    messages = describe_differences(cmp, limit=2)
    assert len(messages) == 3
    total = len(cmp.opened) + len(cmp.closed)
    assert messages[-1].endswith(f"({total} connections differ in all).")


def test_a_passing_answer_with_a_dead_peer_gets_a_note_not_a_diagnosis():
    exercise = get_exercise("and-peer")
    answer = exercise.solution.replace(
        "    ports:", "    - namespaceSelector: {matchLabels: {team: nobody}}\n    ports:")
    result = grade(exercise, answer)
    assert result.passed and result.diagnoses == []
    assert any(n.startswith("No namespace carries that label") and "team=nobody" in n
               for n in result.notes), result.notes


def test_a_passing_answer_with_ignored_egress_rules_gets_a_note():
    exercise = get_exercise("allow-api-to-db")
    answer = exercise.solution + "  egress:\n  - to:\n    - podSelector: {}\n"
    result = grade(exercise, answer)
    assert result.passed
    assert any("Egress is missing from policyTypes" in n for n in result.notes), result.notes


def test_unknown_named_port_is_diagnosed():
    exercise = get_exercise("named-ports")
    answer = exercise.solution.replace("port: http", "port: web")
    result = grade(exercise, answer)
    assert not result.passed
    assert any(d.startswith("Unknown named port") and "`web`" in d for d in result.diagnoses)


def test_the_same_mistake_in_two_connections_is_told_once():
    exercise = get_exercise("two-sources-or")
    result = grade(exercise, exercise.starter)
    assert len([d for d in result.diagnoses if d.startswith("AND where OR")]) == 1
