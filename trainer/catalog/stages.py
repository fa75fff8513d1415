"""The walkthrough's content as the site uses it: the stages, and the scenarios they run in.

lessons/stages/stage-N.yaml hold the stages, as many as there are files;
lessons/stages/scenarios.yaml the scenarios, whose manifests are under
lessons/clusters/. stage_loading.py reads them, content.py keeps them.
"""

from __future__ import annotations

from .content import content, lessons_dir
from .stage_loading import BLOCK_KINDS, STAGE_FIELDS
from .stage_objects import Block, Catalog, Claims, External, Focus, Scenario, Stage

__all__ = ["BLOCK_KINDS", "STAGE_FIELDS", "Block", "Catalog", "Claims", "External", "Focus", "Scenario",
           "Stage", "catalog", "lessons_dir", "problems"]


def catalog() -> Catalog:
    """The stages and scenarios that load; a broken one is left out, and problems() says why."""
    return content().catalog


def problems() -> list[str]:
    """For `manage.py check`: every problem of every stage, scenario and cluster file."""
    return list(content().problems["stages"])
