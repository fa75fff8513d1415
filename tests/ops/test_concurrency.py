"""Integrity under concurrency, with real threads on the suite's database (SQLite, a file in WAL
mode; or PostgreSQL with DATABASE_URL). Each thread has its own connection.

Before: on PostgreSQL an answer racing the exam's submit was stored after it and graded wrongly
("Incorrect. Your answer: A. Key: A."); on SQLite, 20 concurrent learners got 500 "database is
locked" on 189 of 195 submits, and even 2 lost answers.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from trainer.catalog.exercises import all_exercises
from trainer.lab.models import Submission
from trainer.quizzes import attempts
from trainer.quizzes.composition import Preset
from trainer.quizzes.models import Attempt, AttemptQuestion

pytestmark = pytest.mark.django_db(transaction=True)
EXAM = Preset("exam-8", "Exam, 8 questions", "exam", 8, 30)
TRIALS = 15


def in_threads(calls):
    """Run the calls at once (a barrier releases them together); each result or exception, in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        except Exception as exc:  # the thread's failure is the test's evidence, reported below
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def wrong(question) -> str:
    shown = attempts.instance_of(question)
    return next(letter for letter in shown.letters if letter not in shown.key)


def right(question) -> list[str]:
    return sorted(attempts.instance_of(question).key)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_an_answer_racing_the_submit_is_either_graded_or_refused(alice, trial):
    """7 answers and the submit at once: each answer lands before the grading, which then counts
    it, or is refused as closed; never stored after, never graded against an older answer."""
    attempt = attempts.start({"user": alice}, EXAM)
    questions = list(attempt.questions.all())
    single = [q for q in questions if not attempts.instance_of(q).multiple][:7]
    for q in single:  # every one answered wrongly first: a late right answer must not slip in
        attempts.save_answer(attempt, q, [wrong(q)])

    def answering(q):
        return lambda: attempts.save_answer(Attempt.objects.get(pk=attempt.pk), q, right(q))

    outcomes = in_threads([answering(q) for q in single]
                          + [lambda: attempts.finish(Attempt.objects.get(pk=attempt.pk))])
    unexpected = [o for o in outcomes
                  if isinstance(o, Exception) and not isinstance(o, attempts.AttemptClosed)]
    assert unexpected == []
    attempt.refresh_from_db()
    assert attempt.finished
    stored = {q.pk: q for q in AttemptQuestion.objects.filter(attempt=attempt)}
    for q, outcome in zip(single, outcomes, strict=False):
        row = stored[q.pk]
        assert row.correct == attempts.instance_of(row).grade(row.letters), "graded against another answer"
        if isinstance(outcome, attempts.AttemptClosed):
            assert row.answer == wrong(q), "a refused answer was stored"
        else:
            assert row.answer == "".join(right(q)) and row.answered_at <= attempt.submitted_at
    assert attempt.correct_count == sum(1 for r in stored.values() if r.correct)


def test_after_the_submit_nothing_is_stored(alice):
    attempt = attempts.start({"user": alice}, EXAM)
    q = attempt.questions.get(position=1)
    attempts.finish(attempt)
    stale = Attempt.objects.get(pk=attempt.pk)
    stale.submitted_at = None  # as a request that read the attempt just before the submit sees it
    for change in (lambda: attempts.save_answer(stale, q, right(q)), lambda: attempts.toggle_flag(stale, q)):
        with pytest.raises(attempts.AttemptClosed):
            change()
    row = AttemptQuestion.objects.get(pk=q.pk)
    assert row.answer == "" and not row.flagged


LEARNERS = 20


def learner_session(n: int, exercise) -> dict:
    """One learner's whole visit over HTTP: start an exam, answer, submit, grade a lab answer."""
    client = Client()
    statuses = []
    start = client.post(reverse("quizzes:start"), {"mode": "exam", "preset": "exam-20"})
    statuses.append(start.status_code)
    pk = re.search(r"/quizzes/([0-9a-f-]{36})/q/1/$", start["Location"]).group(1)
    questions = list(AttemptQuestion.objects.filter(attempt_id=pk).order_by("position")[:5])
    acknowledged = {}
    for q in questions:
        letter = attempts.instance_of(q).letters[n % 2]
        response = client.post(reverse("quizzes:answer", args=[pk, q.position]), {"choice": letter},
                               HTTP_HX_REQUEST="true")
        statuses.append(response.status_code)
        if response.status_code == 200:
            acknowledged[q.pk] = letter
    statuses.append(client.post(reverse("quizzes:submit", args=[pk])).status_code)
    statuses.append(client.post(reverse("lab:grade", args=[exercise.id]),
                                {"answer": exercise.starter or "a: 1"}, HTTP_HX_REQUEST="true").status_code)
    return {"attempt": pk, "statuses": statuses, "acknowledged": acknowledged}


def test_twenty_learners_at_once_get_no_500_and_lose_nothing():
    exercise = next(e for e in all_exercises() if e.starter.strip())
    results = in_threads([lambda n=n: learner_session(n, exercise) for n in range(LEARNERS)])
    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []
    statuses = [s for r in results for s in r["statuses"]]
    assert statuses.count(500) == 0 and set(statuses) <= {200, 302}
    for r in results:
        attempt = Attempt.objects.get(pk=r["attempt"])
        assert attempt.finished
        for pk, letter in r["acknowledged"].items():
            assert AttemptQuestion.objects.get(pk=pk).answer == letter
    assert Submission.objects.count() == 0  # anonymous: the graded attempts live in each session


def test_the_sqlite_settings_let_writers_wait_instead_of_failing():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
    assert connection.transaction_mode == "IMMEDIATE"
