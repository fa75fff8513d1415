"""Sets of ports under TCP, UDP and SCTP, as exact intervals over 1-65535.

The grader compares what two sets of policies allow on every port, not on a
sample: a rule's ports become intervals (a number, `port`-`endPort`, every
port of a protocol, a named port resolved on the destination), and sets are
unions and intersections of intervals. Each protocol keeps a sorted tuple of
disjoint, non-adjacent inclusive ranges, so two equal sets are equal tuples.
"""

from __future__ import annotations

from trainer.netpol.objects import PROTOCOLS

FIRST_PORT, LAST_PORT = 1, 65535
Ranges = tuple[tuple[int, int], ...]
MAX_RANGES_TOLD = 6  # a port set longer than this is told in part, with a count


class PortSet:
    """Immutable; hashable, so verdicts can be cached by it."""

    __slots__ = ("ranges", "_hash")

    def __init__(self, ranges: tuple[Ranges, ...]):
        self.ranges = ranges  # one Ranges per protocol, in PROTOCOLS order
        self._hash = hash(ranges)

    @classmethod
    def of(cls, protocol: str, first: int = FIRST_PORT, last: int = LAST_PORT) -> PortSet:
        index = PROTOCOLS.index(protocol)
        return cls(tuple(((first, last),) if i == index else () for i in range(len(PROTOCOLS))))

    def __or__(self, other: PortSet) -> PortSet:
        if self is EMPTY or other is ALL:
            return other
        if other is EMPTY or self is ALL:
            return self
        return PortSet(tuple(_union(a, b) for a, b in zip(self.ranges, other.ranges, strict=True)))

    def __and__(self, other: PortSet) -> PortSet:
        if self is ALL or other is EMPTY:
            return other
        if other is ALL or self is EMPTY:
            return self
        return PortSet(tuple(_intersection(a, b) for a, b in zip(self.ranges, other.ranges, strict=True)))

    def __sub__(self, other: PortSet) -> PortSet:
        return PortSet(tuple(_intersection(a, _complement(b))
                             for a, b in zip(self.ranges, other.ranges, strict=True)))

    def __eq__(self, other) -> bool:
        return isinstance(other, PortSet) and self.ranges == other.ranges

    def __le__(self, other: PortSet) -> bool:
        """A subset of other."""
        return not (self - other)

    def __hash__(self) -> int:
        return self._hash

    def __bool__(self) -> bool:
        return any(self.ranges)

    def __repr__(self) -> str:
        return f"PortSet({self.describe()!r})"

    def __contains__(self, item: tuple[int, str]) -> bool:
        number, protocol = item
        return any(lo <= number <= hi for lo, hi in self.ranges[PROTOCOLS.index(protocol)])

    def size(self) -> int:
        return sum(hi - lo + 1 for ranges in self.ranges for lo, hi in ranges)

    def by_protocol(self):
        """(protocol, ranges) for each protocol with at least one port."""
        return [(p, r) for p, r in zip(PROTOCOLS, self.ranges, strict=True) if r]

    def samples(self, prefer=()) -> list[tuple[int, str]]:
        """A few (port, protocol) inside the set, for explanations: the preferred
        ports that are in it first (ports pods declare), then each range's first."""
        found = [p for p in prefer if p in self]
        for protocol, ranges in self.by_protocol():
            for lo, _ in ranges[:2]:
                if (lo, protocol) not in found:
                    found.append((lo, protocol))
        return found

    def describe(self, negative: bool = False) -> str:
        """'TCP 1-3305 and 3307-65535', 'TCP and UDP 53', 'every port', 'no port'.

        negative: the words after "cannot", where "every" would read as "not all":
        'any UDP port' ("cannot reach it on any UDP port", not "on every UDP port")."""
        every, word = ("any", "or") if negative else ("every", "and")
        if self == ALL:
            return f"{every} port (TCP, UDP {word} SCTP)"
        if not self:
            return "no port"
        by_text: dict[str, list[str]] = {}
        for protocol, ranges in self.by_protocol():
            by_text.setdefault(ranges_text(ranges), []).append(protocol)
        parts = []
        for text, protocols in by_text.items():
            if text == "every port":
                parts.append(f"{every} {_join(protocols, word)} port")
            else:
                parts.append(f"{_join(protocols)} {text}")
        return "; ".join(parts)


def ranges_text(ranges: Ranges) -> str:
    if ranges == ((FIRST_PORT, LAST_PORT),):
        return "every port"
    words = [str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges]
    if len(words) > MAX_RANGES_TOLD:
        words = words[:MAX_RANGES_TOLD - 1] + [f"{len(words) - MAX_RANGES_TOLD + 1} more ranges"]
    return _join(words)


def _join(words, word: str = "and") -> str:
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {word} {words[-1]}"


def _union(a: Ranges, b: Ranges) -> Ranges:
    if not a:
        return b
    if not b or a == b:
        return a
    merged: list[list[int]] = []
    for lo, hi in sorted(a + b):
        if merged and lo <= merged[-1][1] + 1:  # overlapping or adjacent: one range
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _intersection(a: Ranges, b: Ranges) -> Ranges:
    if not a or not b:
        return ()
    if a == b:
        return a
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _complement(a: Ranges) -> Ranges:
    out, start = [], FIRST_PORT
    for lo, hi in a:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= LAST_PORT:
        out.append((start, LAST_PORT))
    return tuple(out)


EMPTY = PortSet(((), (), ()))
ALL = PortSet(tuple(((FIRST_PORT, LAST_PORT),) for _ in PROTOCOLS))
