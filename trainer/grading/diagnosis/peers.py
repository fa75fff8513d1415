"""Mistakes in who a policy admits: OR for AND and back, whole namespaces, ipBlocks,
podSelectors that look in the wrong namespace, labels nobody carries."""

from __future__ import annotations

from trainer.grading.equivalence import SKIPPING
from trainer.grading.wording import at, describe, join
from trainer.netpol.objects import NAMESPACE_NAME_LABEL, Pod

from .evidence import policy_named


def _namespace_only_peers(ev):
    """(policy, rule, word, peer, pod-only peers of the rule) for each peer that let pods in
    by a namespaceSelector alone."""
    for (key, direction, r), hits in ev.opened_rules.items():
        policy = policy_named(ev, key)
        rule = policy.rules(direction)[r]
        pod_only = [p for p in rule.peers if p.pod_selector is not None and p.namespace_selector is None]
        word = "from" if direction == "Ingress" else "to"
        for peer in dict.fromkeys(rule.peers[i] for _, _, i in hits if i is not None):
            if peer.namespace_selector is not None and peer.pod_selector is None:
                yield policy, rule, word, peer, pod_only


def or_for_and(ev) -> list[str]:
    """namespaceSelector and podSelector as two items of one rule, where one was meant."""
    return [
        f"OR where AND was meant: in {at(policy, rule.line)}, `namespaceSelector` "
        f"({peer.namespace_selector.describe()}) and `podSelector` "
        f"({pod_only[0].pod_selector.describe()}) are separate items of `{word}`, each "
        f"starting with `-`, so either one admits: every pod in the matching namespaces "
        f"gets through. To admit only pods {pod_only[0].pod_selector.describe()} in those "
        f"namespaces, put both selectors in one item (no `-` before the second)."
        for policy, rule, word, peer, pod_only in _namespace_only_peers(ev) if pod_only]


def namespace_alone(ev) -> list[str]:
    """A namespaceSelector with no podSelector, where the task names pods."""
    return [
        f"The whole namespace is allowed: {at(policy, peer.line)} has a "
        f"`namespaceSelector` ({peer.namespace_selector.describe()}) with no "
        f"`podSelector`, which admits every pod there, today's and any started later. "
        f"Add a `podSelector` to the same item (no `-` before it) to admit only the pods "
        f"the task names."
        for policy, _, _, peer, pod_only in _namespace_only_peers(ev) if not pod_only]


def and_for_or(ev) -> list[str]:
    out, seen = [], set()
    for _, conn, mine, theirs in ev.closed:
        if theirs is None or theirs.match is None or theirs.match.peer_index is None:
            continue
        wanted = theirs.match.policy.rules(theirs.direction)[theirs.match.rule_index].peers[
            theirs.match.peer_index]
        other = ev.endpoint(conn[0] if mine.direction == "Ingress" else conn[1])
        peer_end = other.pod
        if peer_end is None or not isinstance(mine.endpoint, Pod):
            continue
        ns_labels = other.namespace.labels
        one_wanted = (wanted.pod_selector is None) != (wanted.namespace_selector is None)
        for key in mine.policies:
            policy = policy_named(ev, key)
            if policy.source != ev.j.source:
                continue
            for rule in policy.rules(mine.direction):
                for peer in rule.peers:
                    if peer.namespace_selector is None or peer.pod_selector is None:
                        continue
                    ns_ok = peer.namespace_selector.matches(ns_labels)
                    pod_ok = peer.pod_selector.matches(peer_end.labels)
                    if one_wanted and ns_ok != pod_ok and (key, peer.path) not in seen:
                        seen.add((key, peer.path))
                        word = "from" if mine.direction == "Ingress" else "to"
                        out.append(
                            f"AND where OR was meant: in {at(policy, peer.line)}, "
                            f"`namespaceSelector` ({peer.namespace_selector.describe()}) and "
                            f"`podSelector` ({peer.pod_selector.describe()}) sit in one item, so a "
                            f"pod must match both; {peer_end.key} matches only one. The task admits "
                            f"either: make them two items of `{word}`, each starting with `-`.")
    return out


