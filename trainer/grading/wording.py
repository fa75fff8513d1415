"""The grader's sentences: endpoints, port sets and differences, said plainly.

A pod the cluster does not hold yet is said as such ("a new pod labelled
app=other in batch: none exists today, but one may be started"), port sets as
ranges ("TCP 1-3305 and 3307-65535"), and each difference ends with what the
engine says let it through or kept it out.
"""

from __future__ import annotations

from trainer.netpol.objects import NAMESPACE_NAME_LABEL, NetworkPolicy

from .equivalence import PLUGIN_WORDS, SKIPPING, Difference
from .ports import PortSet
from .universe import Endpoint

MAX_DIFFERENCES = 5  # sentences about connections; the rest are counted


def join(items, word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def who(keys, limit: int = 3) -> str:
    keys = list(keys)
    if len(keys) > limit:
        return f"{', '.join(keys[:limit])} and {len(keys) - limit} more"
    return join(keys)


def at(policy: NetworkPolicy, line: int | None = None) -> str:
    line = line or policy.line
    return f"{policy.key} (line {line})" if line else policy.key


def labels_text(labels) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != NAMESPACE_NAME_LABEL)


def describe(e: Endpoint) -> str:
    """The endpoint's key, and for one the cluster does not hold, what it stands for."""
    if e.existing:
        return e.key
    if e.is_host:
        return f"{e.key} (a host outside the cluster)"
    labels = labels_text(e.pod.labels)
    pod = f"a new pod labelled {labels}" if labels else "a new pod with no labels"
    if e.namespace_new:
        ns_labels = labels_text(e.namespace.labels)
        where = (f"in a new namespace labelled {ns_labels}" if ns_labels
                 else "in a new namespace with no labels but its name")
    else:
        where = f"in {e.pod.namespace}"
    return f"{e.key} ({pod} {where}: none exists today, but one may be started)"


def plugin_note(mode: str | None) -> str:
    return f" This happens only {PLUGIN_WORDS[mode]}." if mode else ""


def describe_differences(judgement, limit: int = MAX_DIFFERENCES) -> list[str]:
    """Sentences for the differences: the cluster's own endpoints first, those sharing
    a destination (or a source) and the same ports told together."""
    groups: dict[tuple, list[Difference]] = {}
    for diff in judgement.differences:
        groups.setdefault((diff.dst.key, diff.left, diff.right, diff.mode), []).append(diff)
    by_source: dict[tuple, list[Difference]] = {}
    for diff in judgement.differences:
        by_source.setdefault((diff.src.key, diff.left, diff.right, diff.mode), []).append(diff)
    if len(by_source) < len(groups):
        groups = by_source
    messages = [difference(judgement, diffs) for diffs in groups.values()]
    if len(messages) > limit:
        rest = len(messages) - limit
        messages = messages[:limit] + [
            f"... and {rest} more like {'these' if rest > 1 else 'this'} "
            f"({judgement.count} kinds of connection differ in all)."]
    return messages


def difference(judgement, diffs: list[Difference]) -> str:
    # The cluster's own endpoints say it best; new pods only when no existing one can.
    if any(d.existing for d in diffs):
        diffs = [d for d in diffs if d.existing]
    first = diffs[0]
    sources = list(dict.fromkeys(e for d in diffs for e in _speakers(d.sources, d.src)))
    destinations = list(dict.fromkeys(e for d in diffs for e in _speakers(d.destinations, d.dst)))
    many = len(sources) > 1 or len(destinations) > 1
    negative = bool(first.missing and not first.extra)
    src, dst = _who(judgement, sources), _who(judgement, destinations, negative)
    everyone = ("every", "any")
    if set(sources) <= set(destinations) and not src.startswith(everyone) and not dst.startswith(everyone):
        # Pods of one kind among themselves: a pod and its replicas, or several pods.
        rest = [describe(e) for e in destinations if e not in sources]
        alike = "each other" if len(sources) > 1 else f"another pod like {sources[0].key} (a replica)"
        dst = who([alike] + rest) if rest else alike
    extra, missing = first.extra, first.missing
    if extra and not missing:
        if first.right:
            wants = f"the task allows only {first.right.describe()} there"
        else:
            wants = _wanted(judgement, first)
        text = f"{src} can reach {dst} on {extra.describe()}, but {wants}."
    elif missing and not extra and not first.left:
        # Nothing open between them: "on no port", never "cannot ... on every port".
        text = f"{src} can reach {dst} on no port, but the task wants {missing.describe()} open."
    elif missing and not extra:
        they = "they" if many else "it"
        text = (f"{src} cannot reach {dst} on {missing.describe(negative=True)}, "
                f"but the task says {they} should.")
    else:
        text = (f"{src} can reach {dst} on {first.left.describe()}, but the task wants "
                f"{first.right.describe()}.")
    return text + why(judgement, first) + plugin_note(first.mode)


