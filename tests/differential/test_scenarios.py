"""The scenario generator: deterministic, loadable, and using every feature (no nca needed)."""

import ipaddress
from collections import Counter

import pytest

from trainer.netpol.build import load_cluster

from .scenarios import COUNT, POD_NET, generate


def test_same_seed_same_scenario():
    assert generate(7).text == generate(7).text
    assert generate(7).text != generate(8).text


@pytest.fixture(scope="module")
def features():
    """How often each feature occurs over the scenarios the differential test runs."""
    seen = Counter()
    for seed in range(COUNT):
        for doc in generate(seed).documents:
            if doc["kind"] == "Pod":
                seen["pod without IP"] += "status" not in doc
                seen["two containers"] += len(doc["spec"]["containers"]) == 2
            if doc["kind"] == "NetworkPolicy":
                _policy_features(doc["spec"], seen)
    return seen


def _policy_features(spec, seen):
    seen["policyTypes " + ",".join(spec.get("policyTypes", ["defaulted"]))] += 1
    if "policyTypes" not in spec and spec.get("egress"):
        seen["defaulted with egress rules"] += 1
    for key, peer_key in (("ingress", "from"), ("egress", "to")):
        seen[f"empty {key}"] += spec.get(key) == []
        for rule in spec.get(key) or ():
            seen[f"{key} rule"] += 1
            seen["rule without peers"] += peer_key not in rule
            seen["rule without ports"] += "ports" not in rule
            seen["several peers"] += len(rule.get(peer_key, ())) > 1
            for peer in rule.get(peer_key) or ():
                seen["peer " + "+".join(sorted(peer))] += 1
                for selector in (peer.get("podSelector"), peer.get("namespaceSelector")):
                    for req in (selector or {}).get("matchExpressions", ()):
                        seen[req["operator"]] += 1
                seen["ipBlock except"] += bool(peer.get("ipBlock", {}).get("except"))
            for port in rule.get("ports") or ():
                seen[port.get("protocol", "protocol defaulted")] += 1
                seen["endPort"] += "endPort" in port
                seen["named port"] += isinstance(port.get("port"), str)
                seen["number port"] += isinstance(port.get("port"), int) and "endPort" not in port
                seen["protocol without port"] += "port" not in port


@pytest.mark.parametrize("feature", [
    "pod without IP", "two containers",
    "policyTypes defaulted", "policyTypes Ingress", "policyTypes Egress",
    "policyTypes Ingress,Egress", "defaulted with egress rules", "empty ingress", "empty egress",
    "ingress rule", "egress rule", "rule without peers", "rule without ports", "several peers",
    "peer podSelector", "peer namespaceSelector", "peer namespaceSelector+podSelector",
    "peer ipBlock", "ipBlock except",
    "In", "NotIn", "Exists", "DoesNotExist",
    "TCP", "UDP", "SCTP", "protocol defaulted",
    "endPort", "named port", "number port", "protocol without port",
])
def test_every_feature_is_generated_often(features, feature):
    assert features[feature] >= 10


def test_scenarios_load_and_ip_blocks_stay_clear_of_pods():
    for seed in range(COUNT):
        scenario = generate(seed)
        cluster = load_cluster([(scenario.text, scenario.name)])
        assert [p.key for p in cluster.pods] == list(scenario.pods)
        for policy in cluster.policies:
            for rule in policy.ingress + policy.egress:
                for peer in rule.peers:
                    if peer.ip_block:
                        for pod in cluster.pods:
                            assert not pod.ip or not peer.ip_block.contains(pod.ip)
        assert all(ipaddress.ip_address(h) not in POD_NET for h in scenario.externals)
