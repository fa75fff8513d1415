"""A scenario of the catalog as the panel's World, built once per scenario."""

from __future__ import annotations

import functools

from trainer.catalog.stages import Scenario, catalog
from trainer.panel.world import Target, World


@functools.cache
def _world(slug: str) -> World:
    return _build(catalog().scenario(slug))


def world_for(scenario: Scenario) -> World:
    return _world(scenario.slug)


def _build(scenario: Scenario) -> World:
    focus = scenario.focus
    return World(
        cluster=scenario.cluster,
        externals=tuple((e.ip, e.label) for e in scenario.externals),
        ports=scenario.ports,
        target=Target(focus.pod, focus.port, focus.protocol, focus.label),
        apply_namespace=scenario.apply_namespace,
    )
