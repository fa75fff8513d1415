"""One learner's progress across the site: stages, lab exercises and quizzes, each read from the
app that keeps it (the session or the account, as each app does)."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.catalog.exercises import all_exercises
from trainer.catalog.stages import catalog
from trainer.lab.pages import grouped_exercises
from trainer.lab.progress import store_for
from trainer.quizzes import attempts
from trainer.walkthrough.progress import progress_for

RECENT_QUIZZES = 10


@dataclass(frozen=True)
class Overview:
    stages: list  # (stage, events done)
    stages_completed: int
    exercise_groups: list  # lab.pages.grouped_exercises
    exercises_passed: int
    exercises_total: int
    quizzes: list  # the newest attempts
    quizzes_taken: int
    best_exam: int | None  # percent


def overview(request) -> Overview:
    done = progress_for(request)
    stages = [(stage, done.get(stage.slug, set())) for stage in catalog().stages]
    titles = {e.id for e in all_exercises()}
    passed = store_for(request).passed() & titles
    mine = attempts.attempts_of(request)
    recent = list(mine[:RECENT_QUIZZES])
    for attempt in recent:
        attempts.enforce_deadline(attempt)
    exams = [a.percent for a in mine.filter(mode="exam", submitted_at__isnull=False)[:200]
             if a.percent is not None]
    return Overview(
        stages=stages, stages_completed=sum("completed" in d for _, d in stages),
        exercise_groups=grouped_exercises(passed), exercises_passed=len(passed), exercises_total=len(titles),
        quizzes=recent, quizzes_taken=mine.count(), best_exam=max(exams) if exams else None)
