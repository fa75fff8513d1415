"""Feedback that teaches: differing connections in words, and classic mistakes named.

describe_differences() turns the grader's opened/closed connections into
sentences. diagnose() looks at the learner's YAML, through the engine's
objects and verdicts, for the mistakes people make with NetworkPolicies:
OR for AND and the reverse, `- ports:` as a rule of its own, every
destination open on every port, policyTypes without Egress (or with Ingress
by default), a podSelector meant for another namespace, a namespace label
nobody carries, DNS forgotten, a named port with the wrong protocol, the
wrong namespace, an existing policy replaced, a port mixed up.

Each detector looks for evidence in what actually differs, so a mistake is
named only when it explains a wrong connection (or, for a passing answer, is
reported as a note).
"""

from __future__ import annotations

from functools import cached_property

from trainer.netpol.objects import NetworkPolicy, Pod

MAX_MESSAGES = 10
MAX_EVIDENCE = 300  # connections examined for evidence; enough to find every pattern


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


def _who(keys, limit: int = 3) -> str:
    keys = list(keys)
    if len(keys) > limit:
        return f"{', '.join(keys[:limit])} and {len(keys) - limit} more"
    return join(keys)


def _at(policy: NetworkPolicy, line: int | None = None) -> str:
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
                messages.append(_difference(cmp, kind, [src], dsts, ports))
        else:
            for dst in sorted(destinations):
                srcs = sorted(s for s, d in pairs if d == dst)
                messages.append(_difference(cmp, kind, srcs, [dst], ports))
    if len(messages) > limit:
        rest = len(messages) - limit
        count = len(cmp.opened) + len(cmp.closed)
        messages = messages[:limit] + [
            f"... and {rest} more like these ({count} connections differ in all)."]
    return messages


def _difference(cmp, kind: str, sources: list[str], destinations: list[str], ports: tuple) -> str:
    src, dst = sources[0], destinations[0]
    number, protocol = min(ports, key=lambda p: (PROTOCOL_ORDER.get(p[1], 9), p[0]))
    mine = cmp.learner_analyzer.check(src, dst, number, protocol)
    theirs = cmp.ref_analyzer.check(src, dst, number, protocol)
    where = f"{_who(destinations)} on {ports_text(ports, cmp.ports)}"
    if kind == "closed":
        they = "they" if len(sources) > 1 or len(destinations) > 1 else "it"
        text = f"{_who(sources)} cannot reach {where}, but the task says {they} should."
        for side in (mine.egress, mine.ingress):
            if side is not None and not side.allowed:
                text += f" {side.text}"
        return text
    if theirs.ingress is not None and not theirs.ingress.allowed:
        admitted = _ports_by_peer(cmp, dst, 1)
        if admitted == "many":
            admitted = _ports_by_peer(cmp, dst, 1, (number, protocol))
        wants = (f"the task lets nothing into {dst}" if not admitted else
                 f"the task lets only {admitted} into {dst}" if admitted != "many" else
                 "the task does not allow it")
    else:
        reached = _ports_by_peer(cmp, src, 0)
        if reached == "many":
            reached = _ports_by_peer(cmp, src, 0, (number, protocol))
        wants = (f"the task lets {src} reach nothing" if not reached else
                 f"the task lets {src} reach only {reached}" if reached != "many" else
                 "the task does not allow it")
    text = f"{_who(sources)} can reach {where}, but {wants}."
    for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
        if t is not None and not t.allowed and m is not None:
            if m.match is not None:
                text += f" Let through by {m.match.text}."
            elif m.applies and not m.isolated:
                text += (f" No policy isolates {m.endpoint.key} for "
                         f"{m.direction.lower()}, so it is open.")
    return text


def _ports_by_peer(cmp, key: str, side: int, port=None, limit: int = 3) -> str:
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


def _endpoints(cmp) -> list[str]:
    return [p.key for p in cmp.base.pods] + list(cmp.exercise.externals)


# --- the classic mistakes ------------------------------------------------------


