"""The dashboard, the misconception view and the gradebook run the same number of queries
for 5 learners and for 200."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog
from trainer.classes import board, mistakes, quizzes
from trainer.classes.models import Assignment
from trainer.walkthrough.models import StageProgress

from .conftest import EXERCISE, enrol, hours_ago, submit


def fill(classroom, django_user_model, learners: int):
    """Learners with an answer each, a stage visited, a quiz started."""
    stage = catalog().stages[0]
    Assignment.objects.create(classroom=classroom, kind="stage", slug=stage.slug, title=stage.title)
    quiz = Assignment.objects.create(classroom=classroom, kind="quiz", quiz_mode="practice", title="Q",
                                     questions=2)
    starter = get_exercise(EXERCISE).starter
    for i in range(learners):
        user = django_user_model.objects.create_user(f"learner{i:03d}")
        member = enrol(classroom, user)
        if i % 2:
            submit(user, EXERCISE, starter, when=hours_ago(1))
        StageProgress.objects.create(user=user, stage=stage.slug, visited_at=hours_ago(2))
        if i % 5 == 0:
            quizzes.start(quiz, member)


def queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.mark.parametrize("learners", [5, 200])
def test_the_boards_run_a_fixed_number_of_queries(classroom, exercise_assignment, django_user_model,
                                                  django_assert_num_queries, learners):
    fill(classroom, django_user_model, learners)
    with django_assert_num_queries(7):  # assignments, learners, 2 submissions, labs, stages, quizzes
        built = board.build(classroom)
    assert len(built.rows) == learners
    with django_assert_num_queries(3):  # learners, assignments, the latest submissions
        found = mistakes.build(classroom)
    assert found.exercises[0].answered == learners // 2


@pytest.mark.parametrize("page", ["dashboard", "mistakes", "gradebook"])
def test_each_page_costs_the_same_queries_for_5_and_200_learners(client, bob, classroom, exercise_assignment,
                                                                 django_user_model, page):
    client.force_login(bob)
    url = reverse(f"classes:{page}", args=[classroom.pk])
    fill(classroom, django_user_model, 5)
    small = queries(lambda: client.get(url))
    for i in range(195):
        user = django_user_model.objects.create_user(f"more{i:03d}")
        enrol(classroom, user)
        submit(user, EXERCISE, get_exercise(EXERCISE).solution)
    assert classroom.memberships.count() == 201
    assert queries(lambda: client.get(url)) == small
