"""Every exercise loads, its solution passes its own grader, its starter fails, and
wrong answers get the diagnosis they deserve. Inspection-question keys agree with
the engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer.catalog import exercises as catalog
from trainer.catalog.exercises import NONE_CHOICE, POLICY_TYPE_CHOICES, all_exercises, get_exercise
from trainer.grading import grade
from trainer.netpol.evaluation import Analyzer

REAL_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
EXERCISES = all_exercises()
IDS = [e.id for e in EXERCISES]


def test_the_catalog_has_no_problems():
    assert catalog.problems() == []


def test_there_are_at_least_sixteen_exercises_with_unique_ids():
    assert len(EXERCISES) >= 16
    assert len(set(IDS)) == len(IDS)


def test_stages_two_to_six_each_have_an_exercise():
    assert {e.stage for e in EXERCISES} >= {2, 3, 4, 5, 6}


def test_get_exercise_finds_by_id_and_refuses_an_unknown_one():
    assert get_exercise("and-peer").title == "Chosen pods of another namespace"
    with pytest.raises(KeyError):
        get_exercise("no-such-exercise")


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_solution_passes_its_own_grader(exercise):
    result = grade(exercise, exercise.solution)
    assert result.error is None
    assert result.passed, [c.message for c in result.checks if not c.ok]
    assert result.score == 100
    assert result.diagnoses == []


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_starter_fails_without_an_error(exercise):
    assert exercise.starter.strip()
    result = grade(exercise, exercise.starter)
    assert result.error is None
    assert not result.passed
    assert result.score < 100


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_exercise_has_a_task_hints_and_probes_naming_real_endpoints(exercise):
    assert exercise.task.strip() and exercise.hints
    analyzer = Analyzer(exercise.cluster)
    for probe in exercise.expect:
        analyzer.endpoint(probe.src)
        analyzer.endpoint(probe.dst)


def test_lab_style_exercises_have_two_to_four_questions():
    for exercise in EXERCISES:
        if exercise.stage is None:
            assert 2 <= len(exercise.questions) <= 4, exercise.id


# --- wrong answers, and what they should be told -------------------------------


def swap(exercise_id: str, *pairs: tuple[str, str]) -> str:
    """The exercise's solution with each old text replaced by the new one (once each)."""
    text = get_exercise(exercise_id).solution
    for old, new in pairs:
        assert old in text, f"{old!r} is not in the solution of {exercise_id}"
        text = text.replace(old, new, 1)
    return text


def starter(exercise_id: str) -> str:
    return get_exercise(exercise_id).starter


NO_UDP_DNS = ("    - protocol: UDP\n      port: 53\n", "")
NO_TCP_DNS = ("    - protocol: TCP\n      port: 53\n", "")
NO_POLICY_TYPES = ("  policyTypes:\n  - Egress\n", "")
INGRESS_ONLY = ("  policyTypes:\n  - Egress\n", "  policyTypes:\n  - Ingress\n")

