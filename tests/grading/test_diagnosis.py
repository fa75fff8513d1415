"""Feedback in words: differing connections told plainly (pods to come said as such,
ports as ranges, the plugin named where it matters), oddities of a passing answer as notes."""

from __future__ import annotations

import re

from trainer.catalog.exercises import get_exercise
from trainer.grading import grade, judge, parse_answer
from trainer.grading.wording import describe_differences, join


def judgement(exercise_id: str, answer: str):
    manifests, parsed = parse_answer(answer)
    return judge(get_exercise(exercise_id), manifests, parsed)


def test_join_reads_like_a_sentence():
    assert join([]) == ""
    assert join(["a"]) == "a"
    assert join(["a", "b"]) == "a and b"
    assert join(["a", "b", "c"], "or") == "a, b or c"


def test_an_opened_connection_says_who_the_task_admits_instead():
    messages = describe_differences(judgement("and-peer", get_exercise("and-peer").starter))
    assert messages[0] == (
        "data/migrations and shop/frontend can reach data/postgres on TCP 5432, but the task lets "
        "only shop/backend on TCP 5432 into data/postgres. Let through by ingress rule 1 of "
        "data/db-access (spec.ingress[0]), peer 2 (pods app=backend in namespace data), port TCP 5432.")


def test_a_closed_connection_says_what_blocks_it():
    [message] = describe_differences(judgement("allow-api-to-db", get_exercise("allow-api-to-db").starter))
    assert message.startswith(
        "billing/api-pod can reach billing/db on no port, but the task wants TCP 3306 open.")
    assert "Ingress to billing/db: isolated by billing/db-policy" in message


def test_no_difference_says_cannot_reach_on_every_port():
    """Closed on every port is "on no port"; a whole protocol closed is "on any UDP port"."""
    from trainer.catalog.exercises import all_exercises
    told = [m for e in all_exercises() if e.starter
            for m in describe_differences(judgement(e.id, e.starter), limit=100)]
    assert any(" on no port, but the task wants " in m for m in told)
    assert not [m for m in told if re.search(r"cannot reach .* on every", m)]


def test_an_egress_difference_says_where_the_source_may_go():
    messages = describe_differences(judgement("db-egress-backup", get_exercise("db-egress-backup").starter))
    assert any("the task lets prod/db reach only 192.168.5.10 on TCP 80" in m for m in messages)
    assert any("No policy isolates prod/db for egress, so it is open." in m for m in messages)


def test_extra_ports_are_told_as_ranges():
    answer = get_exercise("db-egress-backup").starter
    messages = describe_differences(judgement("db-egress-backup", answer))
    assert any("192.168.5.10 on TCP 1-79 and 81-65535; every UDP and SCTP port, but the task allows "
               "only TCP 80 there" in m for m in messages), messages


def test_a_pod_to_come_is_said_to_be_one():
    answer = get_exercise("default-deny-namespace").solution.replace(
        "podSelector: {}", "podSelector: {matchExpressions: [{key: app, operator: Exists}]}")
    messages = describe_differences(judgement("default-deny-namespace", answer))
    assert any("(a new pod with no labels in staging: none exists today, but one may be started)" in m
               for m in messages), messages


def test_pods_of_one_kind_are_told_together():
    messages = describe_differences(judgement("ipblock-except", get_exercise("ipblock-except").starter))
    assert any(m.startswith("ci/runner and ci/cache can reach any pod on no port, but the task wants every "
                            "port (TCP, UDP and SCTP) open.") for m in messages), messages


def test_a_difference_under_one_plugin_only_names_the_plugin():
    messages = describe_differences(judgement("ipblock-except", get_exercise("ipblock-except").starter))
    skipping = [m for m in messages if "can reach any pod on no port" in m]
    assert skipping[0].endswith("This happens only with a network plugin that never matches ipBlocks "
                                "against pods, as Cilium.")


def test_many_differences_are_cut_short_with_a_count():
    found = judgement("default-deny-namespace", get_exercise("default-deny-namespace").starter)
    messages = describe_differences(found, limit=1)
    assert len(messages) == 2
    assert messages[-1].startswith("... and ")
    assert messages[-1].endswith(f"({found.count} kinds of connection differ in all).")


def test_a_peer_on_a_label_no_namespace_carries_fails_because_one_could():
    exercise = get_exercise("and-peer")
    answer = exercise.solution.replace(
        "    ports:", "    - namespaceSelector: {matchLabels: {team: nobody}}\n    ports:")
    result = grade(exercise, answer)
    assert not result.passed
    assert any(d.startswith("No namespace carries that label") and "team=nobody" in d
               for d in result.diagnoses), result.diagnoses
    assert any("a new namespace labelled team=nobody" in c.message for c in result.checks), result.checks


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


def test_at_most_a_handful_of_diagnoses_are_told():
    exercise = get_exercise("egress-payroll-mysql")
    result = grade(exercise, exercise.starter)
    assert 1 <= len(result.diagnoses) <= 4
    assert result.diagnoses[0].startswith("DNS is forgotten")


def test_every_mistake_a_detector_can_tell_has_a_title_for_instructors():
    from trainer.grading import diagnosis

    detectors = {d.__name__ for d in diagnosis.DETECTORS + diagnosis.ALWAYS}
    assert detectors | {"no_policy"} == set(diagnosis.MISTAKES)


def test_each_diagnosis_told_comes_with_its_mistake_and_a_passing_answer_has_none():
    failing = grade(get_exercise("and-peer"), get_exercise("and-peer").starter)
    assert failing.mistakes and failing.mistakes[0] == "or_for_and"
    assert len(failing.mistakes) == len(failing.diagnoses)  # one id per sentence told
    passing = grade(get_exercise("and-peer"), get_exercise("and-peer").solution)
    assert passing.passed and passing.mistakes == []
    empty = grade(get_exercise("and-peer"), "apiVersion: v1\nkind: List\nitems: []\n")
    assert empty.mistakes == ["no_policy"]
