"""The benchmark's generated cluster: its sizes and formats, and nca agreeing on a small one."""

import re

import pytest

from benchmarks.generate import build, cluster_yaml, probe_lines
from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.loading import CLI_LIMITS

from . import nca

PROBE = re.compile(r"^(\S+) (\S+) (\d+)(?:/(TCP|UDP|SCTP))?$")


@pytest.fixture(scope="module")
def benchmark():
    cluster = build(seed=1)
    text = cluster_yaml(cluster)
    return cluster, text, load_cluster([(text, "cluster.yaml")], limits=CLI_LIMITS)


def test_the_benchmark_cluster_has_1000_pods_and_300_policies(benchmark):
    _, text, loaded = benchmark
    assert len(loaded.pods) == 1000
    assert len(loaded.policies) == 300
    assert len({p.ip for p in loaded.pods}) == 1000
    assert len(text.encode()) < CLI_LIMITS.max_bytes


def test_the_benchmark_cluster_uses_the_features_it_promises(benchmark):
    _, _, loaded = benchmark
    peers = [peer for p in loaded.policies for rule in p.ingress + p.egress for peer in rule.peers]
    ports = [port for p in loaded.policies for rule in p.ingress + p.egress for port in rule.ports]
    assert any(p.pod_selector.is_empty and not p.ingress for p in loaded.policies)  # default deny
    assert any(p.egress for p in loaded.policies)
    assert any(peer.pod_selector and peer.namespace_selector for peer in peers)  # AND
    assert any(peer.ip_block and peer.ip_block.except_ for peer in peers)
    selectors = [s for peer in peers for s in (peer.pod_selector, peer.namespace_selector) if s]
    assert any(s.match_expressions for s in selectors)
    assert any(isinstance(port.port, str) for port in ports)
    assert any(port.end_port for port in ports)


def test_same_seed_same_files():
    assert cluster_yaml(build(seed=3)) == cluster_yaml(build(seed=3))
    assert probe_lines(build(seed=3), 50, seed=3) == probe_lines(build(seed=3), 50, seed=3)
    assert cluster_yaml(build(seed=3)) != cluster_yaml(build(seed=4))


def test_20000_probes_in_the_probes_file_format_naming_known_endpoints(benchmark):
    cluster, _, loaded = benchmark
    lines = probe_lines(cluster, 20000, seed=1)
    assert len(lines) == 20000
    analyzer = Analyzer(loaded)
    for line in lines:
        src, dst, _, _ = PROBE.match(line).groups()
        analyzer.endpoint(src), analyzer.endpoint(dst)  # KeyError for an unknown pod


@pytest.mark.differential
def test_engine_agrees_with_nca_on_a_small_realistic_cluster():
    cluster = build(seed=5, pods=150, policies=45)
    text = cluster_yaml(cluster)
    nca_map = nca.connectivity_maps({"realistic": text})["realistic"]
    analyzer = Analyzer(load_cluster([(text, "realistic.yaml")], limits=CLI_LIMITS))
    wrong = []
    for line in probe_lines(cluster, 3000, seed=5):
        src, dst, port, protocol = PROBE.match(line).groups()
        if src == dst:
            continue  # nca lists no traffic from a pod to itself
        ours = analyzer.check(src, dst, int(port), protocol or "TCP", explain=False).allowed
        if ours != nca_map.allows(src, dst, int(port), protocol or "TCP"):
            wrong.append(line)
    assert not wrong, f"{len(wrong)} probes differ, first: {wrong[0]}"
