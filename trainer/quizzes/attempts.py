"""Starting, answering and finishing attempts. The server keeps the time.

Every operation on an attempt first closes it if its deadline has passed, so an
expired exam is finished by whichever request comes next, whether or not the
learner's page is still open.

Whatever changes an attempt takes its row's lock first (select_for_update; on
SQLite every transaction is IMMEDIATE, which serialises them the same way), so
an answer and the submit never interleave: an answer either lands before the
grading, which reads the stored answers once inside the lock, or is refused
because the attempt is closed. Nothing is stored after submission.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from trainer.catalog.quiz import bank
from trainer.catalog.quiz_variants import Instance, VariantError, instance

from .composition import SEED_RANGE, Preset, compose
from .models import Attempt, AttemptQuestion

SESSION_OWNER_KEY = "quiz_owner"
ATTEMPTS_KEPT = 100  # per learner; starting another deletes the oldest finished ones beyond it


class AttemptClosed(Exception):
    """The attempt was submitted or its time ran out: it cannot change."""


class BadAnswer(Exception):
    """An answer that is not a choice of the question (a tampered form)."""


# --- who owns what ------------------------------------------------------------------


def owner_filter(request, create: bool = False) -> dict | None:
    """The learner's attempts: by account, or by a token in the anonymous session."""
    if request.user.is_authenticated:
        return {"user": request.user}
    token = request.session.get(SESSION_OWNER_KEY)
    if not token and create:
        token = request.session[SESSION_OWNER_KEY] = secrets.token_urlsafe(24)
    return {"user": None, "owner_token": token} if token else None


def attempts_of(request):
    owner = owner_filter(request)
    return Attempt.objects.filter(**owner) if owner else Attempt.objects.none()


def claim_anonymous_attempts(request, user) -> int:
    """Move the session's anonymous attempts onto the account that just signed in."""
    token = request.session.get(SESSION_OWNER_KEY)
    if not token:
        return 0
    return Attempt.objects.filter(user=None, owner_token=token).update(user=user, owner_token="")


# --- starting -------------------------------------------------------------------------


def start(owner: dict, preset: Preset, topic: str = "", now=None, *, topics=(), tag: str = "",
          deadline=None) -> Attempt:
    """A new attempt on the bank's questions (of `topic`, or of any of `topics`). `tag` and
    `deadline` are for callers with a purpose of their own: a class exam's shared closing
    time replaces the preset's length."""
    now = now or timezone.now()
    current = bank()
    wanted = {topic} if topic else set(topics)
    specs = [s for s in current.questions.values() if not wanted or s.topic in wanted]
    seed = secrets.randbelow(SEED_RANGE)
    chosen = compose(specs, preset.count, random.Random(seed))
    title = preset.title
    if topic:
        title = f"{title}: {current.topics[topic].title}"
    if deadline is None and preset.minutes:
        deadline = now + timedelta(minutes=preset.minutes)
    with transaction.atomic():
        attempt = Attempt.objects.create(
            **owner, mode=preset.mode, title=title[:80], topic=topic, seed=seed, started_at=now,
            deadline=deadline, tag=tag)
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(attempt=attempt, position=i, slug=slug, variant_seed=variant)
            for i, (slug, variant) in enumerate(chosen, start=1))
        _forget_oldest(owner)
    return attempt


def _forget_oldest(owner: dict) -> None:
    """Keep a learner's history bounded: finished attempts past the newest ATTEMPTS_KEPT go."""
    mine = Attempt.objects.filter(**owner, tag="")  # tagged ones are bounded by their caller
    kept = list(mine.order_by("-started_at").values_list("pk", flat=True)[:ATTEMPTS_KEPT])
    if len(kept) == ATTEMPTS_KEPT:
        mine.filter(submitted_at__isnull=False).exclude(pk__in=kept).delete()


# --- the questions as shown -----------------------------------------------------------


def instance_of(question: AttemptQuestion) -> Instance | None:
    """What the learner saw; None when the bank no longer has the question."""
    try:
        return instance(question.slug, question.variant_seed)
    except (KeyError, VariantError):
        return None


# --- answering ------------------------------------------------------------------------


def enforce_deadline(attempt: Attempt, now=None) -> Attempt:
    """Finish an attempt whose time is up, as of its deadline."""
    now = now or timezone.now()
    if not attempt.finished and attempt.expired(now):
        finish(attempt, now=attempt.deadline, timed_out=True)
    return attempt


