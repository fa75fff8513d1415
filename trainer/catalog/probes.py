"""A connection that content names, and the verdict it expects where it states one.

Stages' claims and exercises' `expect` write a probe as a mapping,
{from: prod/api-pod, to: prod/db, port: 3306, protocol: TCP, allowed: true};
quiz choices as text, 'SRC DST PORT[/PROTOCOL]', as DESIGN.md's probe files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from trainer.netpol.objects import PROTOCOLS

from .fields import FieldReader

PROBE_FIELDS = ("from", "to", "port", "protocol", "allowed")


@dataclass(frozen=True)
class Probe:
    src: str
    dst: str
    port: int
    protocol: str = "TCP"
    allowed: bool | None = None  # the verdict the content expects; None where it states none

    @classmethod
    def parse(cls, text: str) -> Probe:
        """'SRC DST PORT[/PROTOCOL]'; ValueError when malformed."""
        parts = str(text).split()
        if len(parts) != 3:
            raise ValueError("a probe is 'SRC DST PORT[/PROTOCOL]'")
        return cls(parts[0], parts[1], *parse_port(parts[2]))

    def describe(self, arrow: str = "->") -> str:
        """'prod/api -> prod/db on TCP 3306' (arrow: "->" as the engine's summaries, "→" on a page)."""
        return f"{self.src} {arrow} {self.dst} on {self.protocol} {self.port}"


def parse_port(text: str) -> tuple[int, str]:
    """'3306/TCP' or '3306' (TCP) -> (3306, "TCP"); ValueError when malformed."""
    port, _, protocol = str(text).partition("/")
    protocol = (protocol or "TCP").upper()
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"port {port!r} is not a number from 1 to 65535")
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}")
    return int(port), protocol


def read_probe(reader: FieldReader, raw, at: tuple, check_end: Callable[[str, tuple], None]) -> Probe:
    """A probe mapping at path `at`; check_end(name, path) reports an end the content does not know.

    Problems go to the reader; the Probe returned then holds None where a field was bad.
    """
    if not reader.mapping(raw, at, PROBE_FIELDS):
        return Probe(None, None, None, None, None)
    src = reader.field(raw, at + ("from",), str)
    dst = reader.field(raw, at + ("to",), str)
    for name, field in ((src, "from"), (dst, "to")):
        if name is not None:
            check_end(name, at + (field,))
    return Probe(src, dst, reader.port(raw, at + ("port",)), reader.protocol(raw, at + ("protocol",)),
                 reader.field(raw, at + ("allowed",), bool))

