"""The practice lab's simulated shell: kubectl over an engine Cluster, no Django."""

from .context import Outcome
from .shell import HELP, run
from .state import LabState, Scenario, world

__all__ = ["HELP", "LabState", "Outcome", "Scenario", "run", "world"]
