"""A scenario of the catalog as the panel's World, and what a stage starts from, built once each."""

from __future__ import annotations

import functools

from trainer.catalog.stages import Scenario, catalog
from trainer.panel.panel import evaluate
from trainer.panel.world import Target, World


@functools.cache
def _world(slug: str) -> World:
    return _build(catalog().scenario(slug))


def world_for(scenario: Scenario) -> World:
    return _world(scenario.slug)


@functools.cache
def starting_allowed(number: int, slug: str) -> frozenset:
    """What stage `number`'s own YAML allows in a scenario: an edit's diff compares with it
    when the server keeps no previous evaluation."""
    return evaluate(_world(slug), catalog().stage(number).yaml).allowed


def _build(scenario: Scenario) -> World:
    focus = scenario.focus
    return World(
        cluster=scenario.cluster,
        externals=tuple((e.ip, e.label) for e in scenario.externals),
        ports=scenario.ports,
        target=Target(focus.pod, focus.port, focus.protocol, focus.label),
        apply_namespace=scenario.apply_namespace,
    )
