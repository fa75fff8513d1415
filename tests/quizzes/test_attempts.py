"""Attempts as plain operations: composition, saving, the deadline, finishing, scoring."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from trainer.catalog.quiz import bank
from trainer.quizzes import attempts
from trainer.quizzes.composition import DEFAULT_PRESETS, compose
from trainer.quizzes.models import GRACE, Attempt
from trainer.quizzes.results import result_of

from .conftest import EXAM, PRACTICE, exam_of, right_letters, wrong_letters

pytestmark = pytest.mark.django_db
SPECS = list(bank().questions.values())


def test_a_twenty_question_exam_spans_most_topics_and_the_mock_spans_all():
    short = compose(SPECS, 20, random.Random(1))
    mock = compose(SPECS, 60, random.Random(2))
    topics = {s.slug: s.topic for s in SPECS}
    # One question a topic while topics last: 20 topics of the 24 (the semantics' and the beyond lessons').
    assert len(short) == 20 and len({topics[slug] for slug, _ in short}) == min(20, len(bank().topics))
    assert len(mock) == 60 and len({slug for slug, _ in mock}) == 60
    assert {topics[slug] for slug, _ in mock} == set(bank().topics)


def test_composition_is_reproducible_from_its_seed_and_differs_between_seeds():
    assert compose(SPECS, 20, random.Random(5)) == compose(SPECS, 20, random.Random(5))
    assert compose(SPECS, 20, random.Random(5)) != compose(SPECS, 20, random.Random(6))


def test_practice_on_one_topic_asks_only_that_topic_and_fills_up_with_fresh_variants():
    specs = [s for s in SPECS if s.topic == "ports"]
    chosen = compose(specs, 20, random.Random(3))
    assert len(chosen) == 20
    assert {slug for slug, _ in chosen} <= {s.slug for s in specs}
    assert len(set(chosen)) == 20  # a repeated template comes with another seed


def test_the_default_exams_are_the_kcsa_pace():
    exams = {p.slug: (p.count, p.minutes) for p in DEFAULT_PRESETS if p.mode == "exam"}
    assert exams == {"exam-20": (20, 30), "exam-60": (60, 90)}


def test_starting_an_exam_sets_its_deadline_and_questions(alice):
    now = timezone.now()
    attempt = attempts.start({"user": alice}, EXAM, now=now)
    assert attempt.deadline == now + timedelta(minutes=30)
    assert [q.position for q in attempt.questions.all()] == [1, 2, 3, 4, 5]
    practice = attempts.start({"user": alice}, PRACTICE)
    assert practice.deadline is None and practice.remaining_seconds() is None


def test_an_answer_after_the_deadline_is_refused_and_the_exam_finished_at_its_deadline(alice):
    attempt = exam_of(alice)
    question = attempt.questions.get(position=1)
    attempts.save_answer(attempt, question, right_letters(question))
    late = attempt.deadline + GRACE + timedelta(seconds=1)
    second = attempt.questions.get(position=2)
    with pytest.raises(attempts.AttemptClosed):
        attempts.save_answer(attempt, second, right_letters(second), now=late)
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.submitted_at == attempt.deadline
    assert attempt.correct_count == 1 and attempt.graded_count == 5
    assert attempt.questions.get(position=2).answer == ""


def test_an_answer_sent_just_before_the_deadline_still_lands_within_the_grace(alice):
    attempt = exam_of(alice)
    question = attempt.questions.get(position=1)
    attempts.save_answer(attempt, question, right_letters(question), now=attempt.deadline + GRACE / 2)
    assert attempt.questions.get(position=1).answered


def test_finishing_twice_changes_nothing(alice):
    attempt = exam_of(alice)
    attempts.finish(attempt)
    first = Attempt.objects.get(pk=attempt.pk).submitted_at
    attempts.finish(attempt, now=first + timedelta(minutes=5))
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == first
    with pytest.raises(attempts.AttemptClosed):
        attempts.toggle_flag(attempt, attempt.questions.first())


def test_practice_check_grades_and_locks_the_answer(alice):
    attempt = attempts.start({"user": alice}, PRACTICE)
    question = attempt.questions.get(position=1)
    attempts.check(attempt, question, wrong_letters(question) or right_letters(question))
    question.refresh_from_db()
    assert question.checked and question.correct is (not wrong_letters(question))
    with pytest.raises(attempts.AttemptClosed):
        attempts.save_answer(attempt, question, right_letters(question))


def test_letters_outside_the_choices_or_two_for_a_single_answer_are_refused(alice):
    attempt = exam_of(alice)
    question = attempt.questions.get(position=1)
    with pytest.raises(attempts.BadAnswer):
        attempts.save_answer(attempt, question, ["Z"])
    single = next((q for q in attempt.questions.all() if not attempts.instance_of(q).multiple), None)
    if single is not None:
        with pytest.raises(attempts.BadAnswer):
            attempts.save_answer(attempt, single, ["A", "B"])


def test_the_result_scores_all_or_nothing_and_passes_at_exactly_75_percent(alice):
    attempt = attempts.start({"user": alice}, EXAM.__class__("x", "x", "exam", 4, 10))
    questions = list(attempt.questions.all())
    for q in questions[:3]:
        attempts.save_answer(attempt, q, right_letters(q))
    attempts.save_answer(attempt, questions[3], wrong_letters(questions[3]))
    attempts.finish(attempt)
    result = result_of(attempt)
    assert (result.correct, result.total, result.percent, result.passed) == (3, 4, 75, True)
    assert sum(t.total for t in result.topics) == 4
    assert [r.question.position for r in result.review] == [1, 2, 3, 4]


def test_an_attempt_whose_question_left_the_bank_still_scores_the_rest(alice):
    attempt = exam_of(alice)
    gone = attempt.questions.get(position=1)
    gone.slug = "no-longer-here"
    gone.save()
    attempts.finish(attempt)
    attempt.refresh_from_db()
    assert attempt.graded_count == 4
    assert result_of(attempt).review[0].shown is None


def test_an_attempt_on_several_topics_asks_only_those(alice):
    topics = sorted(bank().topics)[:2]
    attempt = attempts.start({"user": alice}, PRACTICE, topics=topics)
    asked = {bank().questions[q.slug].topic for q in attempt.questions.all()}
    assert asked and asked <= set(topics)


def test_a_tagged_attempt_keeps_its_given_deadline_and_is_never_forgotten(alice, monkeypatch):
    monkeypatch.setattr(attempts, "ATTEMPTS_KEPT", 2)
    closes = timezone.now() + timedelta(minutes=7)
    tagged = attempts.start({"user": alice}, EXAM, tag="class:1", deadline=closes)
    assert tagged.deadline == closes and tagged.tag == "class:1"
    attempts.finish(tagged)
    for _ in range(3):
        attempts.finish(attempts.start({"user": alice}, PRACTICE))
    assert Attempt.objects.filter(pk=tagged.pk).exists()
    assert Attempt.objects.filter(user=alice, tag="").count() == 2


def test_moving_a_deadline_extends_an_open_exam_and_a_past_one_finishes_it(alice):
    exam = attempts.start({"user": alice}, EXAM)
    later = exam.deadline + timedelta(minutes=10)
    attempts.set_deadline(exam, later)
    assert Attempt.objects.get(pk=exam.pk).deadline == later and not exam.finished
    now = timezone.now()
    attempts.set_deadline(exam, now - GRACE - timedelta(seconds=1), now=now)
    stored = Attempt.objects.get(pk=exam.pk)
    assert stored.finished and stored.timed_out
    attempts.set_deadline(exam, later)  # a finished attempt stays as it is
    assert Attempt.objects.get(pk=exam.pk).deadline < later
