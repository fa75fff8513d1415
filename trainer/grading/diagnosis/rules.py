"""Mistakes in the shape of rules: ports, policyTypes, DNS, named ports, open rules."""

from __future__ import annotations

from trainer.grading.equivalence import rule_ports
from trainer.grading.ports import EMPTY, PortSet
from trainer.grading.wording import at, describe, join, who

from .evidence import policy_named, selects


def ports_as_rule(ev) -> list[str]:
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
                    f"`- ports:` started a rule of its own in {at(policy, rules[j].line)}: rule "
                    f"{i + 1} admits {peers} on every port, and rule {j + 1} admits everyone on "
                    f"{ports}. Remove the `-` before `ports` so `{word}` and `ports` belong to one "
                    f"rule: these peers, on these ports only.")
    return out


def every_combination(ev) -> list[str]:
    out = []
    for (key, direction, r), hits in ev.opened_rules.items():
        policy = policy_named(ev, key)
        rule = policy.rules(direction)[r]
        if len(rule.peers) < 2 or len(rule.ports) < 2:
            continue
        # Only when the task lets the pair through on other ports of the rule.
        hits = [(d, c, i) for d, c, i in hits if d.right and d.right & rule_port_set(rule, ev.endpoint(c[1]))]
        if not hits:
            continue
        _, (src, dst, number, protocol), _ = hits[0]
        ends = "destinations" if direction == "Egress" else "sources"
        item = "- to:" if direction == "Egress" else "- from:"
        out.append(
            f"Every combination is open: {at(policy, rule.line)} lists {len(rule.peers)} {ends} "
            f"and {len(rule.ports)} ports in one rule, so each of them is allowed on every one of "
            f"those ports ({src} can reach {dst} on {protocol} {number}). Give each {ends[:-1]} a "
            f"rule of its own (its own `{item}` item) with just its ports.")
    return out


def open_to_everyone(ev) -> list[str]:
    """A rule with no peers (or ipBlock 0.0.0.0/0) opens ports to every pod and every host."""
    out, seen = [], set()
    for (key, direction, r), hits in ev.opened_rules.items():
        policy = policy_named(ev, key)
        rule = policy.rules(direction)[r]
        whole = [i for i, p in enumerate(rule.peers) if p.ip_block is not None
                 and p.ip_block.cidr in ("0.0.0.0/0", "::/0") and not p.ip_block.except_]
        hits = [(d, c, i) for d, c, i in hits if (i is None or i in whole)
                and ev.opens_new_ports(d, c, direction)]
        if not hits or (key, direction, r) in seen:
            continue
        seen.add((key, direction, r))
        ports = EMPTY
        for diff, _, _ in hits:
            ports = ports | diff.extra
        if rule.peers:
            how = "admits ipBlock 0.0.0.0/0, every IPv4 address"
            everyone = ("every host on the internet (and every pod too, with a network plugin that "
                        "matches ipBlocks against pods)")
        else:
            how = "has no `from`" if direction == "Ingress" else "has no `to`"
            everyone = "every pod of every namespace and every host on the internet"
        if direction == "Ingress":
            selected = ev.known_first({c[1] for _, c, _ in hits})
            out.append(
                f"Open to everyone: ingress rule {r + 1} of {at(policy, rule.line)} {how}, so "
                f"{everyone} may connect to {who(selected)} on {ports.describe()}. Name the sources "
                f"the task allows under `from`.")
        else:
            sources = ev.known_first({c[0] for _, c, _ in hits})
            out.append(
                f"Open to everything: egress rule {r + 1} of {at(policy, rule.line)} {how}, so "
                f"{who(sources)} may reach {everyone} on {ports.describe()}. Name the destinations "
                f"the task allows under `to`.")
    return out


def too_many_ports(ev) -> list[str]:
    """The right pair of endpoints, but more ports than the task allows: a range, a whole
    protocol, or a rule without ports."""
    out, seen = [], set()
    for (key, direction, r), hits in ev.opened_rules.items():
        policy = policy_named(ev, key)
        rule = policy.rules(direction)[r]
        for diff, (src, dst, _, _), _ in hits:
            if not diff.right or not diff.right <= diff.left or (key, direction, r) in seen:
                continue
            if not diff.right <= rule_port_set(rule, ev.endpoint(dst)):
                continue  # another rule opens the extra ports: not this rule's width
            seen.add((key, direction, r))
            wide = [p for p in rule.ports if p.port is None or p.end_port is not None]
            if not rule.ports:
                how = "lists no ports, so it opens every port"
            elif wide and wide[0].port is None:
                how = (f"names `protocol: {wide[0].protocol}` without a `port`, "
                       f"which opens every {wide[0].protocol} port")
            elif wide:
                how = (f"opens the range {wide[0].protocol} {wide[0].port}-{wide[0].end_port} "
                       f"(`port` with `endPort`)")
            else:
                how = f"opens {join(p.describe() for p in rule.ports)}"
            out.append(
                f"Too many ports: {direction.lower()} rule {r + 1} of {at(policy, rule.line)} {how}: "
                f"{src} can reach {dst} on {diff.left.describe()}, but the task "
                f"wants {diff.right.describe()} only.")
    return out[:2]


