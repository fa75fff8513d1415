"""The scale test's two visits to the database, run by run.py with the site's environment.

    python benchmarks/scale/database.py prepare DATA_JSON ACCOUNTS SIGNED_IN_SHARE INSTRUCTORS
    python benchmarks/scale/database.py check ACK_LOG

prepare: creates ACCOUNTS learners and INSTRUCTORS instructors (one password hash shared by
all, so that making them costs one hash, not hundreds), the instructors' class (the accounts
and 160 more learners with work on 20 assignments, as benchmarks/dashboard.py fills it), and
writes what the simulated visitors need: the stages' YAML, the exercises' starters and
solutions, the accounts, the class.
check: reads every write the server acknowledged during the run and finds it in the database;
prints the counts and exits 1 if anything acknowledged is missing.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "scale-test-password-1"
EXAM_QUESTIONS_ANSWERED = 5


CLASS_LEARNERS = 200  # the dashboard the instructors poll: 200 learners x 20 assignments


def prepare(data_path: str, accounts: int, signed_in_share: float, instructors: int) -> None:
    from django.contrib.auth.hashers import make_password

    from benchmarks.dashboard import fill_class
    from trainer.accounts.models import User
    from trainer.catalog.exercises import all_exercises
    from trainer.catalog.stages import catalog
    from trainer.classes import roster

    shared = make_password(PASSWORD)
    names = [f"learner{n:03d}" for n in range(accounts)]
    learners = User.objects.bulk_create(User(username=name, email=f"{name}@example.org", password=shared)
                                        for name in names)
    teachers = [f"instructor{n}" for n in range(instructors)]
    User.objects.bulk_create(User(username=name, password=shared, role="instructor") for name in teachers)
    classroom = None
    if teachers:
        first = User.objects.get(username=teachers[0])
        classroom, _, _ = fill_class(first, max(0, CLASS_LEARNERS - accounts), prefix="classmate")
        for name in teachers[1:]:
            roster.add_instructor(classroom, first, User.objects.get(username=name))
        for user in learners:
            roster.join(classroom, user)
    data = {
        "instructors": teachers, "classroom": classroom.pk if classroom else None,
        "stages": [{"number": s.number, "yaml": s.yaml} for s in catalog().stages],
        "exercises": [{"id": e.id, "starter": e.starter, "solution": e.solution} for e in all_exercises()],
        "accounts": names, "password": PASSWORD, "signed_in_share": signed_in_share,
        "exam_questions_answered": EXAM_QUESTIONS_ANSWERED,
    }
    Path(data_path).write_text(json.dumps(data))


def check(ack_path: str) -> int:

    from trainer.lab.models import LabState
    from trainer.quizzes.models import Attempt, AttemptQuestion

    acks = [json.loads(line) for line in Path(ack_path).read_text().splitlines() if line.strip()]
    kinds = Counter(a["kind"] for a in acks)
    lost = []
    started = {a["attempt"] for a in acks if a["kind"] == "quiz-start"}
    present = set(str(pk) for pk in Attempt.objects.filter(pk__in=started).values_list("pk", flat=True))
    lost += [("quiz-start", pk) for pk in started - present]
    answers = {}
    for a in acks:
        if a["kind"] == "quiz-answer":
            answers[(a["attempt"], a["position"])] = a["answer"]  # the last acknowledged one counts
    stored = {(str(q.attempt_id), q.position): q.answer
              for q in AttemptQuestion.objects.filter(attempt_id__in={k[0] for k in answers})}
    lost += [("quiz-answer", key) for key, letter in answers.items() if stored.get(key) != letter]
    submitted = {a["attempt"] for a in acks if a["kind"] == "quiz-submit"}
    done = set(str(pk) for pk in Attempt.objects.filter(pk__in=submitted, submitted_at__isnull=False)
               .values_list("pk", flat=True))
    lost += [("quiz-submit", pk) for pk in submitted - done]
    grades = Counter((a["user"], a["exercise"]) for a in acks if a["kind"] == "lab-grade")
    graded = {(u, e): n for u, e, n in LabState.objects.filter(user__username__in={u for u, _ in grades})
              .values_list("user__username", "exercise", "graded")}
    for (user, exercise), count in grades.items():
        if graded.get((user, exercise), 0) < count:  # every graded answer is counted, kept or not
            lost.append(("lab-grade", (user, exercise, count, graded.get((user, exercise), 0))))
    print(json.dumps({"acknowledged": dict(kinds), "total": len(acks), "lost": len(lost),
                      "lost_examples": [str(x) for x in lost[:10]]}))
    return 1 if lost else 0


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(check(sys.argv[2]))
