"""What can be assigned: the content's stages, lab exercises and quiz topics, by slug."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from trainer.catalog.exercises import all_exercises
from trainer.catalog.quiz import bank
from trainer.catalog.stages import catalog


@dataclass(frozen=True)
class Item:
    kind: str  # stage | exercise
    slug: str
    title: str
    url: str


def stages() -> list[Item]:
    return [Item("stage", s.slug, f"Stage {s.number}: {s.title}",
                 reverse("walkthrough:stage", args=[s.number])) for s in catalog().stages]


def exercises() -> list[Item]:
    return [Item("exercise", e.id, e.title, reverse("lab:exercise", args=[e.id])) for e in all_exercises()]


def by_key() -> dict[tuple[str, str], Item]:
    return {(i.kind, i.slug): i for i in stages() + exercises()}


def topics() -> dict[str, str]:
    """Quiz topics: slug -> title."""
    return {slug: t.title for slug, t in bank().topics.items()}


def item_of(kind: str, slug: str) -> Item | None:
    return by_key().get((kind, slug))


def stage_number(slug: str) -> int | None:
    return next((s.number for s in catalog().stages if s.slug == slug), None)
