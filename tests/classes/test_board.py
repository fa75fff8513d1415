"""The dashboard's cells: status, attempts, time, diagnosis and lateness, for each kind of
assignment; and the live refresh that swaps the rows only."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog
from trainer.classes import board, quizzes, roster
from trainer.classes.models import Assignment
from trainer.quizzes import attempts
from trainer.quizzes.models import AttemptQuestion
from trainer.walkthrough.models import StageProgress

from .conftest import EXERCISE, enrol, hours_ago, submit

STARTER, SOLUTION = get_exercise(EXERCISE).starter, get_exercise(EXERCISE).solution


def cells_of(classroom, user):
    built = board.build(classroom)
    row = next(r for r in built.rows if r.membership.user_id == user.pk)
    return dict(zip([a.pk for a in built.assignments], row.cells, strict=True))


def test_an_exercise_goes_from_not_started_to_working_with_its_diagnosis_to_passed(
        classroom, exercise_assignment, alice):
    enrol(classroom, alice)
    assert cells_of(classroom, alice)[exercise_assignment.pk].status == board.NOT_STARTED
    submit(alice, EXERCISE, STARTER, when=hours_ago(2))
    cell = cells_of(classroom, alice)[exercise_assignment.pk]
    assert (cell.status, cell.attempts, cell.mistake) == (board.WORKING, 1, "or_for_and")
    assert cell.diagnosis.startswith("OR where AND was meant") and cell.score < 100
    submit(alice, EXERCISE, SOLUTION, when=hours_ago(1))
    cell = cells_of(classroom, alice)[exercise_assignment.pk]
    assert (cell.status, cell.attempts, cell.score, cell.diagnosis) == (board.PASSED, 2, 100, "")
    assert 3500 <= cell.seconds <= 3700  # from the first answer to the pass


def test_a_pass_after_seeing_the_model_answer_is_told_apart(classroom, exercise_assignment, alice):
    enrol(classroom, alice)
    submit(alice, EXERCISE, SOLUTION, after_solution=True)
    assert cells_of(classroom, alice)[exercise_assignment.pk].status == board.PASSED_AFTER_ANSWER


def test_late_means_passed_after_the_due_date_or_past_it_without_a_pass(classroom, exercise_assignment,
                                                                       alice, charlie):
    exercise_assignment.due_at = hours_ago(3)
    exercise_assignment.save()
    enrol(classroom, alice)
    enrol(classroom, charlie)
    submit(alice, EXERCISE, SOLUTION, when=hours_ago(4))
    submit(charlie, EXERCISE, SOLUTION, when=hours_ago(1))
    assert not cells_of(classroom, alice)[exercise_assignment.pk].late
    assert cells_of(classroom, charlie)[exercise_assignment.pk].late


def test_a_stage_is_working_once_visited_and_passed_once_completed(classroom, alice):
    stage = catalog().stages[1]
    item = Assignment.objects.create(classroom=classroom, kind="stage", slug=stage.slug, title=stage.title)
    enrol(classroom, alice)
    assert cells_of(classroom, alice)[item.pk].status == board.NOT_STARTED
    progress = StageProgress.objects.create(user=alice, stage=stage.slug, visited_at=hours_ago(1))
    assert cells_of(classroom, alice)[item.pk].status == board.WORKING
    progress.completed_at = timezone.now()
    progress.save()
    cell = cells_of(classroom, alice)[item.pk]
    assert cell.status == board.PASSED and cell.score == 100


def test_a_quiz_cell_counts_attempts_and_keeps_the_best_score(classroom, alice):
    item = Assignment.objects.create(classroom=classroom, kind="quiz", quiz_mode="practice", title="Quiz",
                                     questions=4)
    member = enrol(classroom, alice)
    for right in (1, 4):
        attempt = quizzes.start(item, member)
        for i, question in enumerate(attempt.questions.all()):
            shown = attempts.instance_of(question)
            letters = sorted(shown.key) if i < right else [c for c in shown.letters if c not in shown.key][:1]
            AttemptQuestion.objects.filter(pk=question.pk).update(answer="".join(letters),
                                                                  answered_at=timezone.now())
        attempts.finish(attempt)
    cell = cells_of(classroom, alice)[item.pk]
    assert (cell.status, cell.attempts, cell.score) == (board.PASSED, 2, 100)


def test_only_active_learners_are_rows(classroom, exercise_assignment, alice, charlie):
    enrol(classroom, alice)
    roster.leave(enrol(classroom, charlie))
    assert [r.membership.user for r in board.build(classroom).rows] == [alice]


def test_the_live_refresh_returns_the_rows_only_and_polls_again(client, bob, classroom, exercise_assignment,
                                                               alice):
    enrol(classroom, alice)
    submit(alice, EXERCISE, STARTER)
    client.force_login(bob)
    url = reverse("classes:dashboard", args=[classroom.pk])
    full = client.get(url).content.decode()
    assert "<html" in full and 'id="board-rows"' in full and "OR for AND" in full
    rows = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and rows.strip().startswith('<tbody id="board-rows"')
    assert 'hx-trigger="every 5s"' in rows and 'hx-swap="outerHTML"' in rows
    assert "alice" in rows and "OR for AND" in rows
    assert client.get(url)["Cache-Control"].startswith("max-age=0")


def test_a_cell_opens_the_latest_answer_read_only_with_its_panel_and_grade(client, bob, classroom,
                                                                          exercise_assignment, alice):
    member = enrol(classroom, alice)
    submit(alice, EXERCISE, STARTER + "# alice's <script>mark</script>\n")
    client.force_login(bob)
    page = client.get(reverse("classes:work", args=[classroom.pk, member.pk, exercise_assignment.pk]))
    text = page.content.decode()
    assert "&lt;script&gt;mark&lt;/script&gt;" in text and "<script>mark" not in text  # escaped
    assert 'id="result"' in text and "OR where AND was meant" in text
    assert "<textarea" not in text and 'name="cell"' not in text  # nothing to edit or post