def _who(judgement, ends: list[Endpoint], negative: bool = False) -> str:
    """The endpoints in words; everyone the cluster holds said so, not listed
    ("any" after "cannot", where "every" would read as "not all")."""
    existing = [e for e in judgement.universe.endpoints if e.existing]
    given = set(map(id, ends))
    every = "any" if negative else "every"
    if len(existing) > 3 and all(id(e) in given for e in existing):
        hosts = any(e.is_host for e in existing)
        return f"{every} pod and {every} host outside the cluster" if hosts else f"{every} pod"
    if len(existing) > 3 and all(id(e) in given for e in existing if not e.is_host):
        return f"{every} pod"
    return who(describe(e) for e in ends)


def _speakers(members, representative: Endpoint) -> list[Endpoint]:
    """The cluster's own endpoints of a kind, or the one that stands for it."""
    return [e for e in members if e.existing] or [representative]


def _wanted(judgement, diff: Difference) -> str:
    """What the task does allow in place of this connection, from the reference's verdict."""
    theirs = judgement.analyzer("reference", diff.mode)
    port, protocol = diff.extra.samples()[0]
    if not judgement.can_explain(diff.src, diff.dst):
        return "the task does not allow it"
    verdict = theirs.check(diff.src.engine_object, diff.dst.engine_object, port, protocol, explain=False)
    if verdict.ingress is not None and not verdict.ingress.allowed:
        admitted = _admitted(judgement, diff.dst, diff.mode, into=True)
        return (f"the task lets only {admitted} into {diff.dst.key}" if admitted
                else f"the task lets nothing into {diff.dst.key} there")
    reached = _admitted(judgement, diff.src, diff.mode, into=False)
    return (f"the task lets {diff.src.key} reach only {reached}" if reached
            else "the task does not allow it")


def _admitted(judgement, end: Endpoint, mode: str | None, into: bool, limit: int = 3) -> str:
    """The cluster's own endpoints the reference lets into `end` (or that `end` may reach), in words."""
    comparison = judgement.comparisons[judgement.closest][mode or SKIPPING]
    by_ports: dict[PortSet, list[str]] = {}
    others = [e for e in judgement.universe.endpoints if e.existing and e is not end
              and not (e.is_host and end.is_host)]
    for other in others:
        src, dst = (other, end) if into else (end, other)
        allowed = comparison.between(src, dst)[1]
        if allowed:
            by_ports.setdefault(allowed, []).append(other.key)
    if sum(len(v) for v in by_ports.values()) > limit:
        return ""
    return join(f"{join(keys)} on {ports.describe()}" for ports, keys in by_ports.items())


def why(judgement, diff: Difference) -> str:
    """What the engine says let the connection through (or kept it out) in the answer."""
    mine = judgement.analyzer("learner", diff.mode)
    theirs = judgement.analyzer("reference", diff.mode)
    ports = diff.extra or diff.missing
    port, protocol = ports.samples()[0]
    src, dst = diff.src.engine_object, diff.dst.engine_object
    if not judgement.can_explain(diff.src, diff.dst):
        return ""
    verdict = mine.check(src, dst, port, protocol)
    wanted = theirs.check(src, dst, port, protocol, explain=False)
    out = ""
    for m, t in ((verdict.egress, wanted.egress), (verdict.ingress, wanted.ingress)):
        if m is None or t is None:
            continue
        if verdict.allowed and not t.allowed:
            if m.match is not None:
                out += f" Let through by {m.match.text}."
            elif m.applies and not m.isolated:
                out += f" No policy isolates {m.endpoint.key} for {m.direction.lower()}, so it is open."
        elif not verdict.allowed and not m.allowed:
            out += f" {m.text}"
    return out