def _locked_open(attempt: Attempt, now=None):
    """Inside a transaction: lock the attempt's row and return the time (now, or the clock's
    once the lock is held); AttemptClosed when it no longer takes changes. Every writer of an
    attempt starts here, after enforce_deadline (outside the transaction, so that the refusal's
    rollback does not undo the finishing)."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    now = now or timezone.now()
    _refresh(attempt, locked)
    if not locked.open(now):
        raise AttemptClosed()
    return now


def _letters_for(question: AttemptQuestion, letters) -> str:
    shown = instance_of(question)
    if shown is None:
        raise BadAnswer("this question is no longer in the bank")
    letters = set(letters)
    if not letters <= set(shown.letters):
        raise BadAnswer("that is not one of the choices")
    if not shown.multiple and len(letters) > 1:
        raise BadAnswer("choose one answer")
    return "".join(sorted(letters))


def save_answer(attempt: Attempt, question: AttemptQuestion, letters, now=None) -> AttemptQuestion:
    answer = _letters_for(question, letters)
    enforce_deadline(attempt, now)
    with transaction.atomic():
        # The time is read once the lock is held, so that answers and the submit are stamped
        # in the order they happened.
        now = _locked_open(attempt, now)
        # Re-read under the lock: a practice question checked meanwhile keeps its answer.
        if AttemptQuestion.objects.filter(pk=question.pk, checked=True).exists():
            raise AttemptClosed()
        AttemptQuestion.objects.filter(pk=question.pk).update(answer=answer, answered_at=now)
    question.answer, question.answered_at = answer, now
    return question


def check(attempt: Attempt, question: AttemptQuestion, letters, now=None) -> AttemptQuestion:
    """Practice: save the answer, lock it and grade it, so feedback may be shown."""
    if attempt.is_exam:
        raise BadAnswer("an exam gives no feedback until it is submitted")
    with transaction.atomic():
        save_answer(attempt, question, letters, now)
        question.checked = True
        question.correct = instance_of(question).grade(question.letters)
        question.save(update_fields=["checked", "correct"])
    return question


def toggle_flag(attempt: Attempt, question: AttemptQuestion, now=None) -> AttemptQuestion:
    enforce_deadline(attempt, now)
    with transaction.atomic():
        _locked_open(attempt, now)
        question.flagged = not AttemptQuestion.objects.get(pk=question.pk).flagged
        question.save(update_fields=["flagged"])
    return question


def remember_position(attempt: Attempt, position: int):
    if attempt.last_position != position and not attempt.finished:
        Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(last_position=position)
        attempt.last_position = position


# --- finishing ------------------------------------------------------------------------


def finish(attempt: Attempt, now=None, timed_out: bool = False) -> Attempt:
    """Grade every question and close the attempt; a second call changes nothing."""
    with transaction.atomic():
        # Locked so that a submit and a deadline racing each other grade only once.
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        now = now or timezone.now()
        if locked.finished:
            return _refresh(attempt, locked)
        correct = graded = 0
        # The stored answers, read once under the lock that every answer takes too.
        questions = list(locked.questions.all())
        for q in questions:
            shown = instance_of(q)
            q.correct = None if shown is None else shown.grade(q.letters)
            if q.correct is not None:
                graded += 1
                correct += q.correct
        AttemptQuestion.objects.bulk_update(questions, ["correct"])
        locked.submitted_at = now
        locked.timed_out = timed_out
        locked.correct_count, locked.graded_count = correct, graded
        locked.save(update_fields=["submitted_at", "timed_out", "correct_count", "graded_count"])
    return _refresh(attempt, locked)


def set_deadline(attempt: Attempt, deadline, now=None) -> Attempt:
    """Move an open attempt's deadline (extra time, or a class exam closed early); a closed
    attempt is left as it is. A deadline already past finishes the attempt at once."""
    enforce_deadline(attempt, now)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.finished:
            return _refresh(attempt, locked)
        locked.deadline = attempt.deadline = deadline
        locked.save(update_fields=["deadline"])
    return enforce_deadline(attempt, now)


def _refresh(attempt: Attempt, source: Attempt) -> Attempt:
    for field in ("submitted_at", "timed_out", "correct_count", "graded_count"):
        setattr(attempt, field, getattr(source, field))
    return attempt