class _Evidence:
    """Verdicts on the differing connections, computed once for every detector."""

    def __init__(self, cmp):
        self.cmp = cmp

    @cached_property
    def opened(self) -> list[tuple]:
        """(connection, side of the learner that let it through, where the reference denies)."""
        found = []
        for conn in self.cmp.opened[:MAX_EVIDENCE]:
            if conn[0] == conn[1]:
                continue
            mine = self.cmp.learner_analyzer.check(*conn)
            theirs = self.cmp.ref_analyzer.check(*conn)
            for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
                if t is not None and not t.allowed:
                    found.append((conn, m, t))
        return found

    @cached_property
    def closed(self) -> list[tuple]:
        """(connection, side of the learner that blocks it, the reference's side)."""
        found = []
        for conn in self.cmp.closed[:MAX_EVIDENCE]:
            mine = self.cmp.learner_analyzer.check(*conn)
            theirs = self.cmp.ref_analyzer.check(*conn)
            for m, t in ((mine.egress, theirs.egress), (mine.ingress, theirs.ingress)):
                if m is not None and not m.allowed:
                    found.append((conn, m, t))
        return found

    @cached_property
    def opened_rules(self) -> dict:
        """(policy key, direction, rule index) of the answer -> [(conn, peer index)]."""
        rules: dict[tuple, list] = {}
        for conn, side, _ in self.opened:
            match = side.match if side is not None else None
            if match is not None and match.policy.source == self.cmp.source:
                rules.setdefault((match.policy.key, side.direction, match.rule_index), []).append(
                    (conn, match.peer_index))
        return rules

    def answer_policies(self):
        return [p for p in self.cmp.learner.policies if p.source == self.cmp.source]

    def raw(self, policy: NetworkPolicy) -> dict:
        """The policy's manifest as written (to tell a default from an explicit field)."""
        found = {}
        for m in self.cmp.manifests:
            meta = m.data.get("metadata") or {}
            if m.kind == "NetworkPolicy" and meta.get("name") == policy.name and \
                    (meta.get("namespace") or "default") == policy.namespace:
                found = m.data
        return found

    def selects(self, policy: NetworkPolicy, pod: Pod) -> bool:
        compiled = self.cmp.learner_analyzer.compiled
        return bool(compiled.selected_groups(policy) >> compiled.group(pod) & 1)


def diagnose(cmp, passed: bool) -> tuple[list[str], list[str]]:
    """(diagnoses, notes): mistakes that explain wrong connections, and harmless oddities."""
    ev = _Evidence(cmp)
    diagnoses, notes = [], []
    if not ev.answer_policies():
        if not passed:
            diagnoses.append("The answer holds no NetworkPolicy, so nothing changes in the cluster.")
        return diagnoses, notes
    for detector in (_selects_other_pods, _or_for_and, _and_for_or, _ports_as_rule,
                     _every_combination, _ipblock_too_wide,
                     _egress_missing, _ingress_by_default, _pod_selector_elsewhere,
                     _dns_forgotten, _wrong_namespace, _replaced_policy, _wrong_port):
        diagnoses += detector(ev)
    # These are wrong whatever the result: report them, as notes when the answer passes.
    for detector in (_ignored_egress_rules, _namespace_label_nobody_has, _named_port_protocol):
        (notes if passed or not cmp.differs else diagnoses).extend(detector(ev))
    return list(dict.fromkeys(diagnoses)), list(dict.fromkeys(notes))


def _policy(ev, key: str) -> NetworkPolicy:
    return next(p for p in ev.cmp.learner.policies if p.key == key)