WRONG = {
    "deny-db-ingress": [
        (starter("deny-db-ingress"), "applies to more pods than the task means"),
        (swap("deny-db-ingress", ("  namespace: shop\n", "")), "wrong namespace"),
    ],
    "allow-api-to-db": [
        (swap("allow-api-to-db", ("port: 3306", "port: 3307")), "Wrong port"),
        (swap("allow-api-to-db", ("    ports:", "  - ports:")), "`- ports:` started a rule of its own"),
    ],
    "db-from-prod-api": [
        (starter("db-from-prod-api"), "A podSelector alone looks in its own namespace only"),
        (swap("db-from-prod-api", ("      namespaceSelector:", "    - namespaceSelector:")),
         "OR where AND was meant"),
        (swap("db-from-prod-api", ("kubernetes.io/metadata.name: prod", "name: prod")),
         "No namespace carries that label"),
        (swap("db-from-prod-api", ("    - podSelector:\n        matchLabels:\n          name: api-pod\n"
                                   "      namespaceSelector:", "    - namespaceSelector:")),
         "The whole namespace is allowed"),
    ],
    "backup-ipblock": [
        (swap("backup-ipblock", ("192.168.5.10/32", "192.168.5.0/24")), "The ipBlock is too wide"),
    ],
    "db-egress-backup": [
        (starter("db-egress-backup"), "Egress is missing from policyTypes"),
        (swap("db-egress-backup", ("  - Egress\n", "")), "Egress is missing from policyTypes"),
        (swap("db-egress-backup", ("port: 80", "port: 8080")), "Wrong port"),
    ],
    "default-deny-namespace": [
        (starter("default-deny-namespace"), "wrong namespace"),
        (swap("default-deny-namespace", ("podSelector: {}", "podSelector: {matchLabels: {app: frontend}}")),
         "The policy misses pods"),
    ],
    "default-deny-dns": [
        (starter("default-deny-dns"), "DNS is forgotten"),
        (swap("default-deny-dns", NO_UDP_DNS), "DNS over TCP only"),
        (swap("default-deny-dns", NO_TCP_DNS), "DNS over UDP only"),
        (swap("default-deny-dns", NO_POLICY_TYPES), "Egress rules that also isolate ingress"),
        (swap("default-deny-dns", INGRESS_ONLY), "Egress is missing from policyTypes"),
        (swap("default-deny-dns", ("protocol: UDP\n      port: 53", "protocol: TCP\n      port: dns")),
         "Named port with the wrong protocol"),
    ],
    "allow-namespace-label": [
        (starter("allow-namespace-label"), "A podSelector alone looks in its own namespace only"),
        (swap("allow-namespace-label", ("purpose: monitoring", "name: monitoring")),
         "No namespace carries that label"),
    ],
    "and-peer": [
        (starter("and-peer"), "OR where AND was meant"),
        (swap("and-peer", ("      podSelector:\n        matchLabels:\n          app: backend\n", "")),
         "The whole namespace is allowed"),
        (swap("and-peer", ("    - namespaceSelector:\n        matchLabels:\n          team: shop\n"
                           "      podSelector:", "    - podSelector:")),
         "A podSelector alone looks in its own namespace only"),
    ],
    "ipblock-except": [
        (starter("ipblock-except"), "The ipBlock is too wide"),
        (swap("ipblock-except", NO_POLICY_TYPES), "Egress rules that also isolate ingress"),
    ],
    "egress-payroll-mysql": [
        (starter("egress-payroll-mysql"), "Every combination is open"),
        (swap("egress-payroll-mysql", ("  - to:\n    - namespaceSelector:\n        matchLabels:\n"
                                       "          kubernetes.io/metadata.name: kube-system\n"
                                       "      podSelector:\n        matchLabels:\n"
                                       "          k8s-app: kube-dns\n"
                                       "    ports:\n    - protocol: UDP\n      port: 53\n"
                                       "    - protocol: TCP\n      port: 53\n", "")),
         "DNS is forgotten"),
        (swap("egress-payroll-mysql", NO_TCP_DNS), "DNS over UDP only"),
    ],
    "two-databases": [
        (starter("two-databases"), "Every combination is open"),
        (swap("two-databases", ("      podSelector:\n        matchLabels:\n          tier: backend",
                                "    - podSelector:\n        matchLabels:\n          tier: backend")),
         "OR where AND was meant"),
    ],
    "named-ports": [
        (swap("named-ports", ("      port: http\n",
                              "      port: 8080\n    - protocol: TCP\n      port: 9090\n")),
         "number their `http` port differently"),
        (starter("named-ports"), "Wrong port"),
        (swap("named-ports", ("protocol: TCP\n      port: http", "protocol: UDP\n      port: http")),
         "Named port with the wrong protocol"),
    ],
    "policies-add-up": [
        (starter("policies-add-up"), "An existing policy was replaced"),
    ],
    "vault-egress": [
        (starter("vault-egress"), "Egress rules that also isolate ingress"),
        (swap("vault-egress", INGRESS_ONLY),
         "Egress is missing from policyTypes"),
        (swap("vault-egress", ("10.20.0.5/32", "10.20.0.0/24")), "The ipBlock is too wide"),
    ],
    "two-sources-or": [
        (starter("two-sources-or"), "AND where OR was meant"),
    ],
}


