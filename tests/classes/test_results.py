"""The gradebook and its CSV, item analysis figures, stuck rates, and the demo class."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from trainer.catalog.exercises import get_exercise
from trainer.classes import analysis, board, demo, results
from trainer.classes.models import Assignment, Classroom
from trainer.lab.models import LabState
from trainer.quizzes.models import Attempt, AttemptQuestion

from .conftest import EXERCISE, enrol, hours_ago, submit

STARTER, SOLUTION = get_exercise(EXERCISE).starter, get_exercise(EXERCISE).solution


def test_the_csv_has_canvas_columns_a_points_row_and_text_safe_names(classroom, exercise_assignment,
                                                                      alice, django_user_model):
    mallory = django_user_model.objects.create_user("=cmd", first_name="Mal", last_name="=1+1")
    enrol(classroom, alice)
    enrol(classroom, mallory)
    scored = submit(alice, EXERCISE, STARTER).score
    rows = list(csv.reader(io.StringIO(results.gradebook_csv(board.build(classroom)))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       f"{exercise_assignment.title} ({exercise_assignment.pk})"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "100"
    by_login = {r[3]: r for r in rows[2:]}
    assert by_login["alice"][5] == str(scored) and 0 < scored < 100
    assert by_login["'=cmd"][0] == "'=1+1, Mal" and by_login["'=cmd"][5] == ""  # not started: blank
    assert all(r[4] == "Networking 101" for r in rows[2:])


def test_the_csv_download_is_an_attachment(client, bob, classroom):
    client.force_login(bob)
    response = client.get(reverse("classes:gradebook_csv", args=[classroom.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="networking-101-gradebook-')


def test_the_gradebook_shows_best_scores_passes_and_lateness(client, bob, classroom, exercise_assignment,
                                                            alice):
    exercise_assignment.due_at = hours_ago(2)
    exercise_assignment.save()
    enrol(classroom, alice)
    submit(alice, EXERCISE, STARTER, when=hours_ago(3))
    submit(alice, EXERCISE, SOLUTION, when=hours_ago(1))
    client.force_login(bob)
    text = client.get(reverse("classes:gradebook", args=[classroom.pk])).content.decode()
    assert "100 ✓" in text and "late" in text


def finished_attempt(user, tag, answers: dict[str, bool]):
    """A finished class quiz attempt with these questions right or wrong."""
    attempt = Attempt.objects.create(user=user, mode="practice", title="Q", seed=1, tag=tag,
                                     submitted_at=timezone.now(), correct_count=sum(answers.values()),
                                     graded_count=len(answers))
    for i, (slug, right) in enumerate(answers.items(), 1):
        AttemptQuestion.objects.create(attempt=attempt, position=i, slug=slug, variant_seed=1, correct=right)
    return attempt


def test_facility_and_discrimination_follow_the_upper_lower_rule(classroom, django_user_model):
    quiz = Assignment.objects.create(classroom=classroom, kind="quiz", quiz_mode="practice", title="Q")
    # 10 learners: the strong 5 get "easy" and "telling" right; the weak 5 get only "easy".
    for i in range(10):
        user = django_user_model.objects.create_user(f"l{i}")
        enrol(classroom, user)
        strong = i < 5
        finished_attempt(user, quiz.tag, {"easy": True, "telling": strong, "noise": i % 2 == 0})
    rows, attempts = analysis.item_analysis(classroom)
    figures = {r.slug: r.figures for r in rows}
    assert attempts == 10
    assert figures["easy"].facility == 1.0 and figures["easy"].discrimination == 0.0
    assert figures["telling"].facility == 0.5 and figures["telling"].discrimination == 1.0
    assert rows[-1].slug == "easy"  # hardest first
    assert not figures["easy"].tentative and figures["easy"].answered == 10


def test_stuck_means_gave_up_or_three_tries_without_a_pass(classroom, exercise_assignment, alice, charlie,
                                                           django_user_model):
    dora = django_user_model.objects.create_user("dora")
    for user in (alice, charlie, dora):
        enrol(classroom, user)
    for _ in range(3):
        submit(alice, EXERCISE, STARTER)
    submit(charlie, EXERCISE, SOLUTION)
    LabState.objects.create(user=dora, exercise=EXERCISE, gave_up=True)
    [found] = analysis.stuck_rates(classroom)
    assert (found.started, found.passed, found.stuck) == (3, 1, 2)


@pytest.mark.django_db
def test_the_demo_class_fills_a_dashboard_with_real_verdicts(client):
    call_command("demo_class", "--learners", "12", "--seed", "3")
    classroom = Classroom.objects.get()
    built = board.build(classroom)
    assert len(built.rows) == 12 and len(built.assignments) == 11
    statuses = {c.status for r in built.rows for c in r.cells}
    assert statuses == {board.NOT_STARTED, board.WORKING, board.PASSED, board.PASSED_AFTER_ANSWER}
    assert any(c.mistake for r in built.rows for c in r.cells)
    for slug in demo.EXERCISES:
        texts = demo.answers(slug)
        assert texts[0][1].passed and all(not g.passed for _, g in texts[1:])
    call_command("demo_class", "--learners", "3")  # again: replaces, does not pile up
    assert Classroom.objects.count() == 1
