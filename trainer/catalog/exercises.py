"""The practice lab's exercises as the site uses them.

lessons/exercises/*.yaml hold them, one per file (the format is exercise_loading.py's);
content.py keeps them. problems() adds to what loading found the audit of every
reference (trainer/grading/audit.py), each message on the line of the field it names.
"""

from __future__ import annotations

from trainer.grading.audit import exercise_problems

from . import exercise_loading
from .content import content
from .exercise_loading import ACCEPTED_FIELDS, FIELDS, QUESTION_FIELDS, ExerciseFileError
from .exercise_objects import (
    NONE_CHOICE,
    POLICY_TYPE_CHOICES,
    QUESTION_CHECKS,
    Accepted,
    Exercise,
    Question,
    RequiredPolicy,
)

__all__ = ["ACCEPTED_FIELDS", "FIELDS", "NONE_CHOICE", "POLICY_TYPE_CHOICES", "QUESTION_CHECKS",
           "QUESTION_FIELDS", "Accepted", "Exercise", "ExerciseFileError", "Question", "RequiredPolicy",
           "all_exercises", "get_exercise", "load_exercise_file", "problems"]


def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise that loads, in file name order; a broken one is left out, and problems() says why."""
    return content().exercises


def get_exercise(exercise_id: str) -> Exercise:
    for e in all_exercises():
        if e.id == exercise_id:
            return e
    raise KeyError(f"no exercise {exercise_id!r}")


def load_exercise_file(path) -> Exercise:
    """One exercise file on its own, wherever it is (`manage.py grade FILE`), checked as the lab's are;
    ExerciseFileError lists every problem it has."""
    current = content()
    return exercise_loading.load_exercise_file(path, current.root, current.stage_numbers)


def problems() -> list[str]:
    """For `manage.py check`: every problem of every exercise file, then what the audit finds."""
    current = content()
    found = list(current.problems["exercises"])
    for exercise in current.exercises:
        if exercise.solution.strip():
            found += [exercise.origin.audit(message) for message in exercise_problems(exercise)]
    return found
