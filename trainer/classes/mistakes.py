"""Misconceptions: how many learners' latest answers show each classic mistake, per assigned
exercise and for the class, with who they are (for the instructor's drill-down only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.grading.diagnosis import MISTAKES

from . import records
from .models import Assignment, Classroom, Membership


@dataclass
class Mistake:
    id: str
    title: str
    learners: list[Membership] = field(default_factory=list)
    diagnoses: dict[int, str] = field(default_factory=dict)  # membership pk -> the sentence told

    @property
    def count(self) -> int:
        return len(self.learners)

    @property
    def told(self) -> list[tuple[Membership, str]]:
        return [(m, self.diagnoses.get(m.pk, "")) for m in self.learners]


@dataclass
class ExerciseMistakes:
    assignment: Assignment
    answered: int  # learners with at least one graded answer
    passing: int  # whose latest answer passes
    mistakes: list[Mistake]  # most common first


@dataclass
class Misconceptions:
    exercises: list[ExerciseMistakes]
    overall: list[tuple[str, str, int]]  # (id, title, learners showing it in any exercise)
    learners: int


def build(classroom: Classroom) -> Misconceptions:
    """Three queries: the learners, the assignments, the latest submissions."""
    learners = records.learners(classroom)
    by_user = {m.user_id: m for m in learners}
    assignments = [a for a in classroom.assignments.all() if a.kind == Assignment.Kind.EXERCISE]
    latest = records.latest_submissions(records.learner_ids(classroom), [a.slug for a in assignments])
    per_exercise, anywhere = [], {}
    for assignment in assignments:
        found: dict[str, Mistake] = {}
        answered = passing = 0
        for user_id, member in by_user.items():
            row = latest.get((user_id, assignment.slug))
            if row is None:
                continue
            answered += 1
            passing += row["passed"]
            told = zip(row["diagnoses"] or (), row["mistakes"] or (), strict=False)
            for sentence, mistake in _first_sentences(told):
                entry = found.setdefault(mistake, Mistake(mistake, MISTAKES.get(mistake, mistake)))
                entry.learners.append(member)
                entry.diagnoses[member.pk] = sentence
                anywhere.setdefault(mistake, set()).add(user_id)
        ranked = sorted(found.values(), key=lambda m: (-m.count, m.title))
        per_exercise.append(ExerciseMistakes(assignment, answered, passing, ranked))
    overall = sorted(((m, MISTAKES.get(m, m), len(users)) for m, users in anywhere.items()),
                     key=lambda x: (-x[2], x[1]))
    return Misconceptions(per_exercise, overall, len(learners))


def learners_with(classroom: Classroom, exercise: str, mistake: str) -> Mistake | None:
    """The drill-down: who shows `mistake` in their latest answer to `exercise`."""
    built = build(classroom)
    for entry in built.exercises:
        if entry.assignment.slug == exercise:
            return next((m for m in entry.mistakes if m.id == mistake), None)
    return None


def _first_sentences(told):
    """(sentence, mistake) for each mistake once, with the first sentence that told it."""
    seen = set()
    for sentence, mistake in told:
        if mistake not in seen:
            seen.add(mistake)
            yield sentence, mistake
