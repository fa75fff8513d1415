"""A finished attempt's result: score, pass or fail, topics, and the review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from trainer.catalog.quiz import Topic, bank
from trainer.catalog.quiz_variants import Instance

from .attempts import instance_of
from .models import PASS_MARK, Attempt, AttemptQuestion


@dataclass(frozen=True)
class TopicScore:
    topic: Topic
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass(frozen=True)
class Reviewed:
    question: AttemptQuestion
    shown: Instance | None  # None: no longer in the bank

    @property
    def chosen(self) -> frozenset[str]:
        return self.question.letters


@dataclass(frozen=True)
class Result:
    correct: int
    total: int
    unanswered: int
    time_taken: timedelta
    timed_out: bool
    topics: tuple[TopicScore, ...]
    review: tuple[Reviewed, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        return self.total > 0 and 100 * self.correct >= PASS_MARK * self.total

    @property
    def pass_mark(self) -> int:
        return PASS_MARK


def result_of(attempt: Attempt) -> Result:
    """Call only on a finished attempt: its stored grades are the score."""
    topics = bank().topics
    questions = list(attempt.questions.all())
    review = tuple(Reviewed(q, instance_of(q)) for q in questions)
    tally: dict[str, list[int]] = {}
    for item in review:
        if item.question.correct is None or item.shown is None:
            continue
        counts = tally.setdefault(item.shown.topic, [0, 0])
        counts[0] += item.question.correct
        counts[1] += 1
    by_topic = tuple(
        TopicScore(topics.get(slug) or Topic(slug, slug, ""), right, total)
        for slug, (right, total) in sorted(tally.items(), key=lambda kv: kv[1][0] / kv[1][1]))
    return Result(
        correct=attempt.correct_count or 0,
        total=attempt.graded_count or 0,
        unanswered=sum(1 for q in questions if not q.answered),
        time_taken=attempt.time_taken or timedelta(0),
        timed_out=attempt.timed_out,
        topics=by_topic,
        review=review,
    )