def ipblock_too_wide(ev) -> list[str]:
    """An ipBlock lets in a host outside the cluster that the task keeps out."""
    out, seen = [], set()
    for diff, conn, mine, _ in ev.opened:
        match = mine.match if mine is not None else None
        if match is None or match.peer_index is None or match.policy.source != ev.j.source:
            continue
        peer = match.policy.rules(mine.direction)[match.rule_index].peers[match.peer_index]
        host = ev.endpoint(conn[1] if mine.direction == "Egress" else conn[0])
        if peer.ip_block is None or not host.is_host or diff.right or (peer.path, host.key) in seen:
            continue
        if ev.opens_new_ports(diff, conn, mine.direction):
            continue  # nothing of the kind is open at all: told by open_to_everyone
        seen.add((peer.path, host.key))
        out.append(
            f"The ipBlock is too wide: in {at(match.policy, peer.line)}, {peer.ip_block.describe()} "
            f"includes {describe(host)}, which the task keeps out. Narrow `cidr`, or list the "
            f"address under `except` (e.g. `{host.key}/32`).")
    return out[:2]


def pod_ips(ev) -> list[str]:
    """Pods chosen by their addresses: with a plugin that never matches ipBlocks against
    pods, the answer shuts out pods the task lets in. (The reference means the same under
    every plugin, as the audit sees to, so such a difference is the answer's doing.)"""
    if not any(d.missing and d.mode == SKIPPING for d in ev.j.differences):
        return []
    out = []
    pods = ev.j.base.pods
    for policy in ev.answer_policies():
        for direction in ("Ingress", "Egress"):
            for rule in policy.rules(direction):
                for peer in rule.peers:
                    if peer.ip_block is None:
                        continue
                    held = [p for p in pods if p.ip and peer.ip_block.contains(p.ip)]
                    if not held:
                        continue
                    out.append(
                        f"Pods chosen by their IP addresses: in {at(policy, peer.line)}, "
                        f"{peer.ip_block.describe()} holds the address of {join(p.key for p in held[:3])}"
                        f"{' and more' if len(held) > 3 else ''}. A pod gets a new address when it "
                        f"restarts, and whether an ipBlock matches pods at all is up to the network "
                        f"plugin (Calico matches them, Cilium never does). Select pods with "
                        f"`podSelector` and `namespaceSelector`; keep `ipBlock` for hosts outside "
                        f"the cluster.")
    return out[:2]


def admits_pods_to_come(ev) -> list[str]:
    """A peer's selector admits a pod that does not exist yet and that the task keeps out
    (NotIn and DoesNotExist match pods without the key; Exists matches any value)."""
    out, seen = [], set()
    for _, conn, mine, _ in ev.opened:
        match = mine.match if mine is not None else None
        other = ev.endpoint(conn[0] if mine is not None and mine.direction == "Ingress" else conn[1])
        if match is None or match.peer_index is None or other.existing or other.is_host \
                or match.policy.source != ev.j.source:
            continue
        peer = match.policy.rules(mine.direction)[match.rule_index].peers[match.peer_index]
        if peer.ip_block is not None or peer.path in seen \
                or (other.namespace_new and peer.pod_selector is None):
            continue
        seen.add(peer.path)
        selector = peer.pod_selector or peer.namespace_selector
        ops = {r.operator for r in selector.match_expressions}
        why = ""
        if ops & {"NotIn", "DoesNotExist"}:
            why = " `NotIn` and `DoesNotExist` also match pods that lack the label altogether."
        elif "Exists" in ops:
            why = " `Exists` matches whatever value the label has."
        elif selector.is_empty:
            why = " An empty selector matches every pod."
        out.append(
            f"A selector that admits pods to come: in {at(match.policy, peer.line)}, the peer "
            f"({peer.describe(match.policy.namespace)}) admits {describe(other)}, which the task "
            f"keeps out.{why} Name the pods the task names, and only them.")
    return out[:2]


