"""Mistakes in who a policy selects and admits: selectors, namespaces, ipBlocks, names."""

from __future__ import annotations

from trainer.netpol.objects import Pod

from .evidence import policy_named
from .wording import at, join, who


def selects_other_pods(ev) -> list[str]:
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
                f"The policy applies to more pods than the task means: in {at(policy)}, "
                f"`podSelector` ({policy.pod_selector.describe()}) also selects {who(extra)}, so "
                f"{'they are' if len(extra) > 1 else 'it is'} isolated too. Select only "
                f"{who(sorted(theirs)) or 'the pods the task names'}"
                f" (e.g. `{target.pod_selector.describe()}`).")
        elif missing and any(m is not None and m.endpoint.key in missing for _, m, _ in ev.opened):
            out.append(
                f"The policy misses pods: in {at(policy)}, `podSelector` "
                f"({policy.pod_selector.describe()}) does not select {who(missing)}, so the policy "
                f"does not protect {'them' if len(missing) > 1 else 'it'}.")
    return out


def ipblock_too_wide(ev) -> list[str]:
    """An ipBlock lets in an address the task keeps out (often: an `except` is missing)."""
    out, seen = [], set()
    # Pairs the task opens on some port: for those the port is wrong, not the address.
    wanted = {(s, d) for s, d, _, _ in ev.cmp.ref_allowed}
    for conn, mine, _ in ev.opened:
        match = mine.match if mine is not None else None
        if match is None or match.peer_index is None or match.policy.source != ev.cmp.source:
            continue
        peer = match.policy.rules(mine.direction)[match.rule_index].peers[match.peer_index]
        host = conn[1] if mine.direction == "Egress" else conn[0]
        if peer.ip_block is None or (peer.path, host) in seen or conn[:2] in wanted:
            continue
        seen.add((peer.path, host))
        out.append(
            f"The ipBlock is too wide: in {at(match.policy, peer.line)}, {peer.ip_block.describe()} "
            f"includes {host}, which the task keeps out. Narrow `cidr`, or list the address under "
            f"`except` (e.g. `{host}/32`).")
    return out[:3]


def or_for_and(ev) -> list[str]:
    out = []
    for (key, direction, r), hits in ev.opened_rules.items():
        policy = policy_named(ev, key)
        rule = policy.rules(direction)[r]
        pod_only = [p for p in rule.peers if p.pod_selector is not None and p.namespace_selector is None]
        word = "from" if direction == "Ingress" else "to"
        culprits = [rule.peers[i] for _, i in hits if i is not None]
        for peer in culprits:
            if peer.namespace_selector is None or peer.pod_selector is not None:
                continue
            if pod_only:
                out.append(
                    f"OR where AND was meant: in {at(policy, rule.line)}, `namespaceSelector` "
                    f"({peer.namespace_selector.describe()}) and `podSelector` "
                    f"({pod_only[0].pod_selector.describe()}) are separate items of `{word}`, each "
                    f"starting with `-`, so either one admits: every pod in the matching namespaces "
                    f"gets through. To admit only pods {pod_only[0].pod_selector.describe()} in those "
                    f"namespaces, put both selectors in one item (no `-` before the second).")
            else:
                out.append(
                    f"The whole namespace is allowed: {at(policy, peer.line)} has a "
                    f"`namespaceSelector` ({peer.namespace_selector.describe()}) with no "
                    f"`podSelector`, which admits every pod there. Add a `podSelector` to the same "
                    f"item (no `-` before it) to admit only the pods the task names.")
    return out


def and_for_or(ev) -> list[str]:
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
            policy = policy_named(ev, key)
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
                            f"AND where OR was meant: in {at(policy, peer.line)}, "
                            f"`namespaceSelector` ({peer.namespace_selector.describe()}) and "
                            f"`podSelector` ({peer.pod_selector.describe()}) sit in one item, so a "
                            f"pod must match both; {peer_end.key} matches only one. The task admits "
                            f"either: make them two items of `{word}`, each starting with `-`.")
    return out


def pod_selector_elsewhere(ev) -> list[str]:
    out = []
    for conn, mine, _ in ev.closed:
        peer_end = ev.cmp.learner_analyzer.endpoint(conn[0] if mine.direction == "Ingress" else conn[1])
        if not isinstance(peer_end, Pod):
            continue
        for key in mine.policies:
            policy = policy_named(ev, key)
            if policy.source != ev.cmp.source or peer_end.namespace == policy.namespace:
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


def namespace_label_nobody_has(ev) -> list[str]:
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
                        f"No namespace carries that label: in {at(policy, peer.line)}, "
                        f"`namespaceSelector` ({sel.describe()}) matches no namespace, so the "
                        f"peer admits nothing. The namespaces' labels: {labels}.")
    return out


def wrong_namespace(ev) -> list[str]:
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
            f"The policy is in the wrong namespace: {at(policy)} is in {policy.namespace}{how} and "
            f"{what}. A policy applies only to pods of its own namespace; the pods it seems meant "
            f"for are in {join(elsewhere, 'or')}. Set `metadata.namespace`.")
    return out


def replaced_policy(ev) -> list[str]:
    if not ev.cmp.closed:
        return []
    existing = {p.key for p in ev.cmp.base.policies}
    intended = {p.key for p in ev.cmp.solution.policies}
    return [
        f"An existing policy was replaced: {at(policy)} has the namespace and name of a policy "
        f"already in the cluster, so applying it replaced that policy and took away what it "
        f"allowed. Policies add up: give yours a new name to keep the old one."
        for policy in ev.answer_policies() if policy.key in existing and policy.key not in intended]
