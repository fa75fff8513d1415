"""The quiz bank: every question valid, every key the engine's, every template varying soundly.

Keys are checked here straight against the engine (load_cluster + Analyzer.check),
not through the catalog's own check, so a bug there cannot hide a wrong key.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from trainer.catalog import beyond, quiz
from trainer.catalog.content import content
from trainer.catalog.probes import Probe
from trainer.catalog.quiz import KINDS, bank
from trainer.catalog.quiz_keys import engine_problems
from trainer.catalog.quiz_loading import load_bank
from trainer.catalog.quiz_variants import LETTERS, build_instance
from trainer.catalog.stages import catalog as stage_catalog
from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.matrix import build_matrix, declared_ports

# One topic per rule of DESIGN.md's "The engine's semantics".
SEMANTIC_TOPICS = {
    "default-allow", "isolation", "pod-selection", "label-selectors", "policy-types",
    "additivity", "empty-rules", "peer-scope", "and-or", "namespace-labels", "ip-block", "ports",
    "both-ends", "replies", "self-traffic", "egress",
}
# One topic per lesson of "Beyond the guide" (lessons/beyond/), from the content itself.
BEYOND_TOPICS = {lesson.topic for lesson in beyond.lessons()}
BEYOND_FILE = "lessons/quiz/06-beyond-the-guide.yaml"
TEMPLATE_SEEDS = range(200)
LEFTOVER = re.compile(r"\$\{?[a-z_]")

BANK = bank()
QUESTIONS = [s for s in BANK.questions.values() if not s.is_template]
TEMPLATES = [s for s in BANK.questions.values() if s.is_template]
WITH_PROBES = [s for s in QUESTIONS if any(c.probe for c in s.choices)]
LEAST = [s for s in QUESTIONS if s.requires]


def slug(spec):
    return spec.slug


def engine_for(spec, extra=""):
    """The question's cluster, built by the engine itself from the YAML the learner sees."""
    sources = []
    if spec.cluster:
        sources.append((BANK.clusters[spec.cluster], spec.cluster))
    for text in (spec.manifests, spec.policies, extra):
        if text:
            sources.append((text, spec.slug))
    return Analyzer(load_cluster(sources))


def allowed(analyzer, probe_text):
    p = Probe.parse(probe_text)
    return analyzer.check(p.src, p.dst, p.port, p.protocol).allowed


# --- the bank as a whole ----------------------------------------------------------------


def test_the_bank_loads_without_a_single_problem():
    assert content().problems["quiz"] == ()
    assert quiz.problems() == []


def test_the_bank_holds_at_least_sixty_questions_besides_templates():
    assert len(QUESTIONS) >= 60
    assert len(TEMPLATES) >= 10


def test_every_rule_of_the_semantics_and_every_beyond_lesson_is_a_topic_with_questions():
    assert len(BEYOND_TOPICS) == len(beyond.lessons()) >= 8  # a topic of its own per lesson
    assert not SEMANTIC_TOPICS & BEYOND_TOPICS
    assert set(BANK.topics) == SEMANTIC_TOPICS | BEYOND_TOPICS
    counts = Counter(s.topic for s in BANK.questions.values())
    assert {t for t in SEMANTIC_TOPICS | BEYOND_TOPICS if counts[t] < 2} == set()


def test_every_stage_of_the_guide_and_every_kind_of_question_is_covered():
    stages = Counter(s.stage for s in QUESTIONS)
    kinds = Counter(s.kind for s in QUESTIONS)
    assert {s.number for s in stage_catalog().stages if stages[s.number] == 0} == set()
    assert {k for k in KINDS if kinds[k] < 4} == set()
    assert kinds["prediction"] >= 15


# --- each question ----------------------------------------------------------------------


@pytest.mark.parametrize("spec", QUESTIONS, ids=slug)
def test_each_question_is_complete_and_keyed(spec):
    assert spec.explanation and spec.prompt and spec.topic in BANK.topics
    right = [c for c in spec.choices if c.correct]
    assert right, "no correct choice"
    if not spec.multiple:
        assert len(right) == 1
    shown = build_instance(spec, 0, BANK)
    assert shown.letters == tuple(LETTERS[: len(spec.choices)])
    assert len({c.text + c.yaml for c in shown.choices}) == len(shown.choices), "two choices look alike"
    assert len(shown.key) == len(right)


