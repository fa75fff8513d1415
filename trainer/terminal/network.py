"""Connections from inside a pod, decided by the engine.

Names resolve as the lab's clusters are built: a pod's name in the same
namespace. When the cluster runs a DNS pod (label k8s-app=kube-dns), a name
resolves only if the source pod may reach it on UDP 53, so an egress policy
that forgets DNS shows up as it would in a real cluster. A connection the
policies allow to a pod that declares ports but not this one is refused, not
timed out: the packet arrived and nothing listened (trainer.netpol.listening, the
same fact the panel's matrix and probe state). A pod that declares no ports, and a
host outside the cluster, answer on every port.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from trainer.netpol.evaluation import Analyzer
from trainer.netpol.listening import declares
from trainer.netpol.objects import Cluster, ExternalHost, Pod

Endpoint = Pod | ExternalHost

OPEN, TIMEOUT, REFUSED = "open", "timeout", "refused"
NO_NAME, NO_DNS = "unknown host", "dns unreachable"
DNS_LABEL = ("k8s-app", "kube-dns")


@dataclass(frozen=True)
class Resolved:
    endpoint: Endpoint | None
    failure: str = ""  # NO_NAME or NO_DNS when endpoint is None

    @property
    def ip(self) -> str:
        if isinstance(self.endpoint, Pod):
            return self.endpoint.ip or "0.0.0.0"
        return self.endpoint.ip if self.endpoint else ""


class Network:
    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.analyzer = Analyzer(cluster)

    def resolve(self, src: Pod, host: str) -> Resolved:
        host = host.strip().rstrip(".")
        if host.lower() == "localhost":
            return Resolved(src)
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None:
            if address.is_loopback:
                return Resolved(src)
            return Resolved(self.analyzer.endpoint(str(address)))
        if self.dns_blocked(src):
            return Resolved(None, NO_DNS)
        pod = self.cluster.pod(f"{src.namespace}/{host}")
        if pod is None or not pod.ip:
            return Resolved(None, NO_NAME)
        return Resolved(pod)

    def dns_blocked(self, src: Pod) -> bool:
        servers = [p for p in self.cluster.pods if p.labels.get(DNS_LABEL[0]) == DNS_LABEL[1]]
        if not servers or any(s.key == src.key for s in servers):
            return False
        return not any(self.analyzer.allowed(src, s, 53, "UDP") for s in servers)

    def connect(self, src: Pod, dst: Endpoint, port: int, protocol: str) -> str:
        if not self.analyzer.allowed(src, dst, port, protocol):
            return TIMEOUT
        if declares(dst, port, protocol) is False:
            return REFUSED
        return OPEN


def greeting(dst: Endpoint, port: int, path: str) -> str:
    """What a lab server answers over HTTP."""
    if isinstance(dst, Pod):
        who = f"{dst.key} ({dst.ip})" if dst.ip else dst.key
    else:
        who = f"{dst.ip} (outside the cluster)"
    return f"Hello from {who}, port {port}, path {path}\n"
