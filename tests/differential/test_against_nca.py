"""The engine against network-config-analyzer (nca), an independent analyser.

Random scenarios (seeded, see scenarios.py) go through one nca process; the
engine must give the same answer on every pod pair and external host, both
ways, on every probed port and protocol. Where nca departs from Kubernetes the
scenarios stay clear, and departures.py pins each departure.

Needs .venv-nca: run scripts/setup-nca-venv (scripts/test does).
"""

from __future__ import annotations

import pytest

from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer

from . import nca
from .compare import disagreements
from .departures import DEPARTURES
from .scenarios import COUNT, generate

pytestmark = pytest.mark.differential


@pytest.fixture(scope="module")
def nca_maps():
    scenarios = {s.name: s for s in map(generate, range(COUNT))}
    maps = nca.connectivity_maps({name: s.text for name, s in scenarios.items()})
    return {name: (scenarios[name], maps[name]) for name in scenarios}


def test_at_least_200_scenarios_are_compared():
    assert COUNT >= 200


@pytest.mark.parametrize("seed", range(COUNT))
def test_engine_agrees_with_nca(nca_maps, seed):
    scenario, nca_map = nca_maps[f"s{seed}"]
    found = disagreements(scenario, nca_map)
    assert not found, (f"{len(found)} disagreements on scenario {seed}; first:\n{found[0]}\n\n"
                       f"scenario:\n{scenario.text}")


@pytest.mark.parametrize("departure", DEPARTURES, ids=lambda d: d.name)
def test_known_nca_departure_still_departs_and_engine_follows_kubernetes(departure):
    src, dst, port, protocol = departure.probe
    analyzer = Analyzer(load_cluster([(departure.text, "departure.yaml")]))
    assert analyzer.check(src, dst, port, protocol).allowed is departure.kubernetes

    nca.nca_command()  # fails with how to install nca when it is missing
    try:
        answer = nca.connectivity_maps({"departure": departure.text})["departure"].allows(
            src, dst, port, protocol)
    except nca.NcaError as exc:
        assert "Error:" in str(exc)  # nca's words when it refuses a policy
        answer = None
    assert answer is departure.nca, (
        f"nca no longer departs from Kubernetes on {departure.name}: let scenarios.py generate it")


def test_missing_nca_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(nca, "NCA", tmp_path / "bin" / "nca")
    with pytest.raises(nca.NcaMissing, match="run scripts/setup-nca-venv"):
        nca.connectivity_maps({"s0": generate(0).text})