@pytest.mark.parametrize("spec", WITH_PROBES, ids=slug)
def test_each_prediction_key_agrees_with_the_engine(spec):
    analyzer = engine_for(spec)
    for i, choice in enumerate(spec.choices):
        verdict_ok = allowed(analyzer, choice.probe) == choice.expect_allowed
        assert verdict_ok == choice.correct, f"choices[{i}] {choice.probe}"


@pytest.mark.parametrize("spec", LEAST, ids=slug)
def test_each_least_permissive_key_meets_the_need_and_allows_least(spec):
    needs = [Probe.parse(r) for r in spec.requires]
    reach, meets = [], []
    for choice in spec.choices:
        analyzer = engine_for(spec, extra=choice.yaml)
        ports = set(declared_ports(analyzer.cluster)) | {(n.port, n.protocol) for n in needs}
        reach.append(build_matrix(analyzer, spec.externals, sorted(ports)).allowed)
        meets.append(all(analyzer.allowed(n.src, n.dst, n.port, n.protocol) for n in needs))
    (key,) = [i for i, c in enumerate(spec.choices) if c.correct]
    assert meets[key]
    for i in range(len(spec.choices)):
        if i != key and meets[i]:
            assert reach[key] < reach[i], f"choices[{i}] meets the need with no more than the key"


def test_choice_order_varies_by_seed_so_positions_say_nothing():
    for spec in QUESTIONS:
        if all(c.correct for c in spec.choices):
            continue  # every position is in the key
        keys = {build_instance(spec, seed, BANK).key for seed in range(12)}
        assert len(keys) > 1, spec.slug


# Single-answer questions whose choices are all texts (not YAML policies): where picking the
# longest choice would score a learner who knows no NetworkPolicy.
TEXT_SINGLE = [s for s in QUESTIONS if not s.multiple and all(c.text for c in s.choices)]


def test_the_longest_choice_is_not_a_way_to_the_key():
    """A key that stands out by its length gives itself away: never more than 15% longer than the
    longest distractor, and the strictly longest choice in at most 40% of the questions."""
    assert len(TEXT_SINGLE) >= 50
    too_long, longest = [], []
    for spec in TEXT_SINGLE:
        (key,) = [len(c.text) for c in spec.choices if c.correct]
        others = max(len(c.text) for c in spec.choices if not c.correct)
        if key > 1.15 * others:
            too_long.append((spec.slug, key, others))
        if key > others:
            longest.append(spec.slug)
    assert too_long == []
    assert len(longest) <= 0.4 * len(TEXT_SINGLE), sorted(longest)


def shown_texts(spec):
    """Every text of a question or template a learner reads: prompt, YAML, choices, explanation."""
    return [spec.prompt, spec.yaml, spec.explanation] + [c.text for c in spec.choices]


def test_no_question_sends_dns_to_a_service_rather_than_the_dns_pods():
    # NetworkPolicies select pods; a policy never sees the DNS Service's ClusterIP after DNAT.
    dns_service = re.compile(r"(?<![\w-])DNS\s+service", re.IGNORECASE)
    texts = {s.slug: " ".join(shown_texts(s)) for s in BANK.questions.values()}
    texts |= {t.slug: t.rule for t in BANK.topics.values()}
    assert {slug for slug, text in texts.items() if dns_service.search(" ".join(text.split()))} == set()
    explanation = BANK.get("egress-blocks-dns").explanation
    assert "the cluster's DNS pods" in explanation and "ClusterIP" in explanation


def test_the_automatic_namespace_labels_version_is_the_same_wherever_it_is_given():
    version = re.compile(r"(?<![\d.])1\.\d\d(?![\d.])")
    since = "beta and on by default in Kubernetes 1.21, GA in 1.22"
    texts = {s.slug: " ".join(" ".join(shown_texts(s)).split()) for s in BANK.questions.values()}
    texts |= {t.slug: t.rule for t in BANK.topics.values()}
    assert since in texts["automatic-namespace-label"]
    wrong = {slug for slug, text in texts.items() if len(version.findall(text)) != 2 * text.count(since)}
    assert wrong == set()


def test_a_question_teaches_that_traffic_from_the_pods_own_node_is_always_allowed():
    spec = BANK.get("node-traffic-always-allowed")
    assert (spec.topic, spec.stage, spec.kind) == ("isolation", 2, "concept")
    assert spec.source == "lessons/quiz/01-default-and-deny.yaml"
    (right,) = [c.text for c in spec.choices if c.correct]
    assert "node" in right and "always allowed" in right
    assert "kubelet" in spec.prompt and "node" in spec.explanation
    # The engine models no nodes: the question must not ask it for a key.
    assert not spec.has_cluster and not spec.policies and not any(c.probe for c in spec.choices)


