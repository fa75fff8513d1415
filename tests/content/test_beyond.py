"""The "Beyond the guide" lessons: they load, say what the KCSA asks, each has questions on its
topic, and a broken lesson is reported at its file, line and field path."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from trainer.catalog import beyond
from trainer.catalog.checks import content_check
from trainer.catalog.content import content
from trainer.catalog.quiz import bank
from trainer.catalog.quiz_keys import engine_problems

REAL_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
FILES = sorted((REAL_LESSONS / "beyond").glob("*.yaml"))
BEYOND_FILE = "lessons/quiz/06-beyond-the-guide.yaml"


def prose(lesson) -> str:
    """What a learner reads of a lesson besides its code blocks, in one line."""
    parts = []
    for block in lesson.body:
        if block.kind != "code":
            parts += [block.text, *block.items, block.caption, *block.header]
            parts += [cell for row in block.rows for cell in row]
    return " ".join(" ".join(parts).split())


def lesson(slug):
    found = beyond.lesson(slug)
    assert found is not None, slug
    return found


# --- the real lessons ------------------------------------------------------------------


def test_every_lesson_file_loads_in_order_without_a_problem():
    assert beyond.problems() == []
    lessons = beyond.lessons()
    assert len(lessons) == len(FILES) >= 8
    assert [f"{item.number:02d}-{item.slug}.yaml" for item in lessons] == [p.name for p in FILES]
    assert len({item.slug for item in lessons}) == len(lessons)


@pytest.mark.parametrize("item", beyond.lessons(), ids=lambda item: item.slug)
def test_each_lesson_is_short_sourced_and_practised_by_its_topic(item):
    words = len(prose(item).split())
    assert 150 <= words <= 300, f"{words} words"
    assert item.title and item.summary and item.body
    assert item.sources and all(s.url.startswith("https://") for s in item.sources)
    assert any("kubernetes.io/docs" in s.url or "sigs.k8s.io" in s.url for s in item.sources)
    questions = [q for q in bank().questions.values() if q.topic == item.topic]
    assert len(questions) >= 2 and all(q.source == BEYOND_FILE for q in questions)


def test_the_lessons_topics_are_their_own_and_the_beyond_questions_stay_in_them():
    topics = Counter(item.topic for item in beyond.lessons())
    assert set(topics.values()) == {1}  # one topic per lesson
    in_file = [q for q in bank().questions.values() if q.source == BEYOND_FILE]
    assert len(in_file) >= 2 * len(topics) and {q.topic for q in in_file} == set(topics)


def test_engine_keyed_questions_cover_the_scenarios_that_fit():
    """Where a scenario fits, the key is the engine's: replies, Services, source NAT, no deny rules,
    one namespace's default deny."""
    keyed = {q.topic for q in bank().questions.values() if q.source == BEYOND_FILE and q.has_cluster}
    assert keyed >= {"stateful", "pods-not-services", "source-nat", "policy-limits", "cluster-wide"}
    assert engine_problems(bank()) == []


def test_keys_are_neither_the_longest_nor_the_shortest_choice_by_far():
    """A key that stands out by its length gives itself away: within 10% of the longest
    distractor and 15% of the shortest, in every single-answer question with texts."""
    for spec in bank().questions.values():
        if spec.source != BEYOND_FILE or spec.multiple:
            continue
        (key,) = [len(c.text) for c in spec.choices if c.correct]
        others = [len(c.text) for c in spec.choices if not c.correct]
        assert key <= 1.1 * max(others) and key >= 0.85 * min(others), (spec.slug, key, others)


def test_each_lesson_says_what_the_exam_asks():
    assert "Flannel" in prose(lesson("cni-enforces")) and "Canal" in prose(lesson("cni-enforces"))
    node = prose(lesson("node-traffic"))
    assert ("traffic to and from the node where a Pod is running is always allowed, regardless of the "
            "IP address of the Pod or the node") in node and "kubelet" in node
    host = prose(lesson("host-network"))
    assert "hostNetwork: true" in host and "undefined" in host and "most common" in host
    replies = prose(lesson("replies-are-allowed"))
    assert "implicitly allowed" in replies and "conntrack" in replies and "UDP" in replies
    services = prose(lesson("pods-not-services"))
    assert "targeting of services by name" in services and "DNAT" in services and "targetPort" in services
    nat = prose(lesson("source-nat"))
    assert "externalTrafficPolicy: Cluster" in nat and "externalTrafficPolicy: Local" in nat and "SNAT" in nat
    limits = prose(lesson("what-policies-cannot-do"))
    assert all(word in limits for word in ("deny", "HTTP", "TLS", "Log", "service mesh"))
    wide = prose(lesson("cluster-wide-defaults"))
    assert all(kind in wide for kind in ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
                                          "GlobalNetworkPolicy", "CiliumClusterwideNetworkPolicy"))
    codes = [b.text for b in lesson("cluster-wide-defaults").body if b.kind == "code"]
    assert codes and "kind: BaselineAdminNetworkPolicy" in codes[0] and "name: default" in codes[0]


def test_no_lesson_sends_dns_to_a_service_rather_than_the_dns_pods():
    dns_service = re.compile(r"(?<![\w-])DNS\s+service", re.IGNORECASE)
    assert [item.slug for item in beyond.lessons() if dns_service.search(prose(item))] == []
    assert "`k8s-app=kube-dns`" in prose(lesson("pods-not-services"))


# --- broken lessons are reported with file, line and field ------------------------------