def test_every_exercise_has_wrong_variants():
    assert set(WRONG) == set(IDS)


@pytest.mark.parametrize("exercise_id, answer, expected", [
    (eid, answer, expected) for eid, cases in WRONG.items() for answer, expected in cases
], ids=[f"{eid}-{i}" for eid, cases in WRONG.items() for i in range(len(cases))])
def test_wrong_variant_fails_with_its_diagnosis(exercise_id, answer, expected):
    result = grade(get_exercise(exercise_id), answer)
    assert result.error is None, result.error_messages
    assert not result.passed
    assert any(expected in d for d in result.diagnoses), result.diagnoses


# --- inspection questions --------------------------------------------------------


def engine_answers(exercise, question) -> frozenset[int]:
    """The right choices as the engine sees the exercise's starting cluster."""
    check = dict(question.check)
    cluster = exercise.cluster
    analyzer = Analyzer(cluster)
    policies = {p.key: p for p in cluster.policies}
    if "count" in check:
        things = cluster.policies if check["count"] == "policies" else cluster.pods
        count = sum(1 for t in things if t.namespace == check["namespace"])
        return frozenset(i for i, c in enumerate(question.choices) if int(c) == count)
    if "policy_types" in check:
        words = POLICY_TYPE_CHOICES[policies[check["policy_types"]].policy_types]
        return frozenset(i for i, c in enumerate(question.choices) if c == words)
    if "selected_by" in check:
        policy = policies[check["selected_by"]]
        right = {p.key for p in cluster.pods
                 if p.namespace == policy.namespace and policy.pod_selector.matches(p.labels)}
    elif "reaches" in check:
        right = {c for c in question.choices if c != NONE_CHOICE and analyzer.allowed(
            c, check["reaches"], check["port"], check.get("protocol") or "TCP")}
    else:
        right = {c for c in question.choices if c != NONE_CHOICE and analyzer.allowed(
            check["reached_from"], c, check["port"], check.get("protocol") or "TCP")}
    named = {c for c in question.choices if c in right}
    return frozenset(i for i, c in enumerate(question.choices)
                     if c in named or (c == NONE_CHOICE and not named))


QUESTIONS = [(e, q) for e in EXERCISES for q in e.questions if q.check]


@pytest.mark.parametrize("exercise, question", QUESTIONS,
                         ids=[f"{e.id}-{q.id}" for e, q in QUESTIONS])
def test_question_key_agrees_with_the_engine(exercise, question):
    assert question.answers == engine_answers(exercise, question)
    assert question.explanation


def test_reachability_and_selection_questions_all_carry_a_check():
    for exercise in EXERCISES:
        for q in exercise.questions:
            assert q.check, f"{exercise.id}/{q.id} has no check the tests can hold against the engine"


def test_question_grades_a_pick_of_choices():
    question = get_exercise("default-deny-namespace").question("count-ops")
    assert question.is_right([1])
    assert not question.is_right([0])
    assert not question.is_right([1, 2])
    multiple = get_exercise("named-ports").question("deny-applies-to")
    assert multiple.multiple and multiple.is_right(["2", "1", "0"])


# --- broken files are reported with file, field and line --------------------------

GOOD = get_exercise("and-peer").path.read_text()
NAME = "lessons/exercises/01.yaml"  # the file as messages name it, relative to LESSONS_DIR