def _selects_other_pods(ev) -> list[str]:
    """The answer's policy picks other pods than the reference's policy of that name."""
    cmp = ev.cmp
    wanted = {p.key: p for p in cmp.reference.policies}
    out = []
    for policy in ev.answer_policies():
        target = wanted.get(policy.key)
        if target is None:
            continue
        mine = {pod.key for pod in cmp.base.pods if ev.selects(policy, pod)}
        theirs = {pod.key for pod in cmp.base.pods if pod.namespace == target.namespace
                  and target.pod_selector.matches(pod.labels)}
        extra, missing = sorted(mine - theirs), sorted(theirs - mine)
        if extra and any(m.endpoint.key in extra for _, m, _ in ev.closed):
            out.append(
                f"The policy applies to more pods than the task means: in {_at(policy)}, "
                f"`podSelector` ({policy.pod_selector.describe()}) also selects {_who(extra)}, so "
                f"{'they are' if len(extra) > 1 else 'it is'} isolated too. Select only "
                f"{_who(sorted(theirs)) or 'the pods the task names'}"
                f" (e.g. `{target.pod_selector.describe()}`).")
        elif missing and any(m is not None and m.endpoint.key in missing for _, m, _ in ev.opened):
            out.append(
                f"The policy misses pods: in {_at(policy)}, `podSelector` "
                f"({policy.pod_selector.describe()}) does not select {_who(missing)}, so the policy "
                f"does not protect {'them' if len(missing) > 1 else 'it'}.")
    return out


def _ipblock_too_wide(ev) -> list[str]:
    """An ipBlock lets in an address the task keeps out (often: an `except` is missing)."""
    out, seen = [], set()
    for conn, mine, _ in ev.opened:
        match = mine.match if mine is not None else None
        if match is None or match.peer_index is None or match.policy.source != ev.cmp.source:
            continue
        peer = match.policy.rules(mine.direction)[match.rule_index].peers[match.peer_index]
        host = conn[1] if mine.direction == "Egress" else conn[0]
        if peer.ip_block is None or (peer.path, host) in seen:
            continue
        seen.add((peer.path, host))
        out.append(
            f"The ipBlock is too wide: in {_at(match.policy, peer.line)}, {peer.ip_block.describe()} "
            f"includes {host}, which the task keeps out. Narrow `cidr`, or list the address under "
            f"`except` (e.g. `{host}/32`).")
    return out[:3]


def _or_for_and(ev) -> list[str]:
    out = []
    for (key, direction, r), hits in ev.opened_rules.items():
        policy = _policy(ev, key)
        rule = policy.rules(direction)[r]
        pod_only = [p for p in rule.peers if p.pod_selector is not None and p.namespace_selector is None]
        word = "from" if direction == "Ingress" else "to"
        culprits = [rule.peers[i] for _, i in hits if i is not None]
        for peer in culprits:
            if peer.namespace_selector is None or peer.pod_selector is not None:
                continue
            if pod_only:
                out.append(
                    f"OR where AND was meant: in {_at(policy, rule.line)}, `namespaceSelector` "
                    f"({peer.namespace_selector.describe()}) and `podSelector` "
                    f"({pod_only[0].pod_selector.describe()}) are separate items of `{word}`, each "
                    f"starting with `-`, so either one admits: every pod in the matching namespaces "
                    f"gets through. To admit only pods {pod_only[0].pod_selector.describe()} in those "
                    f"namespaces, put both selectors in one item (no `-` before the second).")
            else:
                out.append(
                    f"The whole namespace is allowed: {_at(policy, peer.line)} has a "
                    f"`namespaceSelector` ({peer.namespace_selector.describe()}) with no "
                    f"`podSelector`, which admits every pod there. Add a `podSelector` to the same "
                    f"item (no `-` before it) to admit only the pods the task names.")
    return out


