"""All-pairs reachability over a cluster, on groups of identical pods, and diffs.

The matrix is computed with bitmasks over groups (see compiled.py): for each
port, the sources each destination's ingress admits and the destinations each
source's egress admits, then one AND per row, asking the same rule matchers as
the verdicts (matchers.py). A cell's explanation comes from Analyzer.check on
its pods, only when asked for. Whether anything listens on a cell's port is
the destination's declarations' business (listening.py; Matrix.declares).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .compiled import bits, ip_key
from .evaluation import Analyzer
from .listening import declares
from .objects import ExternalHost

Port = tuple[int, str]


@dataclass(frozen=True)
class Group:
    members: tuple  # Pods, or one ExternalHost

    @property
    def external(self) -> bool:
        return isinstance(self.members[0], ExternalHost)

    @property
    def label(self) -> str:
        first = self.members[0].key
        return first if len(self.members) == 1 else f"{first} (+{len(self.members) - 1} alike)"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.members)


def declared_ports(cluster) -> tuple[Port, ...]:
    """Every (port, protocol) any pod declares, or TCP 80 when none does."""
    found = sorted({(p.port, p.protocol) for pod in cluster.pods for p in pod.ports},
                   key=lambda x: (x[0], x[1]))
    return tuple(found) or ((80, "TCP"),)


class Matrix:
    def __init__(self, analyzer: Analyzer, externals=(), ports=None):
        self.analyzer = analyzer
        compiled = analyzer.compiled
        hosts = []
        for ip in externals:
            host = analyzer.endpoint(ip)
            if isinstance(host, ExternalHost) and host not in hosts:
                hosts.append(host)
        self.groups = tuple(Group(tuple(m)) for m in compiled.members) + tuple(
            Group((h,)) for h in hosts)
        self.pod_group_count = n_pods = len(compiled.members)
        self.ports = tuple(ports) if ports is not None else declared_ports(analyzer.cluster)
        # What every port's rows need: each pod group's first pod, each outside host's IP,
        # the mask of the outside hosts and that of every destination.
        self._reps = [g.members[0] for g in self.groups[:n_pods]]
        self._ext_ips = [ip_key(g.members[0].ip) for g in self.groups[n_pods:]]
        self._outside = ((1 << len(self._ext_ips)) - 1) << n_pods
        self._everyone = compiled.all_groups | self._outside
        self._named: dict[tuple[str, str], dict[int, int]] = {}
        self._rows = {port: self._rows_for(port) for port in self.ports}

    # --- computing --------------------------------------------------------------

    def _rows_for(self, port: Port) -> list[int]:
        """row[s]: mask of destination group indexes that s may reach on port."""
        n_pods, all_pods = self.pod_group_count, self.analyzer.compiled.all_groups
        admits, open_ingress = self._ingress_admits(port)
        extra = _transpose(admits, len(self.groups))
        rows = []
        for s in range(len(self.groups)):
            row = self._egress_reach(s, port) & (open_ingress | extra[s])
            if s >= n_pods:
                row &= all_pods  # between two outside hosts no policy applies: not shown
            elif len(self.groups[s].members) == 1:
                row |= 1 << s  # a pod may always reach itself
            rows.append(row)
        return rows

    def _ingress_admits(self, port: Port) -> tuple[list[int | None], int]:
        """For each pod group, the sources its ingress admits (None if not isolated), and the
        mask of columns everyone may enter: outside hosts and non-isolated groups."""
        number, protocol = port
        compiled, book = self.analyzer.compiled, self.analyzer.rules
        admits = []
        open_ingress = self._outside
        for d in range(self.pod_group_count):
            if not compiled.isolating["Ingress"][d]:
                admits.append(None)
                open_ingress |= 1 << d
                continue
            mask = 0
            for rule in book.isolating("Ingress", d):
                if rule.admits_port(number, protocol, self._reps[d]):
                    mask |= self._peers_mask(rule)
            admits.append(mask)
        return admits, open_ingress

    def _egress_reach(self, s: int, port: Port) -> int:
        """The destinations source group s may send to on port, as far as its egress goes."""
        if s >= self.pod_group_count or not self.analyzer.compiled.isolating["Egress"][s]:
            return self._everyone
        reach = 0
        for rule in self.analyzer.rules.isolating("Egress", s):
            reach |= self._peers_mask(rule) & self._egress_port_mask(rule, *port)
        return reach

    def _peers_mask(self, rule) -> int:
        """Groups and outside hosts the rule's peers admit."""
        if rule.peer_mask is None:
            return self._everyone
        mask = rule.peer_mask
        for i, ip in enumerate(self._ext_ips):
            if rule.admits_host(ip):
                mask |= 1 << (self.pod_group_count + i)
        return mask

    def _egress_port_mask(self, rule, number, protocol) -> int:
        """Destination groups (and hosts) for which the rule's ports admit number/protocol."""
        if not rule.ports or any(p.admits_any_destination(number, protocol) for p in rule.ports):
            return self._everyone
        mask = 0
        for p in rule.ports:  # named ports resolve on each destination group
            if isinstance(p.port.port, str) and p.port.protocol == protocol:
                mask |= self._named_port_groups(p.port.port, protocol).get(number, 0)
        return mask

    def _named_port_groups(self, name: str, protocol: str) -> dict[int, int]:
        """number -> the groups whose pods give that number to the named port, once per name."""
        found = self._named.get((name, protocol))
        if found is None:
            found = self._named[(name, protocol)] = {}
            for g, rep in enumerate(self._reps):
                number = rep.named_port(name, protocol)
                if number is not None:
                    found[number] = found.get(number, 0) | 1 << g
        return found

    # --- reading ----------------------------------------------------------------

    def rows(self, port: Port) -> tuple[int, ...]:
        """For each group, in order: the mask of groups it may reach on the port."""
        return tuple(self._rows[port])

    def is_allowed(self, s: int, d: int, port: Port) -> bool | None:
        """None where no policy could apply (between two outside hosts)."""
        if s >= self.pod_group_count and d >= self.pod_group_count:
            return None
        return bool(self._rows[port][s] >> d & 1)

    def declares(self, d: int, port: Port) -> bool | None:
        """Whether destination group d declares the port (listening.py): its pods share their
        container ports, so the first one speaks for all; None for an outside host or a group
        declaring no ports."""
        return declares(self.groups[d].members[0], port[0], port[1])

    def count_allowed(self) -> int:
        return sum(bin(row).count("1") for rows in self._rows.values() for row in rows)

    @cached_property
    def allowed(self) -> frozenset:
        """Every allowed (src_key, dst_key, port, protocol), pod by pod (for small clusters)."""
        found = set()
        for port, rows in self._rows.items():
            for s, row in enumerate(rows):
                for d in bits(row):
                    for src in self.groups[s].members:
                        for dst in self.groups[d].members:
                            if src is dst:
                                continue
                            found.add((src.key, dst.key, port[0], port[1]))
        # Self traffic inside a multi-pod group is allowed too.
        for port in self._rows:
            for g in self.groups[: self.pod_group_count]:
                for pod in g.members:
                    found.add((pod.key, pod.key, port[0], port[1]))
        return frozenset(found)


def _transpose(admits: list[int | None], size: int) -> list[int]:
    """From the sources each isolated group admits, for each source the isolated groups admitting it."""
    extra = [0] * size
    for d, mask in enumerate(admits):
        if mask:
            for s in bits(mask):
                extra[s] |= 1 << d
    return extra


def build_matrix(analyzer: Analyzer, externals=(), ports=None) -> Matrix:
    return Matrix(analyzer, externals, ports)
