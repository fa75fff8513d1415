"""What the stage form posts. A missing field means the request did not come from our form."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.catalog.stages import Scenario, catalog
from trainer.panel.panel import BadRequest


@dataclass(frozen=True)
class Posted:
    text: str
    previous: str
    scenario: Scenario
    probe: dict


def read_post(post) -> Posted:
    """The stage form's fields; BadRequest when the YAML field is missing or the scenario unknown."""
    if "yaml" not in post:
        raise BadRequest("the form has no yaml field")
    scenario = catalog().scenario(post.get("scenario") or None)
    if scenario is None:
        raise BadRequest("unknown scenario")
    probe = {key: post.get(f"probe_{key}", "")[:300] for key in ("from", "to", "port", "protocol")}
    return Posted(post["yaml"], post.get("previous", ""), scenario, probe)
