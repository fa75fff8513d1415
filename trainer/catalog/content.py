"""All of lessons/, loaded once per process per directory: the one cache of the catalog.

Each loader reads its part whole and reports every problem of every file:

    stage_loading.load_stages      stages/ and clusters/  -> Catalog
    exercise_loading.load_exercises exercises/            -> the exercises
    quiz_loading.load_bank         quiz/                  -> Bank
    beyond_loading.load_beyond     beyond/                -> the "Beyond the guide" lessons

The number of stages is the content's (the stage-N.yaml files); exercises and quiz
questions are checked against it, and the beyond lessons' topics against the quiz's.
What depends on what points one way:

    stages.py, exercises.py, quiz.py, quiz_variants.py,
    beyond.py                                            the API the site uses
      -> content.py                                      this cache
        -> *_loading.py                                  the loaders
          -> *_objects.py, probes.py, fields.py          the frozen objects, and reading a file

The cache is keyed by the lessons directory: tests point settings.LESSONS_DIR at
temporary copies, and each copy is read once too. Checks that run the engine over
the loaded content (the exercise audit, the quiz's keys) are the API modules'
problems(); they read this load, never the files again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from django.conf import settings

from . import beyond_loading, exercise_loading, quiz_loading, stage_loading
from .beyond_objects import BeyondLesson
from .exercise_objects import Exercise
from .quiz_objects import Bank
from .stage_objects import Catalog

PARTS = ("stages", "exercises", "quiz", "beyond")


@dataclass(frozen=True, eq=False)
class Content:
    root: Path
    catalog: Catalog
    exercises: tuple[Exercise, ...]
    bank: Bank
    beyond: tuple[BeyondLesson, ...]
    stage_numbers: tuple[int, ...]  # of the stage files there are, whether or not each loads
    problems: Mapping[str, tuple[str, ...]]  # by part (PARTS): what loading found


def lessons_dir() -> Path:
    return Path(settings.LESSONS_DIR)


def content() -> Content:
    """Everything under settings.LESSONS_DIR, as loaded once."""
    return load_content(lessons_dir())


@lru_cache(maxsize=8)  # one per directory: the real one, and a few temporary copies at a time in tests
def load_content(root: Path) -> Content:
    catalog, stage_problems = stage_loading.load_stages(root)
    numbers = tuple(stage_loading.stage_files(root))
    exercises, exercise_problems = exercise_loading.load_exercises(root, numbers)
    bank, quiz_problems = quiz_loading.load_bank(root, numbers)
    # A lesson's topic is held to topics.yaml only when that file loaded whole (else it is said there).
    topics_broken = any(p.startswith(f"lessons/quiz/{quiz_loading.TOPICS_FILE}") for p in quiz_problems)
    beyond, beyond_problems = beyond_loading.load_beyond(root, None if topics_broken else set(bank.topics))
    problems = dict(zip(PARTS, (stage_problems, exercise_problems, quiz_problems, beyond_problems),
                        strict=True))
    return Content(root, catalog, exercises, bank, beyond, numbers, MappingProxyType(problems))
