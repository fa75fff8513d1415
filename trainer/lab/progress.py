"""Where a learner's lab work lives: the session when anonymous, the database when signed in.

Views ask `store_for(request)` and never care which. At sign-up or sign-in the
session's work moves onto the account (`carry_over`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import models
from .terminal import LabState as Cluster

SESSION_KEY = "lab"
MAX_TRANSCRIPT = 30  # entries kept for a page reload
MAX_KEPT_OUTPUT = 4000  # characters of each output kept for a reload
MAX_SESSION_ATTEMPTS = 30
MAX_SESSION_ANSWERS = 200


@dataclass
class Lab:
    """One learner's lab on one exercise."""

    cluster: Cluster
    transcript: list = field(default_factory=list)  # [[command, output], ...]
    draft: str = ""
    hints_shown: int = 0
    gave_up: bool = False

    def remember(self, command: str, output: str):
        kept = output if len(output) <= MAX_KEPT_OUTPUT else output[:MAX_KEPT_OUTPUT] + "\n..."
        self.transcript = (self.transcript + [[command, kept]])[-MAX_TRANSCRIPT:]


@dataclass(frozen=True)
class AttemptRecord:
    exercise: str
    answer: str
    created_at: datetime
    passed: bool
    score: int
    diagnoses: tuple = ()
    failed_checks: tuple = ()


@dataclass(frozen=True)
class AnswerRecord:
    question: str
    picked: tuple
    correct: bool


def _lab_from(data: dict, now: datetime) -> Lab:
    transcript = [[str(c), str(o)] for c, o in data.get("transcript") or [] if isinstance(c, str)]
    return Lab(
        cluster=Cluster.from_json(data.get("cluster"), now),
        transcript=transcript[-MAX_TRANSCRIPT:],
        draft=str(data.get("draft") or ""),
        hints_shown=int(data.get("hints_shown") or 0),
        gave_up=bool(data.get("gave_up")),
    )


class SessionStore:
    def __init__(self, session):
        self.session = session

    def _data(self) -> dict:
        data = self.session.get(SESSION_KEY)
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict):
        self.session[SESSION_KEY] = data  # reassigned so the session notices

    def lab(self, exercise: str) -> Lab:
        return _lab_from((self._data().get("labs") or {}).get(exercise) or {}, timezone.now())

    def save_lab(self, exercise: str, lab: Lab):
        data = self._data()
        labs = dict(data.get("labs") or {})
        labs[exercise] = {"cluster": lab.cluster.to_json(), "transcript": lab.transcript,
                          "draft": lab.draft, "hints_shown": lab.hints_shown, "gave_up": lab.gave_up}
        self._save({**data, "labs": labs})

    def add_attempt(self, record: AttemptRecord):
        data = self._data()
        attempts = list(data.get("attempts") or [])
        attempts.append({"exercise": record.exercise, "answer": record.answer,
                         "created_at": record.created_at.isoformat(), "passed": record.passed,
                         "score": record.score, "diagnoses": list(record.diagnoses),
                         "failed_checks": list(record.failed_checks)})
        self._save({**data, "attempts": attempts[-MAX_SESSION_ATTEMPTS:]})

    def attempts(self, exercise: str | None = None) -> list[AttemptRecord]:
        found = []
        for a in self._data().get("attempts") or []:
            try:
                record = AttemptRecord(a["exercise"], a["answer"], parse_datetime(a["created_at"]),
                                       bool(a["passed"]), int(a["score"]), tuple(a.get("diagnoses") or ()),
                                       tuple(a.get("failed_checks") or ()))
            except (KeyError, TypeError, ValueError):
                continue
            if exercise is None or record.exercise == exercise:
                found.append(record)
        return sorted(found, key=lambda r: r.created_at, reverse=True)

    def passed(self) -> set[str]:
        return {a.exercise for a in self.attempts() if a.passed}

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
            return Lab(Cluster.fresh(timezone.now()))
        return _lab_from({"cluster": row.cluster, "transcript": row.transcript, "draft": row.draft,
                          "hints_shown": row.hints_shown, "gave_up": row.gave_up}, timezone.now())

    def save_lab(self, exercise: str, lab: Lab):
        models.LabState.objects.update_or_create(
            user=self.user, exercise=exercise,
            defaults={"cluster": lab.cluster.to_json(), "transcript": lab.transcript,
                      "draft": lab.draft, "hints_shown": lab.hints_shown, "gave_up": lab.gave_up})

    def add_attempt(self, record: AttemptRecord):
        models.Attempt.objects.create(
            user=self.user, exercise=record.exercise, answer=record.answer,
            created_at=record.created_at, passed=record.passed, score=record.score,
            diagnoses=list(record.diagnoses), failed_checks=list(record.failed_checks))

    def attempts(self, exercise: str | None = None) -> list[AttemptRecord]:
        rows = models.Attempt.objects.filter(user=self.user)
        if exercise is not None:
            rows = rows.filter(exercise=exercise)
        return [AttemptRecord(r.exercise, r.answer, r.created_at, r.passed, r.score,
                              tuple(r.diagnoses), tuple(r.failed_checks)) for r in rows]

    def passed(self) -> set[str]:
        return set(models.Attempt.objects.filter(user=self.user, passed=True)
                   .values_list("exercise", flat=True).distinct())

    def add_answer(self, exercise: str, question: str, picked: list[int], correct: bool):
        models.QuestionAnswer.objects.create(user=self.user, exercise=exercise, question=question,
                                             picked=picked, correct=correct, created_at=timezone.now())

    def answers(self, exercise: str) -> dict[str, AnswerRecord]:
        latest = {}
        for row in models.QuestionAnswer.objects.filter(user=self.user, exercise=exercise).order_by("created_at", "id"):
            latest[row.question] = AnswerRecord(row.question, tuple(row.picked), row.correct)
        return latest


def store_for(request) -> SessionStore | DatabaseStore:
    if request.user.is_authenticated:
        return DatabaseStore(request.user)
    return SessionStore(request.session)


def carry_over(request, user) -> None:
    """Receiver body for learner_signed_in: the session's lab work moves onto the account."""
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