def _and_for_or(ev) -> list[str]:
    out, seen = [], set()
    cluster = ev.cmp.learner
    for conn, mine, theirs in ev.closed:
        if theirs is None or theirs.match is None or theirs.match.peer_index is None:
            continue
        wanted = theirs.match.policy.rules(theirs.direction)[theirs.match.rule_index].peers[
            theirs.match.peer_index]
        other = mine.endpoint
        peer_end = ev.cmp.learner_analyzer.endpoint(conn[0] if mine.direction == "Ingress" else conn[1])
        if not isinstance(peer_end, Pod) or not isinstance(other, Pod):
            continue
        for key in mine.policies:
            policy = _policy(ev, key)
            if policy.source != ev.cmp.source:
                continue
            for rule in policy.rules(mine.direction):
                for peer in rule.peers:
                    if peer.namespace_selector is None or peer.pod_selector is None:
                        continue
                    ns_ok = peer.namespace_selector.matches(cluster.namespace_labels(peer_end.namespace))
                    pod_ok = peer.pod_selector.matches(peer_end.labels)
                    one_wanted = (wanted.pod_selector is None) != (wanted.namespace_selector is None)
                    if one_wanted and ns_ok != pod_ok and (key, peer.path) not in seen:
                        seen.add((key, peer.path))
                        word = "from" if mine.direction == "Ingress" else "to"
                        out.append(
                            f"AND where OR was meant: in {_at(policy, peer.line)}, "
                            f"`namespaceSelector` ({peer.namespace_selector.describe()}) and "
                            f"`podSelector` ({peer.pod_selector.describe()}) sit in one item, so a "
                            f"pod must match both; {peer_end.key} matches only one. The task admits "
                            f"either: make them two items of `{word}`, each starting with `-`.")
    return out


def _ports_as_rule(ev) -> list[str]:
    out = []
    opened = {(k, d) for k, d, _ in ev.opened_rules}
    for policy in ev.answer_policies():
        for direction in ("Ingress", "Egress"):
            if (policy.key, direction) not in opened:
                continue
            rules = policy.rules(direction)
            peers_only = [i for i, r in enumerate(rules) if r.peers and not r.ports]
            ports_only = [i for i, r in enumerate(rules) if r.ports and not r.peers]
            if peers_only and ports_only:
                i, j = peers_only[0], ports_only[0]
                peers = join(p.describe(policy.namespace) for p in rules[i].peers)
                ports = join(p.describe() for p in rules[j].ports)
                word = "from" if direction == "Ingress" else "to"
                out.append(
                    f"`- ports:` started a rule of its own in {_at(policy, rules[j].line)}: rule "
                    f"{i + 1} admits {peers} on every port, and rule {j + 1} admits everyone on "
                    f"{ports}. Remove the `-` before `ports` so `{word}` and `ports` belong to one "
                    f"rule: these peers, on these ports only.")
    return out


def _every_combination(ev) -> list[str]:
    out = []
    for (key, direction, r), hits in ev.opened_rules.items():
        policy = _policy(ev, key)
        rule = policy.rules(direction)[r]
        if len(rule.peers) < 2 or len(rule.ports) < 2:
            continue
        (src, dst, number, protocol), _ = hits[0]
        ends = "destinations" if direction == "Egress" else "sources"
        item = "- to:" if direction == "Egress" else "- from:"
        out.append(
            f"Every combination is open: {_at(policy, rule.line)} lists {len(rule.peers)} {ends} "
            f"and {len(rule.ports)} ports in one rule, so each of them is allowed on every one of "
            f"those ports ({src} can reach {dst} on {protocol} {number}). Give each {ends[:-1]} a "
            f"rule of its own (its own `{item}` item) with just its ports.")
    return out


def _egress_missing(ev) -> list[str]:
    out = []
    seen = set()
    for (src, _, _, _), mine, theirs in ev.opened:
        if mine is None or mine.direction != "Egress" or mine.isolated or theirs.allowed:
            continue
        pod = mine.endpoint
        if src in seen or not isinstance(pod, Pod):
            continue
        seen.add(src)
        for policy in ev.answer_policies():
            if "Egress" not in policy.policy_types and ev.selects(policy, pod):
                default = "" if ev.raw(policy).get("spec", {}).get("policyTypes") else (
                    ": with no policyTypes and no egress rules, a policy controls ingress only")
                out.append(
                    f"Egress is missing from policyTypes: {_at(policy)} selects {pod.key} but "
                    f"controls only {join(policy.policy_types)}{default}, so {pod.key}'s outgoing "
                    f"traffic stays open. Add `- Egress` to `policyTypes`.")
                break
    return out


