"""Parse nca's connectivity map in its `txt_no_fw_rules` format.

One or more lines per connected pair (their connections add up), nothing for a
pair with no connection:

    prod/web => prod/db : {protocols:TCP,dst_ports:5432}
    0.0.0.0-192.167.255.255 => dev/tool : All connections
    dev/tool => prod/db : All but {protocols:TCP,dst_ports:1-79,81-65535}

A connection set is "All connections", "No connections", a comma-separated list
of cubes, or "All but " such a list. A cube is `{dim:values,...}` where a missing
dimension means every value; protocols are joined by ", ", ports by ",".
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_CUBE = re.compile(r"\{([^{}]*)\}")
_DIMENSION_START = re.compile(r",(?=\s*[a-z_]+:)")


class NcaOutputError(ValueError):
    pass


def _intervals(text: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        out.append((int(low), int(high or low)))
    return tuple(out)


@dataclass(frozen=True)
class Cube:
    protocols: frozenset[str] | None = None  # None: every protocol
    protocols_negated: bool = False  # "all but X, Y"
    ports: tuple[tuple[int, int], ...] | None = None  # None: every port

    def contains(self, port: int, protocol: str) -> bool:
        if self.protocols is not None and (protocol in self.protocols) == self.protocols_negated:
            return False
        return self.ports is None or any(low <= port <= high for low, high in self.ports)

    @classmethod
    def parse(cls, body: str) -> Cube:
        protocols, negated, ports = None, False, None
        for item in _DIMENSION_START.split(body):
            dim, sep, value = item.partition(":")
            dim, value = dim.strip(), value.strip()
            if not sep:
                raise NcaOutputError(f"cube item without a dimension: {item!r}")
            if dim == "protocols":
                if value != "*":
                    if value.startswith("all but "):
                        negated, value = True, value[len("all but "):]
                    protocols = frozenset(p.strip() for p in value.split(","))
            elif dim == "dst_ports":
                ports = _intervals(value)
            else:
                # src_ports, methods, paths...: never produced for Kubernetes policies
                raise NcaOutputError(f"unexpected dimension {dim!r} in {{{body}}}")
        return cls(protocols, negated, ports)


@dataclass(frozen=True)
class ConnectionSet:
    cubes: tuple[Cube, ...] = ()
    negated: bool = False  # "All connections" is the negation of no cubes

    def allows(self, port: int, protocol: str) -> bool:
        return any(c.contains(port, protocol) for c in self.cubes) != self.negated

    @classmethod
    def parse(cls, text: str) -> ConnectionSet:
        text = text.strip()
        if text == "All connections":
            return cls((), True)
        if text == "No connections":
            return cls((), False)
        negated = text.startswith("All but ")
        if negated:
            text = text[len("All but "):]
        cubes = tuple(Cube.parse(m.group(1)) for m in _CUBE.finditer(text))
        if not cubes or _CUBE.sub("", text).strip(", ") != "":
            raise NcaOutputError(f"cannot read connection set {text!r}")
        return cls(cubes, negated)


def _ip_ranges(text: str) -> tuple[tuple[int, int], ...] | None:
    """`a-b`, `a`, or a CIDR, comma-separated, as integer ranges; None for a pod name."""
    ranges = []
    for part in text.split(","):
        low, sep, high = part.partition("-")
        try:
            if "/" in part:
                net = ipaddress.ip_network(part, strict=False)
                ranges.append((int(net[0]), int(net[-1])))
            else:
                last = high if sep else low
                ranges.append((int(ipaddress.ip_address(low)), int(ipaddress.ip_address(last))))
        except ValueError:
            return None
    return tuple(ranges)


def _pod_name(text: str) -> str:
    return re.sub(r"\[[A-Za-z-]+\]$", "", text)  # "prod/web[Pod]" with outputEndpoints=deployments


class ConnectivityMap:
    """What nca says is allowed between pods ("ns/name") and external IPv4 hosts."""

    def __init__(self):
        self.pairs: dict[tuple[str, str], list[ConnectionSet]] = {}
        self.from_ips: list[tuple[tuple[tuple[int, int], ...], str, ConnectionSet]] = []
        self.to_ips: list[tuple[str, tuple[tuple[int, int], ...], ConnectionSet]] = []

    @classmethod
    def parse(cls, text: str) -> ConnectivityMap:
        result = cls()
        for line in text.splitlines():
            if not line.strip():
                continue
            src, arrow, rest = line.partition(" => ")
            dst, colon, conns = rest.partition(" : ")
            if not arrow or not colon:
                raise NcaOutputError(f"cannot read line {line!r}")
            conn = ConnectionSet.parse(conns)
            src_ips, dst_ips = _ip_ranges(src), _ip_ranges(dst)
            if src_ips and dst_ips:
                continue  # host to host: outside the cluster, nothing to compare
            if src_ips:
                result.from_ips.append((src_ips, _pod_name(dst), conn))
            elif dst_ips:
                result.to_ips.append((_pod_name(src), dst_ips, conn))
            else:
                result.pairs.setdefault((_pod_name(src), _pod_name(dst)), []).append(conn)
        return result

    def allows(self, src: str, dst: str, port: int, protocol: str) -> bool:
        """src, dst: "ns/pod" or an IPv4 address (not both addresses)."""
        src_ip, dst_ip = _as_ip(src), _as_ip(dst)
        if src_ip is not None:
            sets = [c for ranges, pod, c in self.from_ips if pod == dst and _inside(src_ip, ranges)]
        elif dst_ip is not None:
            sets = [c for pod, ranges, c in self.to_ips if pod == src and _inside(dst_ip, ranges)]
        else:
            sets = self.pairs.get((src, dst), [])
        return any(c.allows(port, protocol) for c in sets)


def _as_ip(endpoint: str) -> int | None:
    try:
        return int(ipaddress.IPv4Address(endpoint))
    except ValueError:
        return None


def _inside(ip: int, ranges) -> bool:
    return any(low <= ip <= high for low, high in ranges)
