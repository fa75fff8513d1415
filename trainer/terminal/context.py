"""What a command runs against, and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trainer.netpol.loading import Limits
from trainer.netpol.objects import Cluster

from .state import Baseline, Changes


@dataclass(frozen=True)
class Context:
    baseline: Baseline
    changes: Changes
    cluster: Cluster  # the baseline with the learner's changes applied
    editor: str  # the editor's YAML, which `kubectl apply -f -` reads
    now: datetime
    limits: Limits  # for the editor's YAML: the site's, for what a learner types


@dataclass(frozen=True)
class Outcome:
    output: str
    changes: Changes
    action: str = ""  # "clear" or "reset" for the page to act on
    exit_code: int = 0
