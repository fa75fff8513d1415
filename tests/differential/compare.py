"""Ask the engine and nca the same questions about one scenario; list where they differ."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.loading import CLI_LIMITS

from .nca_output import ConnectivityMap
from .scenarios import Scenario


@dataclass(frozen=True)
class Disagreement:
    src: str
    dst: str
    port: int
    protocol: str
    engine: bool
    nca: bool
    explanation: str

    def __str__(self) -> str:
        def word(allowed):
            return "allows" if allowed else "denies"
        return (f"{self.src} -> {self.dst} {self.port}/{self.protocol}: engine {word(self.engine)}, "
                f"nca {word(self.nca)}\n{self.explanation}")


def pairs(scenario: Scenario):
    """Every ordered pair of distinct pods, and each external host with each pod, both ways."""
    for src in scenario.pods:
        for dst in scenario.pods:
            if src != dst:
                yield src, dst
        for host in scenario.externals:
            yield src, host
            yield host, src


def disagreements(scenario: Scenario, nca_map: ConnectivityMap) -> list[Disagreement]:
    analyzer = Analyzer(load_cluster([(scenario.text, f"{scenario.name}.yaml")], limits=CLI_LIMITS))
    found = []
    for src, dst in pairs(scenario):
        for port, protocol in scenario.probes:
            ours = analyzer.check(src, dst, port, protocol, explain=False).allowed
            theirs = nca_map.allows(src, dst, port, protocol)
            if ours != theirs:
                explanation = analyzer.check(src, dst, port, protocol).explanation
                found.append(Disagreement(src, dst, port, protocol, ours, theirs, explanation))
    return found
