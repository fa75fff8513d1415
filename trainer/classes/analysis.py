"""Item analysis for a class's quizzes, and the stuck rate of its exercises.

Facility: the share of answers that were right. Discrimination (the upper-lower index):
rank the finished attempts by score, take the top and the bottom 27%, and subtract the
bottom group's facility on the question from the top group's, among the attempts that
asked it. Near 0 or below, the question does not tell who knows the topic from who does
not. A template's variants are grouped by how many of the shown choices are right, which
is what makes one variant harder than another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.catalog.quiz import bank
from trainer.quizzes.attempts import instance_of
from trainer.quizzes.models import AttemptQuestion

from . import records
from .models import Assignment, Classroom

GROUP = 0.27
FEW = 10  # answers under which a figure is shown as tentative
MAX_VARIANTS_READ = 3000  # template answers whose variant is rebuilt, at most, per page


@dataclass
class Figures:
    answered: int = 0
    right: int = 0
    upper: list[int] = field(default_factory=lambda: [0, 0])  # [right, asked] in the top group
    lower: list[int] = field(default_factory=lambda: [0, 0])

    @property
    def facility(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def discrimination(self) -> float | None:
        if not self.upper[1] or not self.lower[1]:
            return None
        return self.upper[0] / self.upper[1] - self.lower[0] / self.lower[1]

    @property
    def tentative(self) -> bool:
        return self.answered < FEW


@dataclass
class ItemRow:
    slug: str
    prompt: str
    template: bool
    figures: Figures
    variants: dict[str, Figures] = field(default_factory=dict)


def item_analysis(classroom: Classroom) -> tuple[list[ItemRow], int]:
    """(rows, finished attempts), rows hardest first: two queries."""
    tags = [a.tag for a in classroom.assignments.all() if a.kind == Assignment.Kind.QUIZ]
    attempts = [a for rows in records.quiz_attempts(records.learner_ids(classroom), tags).values()
                for a in rows if a["submitted_at"] and a["graded_count"]]
    if not attempts:
        return [], 0
    ranked = sorted(attempts, key=lambda a: a["correct_count"] / a["graded_count"])
    size = max(1, round(GROUP * len(ranked)))
    lower = {a["id"] for a in ranked[:size]}
    upper = {a["id"] for a in ranked[-size:]}
    questions = AttemptQuestion.objects.filter(attempt_id__in=[a["id"] for a in attempts],
                                               correct__isnull=False)
    specs = bank().questions
    rows: dict[str, ItemRow] = {}
    variants_read = 0
    for q in questions.only("attempt_id", "slug", "variant_seed", "correct"):
        spec = specs.get(q.slug)
        row = rows.get(q.slug)
        if row is None:
            prompt = spec.prompt if spec is not None else "(no longer in the bank)"
            row = rows[q.slug] = ItemRow(q.slug, prompt, bool(spec and spec.is_template), Figures())
        groups = [row.figures]
        if row.template and variants_read < MAX_VARIANTS_READ:
            variants_read += 1
            shown = instance_of(q)
            if shown is not None:
                name = f"{len(shown.key)} of {len(shown.choices)} choices right"
                groups.append(row.variants.setdefault(name, Figures()))
        for figures in groups:
            _count(figures, q, upper, lower)
    ordered = sorted(rows.values(), key=lambda r: (r.figures.facility, r.slug))
    return ordered, len(attempts)


def _count(figures: Figures, q, upper: set, lower: set) -> None:
    figures.answered += 1
    figures.right += bool(q.correct)
    for group, counts in ((upper, figures.upper), (lower, figures.lower)):
        if q.attempt_id in group:
            counts[0] += bool(q.correct)
            counts[1] += 1


@dataclass(frozen=True)
class Stuck:
    assignment: Assignment
    started: int
    passed: int
    stuck: int  # gave up, or three graded answers or more and no pass of their own

    @property
    def rate(self) -> float | None:
        return self.stuck / self.started if self.started else None


STUCK_AFTER = 3


def stuck_rates(classroom: Classroom) -> list[Stuck]:
    """Per assigned exercise, among the learners who started it: three queries."""
    exercises = [a for a in classroom.assignments.all() if a.kind == Assignment.Kind.EXERCISE]
    slugs = [a.slug for a in exercises]
    users = records.learner_ids(classroom)
    totals, labs = records.submission_totals(users, slugs), records.labs(users, slugs)
    found = []
    for assignment in exercises:
        started = passed = stuck = 0
        for key in {k for k in list(totals) + list(labs) if k[1] == assignment.slug}:
            total, lab = totals.get(key) or {}, labs.get(key) or {}
            started += 1
            if total.get("own_pass"):
                passed += 1
            elif lab.get("gave_up") or max(lab.get("graded") or 0, total.get("count") or 0) >= STUCK_AFTER:
                stuck += 1
        found.append(Stuck(assignment, started, passed, stuck))
    return found
