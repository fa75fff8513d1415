"""The connections that differ, in words, and the small helpers every message uses."""

from __future__ import annotations

from trainer.netpol.objects import NetworkPolicy

MAX_MESSAGES = 10


def join(items, word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


PROTOCOL_ORDER = {"TCP": 0, "UDP": 1, "SCTP": 2}


def ports_text(ports, every=None) -> str:
    """[(53, 'TCP'), (53, 'UDP'), (80, 'TCP')] -> 'TCP and UDP 53 and TCP 80'.

    `every`: the ports that were checked; when all of them differ, say so briefly.
    """
    ports = set(ports)
    if every and ports >= set(every) and len(ports) > 3:
        return "every port checked"
    by_number: dict[int, tuple] = {}
    for number, protocol in sorted(ports, key=lambda p: (p[0], PROTOCOL_ORDER.get(p[1], 9))):
        by_number[number] = by_number.get(number, ()) + (protocol,)
    by_protocols: dict[tuple, list[str]] = {}
    for number, protocols in by_number.items():
        by_protocols.setdefault(protocols, []).append(str(number))
    parts = []
    for protocols, numbers in by_protocols.items():
        if len(numbers) > 1 and len(protocols) > 1:
            parts.append(f"ports {join(numbers)} over {join(protocols)}")
        else:
            parts.append(f"{join(protocols)} {join(numbers)}")
    return "; ".join(parts) if len(parts) > 2 else join(parts)


def who(keys, limit: int = 3) -> str:
    keys = list(keys)
    if len(keys) > limit:
        return f"{', '.join(keys[:limit])} and {len(keys) - limit} more"
    return join(keys)


def at(policy: NetworkPolicy, line: int | None = None) -> str:
    line = line or policy.line
    return f"{policy.key} (line {line})" if line else policy.key


# --- connections that differ ---------------------------------------------------


def describe_differences(cmp, limit: int = MAX_MESSAGES) -> list[str]:
    """Sentences for the connections that differ, opened ones first.

    Connections with the same ports are told together: one source to several
    destinations, or several sources to one destination, whichever is shorter.
    """
    per_pair: dict[tuple, list] = {}
    for kind, connections in (("opened", cmp.opened), ("closed", cmp.closed)):
        for src, dst, number, protocol in connections:
            if src != dst:
                per_pair.setdefault((kind, src, dst), []).append((number, protocol))
    by_ports: dict[tuple, list] = {}
    for (kind, src, dst), ports in per_pair.items():
        by_ports.setdefault((kind, tuple(ports)), []).append((src, dst))
    messages = []
    for (kind, ports), pairs in by_ports.items():
        sources = {s for s, _ in pairs}
        destinations = {d for _, d in pairs}
        if len(sources) < len(destinations):
            for src in sorted(sources):
                dsts = sorted(d for s, d in pairs if s == src)
                messages.append(difference(cmp, kind, [src], dsts, ports))
        else:
            for dst in sorted(destinations):
                srcs = sorted(s for s, d in pairs if d == dst)
                messages.append(difference(cmp, kind, srcs, [dst], ports))
    if len(messages) > limit:
        rest = len(messages) - limit
        count = len(cmp.opened) + len(cmp.closed)
        messages = messages[:limit] + [
            f"... and {rest} more like these ({count} connections differ in all)."]
    return messages


def difference(cmp, kind: str, sources: list[str], destinations: list[str], ports: tuple) -> str:
    src, dst = sources[0], destinations[0]
    number, protocol = min(ports, key=lambda p: (PROTOCOL_ORDER.get(p[1], 9), p[0]))
    mine = cmp.learner_analyzer.check(src, dst, number, protocol)
    theirs = cmp.ref_analyzer.check(src, dst, number, protocol)
    where = f"{who(destinations)} on {ports_text(ports, cmp.ports)}"
    if kind == "closed":
        they = "they" if len(sources) > 1 or len(destinations) > 1 else "it"
        text = f"{who(sources)} cannot reach {where}, but the task says {they} should."
        for side in (mine.egress, mine.ingress):
            if side is not None and not side.allowed:
                text += f" {side.text}"
        return text
    if theirs.ingress is not None and not theirs.ingress.allowed:
        admitted = ports_by_peer(cmp, dst, 1)
        if admitted == "many":
            admitted = ports_by_peer(cmp, dst, 1, (number, protocol))
        wants = (f"the task lets nothing into {dst}" if not admitted else
                 f"the task lets only {admitted} into {dst}" if admitted != "many" else
                 "the task does not allow it")
    else:
        reached = ports_by_peer(cmp, src, 0)
        if reached == "many":
            reached = ports_by_peer(cmp, src, 0, (number, protocol))
        wants = (f"the task lets {src} reach nothing" if not reached else
                 f"the task lets {src} reach only {reached}" if reached != "many" else
                 "the task does not allow it")
    text = f"{who(sources)} can reach {where}, but {wants}."
    for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
        if t is not None and not t.allowed and m is not None:
            if m.match is not None:
                text += f" Let through by {m.match.text}."
            elif m.applies and not m.isolated:
                text += (f" No policy isolates {m.endpoint.key} for "
                         f"{m.direction.lower()}, so it is open.")
    return text


def ports_by_peer(cmp, key: str, side: int, port=None, limit: int = 3) -> str:
    """What the reference allows into (side=1) or out of (side=0) key, in words:
    'a on TCP 3306 and b on TCP 80', '' for nothing, 'many' when too long to say.
    When too long, says it again for just `port`, if given."""
    peers: dict[str, set] = {}
    for conn in cmp.ref_allowed:
        if conn[side] == key and conn[1 - side] != key and (port is None or conn[2:] == port):
            peers.setdefault(conn[1 - side], set()).add((conn[2], conn[3]))
    if len(peers) > limit:
        return "many"
    by_ports: dict[str, list[str]] = {}
    for peer, ports in sorted(peers.items()):
        by_ports.setdefault(ports_text(ports, cmp.ports), []).append(peer)
    return join(f"{join(names)} on {ports}" for ports, names in by_ports.items())


def endpoints(cmp) -> list[str]:
    return [p.key for p in cmp.base.pods] + list(cmp.exercise.externals)


# --- the classic mistakes ------------------------------------------------------
