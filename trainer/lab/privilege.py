"""Least privilege: would a passing answer admit more than the reference, in general?

The grade compares the exercise's own pods, ports and hosts. A passing answer
can still be broader than it needs to be: `namespaceSelector: {}` admits pods
with the label from any namespace, a /16 admits hosts the exercise never
names, a rule without ports opens ports no pod declares today. To see that,
both answers are compared once more on a widened cluster: a copy of every pod
in a namespace no policy names, extra ports (those the policies mention and
one nobody uses), and sample addresses from the policies' ipBlocks.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from trainer.netpol.build import apply_policies
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.matrix import build_matrix
from trainer.netpol.objects import NAMESPACE_NAME_LABEL, PROTOCOLS, Cluster, Namespace

from .diagnosis.wording import join, ports_text

OTHER_NAMESPACE = "another-namespace"
SPARE_PORT = 49152  # the first dynamic port: no exercise pod declares it
SAMPLE_HOST = "203.0.113.7"  # TEST-NET-3, a stand-in for "any host on the internet"
MAX_NOTES = 4
MAX_HOSTS = 16


def least_privilege_notes(cmp) -> list[str]:
    if not cmp.exercise.solution.strip():
        return []
    base = cmp.base
    other = _free_name(base)
    wide = _widened(base, other)
    policies = cmp.answer.policies + cmp.solution.policies
    ports = _ports(base, policies)
    hosts = _hosts(base, cmp.exercise.externals, policies)
    mine = build_matrix(Analyzer(apply_policies(wide, cmp.answer.policies)), hosts, ports).allowed
    theirs = build_matrix(Analyzer(apply_policies(wide, cmp.solution.policies)), hosts, ports).allowed
    known_numbers = {n for n, _ in cmp.ports}
    pods = {p.key: p for p in wide.pods}
    grouped: dict[tuple, set] = {}
    for src, dst, number, protocol in sorted(mine - theirs):
        grouped.setdefault((_describe(src, pods, other, cmp.exercise.externals),
                            _describe(dst, pods, other, cmp.exercise.externals),
                            number in known_numbers), set()).add((number, protocol))
    notes = []
    for (src, dst, known), port_set in grouped.items():
        where = ports_text(port_set)
        if not known:
            where += ", a port no pod declares today"
        notes.append(f"Least privilege: your answer would also let {src} reach {dst} on {where}; "
                     f"the reference solution would not.")
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES] + [f"... and {len(notes) - MAX_NOTES} more connections like these."]
    return notes


def _free_name(cluster: Cluster) -> str:
    name, n = OTHER_NAMESPACE, 1
    while name in cluster.namespaces:
        n += 1
        name = f"{OTHER_NAMESPACE}-{n}"
    return name


def _widened(cluster: Cluster, other: str) -> Cluster:
    """The cluster plus a copy of every pod (no IP) in a namespace with only its name label."""
    clones = tuple(replace(pod, namespace=other, ip=None, line=None) for pod in cluster.pods)
    namespaces = dict(cluster.namespaces)
    namespaces[other] = Namespace(other, {NAMESPACE_NAME_LABEL: other})
    return Cluster(namespaces, cluster.pods + clones, cluster.policies, cluster.ignored)


def _ports(cluster: Cluster, policies) -> tuple:
    numbers = {p.port for pod in cluster.pods for p in pod.ports} | {SPARE_PORT}
    for policy in policies:
        for rule in policy.ingress + policy.egress:
            for pp in rule.ports:
                if isinstance(pp.port, int):
                    numbers.add(pp.port)
                if pp.end_port is not None:
                    numbers.add(pp.end_port)
    return tuple((n, proto) for n in sorted(numbers) for proto in PROTOCOLS)


def _hosts(cluster: Cluster, externals, policies) -> tuple[str, ...]:
    """The exercise's hosts, then the edges of every ipBlock and a host far from them all."""
    pod_ips = {p.ip for p in cluster.pods if p.ip}
    found = list(externals)
    for policy in policies:
        for rule in policy.ingress + policy.egress:
            for peer in rule.peers:
                if peer.ip_block is None:
                    continue
                for cidr in (peer.ip_block.cidr,) + peer.ip_block.except_:
                    net = ipaddress.ip_network(cidr, strict=False)
                    found += [str(net.network_address), str(net.broadcast_address)]
    found.append(SAMPLE_HOST)
    return tuple(h for h in dict.fromkeys(found) if h not in pod_ips)[:MAX_HOSTS]


def _describe(key: str, pods: dict, other: str, externals) -> str:
    pod = pods.get(key)
    if pod is None:
        return key if key in externals else f"{key} (outside the cluster)"
    if pod.namespace != other:
        return key
    labels = join(f"{k}={v}" for k, v in sorted(pod.labels.items()))
    return f"pods labelled {labels} in any other namespace" if labels else "any pod in any other namespace"
