"""The practice lab's simulated shell: kubectl over an engine Cluster, no Django."""

from .context import Outcome
from .shell import HELP, run
from .state import Baseline, Changes, current_cluster

__all__ = ["HELP", "Changes", "Outcome", "Baseline", "current_cluster", "run"]