def pod_selector_elsewhere(ev) -> list[str]:
    out = []
    for _, conn, mine, _ in ev.closed:
        peer_end = ev.endpoint(conn[0] if mine.direction == "Ingress" else conn[1]).pod
        if peer_end is None:
            continue
        for key in mine.policies:
            policy = policy_named(ev, key)
            if policy.source != ev.j.source or peer_end.namespace == policy.namespace:
                continue
            for rule in policy.rules(mine.direction):
                for peer in rule.peers:
                    if peer.namespace_selector is None and peer.pod_selector is not None and \
                            peer.pod_selector.matches(peer_end.labels):
                        out.append(
                            f"A podSelector alone looks in its own namespace only: in "
                            f"{at(policy, peer.line)}, `podSelector` ({peer.pod_selector.describe()}) "
                            f"matches pods of {policy.namespace}, but {peer_end.key} is in "
                            f"{peer_end.namespace}. Add a `namespaceSelector` to the same item, e.g. "
                            f"`kubernetes.io/metadata.name: {peer_end.namespace}`.")
    return list(dict.fromkeys(out))


def custom_namespace_label(ev) -> list[str]:
    """A namespaceSelector on a label any namespace may carry, where the task means one
    namespace by name: a new namespace with that label gets in too."""
    out, seen = [], set()
    for _, conn, mine, _ in ev.opened:
        match = mine.match if mine is not None else None
        other = ev.endpoint(conn[0] if mine is not None and mine.direction == "Ingress" else conn[1])
        if match is None or match.peer_index is None or not other.namespace_new:
            continue
        peer = match.policy.rules(mine.direction)[match.rule_index].peers[match.peer_index]
        sel = peer.namespace_selector
        if sel is None or match.policy.source != ev.j.source or peer.path in seen:
            continue
        if any(k == NAMESPACE_NAME_LABEL for k, _ in sel.match_labels):
            continue
        seen.add(peer.path)
        named = [n for n, ns in ev.j.universe.namespaces.items() if sel.matches(ns.labels)]
        means = (f" The task means {join(named, 'or')} itself: select it by "
                 f"`kubernetes.io/metadata.name: {named[0]}`, a label the API server sets to the "
                 f"namespace's own name, which no other namespace can carry." if len(named) == 1 else "")
        out.append(
            f"A label any namespace may carry: in {at(match.policy, peer.line)}, `namespaceSelector` "
            f"({sel.describe()}) admits {describe(other)}, since anyone who creates a namespace "
            f"may label it so.{means}")
    return out[:2]


def namespace_label_nobody_has(ev) -> list[str]:
    out = []
    namespaces = ev.j.learner.namespaces
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
                        f"No namespace carries that label: in {at(policy, peer.line)}, "
                        f"`namespaceSelector` ({sel.describe()}) matches none of the cluster's "
                        f"namespaces, so the peer admits nothing today (and every pod of any namespace "
                        f"labelled so later). The namespaces' labels: {labels}.")
    return out


def wrong_namespace(ev) -> list[str]:
    if not ev.j.differences:
        return []
    out = []
    wanted = {p.name: p.namespace for p in ev.j.reference.policies.policies}
    pods = ev.j.base.pods
    for policy in ev.answer_policies():
        selects_nothing = not any(p.namespace == policy.namespace and policy.pod_selector.matches(p.labels)
                                  for p in pods)
        elsewhere = sorted({p.namespace for p in pods
                            if p.namespace != policy.namespace and policy.pod_selector.matches(p.labels)})
        target = wanted.get(policy.name)
        if target is not None and target != policy.namespace and (selects_nothing or target in elsewhere):
            elsewhere = [target]
        elif not (selects_nothing and elsewhere):
            continue
        omitted = not (ev.raw(policy).get("metadata") or {}).get("namespace")
        how = " (metadata.namespace is left out, so it went to default)" if omitted else ""
        what = "selects no pod there" if selects_nothing else "does not select the pods the task means"
        out.append(
            f"The policy is in the wrong namespace: {at(policy)} is in {policy.namespace}{how} and "
            f"{what}. A policy applies only to pods of its own namespace; the pods it seems meant "
            f"for are in {join(elsewhere, 'or')}. Set `metadata.namespace`.")
    return out


def replaced_policy(ev) -> list[str]:
    if not any(d.missing for d in ev.j.differences):
        return []
    existing = {p.key for p in ev.j.base.policies}
    intended = {p.key for p in ev.j.reference.policies.policies}
    return [
        f"An existing policy was replaced: {at(policy)} has the namespace and name of a policy "
        f"already in the cluster, so applying it replaced that policy and took away what it "
        f"allowed. Policies add up: give yours a new name to keep the old one."
        for policy in ev.answer_policies() if policy.key in existing and policy.key not in intended]