@pytest.fixture
def lessons(tmp_path, settings):
    (tmp_path / "exercises").mkdir()
    settings.LESSONS_DIR = tmp_path

    def write(name: str, text: str):
        (tmp_path / "exercises" / name).write_text(text)
        return tmp_path / "exercises" / name
    return write


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_problems_is_empty_for_a_good_copy(lessons):
    lessons("01.yaml", GOOD)
    assert catalog.problems() == []
    assert [e.id for e in all_exercises()] == ["and-peer"]


@pytest.mark.parametrize("old, new, field, message", [
    ("title: Chosen", "titel: typo\ntitle: Chosen", "titel",
     'unknown field "titel" (expected one of accepted, cluster, expect, externals, hints, id, pod_network, '
     "questions, require, solution, stage, starter, task, title)"),
    ("id: and-peer", "id: And Peer", "id", "'And Peer' must be a slug: lowercase letters, digits and dashes"),
    ("  - {from: shop/backend,", "  - {from: shop/nobody,", "expect[0].from",
     "'shop/nobody' is neither a pod of the cluster (namespace/name) nor one of externals"),
    ("    answers: [0, 1, 2, 3]", "    answers: [4]", "questions[0].answers[0]",
     "4 is not an index of choices (0 to 3)"),
    ("    check: {count: policies, namespace: data}", "    check: {count: things, namespace: data}",
     "questions[1].check.count", "must be policies or pods"),
    ("name: postgres, containerPort: 5432", "name: postgres, containerPort: 70000", "cluster",
     "Pod data/postgres: spec.containers[0].ports[0].containerPort: Invalid value: 70000: "
     "must be between 1 and 65535, inclusive"),
    ("      port: 5432\nexpect:", "      port: 5432\n    - kind: Pod\nexpect:", "solution",
     "NetworkPolicy data/db-access: spec.ingress[1].kind: unknown field (expected one of ports, from)"),
])
def test_a_broken_field_is_named_with_its_file_and_line(lessons, old, new, field, message):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    path = lessons("01.yaml", text)
    needle = new.split("\n")[-2 if new.endswith("expect:") else 0].strip()
    assert catalog.problems() == [f"{NAME}:{line_of(text, needle)}: {field}: {message}"]
    assert all_exercises() == ()  # a broken exercise is left out
    with pytest.raises(catalog.ExerciseFileError) as raised:  # and refused whole when loaded on its own
        catalog.load_exercise_file(path)
    assert raised.value.problems == catalog.problems()
    assert str(raised.value) == catalog.problems()[0]


def test_the_line_of_an_embedded_cluster_problem_is_the_line_in_the_file(lessons):
    text = GOOD.replace("name: postgres, containerPort: 5432", "name: postgres, containerPort: 70000", 1)
    lessons("01.yaml", text)
    wanted = next(i for i, line in enumerate(text.splitlines(), 1) if "70000" in line)
    [problem] = catalog.problems()
    assert problem.startswith(f"{NAME}:{wanted}: cluster: ")


def test_yaml_that_does_not_parse_and_duplicate_ids_are_problems(lessons):
    lessons("01.yaml", GOOD)
    lessons("02.yaml", GOOD)
    lessons("03.yaml", "id: x\ntitle: [unclosed\n")
    found = catalog.problems()
    assert found[0] == ("lessons/exercises/02.yaml:1: id: 'and-peer' is already used at "
                        "lessons/exercises/01.yaml:1")
    assert len(found) == 2 and found[1] == (
        "lessons/exercises/03.yaml:2: invalid YAML: the '[' at column 8 is never closed: "
        "end the list with ']'")
    assert [e.path.name for e in all_exercises()] == ["01.yaml"]  # the second of an id is left out


