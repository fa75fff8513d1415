"""Where a learner's lab work lives: the session when anonymous, the database when signed in.

Views ask `store_for(request)` and never care which. At sign-up or sign-in the
session's work moves onto the account (`carry_over`).

Both are bounded: the database keeps the newest LAB_ATTEMPTS_KEPT attempts per
exercise (and the first pass, so a pass is never forgotten) and the latest answer
per question; the session keeps at most ANONYMOUS_LAB_BYTES of lab work, trimming
the oldest attempts first, then other exercises' terminal output, then their drafts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from trainer.terminal import Changes

from . import models

SESSION_KEY = "lab"
MAX_TRANSCRIPT = 30  # entries kept for a page reload
MAX_KEPT_OUTPUT = 4000  # characters of each output kept for a reload
MAX_SESSION_ATTEMPTS = 30
MAX_SESSION_ANSWERS = 200
ANSWERS_KEPT_PER_QUESTION = 20  # in the database, per learner


@dataclass
class Lab:
    """One learner's lab on one exercise."""

    changes: Changes  # what the learner did to the exercise's cluster in the terminal
    transcript: list = field(default_factory=list)  # [[command, output], ...]
    draft: str = ""
    hints_shown: int = 0
    gave_up: bool = False

    def remember(self, command: str, output: str):
        kept = output if len(output) <= MAX_KEPT_OUTPUT else output[:MAX_KEPT_OUTPUT] + "\n..."
        self.transcript = (self.transcript + [[command, kept]])[-MAX_TRANSCRIPT:]


@dataclass(frozen=True)
class SubmissionRecord:
    exercise: str
    answer: str
    created_at: datetime
    passed: bool
    score: int
    diagnoses: tuple = ()
    failed_checks: tuple = ()
    after_solution: bool = False  # graded after the model answer was shown: not a pass of one's own
    mistakes: tuple = ()  # grading.diagnosis.MISTAKES ids, for class views


@dataclass(frozen=True)
class AnswerRecord:
    question: str
    picked: tuple
    correct: bool


def _lab_from(data: dict, now: datetime) -> Lab:
    transcript = [[str(c), str(o)] for c, o in data.get("transcript") or [] if isinstance(c, str)]
    return Lab(
        # Sessions written before the rename keep the changes under "cluster".
        changes=Changes.from_json(data.get("changes", data.get("cluster")), now),
        transcript=transcript[-MAX_TRANSCRIPT:],
        draft=str(data.get("draft") or ""),
        hints_shown=int(data.get("hints_shown") or 0),
        gave_up=bool(data.get("gave_up")),
    )


def _size(data: dict) -> int:
    return len(json.dumps(data, separators=(",", ":")))


def _fit(data: dict, budget: int) -> dict:
    """The session's lab data trimmed to `budget` characters of JSON, least valuable first:
    attempts oldest first (keeping each exercise's newest pass), then terminal transcripts and
    drafts of the other exercises, least recently saved first (`labs` is kept in that order)."""
    if _size(data) <= budget:
        return data
    data = {**data, "attempts": list(data.get("attempts") or []), "labs": dict(data.get("labs") or {})}
    attempts = data["attempts"]
    newest_pass = {a.get("exercise"): i for i, a in enumerate(attempts)
                   if isinstance(a, dict) and a.get("passed")}
    for i in sorted(set(range(len(attempts))) - set(newest_pass.values())):
        attempts[i] = None
        if _size(data) <= budget:
            break
    data["attempts"] = [a for a in attempts if a is not None]
    others = list(data["labs"])[:-1]  # the last is the one just saved
    for field_name, empty in (("transcript", []), ("draft", "")):
        for exercise in others:
            if _size(data) <= budget:
                return data
            data["labs"][exercise] = {**data["labs"][exercise], field_name: empty}
    return data