def _ignored_egress_rules(ev) -> list[str]:
    return [
        f"Egress is missing from policyTypes: {_at(policy)} has egress rules, but its policyTypes "
        f"({join(policy.policy_types)}) leave out Egress, so those rules are ignored. Add "
        f"`- Egress` to `policyTypes`."
        for policy in ev.answer_policies()
        if policy.egress and "Egress" not in policy.policy_types]


def _ingress_by_default(ev) -> list[str]:
    out = []
    for policy in ev.answer_policies():
        if "Ingress" not in policy.policy_types or policy.ingress or not policy.egress:
            continue
        blocked = sorted({conn[1] for conn, mine, _ in ev.closed
                          if mine.direction == "Ingress" and policy.key in mine.policies})
        if not blocked:
            continue
        explicit = ev.raw(policy).get("spec", {}).get("policyTypes")
        why = ("lists Ingress in policyTypes" if explicit else
               "has egress rules and no policyTypes, so its types default to Ingress and Egress")
        out.append(
            f"Egress rules that also isolate ingress: {_at(policy)} {why}; with no ingress rules it "
            f"blocks every connection into {_who(blocked)}. Set `policyTypes: [Egress]` if it "
            f"should control outgoing traffic only.")
    return out


def _pod_selector_elsewhere(ev) -> list[str]:
    out = []
    for conn, mine, _ in ev.closed:
        peer_end = ev.cmp.learner_analyzer.endpoint(conn[0] if mine.direction == "Ingress" else conn[1])
        if not isinstance(peer_end, Pod):
            continue
        for key in mine.policies:
            policy = _policy(ev, key)
            if policy.source != ev.cmp.source or peer_end.namespace == policy.namespace:
                continue
            for rule in policy.rules(mine.direction):
                for peer in rule.peers:
                    if peer.namespace_selector is None and peer.pod_selector is not None and \
                            peer.pod_selector.matches(peer_end.labels):
                        out.append(
                            f"A podSelector alone looks in its own namespace only: in "
                            f"{_at(policy, peer.line)}, `podSelector` ({peer.pod_selector.describe()}) "
                            f"matches pods of {policy.namespace}, but {peer_end.key} is in "
                            f"{peer_end.namespace}. Add a `namespaceSelector` to the same item, e.g. "
                            f"`kubernetes.io/metadata.name: {peer_end.namespace}`.")
    return list(dict.fromkeys(out))


def _namespace_label_nobody_has(ev) -> list[str]:
    out = []
    namespaces = ev.cmp.learner.namespaces
    for policy in ev.answer_policies():
        for direction in ("Ingress", "Egress"):
            for rule in policy.rules(direction):
                for peer in rule.peers:
                    sel = peer.namespace_selector
                    if sel is None or any(sel.matches(ns.labels) for ns in namespaces.values()):
                        continue
                    labels = join(f"{ns.name} has {', '.join(f'{k}={v}' for k, v in ns.labels.items())}"
                                  for ns in list(namespaces.values())[:6])
                    out.append(
                        f"No namespace carries that label: in {_at(policy, peer.line)}, "
                        f"`namespaceSelector` ({sel.describe()}) matches no namespace, so the "
                        f"peer admits nothing. The namespaces' labels: {labels}.")
    return out


def _dns_forgotten(ev) -> list[str]:
    blocked: dict[str, set] = {}
    for (src, _, number, protocol), mine, _ in ev.closed:
        if number == 53 and mine.direction == "Egress" and protocol in ("UDP", "TCP"):
            blocked.setdefault(src, set()).add(protocol)
    kinds: dict[frozenset, list[str]] = {}
    for src, protocols in blocked.items():
        kinds.setdefault(frozenset(protocols), []).append(src)
    out = []
    for protocols, sources in kinds.items():
        who = _who(sorted(sources))
        if len(protocols) == 2:
            out.append(
                f"DNS is forgotten: once the egress of {who} is locked down, it needs a rule for "
                f"DNS, UDP and TCP port 53, or no name can be looked up.")
        elif "UDP" in protocols:
            out.append(
                f"DNS over TCP only: {who} may send TCP 53 but not UDP 53, and ordinary lookups "
                f"use UDP. Allow both protocols on port 53.")
        else:
            out.append(
                f"DNS over UDP only: {who} may send UDP 53 but not TCP 53, which DNS uses for "
                f"large answers and retries. Allow both protocols on port 53.")
    return out