def test_the_system_check_reports_a_broken_exercise(lessons):
    from trainer.catalog.checks import content_check
    lessons("01.yaml", GOOD.replace("title: Chosen", "titel: Chosen"))
    errors = [e.msg for e in content_check(None) if e.id == "catalog.exercises"]
    assert errors == [
        f'{NAME}:2: titel: unknown field "titel" (expected one of accepted, cluster, expect, externals, '
        "hints, id, pod_network, questions, require, solution, stage, starter, task, title)",
    ]


def test_two_independent_broken_fields_are_two_problems_and_a_broken_file_hides_no_other(lessons):
    text = (GOOD.replace("title: Chosen", "title: 7 # Chosen")
            .replace("    answers: [0]", "    answers: [zero]"))
    lessons("01.yaml", "id: x\ntitle: [unclosed\n")
    lessons("02.yaml", text)
    assert catalog.problems()[1:] == [
        "lessons/exercises/02.yaml:2: title: must be text, not a number",
        f"lessons/exercises/02.yaml:{line_of(text, '[zero]')}: questions[1].answers[0]: "
        "must be a number, not text",
    ]
    assert catalog.problems()[0].startswith("lessons/exercises/01.yaml:2: invalid YAML")


@pytest.mark.parametrize("old, new, field, known", [
    ("  - {namespace: data, name: db-access}", "  - {namespce: data, name: db-access}", "require[0].namespce",
     "kind, namespace, name"),
    ("{count: policies, namespace: data}", "{count: policies, namespace: data, port: 80}",
     "questions[1].check.port", "count, namespace"),
    ("{reaches: data/postgres, port: 5432, protocol: TCP}",
     "{reaches: data/postgres, port: 5432, protocl: TCP}",
     "questions[0].check.protocl", "reaches, port, protocol"),
])
def test_an_unknown_key_in_a_requirement_or_a_question_check_is_reported(lessons, old, new, field, known):
    # Before, {namespce: data, name: x} quietly required x in the namespace default.
    text = GOOD.replace(old, new)
    lessons("01.yaml", text)
    key = field.rsplit(".", 1)[1]
    assert catalog.problems() == [
        f'{NAME}:{line_of(text, new.strip())}: {field}: unknown field "{key}" (expected one of {known})']


def test_a_count_check_needs_its_namespace_and_a_choice_not_in_the_cluster_is_named(lessons):
    text = GOOD.replace("{count: policies, namespace: data}", "{count: policies}").replace(
        "choices: [shop/backend, shop/frontend,", "choices: [shop/backend, shop/nobody,")
    lessons("01.yaml", text)
    assert catalog.problems() == [
        f"{NAME}:{line_of(text, 'shop/nobody')}: questions[0].choices[1]: "
        "'shop/nobody' is neither a pod of the cluster (namespace/name) nor one of externals",
        f"{NAME}:{line_of(text, '{count: policies}')}: questions[1].check.namespace: is missing",
    ]


def test_a_stage_must_be_one_the_walkthrough_has(tmp_path, settings):
    shutil.copytree(REAL_LESSONS, tmp_path / "lessons")
    settings.LESSONS_DIR = tmp_path / "lessons"
    path = tmp_path / "lessons" / "exercises" / "01-deny-db-ingress.yaml"
    path.write_text(path.read_text().replace("stage: 2", "stage: 7", 1))
    assert catalog.problems() == ["lessons/exercises/01-deny-db-ingress.yaml:2: "
                                  "stage: must be the number of a stage (1 to 6)"]


# --- the audit of references: what manage.py check holds every exercise to -----------

IPBLOCK_EXCEPT = get_exercise("ipblock-except").path.read_text()
IPBLOCK_EXCEPT_HOSTS = get_exercise("ipblock-except").externals
PAYROLL = get_exercise("egress-payroll-mysql").path.read_text()


