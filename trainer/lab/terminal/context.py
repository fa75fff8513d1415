"""What a command runs against, and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trainer.netpol.objects import Cluster

from .state import LabState, Scenario


@dataclass(frozen=True)
class Context:
    scenario: Scenario
    state: LabState
    cluster: Cluster  # the world: scenario plus state
    editor: str  # the editor's YAML, which `kubectl apply -f -` reads
    now: datetime


@dataclass(frozen=True)
class Outcome:
    output: str
    state: LabState
    action: str = ""  # "clear" or "reset" for the page to act on
    exit_code: int = 0
