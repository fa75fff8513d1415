"""The learners' own records an assignment reads, for a whole class in a fixed number of
queries whatever its size: each function is one query (with subqueries) over `users` (the
class's learner_ids() subquery, or one learner's id in a list) and returns plain dicts
keyed by (user id, slug or tag)."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q, Subquery

from trainer.lab.models import LabState, Submission
from trainer.quizzes.models import Attempt
from trainer.walkthrough.models import StageProgress

from .models import Classroom, Membership


def learners(classroom: Classroom) -> list[Membership]:
    """The class's active learners, by name: one query."""
    return list(classroom.memberships.filter(role=Membership.Role.LEARNER, state=Membership.State.ACTIVE)
                .select_related("user").order_by("user__username"))


def learner_ids(classroom: Classroom):
    """The active learners' ids as a subquery, so that no query lists 200 ids."""
    return Membership.objects.filter(classroom=classroom, role=Membership.Role.LEARNER,
                                     state=Membership.State.ACTIVE).values("user_id")


def submission_totals(users, exercises: list[str]) -> dict[tuple[int, str], dict]:
    """Per learner and exercise: kept submissions, best score, first own pass, first pass at all
    (after the answer was shown, too). When work began and last changed, the lab state says:
    every datetime read costs a conversion, and a large class reads thousands."""
    rows = (Submission.objects.filter(user_id__in=users, exercise__in=exercises)
            .values("user_id", "exercise")
            .annotate(count=Count("id"), best=Max("score"),
                      own_pass=Min("created_at", filter=Q(passed=True, after_solution=False)),
                      any_pass=Min("created_at", filter=Q(passed=True))))
    return {(r["user_id"], r["exercise"]): r for r in rows}


def latest_submissions(users, exercises: list[str], fields=()) -> dict[tuple[int, str], dict]:
    """Each learner's newest submission per exercise (passed, diagnoses, mistakes). Newest is
    the highest id: submissions are stored as they are graded."""
    newest = (Submission.objects.filter(user_id__in=users, exercise__in=exercises)
              .values("user_id", "exercise").annotate(newest=Max("id")).values("newest"))
    rows = (Submission.objects.filter(id__in=Subquery(newest))
            .values("id", "user_id", "exercise", "passed", "score", "diagnoses", "mistakes", *fields))
    return {(r["user_id"], r["exercise"]): r for r in rows}


def labs(users, exercises: list[str]) -> dict[tuple[int, str], dict]:
    rows = (LabState.objects.filter(user_id__in=users, exercise__in=exercises)
            .values("user_id", "exercise", "graded", "gave_up", "created_at", "updated_at"))
    return {(r["user_id"], r["exercise"]): r for r in rows}


def stage_progress(users, stages: list[str]) -> dict[tuple[int, str], dict]:
    rows = (StageProgress.objects.filter(user_id__in=users, stage__in=stages)
            .values("user_id", "stage", "visited_at", "edited_at", "completed_at"))
    return {(r["user_id"], r["stage"]): r for r in rows}


def quiz_attempts(users, tags: list[str]) -> dict[tuple[int, str], list[dict]]:
    """Every attempt of the class's quiz assignments (bounded per assignment), oldest first."""
    rows = (Attempt.objects.filter(user_id__in=users, tag__in=tags)
            .order_by("started_at")
            .values("id", "user_id", "tag", "started_at", "submitted_at", "correct_count", "graded_count"))
    found: dict[tuple[int, str], list[dict]] = {}
    for r in rows:
        found.setdefault((r["user_id"], r["tag"]), []).append(r)
    return found
