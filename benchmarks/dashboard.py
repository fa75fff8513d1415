"""The class dashboard's in-process cost at 200 learners x 20 assignments.

    .venv/bin/python benchmarks/dashboard.py [--learners 200] [--requests 30]

Builds a throwaway test database (as the tests do: SQLite, or PostgreSQL when
DATABASE_URL says so), fills it with a class of realistic work (graded answers from the
grader, stage progress, finished quiz attempts), then times through Django's test
client, whole stack in this process: the full dashboard page, the htmx refresh of its
rows, the misconception view and the gradebook. Prints median and p95 per request and
the queries each runs. Target: the dashboard under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from trainer.accounts.models import User  # noqa: E402
from trainer.catalog.exercises import all_exercises  # noqa: E402
from trainer.catalog.stages import catalog  # noqa: E402
from trainer.classes import demo, roster  # noqa: E402
from trainer.classes.models import Assignment, Membership  # noqa: E402
from trainer.lab.models import LabState, Submission  # noqa: E402
from trainer.quizzes.models import Attempt  # noqa: E402
from trainer.walkthrough.models import StageProgress  # noqa: E402


def fill(learners: int, seed: int = 1):
    """An instructor and their class of `learners` with work on 20 assignments."""
    teacher = User.objects.create_user("teacher", role="instructor")
    classroom, items, subs = fill_class(teacher, learners, seed)
    return teacher, classroom, items, subs


def fill_class(teacher, learners: int, seed: int = 1, prefix: str = "learner"):
    """A class of `teacher` with 20 assignments (every stage, lab exercises, two quizzes) and
    `learners` new learners with realistic work on them, written in bulk: graded answers from
    the grader, stage progress, finished quiz attempts. Returns (class, assignments, answers)."""
    rng = random.Random(seed)
    now = timezone.now()
    classroom = roster.create(teacher, "Benchmark class")
    stages = [s.slug for s in catalog().stages]
    exercises = [e.id for e in all_exercises()][: 20 - len(stages) - 2]
    items = [Assignment(classroom=classroom, kind="stage", slug=s, title=s, position=i,
                        due_at=now - timedelta(days=1)) for i, s in enumerate(stages)]
    items += [Assignment(classroom=classroom, kind="exercise", slug=e, title=e, position=10 + i,
                         due_at=now + timedelta(days=1)) for i, e in enumerate(exercises)]
    items += [Assignment(classroom=classroom, kind="quiz", quiz_mode="practice", title=f"Quiz {i}",
                         position=50 + i) for i in range(2)]
    items = Assignment.objects.bulk_create(items)
    users = User.objects.bulk_create([User(username=f"{prefix}{i:04d}") for i in range(learners)])
    Membership.objects.bulk_create([Membership(classroom=classroom, user=u, role="learner") for u in users])
    graded = {slug: demo.answers(slug) for slug in exercises}
    subs, labs, progress, attempts = [], [], [], []
    for user in users:
        for slug in stages:
            if rng.random() < 0.7:
                start = now - timedelta(hours=rng.uniform(1, 90))
                done = start + timedelta(minutes=9) if rng.random() < 0.6 else None
                progress.append(StageProgress(user=user, stage=slug, visited_at=start, completed_at=done))
        for slug in exercises:
            if rng.random() < 0.3:
                continue
            began = when = now - timedelta(hours=rng.uniform(1, 90))
            tries = [rng.choice(graded[slug]) for _ in range(rng.randint(1, 4))]
            for text, verdict in tries:
                when += timedelta(minutes=5)
                subs.append(Submission(user=user, exercise=slug, answer=text, created_at=when,
                                       passed=verdict.passed, score=verdict.score,
                                       diagnoses=verdict.diagnoses, mistakes=verdict.mistakes))
            labs.append(LabState(user=user, exercise=slug, graded=len(tries), created_at=began))
        for item in items[-2:]:
            if rng.random() < 0.5:
                start = now - timedelta(hours=rng.uniform(1, 90))
                attempts.append(Attempt(user=user, mode="practice", title="Q", seed=1, tag=item.tag,
                                        started_at=start, submitted_at=start + timedelta(minutes=12),
                                        correct_count=rng.randint(3, 10), graded_count=10))
    Submission.objects.bulk_create(subs)
    LabState.objects.bulk_create(labs)
    StageProgress.objects.bulk_create(progress)
    Attempt.objects.bulk_create(attempts)
    return classroom, len(items), len(subs)


def timed(client: Client, url: str, count: int, **headers) -> tuple[list[float], int]:
    times = []
    connection.queries_log.clear()  # the fill filled its 9,000 places: a full log counts nothing new
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times, len(captured)


def report(name: str, times: list[float], queries: int):
    ordered = sorted(times)
    p95 = ordered[round(0.95 * (len(ordered) - 1))]
    print(f"{name:42} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   {queries} queries")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        teacher, classroom, items, subs = fill(args.learners)
        print(f"{args.learners} learners x {items} assignments, {subs} graded answers "
              f"({connection.vendor})")
        client = Client()
        client.force_login(teacher)
        pk = classroom.pk
        dashboard = reverse("classes:dashboard", args=[pk])
        report("dashboard, whole page", *timed(client, dashboard, args.requests))
        report("dashboard, htmx refresh of the rows",
               *timed(client, dashboard, args.requests, HTTP_HX_REQUEST="true"))
        report("misconceptions", *timed(client, reverse("classes:mistakes", args=[pk]), args.requests))
        report("gradebook", *timed(client, reverse("classes:gradebook", args=[pk]), args.requests))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