class SessionStore:
    def __init__(self, session):
        self.session = session

    def _data(self) -> dict:
        data = self.session.get(SESSION_KEY)
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict):
        # reassigned, not changed in place, so that the session notices
        self.session[SESSION_KEY] = _fit(data, settings.ANONYMOUS_LAB_BYTES)

    def lab(self, exercise: str) -> Lab:
        return _lab_from((self._data().get("labs") or {}).get(exercise) or {}, timezone.now())

    def save_lab(self, exercise: str, lab: Lab):
        data = self._data()
        labs = {k: v for k, v in (data.get("labs") or {}).items() if k != exercise}  # the latest last
        labs[exercise] = {"changes": lab.changes.to_json(), "transcript": lab.transcript,
                          "draft": lab.draft, "hints_shown": lab.hints_shown, "gave_up": lab.gave_up}
        self._save({**data, "labs": labs})

    def save_draft(self, exercise: str, text: str):
        """The editor's latest text, kept as the learner types; written only when it changed."""
        lab = self.lab(exercise)
        if lab.draft != text:
            lab.draft = text
            self.save_lab(exercise, lab)

    def add_attempt(self, record: SubmissionRecord):
        data = self._data()
        attempts = list(data.get("attempts") or [])
        attempts.append({"exercise": record.exercise, "answer": record.answer,
                         "created_at": record.created_at.isoformat(), "passed": record.passed,
                         "score": record.score, "diagnoses": list(record.diagnoses),
                         "failed_checks": list(record.failed_checks),
                         "after_solution": record.after_solution})
        self._save({**data, "attempts": attempts[-MAX_SESSION_ATTEMPTS:]})

    def attempts(self, exercise: str | None = None) -> list[SubmissionRecord]:
        found = []
        for a in self._data().get("attempts") or []:
            try:
                record = SubmissionRecord(a["exercise"], a["answer"], parse_datetime(a["created_at"]),
                                       bool(a["passed"]), int(a["score"]), tuple(a.get("diagnoses") or ()),
                                       tuple(a.get("failed_checks") or ()), bool(a.get("after_solution")))
            except (KeyError, TypeError, ValueError):
                continue
            if exercise is None or record.exercise == exercise:
                found.append(record)
        return sorted(found, key=lambda r: r.created_at, reverse=True)

    def attempt_list(self) -> list[SubmissionRecord]:
        """Every attempt, newest first, for a Paginator."""
        return self.attempts()

    def passed(self) -> set[str]:
        """Exercises passed without the model answer having been shown first."""
        return {a.exercise for a in self.attempts() if a.passed and not a.after_solution}

    def add_answer(self, exercise: str, question: str, picked: list[int], correct: bool):
        data = self._data()
        answers = list(data.get("answers") or [])
        answers.append({"exercise": exercise, "question": question, "picked": picked, "correct": correct})
        self._save({**data, "answers": answers[-MAX_SESSION_ANSWERS:]})

    def answers(self, exercise: str) -> dict[str, AnswerRecord]:
        latest = {}
        for a in self._data().get("answers") or []:
            if isinstance(a, dict) and a.get("exercise") == exercise:
                latest[a["question"]] = AnswerRecord(a["question"], tuple(a["picked"]), bool(a["correct"]))
        return latest


