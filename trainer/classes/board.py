"""The live dashboard: learners x assigned items, each cell a status, attempts, time spent
and the latest diagnosis. Built from records.py's queries, so its cost does not grow in
queries with the class (tests/classes/test_queries.py holds it to that)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from trainer.grading.diagnosis import MISTAKES
from trainer.quizzes.models import PASS_MARK

from . import records
from .models import Assignment, Classroom, Membership

NOT_STARTED, WORKING, PASSED, PASSED_AFTER_ANSWER = "not-started", "working", "passed", "passed-after-answer"
STATUS_WORDS = {NOT_STARTED: "not started", WORKING: "working", PASSED: "passed",
                PASSED_AFTER_ANSWER: "passed after seeing the answer"}


SYMBOLS = {NOT_STARTED: "·", WORKING: "…", PASSED: "✓", PASSED_AFTER_ANSWER: "✓"}


@dataclass(frozen=True)
class Cell:
    status: str
    attempts: int | None = None  # graded answers or quiz attempts; stages have none
    seconds: int | None = None  # from first activity to the pass, or to the latest activity
    score: int | None = None  # best, in percent
    late: bool = False  # passed after the due date, or not passed and past it
    diagnosis: str = ""  # the latest answer's first diagnosis, when it did not pass
    mistake: str = ""  # its MISTAKES id

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.status]

    @property
    def time_text(self) -> str:
        return duration_text(self.seconds)

    @property
    def mistake_title(self) -> str:
        return MISTAKES.get(self.mistake, "")


@dataclass(frozen=True)
class Row:
    membership: Membership
    cells: list[Cell]

    assignments: list[Assignment]

    @property
    def pairs(self) -> list[tuple[Cell, Assignment]]:
        return list(zip(self.cells, self.assignments, strict=True))


@dataclass(frozen=True)
class Board:
    classroom: Classroom
    assignments: list[Assignment]
    rows: list[Row]
    built_at: datetime


def duration_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d}"


def build(classroom: Classroom, now: datetime | None = None, only: Membership | None = None) -> Board:
    """The board of the class, or of one learner's row (`only`, for their own page)."""
    now = now or timezone.now()
    assignments = list(classroom.assignments.all())
    learners = [only] if only is not None else records.learners(classroom)
    users = [only.user_id] if only is not None else records.learner_ids(classroom)
    found = gather(assignments, users)
    rows = [Row(m, [cell(a, m.user_id, found, now) for a in assignments], assignments) for m in learners]
    return Board(classroom, assignments, rows, now)


def gather(assignments: list[Assignment], users) -> Found:
    """The records the assignments read: at most five queries, none for a kind not assigned."""
    exercises = [a.slug for a in assignments if a.kind == Assignment.Kind.EXERCISE]
    stages = [a.slug for a in assignments if a.kind == Assignment.Kind.STAGE]
    tags = [a.tag for a in assignments if a.kind == Assignment.Kind.QUIZ]
    return Found(
        totals=records.submission_totals(users, exercises) if exercises else {},
        latest=records.latest_submissions(users, exercises) if exercises else {},
        labs=records.labs(users, exercises) if exercises else {},
        stages=records.stage_progress(users, stages) if stages else {},
        quizzes=records.quiz_attempts(users, tags) if tags else {},
    )


@dataclass(frozen=True)
class Found:
    totals: dict
    latest: dict
    labs: dict
    stages: dict
    quizzes: dict


def cell(assignment: Assignment, user_id: int, found: Found, now: datetime) -> Cell:
    if assignment.kind == Assignment.Kind.EXERCISE:
        return exercise_cell(assignment, found.totals.get((user_id, assignment.slug)),
                             found.latest.get((user_id, assignment.slug)),
                             found.labs.get((user_id, assignment.slug)), now)
    if assignment.kind == Assignment.Kind.STAGE:
        return stage_cell(assignment, found.stages.get((user_id, assignment.slug)), now)
    return quiz_cell(assignment, found.quizzes.get((user_id, assignment.tag), []), now)


def _seconds(start, end) -> int | None:
    return None if start is None or end is None else max(0, int((end - start).total_seconds()))


def _late(assignment: Assignment, passed_at, now) -> bool:
    due = assignment.due_at
    if due is None:
        return False
    return passed_at > due if passed_at is not None else now > due


def exercise_cell(assignment, totals, latest, lab, now) -> Cell:
    if totals is None and lab is None:
        return Cell(NOT_STARTED, late=_late(assignment, None, now))
    totals, lab = totals or {}, lab or {}
    own, any_pass = totals.get("own_pass"), totals.get("any_pass")
    status = PASSED if own else PASSED_AFTER_ANSWER if any_pass else WORKING
    diagnosis = mistake = ""
    if latest is not None and not latest["passed"] and status == WORKING:
        diagnosis = (latest["diagnoses"] or [""])[0]
        mistake = (latest["mistakes"] or [""])[0]
    attempts = max(lab.get("graded") or 0, totals.get("count") or 0)
    seconds = _seconds(lab.get("created_at"), own or any_pass or lab.get("updated_at"))
    return Cell(status, attempts, seconds, totals.get("best"), _late(assignment, own or any_pass, now),
                diagnosis, mistake)


def stage_cell(assignment, progress, now) -> Cell:
    if progress is None or not (progress["visited_at"] or progress["edited_at"]):
        return Cell(NOT_STARTED, late=_late(assignment, None, now))
    done = progress["completed_at"]
    start = progress["visited_at"] or progress["edited_at"]
    end = done or progress["edited_at"] or start
    return Cell(PASSED if done else WORKING, None, _seconds(start, end), 100 if done else None,
                _late(assignment, done, now))


def quiz_cell(assignment, attempts: list[dict], now) -> Cell:
    if not attempts:
        return Cell(NOT_STARTED, late=_late(assignment, None, now))
    finished = [a for a in attempts if a["submitted_at"] and a["graded_count"]]
    percents = [round(100 * a["correct_count"] / a["graded_count"]) for a in finished]
    passes = [a["submitted_at"] for a in finished
              if 100 * a["correct_count"] >= PASS_MARK * a["graded_count"]]
    spent = sum(_seconds(a["started_at"], a["submitted_at"]) or 0 for a in finished)
    first_pass = min(passes) if passes else None
    return Cell(PASSED if passes else WORKING, len(attempts), spent or None,
                max(percents) if percents else None, _late(assignment, first_pass, now))
