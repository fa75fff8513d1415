"""The catalog as a whole: one load per lessons directory, one shape of message, imports one way."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from trainer.catalog import (
    beyond,
    beyond_loading,
    exercise_loading,
    exercises,
    fields,
    quiz,
    quiz_loading,
    stage_loading,
    stages,
)
from trainer.catalog.checks import content_check
from trainer.catalog.content import content

ROOT = Path(__file__).resolve().parents[2]
REAL_LESSONS = ROOT / "lessons"
CATALOG = ROOT / "trainer" / "catalog"
MODULES = sorted(p.stem for p in CATALOG.glob("*.py") if p.stem != "__init__")
# The one shape (lessons/README.md, "How a mistake is reported"): path:line: field.path: message.
SHAPE = re.compile(r"lessons/[a-z]+/[\w.-]+:\d+: \S+: .+")


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


def every_problem() -> list[str]:
    return stages.problems() + exercises.problems() + quiz.problems() + beyond.problems()


# --- one load -------------------------------------------------------------------------


def test_the_catalog_reads_each_directory_once(lessons, tmp_path, settings, monkeypatch):
    loads, reads = Counter(), Counter()
    def spy(name, real):
        def counted(*args, **kwargs):
            loads[name] += 1
            return real(*args, **kwargs)
        return counted

    for module, name in ((stage_loading, "load_stages"), (exercise_loading, "load_exercises"),
                         (quiz_loading, "load_bank"), (beyond_loading, "load_beyond")):
        monkeypatch.setattr(module, name, spy(name, getattr(module, name)))
    real_read = fields.FieldReader.read.__func__
    monkeypatch.setattr(
        fields.FieldReader, "read",
        classmethod(lambda cls, path, name: reads.update([path]) or real_read(cls, path, name)))

    first = stages.catalog()
    assert loads == {"load_stages": 1, "load_exercises": 1, "load_bank": 1, "load_beyond": 1}
    files_read = sum(reads.values())
    assert set(reads.values()) == {1}  # each file once
    # Everything the site and the check ask for comes from that one load: no file is read again.
    for _ in range(2):
        assert stages.catalog() is first
        assert exercises.all_exercises() is content().exercises
        assert exercises.get_exercise("and-peer") in exercises.all_exercises()
        assert quiz.bank() is content().bank
        assert beyond.lessons() is content().beyond and beyond.lesson("source-nat") in beyond.lessons()
        content_check(None)
    assert sum(loads.values()) == 4 and sum(reads.values()) == files_read

    other = tmp_path / "other"
    shutil.copytree(lessons, other)
    settings.LESSONS_DIR = other  # another directory is another load...
    assert stages.catalog() is not first
    settings.LESSONS_DIR = lessons  # ...and the first is still there
    assert stages.catalog() is first
    assert loads == {"load_stages": 2, "load_exercises": 2, "load_bank": 2, "load_beyond": 2}


# --- every problem, each once, in one shape -----------------------------------------------


def test_a_break_in_every_kind_of_file_gives_one_message_each_in_one_shape(lessons):
    """Two independent broken fields in a stage, an exercise and a quiz file: two messages each,
    and a broken file does not hide the others'."""
    stage = edit(lessons / "stages" / "stage-2.yaml", "number: 2", "number: two")
    stage = edit(lessons / "stages" / "stage-2.yaml", "title:", "titel:")
    scenarios = edit(lessons / "stages" / "scenarios.yaml", "{pod: prod/db, port: 3306, protocol: TCP,",
                     "{pod: prod/db, port: 3306, protcol: TCP,")
    exercise = edit(lessons / "exercises" / "09-and-peer.yaml", "title: Chosen pods of another namespace",
                    "title: [Chosen, pods]")
    exercise = edit(lessons / "exercises" / "09-and-peer.yaml",
                    "  - {from: shop/backend,", "  - {from: shop/nobody,")
    other = edit(lessons / "exercises" / "02-allow-api-to-db.yaml",
                 "stage: 3", "stage: 3\npod_network: 10.0.0.0/33")
    bank = edit(lessons / "quiz" / "03-namespaces.yaml", "    topic: and-or\n    stage: 4\n    prompt: >-\n"
                "      The guide's stage-4 rule", "    topic: and-or\n    stage: 40\n    prompt: >-\n"
                "      The guide's stage-4 rule")
    found = every_problem()
    assert found == [
        f'lessons/stages/scenarios.yaml:{line_of(scenarios, "protcol")}: [0].focus.protcol: unknown field '
        '"protcol" (expected one of pod, port, protocol, label)',
        f"lessons/stages/stage-2.yaml:{line_of(stage, 'titel:')}: titel: unknown field \"titel\" "
        "(expected one of number, slug, title, goal, body, try, yaml, claims)",
        f"lessons/stages/stage-2.yaml:{line_of(stage, 'number: two')}: number: must be a number, not text",
        f"lessons/exercises/02-allow-api-to-db.yaml:{line_of(other, 'pod_network')}: pod_network: "
        "'10.0.0.0/33' is not an IPv4 CIDR such as 10.1.0.0/16",
        f"lessons/exercises/09-and-peer.yaml:{line_of(exercise, 'title: [')}: "
        "title: must be text, not a list",
        f"lessons/exercises/09-and-peer.yaml:{line_of(exercise, 'shop/nobody')}: "
        "expect[0].from: 'shop/nobody' is neither a pod of the cluster (namespace/name) nor one of externals",
        f"lessons/quiz/03-namespaces.yaml:{line_of(bank, 'stage: 40')}: questions[0].stage: "
        "must be the number of a stage (1 to 6)",
    ]
    assert all(SHAPE.fullmatch(message) for message in found)
    # What is broken is left out, and nothing else.
    assert [s.number for s in stages.catalog().stages] == [1, 3, 4, 5, 6]
    assert [s.slug for s in stages.catalog().scenarios] == ["split"]
    assert {e.id for e in exercises.all_exercises()} >= {"deny-db-ingress", "ipblock-except"}
    assert "and-peer" not in {e.id for e in exercises.all_exercises()}


