"""The "Beyond the guide" lessons as frozen objects: what the KCSA asks about NetworkPolicies that
the study guide leaves out. beyond_loading.py builds them from lessons/beyond/; nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .stage_objects import Block


@dataclass(frozen=True)
class Source:
    """Where a lesson's facts can be checked: a page of the Kubernetes docs, a project's docs."""

    title: str
    url: str


@dataclass(frozen=True)
class BeyondLesson:
    number: int  # from the file name, NN-slug.yaml: the order of the lessons
    slug: str  # from the file name too: the page's address, /stages/beyond/<slug>/
    title: str
    summary: str  # one sentence, for the index
    topic: str  # the quiz topic whose questions practise it
    body: tuple[Block, ...]
    sources: tuple[Source, ...]
