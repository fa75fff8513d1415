"""Hostile answers under the web's cap get a grade or a clear refusal, never an exception;
the references of every exercise stay far from the limits."""

from __future__ import annotations

import pytest

from trainer.catalog.exercises import all_exercises, get_exercise
from trainer.grading import grade
from trainer.grading.equivalence import MAX_PAIRS
from trainer.grading.universe import MAX_ENDPOINTS

from .hostile import FAMILIES, WEB_CAP, hostile


@pytest.mark.parametrize("family", FAMILIES)
def test_a_hostile_answer_is_graded_or_refused_in_words(family):
    answer = hostile(family, "billing")
    assert WEB_CAP - 1000 < len(answer.encode()) <= WEB_CAP
    result = grade(get_exercise("allow-api-to-db"), answer)
    assert result.error is None and not result.passed
    assert result.checks
    refused = [c.message for c in result.checks if c.message.startswith("The grader could not compare")]
    if refused:
        assert "Write it with fewer distinct labels, namespaces and ipBlocks." in refused[0]
        assert result.score == 0


def test_families_include_answers_refused_and_answers_graded():
    outcomes = set()
    for family in FAMILIES:
        result = grade(get_exercise("allow-api-to-db"), hostile(family, "billing"))
        outcomes.add(result.checks[0].message.startswith("The grader could not compare"))
    assert outcomes == {True, False}


def test_every_reference_is_far_from_the_limits():
    from trainer.grading import judge, parse_answer
    for exercise in all_exercises():
        if not exercise.references:
            continue
        manifests, answer = parse_answer(exercise.solution)
        found = judge(exercise, manifests, answer)
        assert len(found.universe.endpoints) < MAX_ENDPOINTS / 20, exercise.id
        assert max(c.pairs for c in found.comparisons[0].values()) < MAX_PAIRS / 20, exercise.id