def _named_port_protocol(ev) -> list[str]:
    declared = {(p.name, p.protocol): (pod.key, p.port) for pod in ev.cmp.learner.pods
                for p in pod.ports if p.name}
    out = []
    for policy in ev.answer_policies():
        for direction in ("Ingress", "Egress"):
            for rule in policy.rules(direction):
                for pp in rule.ports:
                    if not isinstance(pp.port, str) or (pp.port, pp.protocol) in declared:
                        continue
                    other = [(proto, declared[(name, proto)]) for name, proto in declared
                             if name == pp.port]
                    if other:
                        proto, (pod, number) = other[0]
                        out.append(
                            f"Named port with the wrong protocol: {_at(policy, pp.line)} asks for "
                            f"port `{pp.port}` over {pp.protocol}, but the pods declare `{pp.port}` "
                            f"as {proto} ({pod}: {proto} {number}), so this entry matches nothing. "
                            f"Set `protocol: {proto}`.")
                    else:
                        out.append(
                            f"Unknown named port: {_at(policy, pp.line)} asks for port `{pp.port}`, "
                            f"but no pod declares a port of that name, so this entry matches nothing.")
    return out


def _wrong_namespace(ev) -> list[str]:
    if not ev.cmp.differs:
        return []
    out = []
    compiled = ev.cmp.learner_analyzer.compiled
    wanted = {p.name: p.namespace for p in ev.cmp.solution.policies}
    for policy in ev.answer_policies():
        selects_nothing = not compiled.selected_groups(policy)
        elsewhere = sorted({pod.namespace for pod in ev.cmp.learner.pods
                            if pod.namespace != policy.namespace and policy.pod_selector.matches(pod.labels)})
        target = wanted.get(policy.name)
        if target is not None and target != policy.namespace and (selects_nothing or target in elsewhere):
            elsewhere = [target]
        elif not (selects_nothing and elsewhere):
            continue
        omitted = not (ev.raw(policy).get("metadata") or {}).get("namespace")
        how = " (metadata.namespace is left out, so it went to default)" if omitted else ""
        what = "selects no pod there" if selects_nothing else "does not select the pods the task means"
        out.append(
            f"The policy is in the wrong namespace: {_at(policy)} is in {policy.namespace}{how} and "
            f"{what}. A policy applies only to pods of its own namespace; the pods it seems meant "
            f"for are in {join(elsewhere, 'or')}. Set `metadata.namespace`.")
    return out


def _replaced_policy(ev) -> list[str]:
    if not ev.cmp.closed:
        return []
    existing = {p.key for p in ev.cmp.base.policies}
    intended = {p.key for p in ev.cmp.solution.policies}
    return [
        f"An existing policy was replaced: {_at(policy)} has the namespace and name of a policy "
        f"already in the cluster, so applying it replaced that policy and took away what it "
        f"allowed. Policies add up: give yours a new name to keep the old one."
        for policy in ev.answer_policies() if policy.key in existing and policy.key not in intended]


def _wrong_port(ev) -> list[str]:
    """The pair is open, but on none of the ports the task opens for it."""
    cmp = ev.cmp
    mine: dict[tuple, set] = {}
    theirs: dict[tuple, set] = {}
    for table, connections in ((mine, cmp.learner_allowed), (theirs, cmp.ref_allowed)):
        for src, dst, number, protocol in connections:
            table.setdefault((src, dst), set()).add((number, protocol))
    pairs = {(s, d) for s, d, _, _ in cmp.opened} & {(s, d) for s, d, _, _ in cmp.closed}
    out = []
    for pair in sorted(pairs):
        if mine[pair] & theirs[pair]:
            continue
        out.append(
            f"Wrong port: from {pair[0]} to {pair[1]} your policies open "
            f"{ports_text(mine[pair], cmp.ports)}, but the task wants {ports_text(theirs[pair], cmp.ports)}.")
    return out[:3]