def rule_port_set(rule, dst) -> PortSet:
    """The exact ports a rule opens towards one destination (its named ports resolved there)."""
    profile = None
    names = tuple(sorted({(p.port, p.protocol) for p in rule.ports if isinstance(p.port, str)}))
    if dst.pod is not None:
        profile = tuple(dst.pod.named_port(name, protocol) for name, protocol in names)
    return rule_ports(rule.ports, profile, names)


def egress_missing(ev) -> list[str]:
    """A policy meant to lock a pod's egress down controls ingress only."""
    unrestricted: dict[str, list[str]] = {}  # policy key -> pods whose egress it leaves open
    for _, _, mine, theirs in ev.opened:
        if mine is None or mine.direction != "Egress" or mine.isolated or theirs.allowed:
            continue
        pod = mine.endpoint
        for policy in ev.answer_policies():
            # A policy whose egress rules are ignored is told by ignored_egress_rules.
            if "Egress" not in policy.policy_types and not policy.egress and selects(policy, pod):
                pods = unrestricted.setdefault(policy.key, [])
                if pod.key not in pods:
                    pods.append(pod.key)
                break
    out = []
    for key, pods in unrestricted.items():
        policy = policy_named(ev, key)
        default = "" if (ev.raw(policy).get("spec") or {}).get("policyTypes") else (
            ": with no policyTypes and no egress rules, a policy controls ingress only")
        out.append(
            f"Egress is missing from policyTypes: {at(policy)} selects {who(sorted(pods))} but "
            f"controls only {join(policy.policy_types)}{default}, so outgoing traffic stays open. "
            f"Add `- Egress` to `policyTypes`.")
    return out


def ignored_egress_rules(ev) -> list[str]:
    out = []
    for policy in ev.answer_policies():
        if not policy.egress or "Egress" in policy.policy_types:
            continue
        also = ("; and with Ingress listed but no ingress rules it blocks all incoming traffic, so "
                "if it is about outgoing traffic only, write `policyTypes: [Egress]`"
                if not policy.ingress else "")
        out.append(
            f"Egress is missing from policyTypes: {at(policy)} has egress rules, but its policyTypes "
            f"({join(policy.policy_types)}) leave out Egress, so those rules are ignored. Add "
            f"`- Egress` to `policyTypes`{also}.")
    return out


def ingress_by_default(ev) -> list[str]:
    out = []
    for policy in ev.answer_policies():
        if "Ingress" not in policy.policy_types or "Egress" not in policy.policy_types or \
                policy.ingress or not policy.egress:
            continue
        blocked = sorted({conn[1] for _, conn, mine, _ in ev.closed
                          if mine.direction == "Ingress" and policy.key in mine.policies})
        if not blocked:
            continue
        explicit = (ev.raw(policy).get("spec") or {}).get("policyTypes")
        why = ("lists Ingress in policyTypes" if explicit else
               "has egress rules and no policyTypes, so its types default to Ingress and Egress")
        out.append(
            f"Egress rules that also isolate ingress: {at(policy)} {why}; with no ingress rules it "
            f"blocks every connection into {who(blocked)}. Set `policyTypes: [Egress]` if it "
            f"should control outgoing traffic only.")
    return out


def dns_forgotten(ev) -> list[str]:
    """Port 53 closed where the task opens it, and no egress rule of the source's policies
    opens port 53 at all (a DNS rule to the wrong place is another mistake)."""
    blocked: dict[str, set] = {}
    for _, (src, _, number, protocol), mine, _ in ev.closed:
        if number == 53 and mine.direction == "Egress" and protocol in ("UDP", "TCP"):
            if not _opens_53(ev, ev.endpoint(src).pod, protocol):
                blocked.setdefault(src, set()).add(protocol)
    kinds: dict[frozenset, list[str]] = {}
    for src, protocols in blocked.items():
        kinds.setdefault(frozenset(protocols), []).append(src)
    out = []
    for protocols, sources in kinds.items():
        names = who(sorted(sources))
        if len(protocols) == 2:
            out.append(
                f"DNS is forgotten: once the egress of {names} is locked down, it needs a rule for "
                f"DNS, UDP and TCP port 53, or no name can be looked up.")
        elif "UDP" in protocols:
            out.append(
                f"DNS over TCP only: {names} may send TCP 53 but not UDP 53, and ordinary lookups "
                f"use UDP. Allow both protocols on port 53.")
        else:
            out.append(
                f"DNS over UDP only: {names} may send UDP 53 but not TCP 53, which DNS uses for "
                f"large answers and retries. Allow both protocols on port 53.")
    return out