def test_a_reference_that_means_something_else_on_another_plugin_is_a_problem(lessons):
    portable = "      - namespaceSelector: {}\n      - ipBlock:\n          cidr: 0.0.0.0/0"
    assert portable in IPBLOCK_EXCEPT
    text = IPBLOCK_EXCEPT.replace(portable, "      - ipBlock:\n          cidr: 0.0.0.0/0")
    lessons("10.yaml", text)
    found = catalog.problems()
    # The audit's messages are on the line of the field they name, like every other.
    assert found[0].startswith(f"lessons/exercises/10.yaml:{line_of(text, 'solution: |')}: solution: "
                               "means something else depending on the network plugin")
    assert "Calico" in found[0] and "Cilium" in found[0]
    assert any("does not meet the probe ci/runner -> registry/registry on TCP 443" in p for p in found)


def test_a_starter_that_passes_is_a_problem(lessons):
    text = GOOD.replace(
        GOOD[GOOD.index("starter: |"):GOOD.index("solution: |")],
        GOOD[GOOD.index("solution: |"):GOOD.index("expect:")].replace("solution: |", "starter: |"))
    lessons("01.yaml", text)
    assert catalog.problems() == [
        f"{NAME}:{line_of(text, 'starter: |')}: "
        "starter: passes the grader, so the learner would have nothing to do"]


def test_an_accepted_answer_equal_to_the_solution_is_a_problem(lessons):
    solution = PAYROLL[PAYROLL.index("solution: |") + len("solution: |\n"):PAYROLL.index("accepted:")]
    accepted = "\n".join("    " + line if line else line for line in solution.splitlines())
    start = PAYROLL.index("    solution: |\n") + len("    solution: |\n")
    text = PAYROLL[:start] + accepted + "\n" + PAYROLL[PAYROLL.index("expect:"):]
    lessons("11.yaml", text)
    assert catalog.problems() == [f"lessons/exercises/11.yaml:{line_of(text, 'accepted:') + 1}: accepted[0]: "
                                  "means the same as solution; one of them is enough"]


def test_an_outside_host_inside_the_pod_network_is_a_problem(lessons):
    text = IPBLOCK_EXCEPT.replace("externals: [169.254.169.254,",
                                  "pod_network: 0.0.0.0/0\nexternals: [169.254.169.254,")
    lessons("10.yaml", text)
    line = line_of(text, "externals: [")
    # Every outside host is inside 0.0.0.0/0: one message each, and none about what depends on them.
    assert catalog.problems() == [
        f"lessons/exercises/10.yaml:{line}: externals[{i}]: {ip} is inside the pod network 0.0.0.0/0: a host "
        "outside the cluster has an address outside it (set pod_network)"
        for i, ip in enumerate(IPBLOCK_EXCEPT_HOSTS)]


def test_a_pod_network_must_hold_every_pod(lessons):
    text = IPBLOCK_EXCEPT.replace("externals: [", "pod_network: 10.10.0.0/24\nexternals: [")
    lessons("10.yaml", text)
    [problem] = catalog.problems()
    assert problem.startswith(f"lessons/exercises/10.yaml:{line_of(text, 'pod_network')}: "
                              "pod_network: 10.10.0.0/24 does not hold the address of")


def test_every_exercise_has_a_pod_network_holding_its_pods_and_no_outside_host():
    for exercise in EXERCISES:
        network = exercise.pod_network
        assert network is not None, exercise.id
        assert all(network.contains(p.ip) for p in exercise.cluster.pods if p.ip), exercise.id
        assert not any(network.contains(ip) for ip in exercise.externals), exercise.id


def test_egress_exercises_have_a_realistic_kube_system():
    for exercise in EXERCISES:
        if not any("Egress" in p.policy_types for r in exercise.references for p in r.policies.policies):
            continue
        system = [p for p in exercise.cluster.pods if p.namespace == "kube-system"]
        assert any(p.labels.get("k8s-app") == "kube-dns" for p in system), exercise.id
        assert any(p.labels.get("k8s-app") != "kube-dns" for p in system), exercise.id
