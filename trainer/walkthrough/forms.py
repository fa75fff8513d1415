"""What the stage form posts. A missing field means the request did not come from our form."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.catalog.stages import Scenario, catalog
from trainer.panel.panel import BadRequest
from trainer.panel.world import World

from .worlds import world_for


@dataclass(frozen=True)
class Posted:
    text: str
    scenario: Scenario
    world: World  # the scenario as the panel sees it, looked up once per request
    probe: dict


def read_post(post) -> Posted:
    """The stage form's fields; BadRequest when the YAML field is missing or the scenario unknown."""
    if "yaml" not in post:
        raise BadRequest("the form has no yaml field")
    scenario = catalog().scenario(post.get("scenario") or None)
    if scenario is None:
        raise BadRequest("unknown scenario")
    probe = {key: post.get(f"probe_{key}", "")[:300] for key in ("from", "to", "port", "protocol")}
    return Posted(post["yaml"], scenario, world_for(scenario), probe)
