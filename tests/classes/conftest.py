"""A class with its instructor (bob), learners and records, built through the same modules
the views use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from trainer.catalog.exercises import get_exercise
from trainer.classes import roster
from trainer.classes.models import Assignment
from trainer.grading import grade
from trainer.lab.models import LabState, Submission

EXERCISE = "and-peer"  # its starter fails with OR for AND


@pytest.fixture
def classroom(bob):
    return roster.create(bob, "Networking 101")


@pytest.fixture
def exercise_assignment(classroom):
    return Assignment.objects.create(classroom=classroom, kind="exercise", slug=EXERCISE,
                                     title=get_exercise(EXERCISE).title, position=1)


def enrol(classroom, user):
    return roster.join(classroom, user)


def submit(user, slug: str, text: str, when=None, after_solution: bool = False) -> Submission:
    """A graded answer as the lab stores it, and the lab state beside it."""
    verdict = grade(get_exercise(slug), text)
    when = when or timezone.now()
    lab, _ = LabState.objects.get_or_create(user=user, exercise=slug, defaults={"created_at": when})
    LabState.objects.filter(pk=lab.pk).update(graded=lab.graded + 1, gave_up=after_solution)
    return Submission.objects.create(
        user=user, exercise=slug, answer=text, created_at=when, passed=verdict.passed, score=verdict.score,
        diagnoses=verdict.diagnoses, mistakes=verdict.mistakes, after_solution=after_solution,
        failed_checks=[c.message for c in verdict.checks if not c.ok])


def hours_ago(n: float):
    return timezone.now() - timedelta(hours=n)
