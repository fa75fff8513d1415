"""lessons/README.md, the authors' guide, holds to the loaders it describes.

The guide's conventions, which this test reads:

- A fenced block whose info string is `yaml file=PATH` is a complete file at PATH
  (lessons/exercises/NAME.yaml or lessons/quiz/NAME.yaml). Every such block is written
  to a temporary LESSONS_DIR, beside copies of the real lessons/stages/, lessons/clusters/,
  lessons/quiz/topics.yaml and clusters.yaml, and must load through the real loaders
  without a single problem: the exercise audit and the quiz bank's engine keys included.
  A plain ```yaml block is a fragment and is not loaded.
- A fenced block whose info string is `text check` holds the lines `manage.py check`
  prints after the break named in the last sentence above it: "change `OLD` to `NEW`",
  where OLD occurs exactly once in all the complete files together. The test makes
  that change and runs the system check; its exercise and quiz messages must be
  exactly the block's lines.
- Every field, kind and check the loaders know is named in the guide, in backticks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from trainer.catalog import beyond_loading, exercises, quiz, quiz_loading, stages
from trainer.catalog.checks import content_check
from trainer.catalog.content import content
from trainer.catalog.quiz_keys import engine_problems
from trainer.grading import grade

REAL_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
GUIDE = (REAL_LESSONS / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
BREAK = re.compile(r"change `([^`]+)` to `([^`]+)`")
SHARED_QUIZ_FILES = ("topics.yaml", "clusters.yaml")  # the real ones: examples use their topics and clusters
# the real walkthrough, which exercises and questions name, and the beyond lessons, which name quiz topics
SHARED_DIRECTORIES = ("stages", "clusters", "beyond")


def fenced_blocks():
    """(info string, body, the guide's text between the previous block and this one)."""
    blocks, end = [], 0
    for match in FENCE.finditer(GUIDE):
        blocks.append((match.group(1).strip(), match.group(2), GUIDE[end:match.start()]))
        end = match.end()
    return blocks


BLOCKS = fenced_blocks()
COMPLETE = {info.split("file=", 1)[1]: body for info, body, _ in BLOCKS
            if info.startswith("yaml ") and "file=" in info}
CHECKS = []
for info, body, before in BLOCKS:
    if info == "text check":
        breaks = BREAK.findall(before)
        CHECKS.append((breaks[-1] if breaks else None, [line for line in body.splitlines() if line.strip()]))


@pytest.fixture
def lessons(tmp_path, settings):
    """Points LESSONS_DIR at a temporary lessons/; write(files) puts files there, beside the real
    stages, clusters, topics.yaml and clusters.yaml, and returns its path. Write once: the catalog
    reads a directory once."""
    root = tmp_path / "lessons"
    settings.LESSONS_DIR = root

    def write(files: dict[str, str]) -> Path:
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (root / "exercises").mkdir(parents=True, exist_ok=True)
        (root / "quiz").mkdir(parents=True, exist_ok=True)
        for name in SHARED_QUIZ_FILES:
            (root / "quiz" / name).write_text((REAL_LESSONS / "quiz" / name).read_text(encoding="utf-8"))
        for directory in SHARED_DIRECTORIES:
            shutil.copytree(REAL_LESSONS / directory, root / directory)
        return root

    return write


def check_lines(root: Path) -> list[str]:
    """What `manage.py check` prints, as Django prints it."""
    return sorted(f"?: ({e.id}) {e.msg}" for e in content_check(None))


def test_the_guide_holds_a_complete_exercise_and_a_complete_quiz_file():
    assert [p for p in COMPLETE if p.startswith("lessons/exercises/")], (
        "no ```yaml file=lessons/exercises/...")
    assert [p for p in COMPLETE if p.startswith("lessons/quiz/")], "no ```yaml file=lessons/quiz/..."
    for path in COMPLETE:
        assert re.fullmatch(r"lessons/(exercises|quiz)/[a-z0-9-]+\.yaml", path), path
        assert Path(path).name not in SHARED_QUIZ_FILES, path
    assert len(GUIDE.splitlines()) <= 385, "the guide is meant to stay near 350 lines"


def test_each_complete_file_loads_through_the_real_loaders(lessons):
    root = lessons(COMPLETE)
    assert exercises.problems() == []
    wanted = {yaml.safe_load(text)["id"] for path, text in COMPLETE.items() if "/exercises/" in path}
    assert {e.id for e in exercises.all_exercises()} == wanted
    assert content().problems["quiz"] == ()
    bank = quiz.bank()
    assert engine_problems(bank, seeds=range(40)) == []
    items = [item["slug"] for path, text in COMPLETE.items() if "/quiz/" in path
             for listed in yaml.safe_load(text).values() for item in listed]
    assert sorted(bank.questions) == sorted(items)  # none left out
    assert check_lines(root) == []


def test_each_example_exercise_passes_its_solution_and_fails_its_starter(lessons):
    lessons(COMPLETE)
    for exercise in exercises.all_exercises():
        assert grade(exercise, exercise.solution).passed, exercise.id
        assert exercise.starter.strip() and not grade(exercise, exercise.starter).passed, exercise.id
        # as tests/content/test_exercises.py asks
        assert exercise.task.strip() and exercise.hints, exercise.id


def test_the_guide_shows_some_check_output():
    assert len(CHECKS) >= 3
    assert all(lines for _, lines in CHECKS)


@pytest.mark.parametrize("change, lines", CHECKS, ids=[f"check-{i}" for i in range(len(CHECKS))])
def test_each_message_shown_is_what_manage_py_check_prints_for_its_break(lessons, change, lines):
    assert change is not None, "a `text check` block needs \"change `OLD` to `NEW`\" in the sentence above it"
    old, new = change
    holders = [path for path, text in COMPLETE.items() if old in text]
    assert len(holders) == 1 and COMPLETE[holders[0]].count(old) == 1, f"{old!r} must occur once: {holders}"
    broken = dict(COMPLETE)
    broken[holders[0]] = broken[holders[0]].replace(old, new, 1)
    root = lessons(broken)
    assert check_lines(root) == sorted(lines)
    for line in lines:  # the documented shape: path:line: field.path: message
        assert re.match(r"\?: \(catalog\.(exercises|quiz)\) "
                        r"lessons/(exercises|quiz)/[a-z0-9-]+\.yaml:\d+: \S+: .+", line), line


def named(name: str) -> bool:
    """`name` in backticks, or `name:` as a key in a code span or block."""
    return f"`{name}`" in GUIDE or re.search(rf"[`{{\s]{re.escape(name)}:", GUIDE) is not None


def test_the_guide_names_every_field_kind_and_check_the_loaders_know():
    known = {
        "exercise fields": exercises.FIELDS,
        "accepted fields": exercises.ACCEPTED_FIELDS,
        "inspection question fields": exercises.QUESTION_FIELDS,
        "inspection checks": exercises.QUESTION_CHECKS,
        "quiz question fields": sorted(quiz_loading.TEMPLATE_FIELDS),
        "quiz choice fields": sorted(quiz_loading.CHOICE_FIELDS),
        "quiz kinds": tuple(quiz.KINDS),
        "stage fields": stages.STAGE_FIELDS,
        "stage text blocks": stages.BLOCK_KINDS,
        "beyond lesson fields": beyond_loading.LESSON_FIELDS,
    }
    missing = {what: [n for n in names if not named(n)] for what, names in known.items()}
    assert {what: names for what, names in missing.items() if names} == {}
    assert exercises.NONE_CHOICE in GUIDE