def test_default_deny_namespace_distractor_has_one_reading_and_the_engine_says_it_is_wrong():
    spec = BANK.get("default-deny-namespace")
    texts = {" ".join(c.text.split()): c.correct for c in spec.choices}
    # "..., but other namespaces still can" also read as "other namespaces still reach each other".
    assert not any(text.endswith("other namespaces still can.") for text in texts)
    claim = ("Pods in prod can no longer reach each other, "
             "but pods of other namespaces can still connect to pods in prod.")
    assert texts[claim] is False
    pods = "".join(
        f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}}}\n"
        f"spec: {{containers: [{{name: c, image: x, ports: [{{containerPort: 80}}]}}]}}\n"
        f"status: {{podIP: {ip}}}\n"
        for name, ns, ip in [("a", "prod", "10.0.3.1"), ("b", "prod", "10.0.3.2"), ("c", "dev", "10.0.1.1"),
                             ("d", "dev", "10.0.1.2")])
    analyzer = Analyzer(load_cluster([(pods, "pods"), (spec.yaml, spec.slug)]))
    assert not analyzer.check("prod/a", "prod/b", 80).allowed  # the claim's first half holds
    assert not analyzer.check("dev/c", "prod/a", 80).allowed  # its second half does not
    assert analyzer.check("dev/c", "dev/d", 80).allowed  # (the other reading, which held)


def test_every_question_stands_alone_in_a_shuffled_exam():
    # An exam shuffles the bank: no prompt may lean on a question shown before it.
    leaning = re.compile(r"\b(the same policy|previous (question|policy)|the last question|as before)\b",
                         re.IGNORECASE)
    assert {s.slug for s in BANK.questions.values() if leaning.search(" ".join(s.prompt.split()))} == set()
    prompt = " ".join(BANK.get("or-prediction-split").prompt.split())
    assert "same" not in prompt and "namespace data" in prompt
    assert "two items" in prompt and "podSelector" in prompt and "namespaceSelector" in prompt


# --- templates ----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", TEMPLATES, ids=slug)
def test_each_template_gives_valid_engine_keyed_variants_for_many_seeds(spec):
    for seed in TEMPLATE_SEEDS:
        shown = build_instance(spec, seed, BANK)
        texts = [shown.prompt, shown.explanation, shown.policies, shown.yaml]
        texts += [c.text + c.yaml for c in shown.choices]
        assert not any(LEFTOVER.search(t) for t in texts), f"seed {seed}: a placeholder is left"
        assert shown.key and (spec.multiple or len(shown.key) == 1), f"seed {seed}"
        assert len({c.text for c in shown.choices}) == len(shown.choices)
        # The key is the engine's verdict on the very YAML the variant was made of.
        assert shown.policies in [text for text, _ in shown.sources]
        analyzer = Analyzer(load_cluster(shown.sources))
        for choice in shown.choices:
            verdict_ok = allowed(analyzer, choice.probe) == choice.expect_allowed
            assert verdict_ok == (choice.letter in shown.key), f"seed {seed}: {choice.probe}"


@pytest.mark.parametrize("spec", TEMPLATES, ids=slug)
def test_each_template_varies_and_each_variant_is_reproducible(spec):
    variants = {(v.prompt, v.policies, tuple(c.text for c in v.choices))
                for v in (build_instance(spec, seed, BANK) for seed in range(40))}
    assert len(variants) >= 8
    assert build_instance(spec, 7, BANK) == build_instance(spec, 7, BANK)


# --- broken content is reported, one clear message each -----------------------------------


TOPICS = "topics:\n  ports: {title: Ports, rule: Ports and protocols.}\n"
CLUSTER = """clusters:
  tiny: |
    apiVersion: v1
    kind: Pod
    metadata: {name: a, namespace: prod, labels: {app: a}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: b, namespace: prod, labels: {app: b}}
"""
GOOD = """
  - slug: {slug}
    kind: prediction
    topic: ports
    stage: 3
    cluster: tiny
    prompt: Which are allowed?
    multiple: true
    choices:
      - {{probe: prod/a prod/b 80, correct: {first}}}
      - {{probe: prod/b prod/a 80, correct: true}}
    explanation: Nothing selects them.
"""


