"""A class's quizzes: practice when the learner likes, timed exams opened and closed for the
whole class at once, with extra time for one learner. The quizzes app keeps the clock;
this module only decides deadlines and records each instructor action."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from trainer.quizzes import attempts
from trainer.quizzes.composition import Preset
from trainer.quizzes.models import Attempt

from .models import Assignment, ExtraTime, Membership
from .roster import record

MAX_PRACTICE_ATTEMPTS = 10  # per learner and assignment: class records are kept, so bounded


class CannotStart(Exception):
    """Why the learner cannot start (or resume) this quiz now, in their words."""


def preset(assignment: Assignment) -> Preset:
    return Preset(f"class-{assignment.pk}", assignment.title, assignment.quiz_mode, assignment.questions,
                  assignment.minutes if assignment.is_exam else None)


def extra_minutes(assignment: Assignment, user) -> int:
    row = ExtraTime.objects.filter(assignment=assignment, user=user).first()
    return row.minutes if row else 0


def deadline_for(assignment: Assignment, user):
    """A learner's exam deadline: the class's closing time plus their extra time."""
    return assignment.exam_closes_at + timedelta(minutes=extra_minutes(assignment, user))


def start(assignment: Assignment, membership: Membership, now=None) -> Attempt:
    """The learner's attempt: an exam's only one (resumed if started), or a new practice."""
    now = now or timezone.now()
    user = membership.user
    if not assignment.is_open(now):
        raise CannotStart("This quiz is not open yet.")
    mine = Attempt.objects.filter(user=user, tag=assignment.tag)
    if assignment.is_exam:
        existing = mine.first()
        if existing is not None:
            return existing
        if assignment.exam_opened_at is None:
            raise CannotStart("Your instructor has not opened this exam yet.")
        deadline = deadline_for(assignment, user)
        if now >= deadline:
            raise CannotStart("This exam has closed.")
        return attempts.start({"user": user}, preset(assignment), now=now, topics=assignment.topics,
                              tag=assignment.tag, deadline=deadline)
    if mine.count() >= MAX_PRACTICE_ATTEMPTS:
        raise CannotStart(f"You have taken this quiz {MAX_PRACTICE_ATTEMPTS} times, the most a class keeps.")
    return attempts.start({"user": user}, preset(assignment), now=now, topics=assignment.topics,
                          tag=assignment.tag)


def attempts_of(assignment: Assignment, user) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user, tag=assignment.tag).order_by("started_at"))


def open_exam(assignment: Assignment, actor, now=None) -> None:
    now = now or timezone.now()
    assignment.exam_opened_at = now
    assignment.exam_closes_at = now + timedelta(minutes=assignment.minutes or 30)
    assignment.save(update_fields=["exam_opened_at", "exam_closes_at"])
    record(assignment.classroom, actor, "opened an exam",
           detail=f"{assignment.title}: closes {assignment.exam_closes_at:%H:%M} UTC")


def close_exam(assignment: Assignment, actor, now=None) -> int:
    """Close it for everyone now, extra time included; returns the attempts it finished."""
    now = now or timezone.now()
    assignment.exam_closes_at = now
    assignment.save(update_fields=["exam_closes_at"])
    finished = 0
    for attempt in Attempt.objects.filter(tag=assignment.tag, submitted_at__isnull=True):
        attempts.set_deadline(attempt, now, now=now)
        attempts.finish(attempt, now=now, timed_out=True)
        finished += 1
    record(assignment.classroom, actor, "closed an exam", detail=f"{assignment.title}: {finished} finished")
    return finished


def give_extra_time(assignment: Assignment, actor, learner, minutes: int, now=None) -> None:
    """Extra minutes past the class's closing time for one learner, also while they write."""
    ExtraTime.objects.update_or_create(assignment=assignment, user=learner, defaults={"minutes": minutes})
    if assignment.exam_closes_at is not None:
        for attempt in Attempt.objects.filter(tag=assignment.tag, user=learner, submitted_at__isnull=True):
            attempts.set_deadline(attempt, deadline_for(assignment, learner), now=now)
    record(assignment.classroom, actor, "gave extra time", learner=learner,
           detail=f"{assignment.title}: {minutes} min")
