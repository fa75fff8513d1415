"""Which questions an attempt gets: spread over topics, templates given fresh seeds."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

SEED_RANGE = 2**31 - 1


@dataclass(frozen=True)
class Preset:
    slug: str
    title: str
    mode: str  # practice | exam
    count: int
    minutes: float | None = None  # exams only


# The KCSA exam is 60 questions in 90 minutes with a 75% pass mark; the short
# exam keeps its pace (90 seconds a question). QUIZ_PRESETS in settings may
# replace these (the browser test uses a three-question exam).
DEFAULT_PRESETS = (
    Preset("practice-10", "Practice, 10 questions", "practice", 10),
    Preset("practice-20", "Practice, 20 questions", "practice", 20),
    Preset("exam-20", "Exam, 20 questions in 30 minutes", "exam", 20, 30),
    Preset("exam-60", "Mock exam, 60 questions in 90 minutes", "exam", 60, 90),
)


def presets() -> dict[str, Preset]:
    return {p.slug: p for p in getattr(settings, "QUIZ_PRESETS", DEFAULT_PRESETS)}


def compose(specs, count: int, rng: random.Random) -> list[tuple[str, int]]:
    """Pick up to `count` questions as (slug, variant seed), topics taking turns.

    Each topic's questions are shuffled, then topics (in a shuffled order) give
    one question each in turn, so a short quiz still spans the syllabus. When
    the pool is smaller than count (practice on one topic), templates come again
    with new seeds.
    """
    by_topic = defaultdict(list)
    for spec in sorted(specs, key=lambda s: s.slug):
        by_topic[spec.topic].append(spec)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    for topic in topics:
        rng.shuffle(by_topic[topic])
    chosen = []
    while len(chosen) < count and any(by_topic.values()):
        for topic in topics:
            if by_topic[topic] and len(chosen) < count:
                chosen.append(by_topic[topic].pop())
    templates = [s for s in specs if s.is_template]
    while len(chosen) < count and templates:
        chosen.append(rng.choice(templates))
    rng.shuffle(chosen)
    return [(spec.slug, rng.randrange(SEED_RANGE)) for spec in chosen]