def write_bank(tmp_path, body):
    """A lessons directory whose quiz/ holds topics, a tiny cluster and `body` as bank.yaml."""
    root = tmp_path / "lessons" / "quiz"
    root.mkdir(parents=True)
    (root / "topics.yaml").write_text(TOPICS)
    (root / "clusters.yaml").write_text(CLUSTER)
    (root / "bank.yaml").write_text(body)
    return root.parent


def load(lessons):
    """(the bank, the problems found loading it), with the guide's six stages."""
    return load_bank(lessons, stage_numbers=range(1, 7))


def line_of(text, needle, after=""):
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, start)) + 1


def test_a_key_that_disagrees_with_the_engine_is_a_problem_naming_file_line_and_choice(tmp_path):
    body = "questions:" + GOOD.format(slug="wrong-key", first="false")
    loaded, problems = load(write_bank(tmp_path, body))
    assert problems == ()
    # The field's path is counted from the file's root, on the line of that field.
    assert engine_problems(loaded) == [
        f"lessons/quiz/bank.yaml:{line_of(body, 'correct: false')}: questions[0].choices[0].correct: "
        "the key says false, but the engine finds prod/a -> prod/b on TCP 80: allowed"]


@pytest.mark.parametrize("change, replacement, field, words", [
    ("explanation: Nothing selects them.", "", "explanation", "is missing"),
    ("topic: ports", "topic: nonsense", "topic", "must be a topic of topics.yaml, not 'nonsense'"),
    ("stage: 3", "stage: 9", "stage", "must be the number of a stage (1 to 6)"),
    ("cluster: tiny", "cluster: nowhere", "cluster", "no cluster 'nowhere' in clusters.yaml"),
    ("probe: prod/a prod/b 80,", "probe: prod/a prod/b eighty,", "choices[0].probe",
     "port 'eighty' is not a number from 1 to 65535"),
    ("prod/a 80, correct: true}", "prod/a 80, correct: maybe}", "choices[1].correct",
     "must be true or false, not text"),
    ("kind: prediction", "kind: prediction\n    colour: blue", "colour",
     'unknown field "colour" (expected one of slug, kind, topic, stage, prompt, yaml, cluster, manifests, '
     "policies, externals, requires, multiple, shuffle, choices, explanation)"),
    ("probe: prod/a prod/b 80,", "probe: prod/a prod/nobody 80,", "choices[0].probe",
     "no pod prod/nobody in the cluster"),
])
def test_each_broken_field_is_one_problem_naming_file_line_and_field(
        tmp_path, change, replacement, field, words):
    good = "questions:" + GOOD.format(slug="broken", first="true")
    body = good.replace(change, replacement)
    line = line_of(body, replacement.split("\n")[-1].strip()) if replacement else line_of(body, "- slug:")
    loaded, problems = load(write_bank(tmp_path, body))
    assert problems == (f"lessons/quiz/bank.yaml:{line}: questions[0].{field}: {words}",)
    assert "broken" not in loaded.questions  # a broken question is left out


def test_two_independent_broken_fields_of_a_question_are_two_problems(tmp_path):
    body = "questions:" + GOOD.format(slug="two", first="true").replace("stage: 3", "stage: nine").replace(
        "prod/a 80, correct: true}", "prod/a 80, correct: maybe}")
    _, problems = load(write_bank(tmp_path, body))
    assert problems == (
        f"lessons/quiz/bank.yaml:{line_of(body, 'stage: nine')}: questions[0].stage: "
        "must be a number, not text",
        f"lessons/quiz/bank.yaml:{line_of(body, 'correct: maybe')}: questions[0].choices[1].correct: "
        "must be true or false, not text",
    )


@pytest.mark.parametrize("change, replacement, field, words", [
    # A misspelt field is not also reported missing, nor is what needs it.
    ("cluster: tiny", "clustr: tiny", "clustr",
     'unknown field "clustr" (expected one of slug, kind, topic, stage, prompt, yaml, cluster, manifests, '
     "policies, externals, requires, multiple, shuffle, choices, explanation)"),
    ("multiple: true", "multiple: [true]", "multiple", "must be true or false, not a list"),
    ("probe: prod/a prod/b 80,", "prob: prod/a prod/b 80,", "choices[0].prob",
     'unknown field "prob" (expected one of text, probe, expect, yaml, correct)'),
    # What several fields need is said once, where it is missing.
    ("cluster: tiny", "policies: 'kind: List'", "cluster",
     "is missing: policies and probes are checked on a cluster (give cluster or manifests)"),
])
def test_one_mistake_is_one_message(tmp_path, change, replacement, field, words):
    body = ("questions:" + GOOD.format(slug="one", first="true")).replace(change, replacement)
    line = line_of(body, replacement) if field != "cluster" else line_of(body, "- slug:")
    _, problems = load(write_bank(tmp_path, body))
    assert problems == (f"lessons/quiz/bank.yaml:{line}: questions[0].{field}: {words}",)