def _opens_53(ev, pod, protocol: str) -> bool:
    """Whether some egress rule selecting the pod names port 53 of that protocol (to anyone)."""
    if pod is None:
        return False
    for policy in ev.j.learner.policies:
        if "Egress" not in policy.policy_types or not selects(policy, pod):
            continue
        for rule in policy.egress:
            for pp in rule.ports or ():
                if pp.protocol == protocol and (pp.port is None or pp.port == 53 or (
                        isinstance(pp.port, int) and pp.end_port and pp.port <= 53 <= pp.end_port)):
                    return True
                if isinstance(pp.port, str) and any(
                        p.named_port(pp.port, protocol) == 53 for p in ev.j.base.pods):
                    return True
            if not rule.ports:
                return True
    return False


def named_port_protocol(ev) -> list[str]:
    out = []
    pods = ev.j.base.pods
    analyzer = ev.j.analyzer("learner", None)
    for policy in ev.answer_policies():
        for direction in ("Ingress", "Egress"):
            for rule in policy.rules(direction):
                named = [pp for pp in rule.ports if isinstance(pp.port, str)]
                if not named:
                    continue
                # The pods the name resolves on: those selected (ingress), those reached (egress).
                near = [pod for pod in pods if (
                    selects(policy, pod) if direction == "Ingress" else not rule.peers or any(
                        analyzer.peer_matches(p, policy.namespace, pod) for p in rule.peers))]
                for pp in named:
                    out += _named_port_problem(policy, pp, near or pods, pods)
    return out


def _named_port_problem(policy, pp, near, everyone) -> list[str]:
    if any(pod.named_port(pp.port, pp.protocol) is not None for pod in near):
        return []
    for pods in (near, everyone):
        other = [(pod.key, p) for pod in pods for p in pod.ports if p.name == pp.port]
        if other:
            key, port = other[0]
            return [f"Named port with the wrong protocol: {at(policy, pp.line)} asks for port "
                    f"`{pp.port}` over {pp.protocol}, but the pods declare `{pp.port}` as "
                    f"{port.protocol} ({key}: {port.protocol} {port.port}), so this entry matches "
                    f"nothing. Set `protocol: {port.protocol}`."]
    return [f"Unknown named port: {at(policy, pp.line)} asks for port `{pp.port}`, but no pod "
            f"declares a port of that name, so this entry matches nothing."]


def wrong_port(ev) -> list[str]:
    """The pair is open on none of the ports the task opens for it, or a rule that
    admits the peer names only other ports."""
    out, told = [], set()
    for diff in ev.j.differences:
        pair = (diff.src.key, diff.dst.key)
        if diff.left and diff.right and not diff.left & diff.right and pair not in told:
            told.add(pair)
            out.append(
                f"Wrong port: from {describe(diff.src)} to {describe(diff.dst)} your policies open "
                f"{diff.left.describe()}, but the task wants {diff.right.describe()}.")
    for diff, (src, dst, _, _), side, _ in ev.closed:
        if (src, dst) in told or diff.left or side.miss is None or side.miss.rule_index is None:
            continue
        policy = side.miss.policy
        rule = policy.rules(side.direction)[side.miss.rule_index]
        peer = ev.endpoint(src if side.direction == "Ingress" else dst).engine_object
        analyzer = ev.j.analyzer("learner", diff.mode)
        admits_peer = not rule.peers or any(
            analyzer.peer_matches(p, policy.namespace, peer) for p in rule.peers)
        named = any(isinstance(p.port, str) for p in rule.ports)  # told by named_port_protocol
        if policy.source != ev.j.source or not rule.ports or named or not admits_peer:
            continue
        told.add((src, dst))
        out.append(
            f"Wrong port: {side.direction.lower()} rule {side.miss.rule_index + 1} "
            f"of {at(policy, rule.line)} admits {peer.key} on {join(p.describe() for p in rule.ports)} only, "
            f"but the task wants {src} to reach {dst} on {diff.right.describe()}.")
    return out[:3]


def numbers_for_named_port(ev) -> list[str]:
    """The task names a port that pods number differently; the answer lists numbers."""
    if not ev.j.differences:
        return []
    used = {pp.port for p in ev.answer_policies() for r in p.ingress + p.egress for pp in r.ports}
    out = []
    for policy in ev.j.reference.policies.policies:
        for rule in policy.ingress + policy.egress:
            for pp in rule.ports:
                if not isinstance(pp.port, str) or pp.port in used:
                    continue
                pods = [pod for pod in ev.j.base.pods if selects(policy, pod)] \
                    if rule in policy.ingress else ev.j.base.pods
                numbers = {(pod.key, pod.named_port(pp.port, pp.protocol)) for pod in pods}
                numbers = sorted((k, n) for k, n in numbers if n is not None)
                if len({n for _, n in numbers}) > 1:
                    each = join(f"{k}: {n}" for k, n in numbers)
                    out.append(
                        f"The pods number their `{pp.port}` port differently ({each}). Port numbers "
                        f"in a rule apply to every pod it selects; the name resolves pod by pod. "
                        f"Write `port: {pp.port}`.")
                    used.add(pp.port)
    return out
