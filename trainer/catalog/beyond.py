"""The "Beyond the guide" lessons as the site uses them: what a KCSA candidate is asked about
NetworkPolicies that the study guide leaves out.

lessons/beyond/NN-slug.yaml hold them (the format is beyond_loading.py's), content.py keeps them.
"""

from __future__ import annotations

from .beyond_objects import BeyondLesson, Source
from .content import content

__all__ = ["BeyondLesson", "Source", "lesson", "lessons", "problems"]


def lessons() -> tuple[BeyondLesson, ...]:
    """The lessons that load, in order; a broken one is left out, and problems() says why."""
    return content().beyond


def lesson(slug: str) -> BeyondLesson | None:
    return next((item for item in lessons() if item.slug == slug), None)


def problems() -> list[str]:
    """For `manage.py check`: every problem of every lesson file."""
    return list(content().problems["beyond"])
