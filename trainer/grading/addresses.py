"""Every address cut into the few kinds that a list of ipBlocks can tell apart.

Each cidr and each except is a range of addresses; between consecutive range
boundaries every block either holds every address or none, so one address per
such *atom* stands for all of them. The cluster's pod network is cut the same
way: pods take their addresses inside it, hosts outside the cluster outside it.
IPv6 is part of the world only when some block is IPv6 (the exercises'
clusters are IPv4).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from trainer.netpol.compiled import IPRange
from trainer.netpol.objects import IPBlock

# Addresses that read as "somewhere on the internet" in feedback, tried in order.
FRIENDLY = {4: ("203.0.113.7", "198.51.100.7", "192.0.2.7", "8.8.8.8"),
            6: ("2001:db8::7",)}
BITS = {4: 32, 6: 128}


@dataclass(frozen=True)
class Atom:
    version: int
    first: int
    last: int
    blocks: int  # bit i set: the i-th block holds every address of the atom
    pods: bool  # inside the pod network: addresses pods may have

    def contains(self, ip: str) -> bool:
        addr = ipaddress.ip_address(ip)
        return addr.version == self.version and self.first <= int(addr) <= self.last

    def address(self, avoid=frozenset(), prefer=()) -> str | None:
        """A readable address of the atom, not in `avoid`: one of `prefer`, a
        friendly one, else one near the start (skipping a network's .0)."""
        for ip in tuple(prefer) + FRIENDLY[self.version]:
            if ip not in avoid and self.contains(ip):
                return ip
        make = ipaddress.IPv4Address if self.version == 4 else ipaddress.IPv6Address
        start = self.first + 1 if self.last > self.first else self.first
        for n in range(start, min(self.last, start + 64) + 1):
            ip = str(make(n))
            if ip not in avoid:
                return ip
        return None


def atoms(blocks: list[IPBlock], pod_network: IPBlock | None = None) -> list[Atom]:
    """The atoms of the address space for these blocks and the pod network.

    Without a pod network, pods may have any address (every atom says pods=True)."""
    ranges = [IPRange(b) for b in blocks]
    network = IPRange(pod_network) if pod_network is not None else None
    versions = sorted({r.version for r in ranges} | {4} | ({network.version} if network else set()))
    found = []
    for version in versions:
        cuts = {0, 1 << BITS[version]}
        for r in ranges + ([network] if network else []):
            if r.version != version:
                continue
            cuts |= {r.start, r.end + 1}
            for lo, hi in r.excepts:
                cuts |= {lo, hi + 1}
        edges = sorted(cuts)
        for first, after in zip(edges, edges[1:], strict=False):
            key = (version, first)
            mask = 0
            for i, r in enumerate(ranges):
                if r.contains(key):
                    mask |= 1 << i
            found.append(Atom(version, first, after - 1, mask, network is None or network.contains(key)))
    return found


def smallest_network(ips) -> IPBlock | None:
    """The smallest CIDR holding every address (IPv4 pods only), or None."""
    addresses = [ipaddress.ip_address(ip) for ip in ips if ip]
    addresses = [a for a in addresses if a.version == 4]
    if not addresses:
        return None
    for prefix in range(32, -1, -1):
        net = ipaddress.ip_network(f"{addresses[0]}/{prefix}", strict=False)
        if all(a in net for a in addresses):
            return IPBlock(str(net))
    return None  # unreachable: /0 holds every IPv4 address