def test_a_broken_policy_in_a_question_is_reported_at_its_line(tmp_path):
    policy = """    policies: |
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec: {podSelector: {}, ingress: [{ports: [{port: 0}]}]}
"""
    body = "questions:" + GOOD.format(slug="bad-policy", first="true").replace("    prompt:",
                                                                               policy + "    prompt:")
    _, problems = load(write_bank(tmp_path, body))
    assert problems == (
        f"lessons/quiz/bank.yaml:{line_of(body, 'port: 0')}: questions[0].policies: NetworkPolicy prod/p: "
        "spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",)


def test_duplicate_slugs_and_template_placeholders_are_reported(tmp_path):
    template = """
templates:
  - slug: gen-x
    kind: prediction
    topic: ports
    stage: 3
    multiple: true
    params: {port: [80, 443]}
    cluster: tiny
    prompt: Port $port or $missing?
    choices:
      - {probe: prod/a prod/b $port}
      - {probe: prod/b prod/a $port}
    explanation: Nothing selects them.
"""
    body = "questions:" + GOOD.format(slug="same", first="true") + GOOD.format(slug="same", first="true")
    loaded, problems = load(write_bank(tmp_path, body + template))
    assert problems == (  # each once
        f"lessons/quiz/bank.yaml:{line_of(body, 'slug: same', after='explanation')}: questions[1].slug: "
        "'same' is already used at lessons/quiz/bank.yaml:2",
        f"lessons/quiz/bank.yaml:{line_of(body + template, '$missing')}: templates[0].prompt: "
        "uses $missing, which is not among the params",
    )
    assert sorted(loaded.questions) == ["same"]


def test_a_file_that_is_not_yaml_is_reported_with_its_line(tmp_path):
    _, problems = load(write_bank(tmp_path, "questions:\n  - slug: [unclosed\n"))
    (problem,) = problems
    assert problem == ("lessons/quiz/bank.yaml:2: invalid YAML: the '[' at column 11 is never closed: "
                       "end the list with ']'")


def test_a_broken_file_does_not_hide_the_problems_of_the_others(tmp_path):
    lessons = write_bank(tmp_path, "questions:\n  - slug: [unclosed\n")
    (lessons / "quiz" / "other.yaml").write_text("questions:" + GOOD.format(slug="fine", first="maybe"))
    loaded, problems = load(lessons)
    assert [p.split(":")[0] for p in problems] == ["lessons/quiz/bank.yaml", "lessons/quiz/other.yaml"]
    assert problems[1].endswith("questions[0].choices[0].correct: must be true or false, not text")


def test_a_broken_shared_cluster_is_reported_once_not_by_every_question_using_it(tmp_path):
    lessons = write_bank(tmp_path, "questions:" + GOOD.format(slug="one", first="true")
                         + GOOD.format(slug="two", first="true"))
    (lessons / "quiz" / "clusters.yaml").write_text(CLUSTER.replace("name: a,", "name: A_,"))
    loaded, problems = load(lessons)
    (problem,) = problems
    assert problem.startswith(f"lessons/quiz/clusters.yaml:{line_of(CLUSTER, 'name: a,')}: "
                              "clusters.tiny: Pod prod/A_:")
    assert dict(loaded.questions) == {}  # the questions on it are left out, silently


def test_content_is_read_through_the_engines_loader_not_yaml_load(tmp_path):
    # Every catalog module reads content through fields.py, which calls the engine's parse_yaml.
    sources = {path.name: path.read_text() for path in Path(quiz.__file__).parent.glob("*.py")}
    assert not [name for name, text in sources.items() if "yaml.load" in text or "safe_load" in text]
    assert "parse_yaml" in sources["fields.py"]
    _, problems = load(write_bank(tmp_path, "questions: !!python/object/apply:os.system ['false']\n"))
    assert problems == ('lessons/quiz/bank.yaml:1: tag "!!python/object/apply:os.system" is not allowed',)