def test_the_audit_and_the_quiz_keys_speak_in_the_same_shape(lessons):
    exercise = edit(lessons / "exercises" / "09-and-peer.yaml",
                    "{from: shop/frontend, to: data/postgres, port: 5432, allowed: false}",
                    "{from: shop/frontend, to: data/postgres, port: 5432, allowed: true}")
    choice = ("      - probe: dev/api-pod prod/db 3306\n        correct: {}\n"
              "      - probe: prod/api-pod prod/db 22\n")
    path = lessons / "quiz" / "02-allow-the-api.yaml"
    path.write_text(path.read_text().replace(choice.format("false"), choice.format("true"), 1))  # the first
    bank = path.read_text()
    found = exercises.problems() + quiz.problems()
    assert found and all(SHAPE.fullmatch(message) for message in found), found
    solution = line_of(exercise, "solution: |")
    for message in found[:-1]:  # the audit's, under both plugins: on the line of the field it names
        assert message.startswith(f"lessons/exercises/09-and-peer.yaml:{solution}: solution: "
                                  "does not meet the probe shop/frontend -> data/postgres on TCP 5432 "
                                  "with a network plugin that ")
    key = bank.index(choice.format("true"))
    assert re.fullmatch(rf"lessons/quiz/02-allow-the-api\.yaml:{bank.count(chr(10), 0, key) + 2}: "
                        r"questions\[\d+\]\.choices\[1\]\.correct: the key says true, but the engine finds "
                        r"dev/api-pod -> prod/db on TCP 3306: denied", found[-1]), found[-1]


# --- imports point one way --------------------------------------------------------------

# Function-level imports, each for a reason other than a cycle: Django's way of registering
# checks from AppConfig.ready, and the check that loads content only when checks run.
DEFERRED = {("apps", "checks"), ("checks", "beyond"), ("checks", "exercises"), ("checks", "quiz"),
            ("checks", "stages")}


def catalog_imports(module: str) -> tuple[set[str], set[str]]:
    """(the catalog modules `module` imports at its top, those it imports inside a function)."""
    tree = ast.parse((CATALOG / f"{module}.py").read_text())
    top, deferred = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("trainer.catalog"):
            names = ([node.module.removeprefix("trainer.catalog").lstrip(".")]
                     if node.module != "trainer.catalog" else [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            names = [a.name.removeprefix("trainer.catalog.") for a in node.names
                     if a.name.startswith("trainer.catalog.")]
        else:
            continue
        (top if node in tree.body else deferred).update(n.split(".")[0] for n in names)
    return top, deferred


def test_no_catalog_module_imports_another_inside_a_function_but_for_the_checks():
    deferred = {(m, d) for m in MODULES for d in catalog_imports(m)[1]}
    assert deferred == DEFERRED


def test_catalog_imports_form_no_cycle_and_objects_know_nothing_of_their_loaders():
    graph = {m: catalog_imports(m)[0] | catalog_imports(m)[1] for m in MODULES}
    done, order = set(), []

    def visit(module, path):
        assert module not in path, f"import cycle: {' -> '.join(path + (module,))}"
        if module not in done:
            for imported in sorted(graph[module]):
                visit(imported, path + (module,))
            done.add(module)
            order.append(module)

    for module in MODULES:
        visit(module, ())
    for module in MODULES:
        if module.endswith("_objects") or module in ("fields", "probes"):
            assert not {m for m in graph[module]
                        if m.endswith("_loading") or m in ("content", "stages", "exercises", "quiz")}, module
        if module.endswith("_loading"):
            assert "content" not in graph[module], module


def test_every_catalog_module_imports_alone_in_a_fresh_interpreter():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="trainer.settings", PYTHONPATH=str(ROOT))
    runs = {m: subprocess.Popen([sys.executable, "-c", f"import trainer.catalog.{m}"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for m in MODULES}
    failed = {}
    for module, run in runs.items():
        _, stderr = run.communicate(timeout=120)
        if run.returncode:
            failed[module] = stderr.strip().splitlines()[-1:]
    assert failed == {}