@pytest.fixture
def lessons(tmp_path, settings):
    """A copy of lessons/ that a test may break before the catalog first reads it."""
    root = tmp_path / "lessons"
    shutil.copytree(REAL_LESSONS, root)
    settings.LESSONS_DIR = root
    return root


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new))
    return path.read_text()


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_each_broken_field_is_one_message_at_its_line_and_the_lesson_is_left_out(lessons):
    node = edit(lessons / "beyond" / "02-node-traffic.yaml",
                "title: Traffic from the pod's own node is always allowed", "title: [Traffic, node]")
    node = edit(lessons / "beyond" / "02-node-traffic.yaml",
                "      caption: What a deny-all ingress policy on a pod stops\n",
                "      caption: What a deny-all ingress policy on a pod stops\n      colour: red\n")
    nat = edit(lessons / "beyond" / "06-source-nat.yaml", "topic: source-nat", "topic: source-nats")
    nat = edit(lessons / "beyond" / "06-source-nat.yaml",
               "url: https://kubernetes.io/docs/tutorials/services/source-ip/",
               "url: http://kubernetes.io/docs/tutorials/services/source-ip/")
    cni = edit(lessons / "beyond" / "01-cni-enforces.yaml", "  - warning: >-", "  - quote: >-")
    block = cni[cni.index("body:"):cni.index("quote:")].count("\n  - ") - 1
    assert beyond.problems() == [
        f"lessons/beyond/01-cni-enforces.yaml:{line_of(cni, 'quote:')}: body[{block}]: "
        "must be one of p:, note:, warning:, list:, table:, code:",
        f"lessons/beyond/02-node-traffic.yaml:{line_of(node, 'title: [')}: title: must be text, not a list",
        f"lessons/beyond/02-node-traffic.yaml:{line_of(node, 'colour')}: body[2].table.colour: "
        'unknown field "colour" (expected one of caption, header, rows)',
        f"lessons/beyond/06-source-nat.yaml:{line_of(nat, 'source-nats')}: topic: "
        "must be a topic of lessons/quiz/topics.yaml, not 'source-nats'",
        f"lessons/beyond/06-source-nat.yaml:{line_of(nat, 'url: http:')}: sources[1].url: "
        "'http://kubernetes.io/docs/tutorials/services/source-ip/' is not an https:// address",
    ]
    assert [item.slug for item in beyond.lessons()] == [
        "host-network", "replies-are-allowed", "pods-not-services", "what-policies-cannot-do",
        "cluster-wide-defaults"]
    # manage.py check says the same, under its own id.
    assert [e.msg for e in content_check(None) if e.id == "catalog.beyond"] == beyond.problems()


def test_a_missing_field_and_a_misspelt_one_are_one_message_each(lessons):
    text = edit(lessons / "beyond" / "04-replies-are-allowed.yaml", "summary:", "sumary:")
    path = lessons / "beyond" / "05-pods-not-services.yaml"
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("sources:"))
    path.write_text("\n".join(lines[:start]) + "\n")
    assert beyond.problems() == [
        f'lessons/beyond/04-replies-are-allowed.yaml:{line_of(text, "sumary:")}: sumary: unknown field '
        '"sumary" (expected one of title, summary, topic, body, sources)',
        "lessons/beyond/05-pods-not-services.yaml:1: sources: is missing",
    ]


def test_misnamed_and_clashing_files_and_broken_yaml_are_reported(lessons):
    directory = lessons / "beyond"
    shutil.copy(directory / "03-host-network.yaml", directory / "03-host-network-again.yaml")
    (directory / "08-cluster-wide-defaults.yaml").rename(directory / "cluster-wide.yaml")
    edit(directory / "07-what-policies-cannot-do.yaml", "title: No deny rules", "title: [No deny rules")
    found = beyond.problems()
    assert found[0] == ("lessons/beyond/03-host-network.yaml: has the number 03 of "
                        "lessons/beyond/03-host-network-again.yaml: each lesson has its own")
    assert found[1].startswith("lessons/beyond/07-what-policies-cannot-do.yaml:")
    assert "invalid YAML" in found[1]
    assert found[2] == ("lessons/beyond/cluster-wide.yaml: is not read: a lesson is NN-slug.yaml "
                        "(two digits, then lower-case words joined by '-')")
    assert len(found) == 3
    assert [item.number for item in beyond.lessons()] == [1, 2, 3, 4, 5, 6]


def test_a_broken_topics_file_is_reported_there_not_by_every_lesson(lessons):
    (lessons / "quiz" / "topics.yaml").write_text("topics: [unclosed\n")
    assert beyond.problems() == []
    assert content().problems["quiz"][0].startswith("lessons/quiz/topics.yaml:")


def test_no_beyond_directory_is_one_problem(lessons):
    shutil.rmtree(lessons / "beyond")
    assert beyond.problems() == ["lessons/beyond: is missing (no such directory)"]
    assert beyond.lessons() == ()


def test_the_readme_states_the_counts_the_loaders_find():
    readme = " ".join((REAL_LESSONS.parent / "README.md").read_text().split())
    specs = bank().questions.values()
    questions = sum(not s.is_template for s in specs)
    templates = sum(s.is_template for s in specs)
    assert (f"A bank of {questions} questions and {templates} templates (`lessons/quiz/`) "
            f"in {len(bank().topics)} topics") in readme
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")
    mine = [s for s in specs if s.source == BEYOND_FILE]
    assert f"{words[len(beyond.lessons())].capitalize()} short lessons on what a KCSA candidate" in readme
    assert (f"whose {len(mine)} questions are in `{BEYOND_FILE}`, "
            f"{sum(s.has_cluster for s in mine)} of them keyed by the engine") in readme