class DatabaseStore:
    def __init__(self, user):
        self.user = user

    def lab(self, exercise: str) -> Lab:
        row = models.LabState.objects.filter(user=self.user, exercise=exercise).first()
        if row is None:
            return Lab(Changes.fresh(timezone.now()))
        return _lab_from({"changes": row.changes, "transcript": row.transcript, "draft": row.draft,
                          "hints_shown": row.hints_shown, "gave_up": row.gave_up}, timezone.now())

    def save_lab(self, exercise: str, lab: Lab):
        models.LabState.objects.update_or_create(
            user=self.user, exercise=exercise,
            defaults={"changes": lab.changes.to_json(), "transcript": lab.transcript,
                      "draft": lab.draft, "hints_shown": lab.hints_shown, "gave_up": lab.gave_up})

    def save_draft(self, exercise: str, text: str):
        """The editor's latest text, kept as the learner types: one UPDATE that changes nothing when
        the text is the same, a second query only when the learner has no row for the exercise."""
        rows = models.LabState.objects.filter(user=self.user, exercise=exercise)
        if not rows.exclude(draft=text).update(draft=text, updated_at=timezone.now()):
            models.LabState.objects.get_or_create(
                user=self.user, exercise=exercise,
                defaults={"draft": text, "changes": Changes.fresh(timezone.now()).to_json()})

    def add_attempt(self, record: SubmissionRecord):
        with transaction.atomic():
            models.Submission.objects.create(
                user=self.user, exercise=record.exercise, answer=record.answer,
                created_at=record.created_at, passed=record.passed, score=record.score,
                diagnoses=list(record.diagnoses), failed_checks=list(record.failed_checks),
                after_solution=record.after_solution, mistakes=list(record.mistakes))
            models.LabState.objects.filter(user=self.user, exercise=record.exercise).update(
                graded=F("graded") + 1)
            self._forget_oldest(record.exercise)

    def _forget_oldest(self, exercise: str):
        """Keep the newest LAB_ATTEMPTS_KEPT attempts of the exercise, and its first own pass."""
        rows = models.Submission.objects.filter(user=self.user, exercise=exercise)
        kept = list(rows.values_list("pk", flat=True)[:settings.LAB_ATTEMPTS_KEPT])
        if len(kept) < settings.LAB_ATTEMPTS_KEPT:
            return
        first_pass = rows.filter(passed=True, after_solution=False).order_by("created_at", "id").first()
        if first_pass is not None:
            kept.append(first_pass.pk)
        rows.exclude(pk__in=kept).delete()

    @staticmethod
    def _record(r) -> SubmissionRecord:
        return SubmissionRecord(r.exercise, r.answer, r.created_at, r.passed, r.score,
                                tuple(r.diagnoses), tuple(r.failed_checks), r.after_solution,
                                tuple(r.mistakes))

    def attempts(self, exercise: str | None = None) -> list[SubmissionRecord]:
        rows = models.Submission.objects.filter(user=self.user)
        if exercise is not None:
            rows = rows.filter(exercise=exercise)
        return [self._record(r) for r in rows]

    def attempt_list(self) -> _Records:
        """Every attempt, newest first, read a page at a time by a Paginator."""
        return _Records(models.Submission.objects.filter(user=self.user), self._record)

    def passed(self) -> set[str]:
        """Exercises passed without the model answer having been shown first."""
        return set(models.Submission.objects.filter(user=self.user, passed=True, after_solution=False)
                   .values_list("exercise", flat=True).distinct())

    def add_answer(self, exercise: str, question: str, picked: list[int], correct: bool):
        with transaction.atomic():
            row = models.QuestionAnswer.objects.create(
                user=self.user, exercise=exercise, question=question, picked=picked, correct=correct,
                created_at=timezone.now())
            # The latest answer is the one shown; a short history is kept, not an endless one.
            rows = models.QuestionAnswer.objects.filter(user=self.user, exercise=exercise, question=question)
            kept = list(rows.values_list("pk", flat=True)[:ANSWERS_KEPT_PER_QUESTION])
            if row.pk in kept and len(kept) == ANSWERS_KEPT_PER_QUESTION:
                rows.exclude(pk__in=kept).delete()

    def answers(self, exercise: str) -> dict[str, AnswerRecord]:
        latest = {}
        rows = models.QuestionAnswer.objects.filter(user=self.user, exercise=exercise)
        for row in rows.order_by("created_at", "id"):
            latest[row.question] = AnswerRecord(row.question, tuple(row.picked), row.correct)
        return latest


class _Records:
    """A queryset seen as AttemptRecords: counted and sliced by the database, converted per page."""

    def __init__(self, rows, convert):
        self.rows, self.convert = rows, convert

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, index: slice) -> list[SubmissionRecord]:
        return [self.convert(r) for r in self.rows[index]]


def store_for(request) -> SessionStore | DatabaseStore:
    if request.user.is_authenticated:
        return DatabaseStore(request.user)
    return SessionStore(request.session)


def carry_over(request, user) -> None:
    """The session's lab work moves onto the account (accounts/handover.py)."""
    session = SessionStore(request.session)
    data = session._data()
    if not data:
        return
    db = DatabaseStore(user)
    with transaction.atomic():
        for exercise, raw in (data.get("labs") or {}).items():
            if not isinstance(exercise, str) or not isinstance(raw, dict):
                continue
            lab, kept = _lab_from(raw, timezone.now()), db.lab(exercise[:64])
            # The lab just worked in wins; hints seen and giving up are never forgotten.
            lab.hints_shown = max(lab.hints_shown, kept.hints_shown)
            lab.gave_up = lab.gave_up or kept.gave_up
            db.save_lab(exercise[:64], lab)
        for record in session.attempts():
            db.add_attempt(record)
        for a in data.get("answers") or []:
            if isinstance(a, dict) and isinstance(a.get("question"), str):
                db.add_answer(str(a.get("exercise"))[:64], a["question"][:64], list(a.get("picked") or []),
                              bool(a.get("correct")))
    request.session.pop(SESSION_KEY, None)
