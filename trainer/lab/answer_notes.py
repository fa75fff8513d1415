"""What a model answer does, in words, read from its policies by the engine: shown beside the
answer after a pass or after giving up, so that it teaches rather than just shows."""

from __future__ import annotations

from trainer.netpol.objects import NetworkPolicy, Rule
from trainer.netpol.problems import InputError

WORD = {"Ingress": ("ingress", "from", "every source"), "Egress": ("egress", "to", "every destination")}


def notes(exercise) -> list[str]:
    """One sentence per policy and per rule of the model answer."""
    try:
        policies = exercise.solution_policies.policies
    except InputError:  # manage.py check reports a broken model answer; the page shows no notes
        return []
    found = []
    for policy in policies:
        found += _policy(policy)
    return found


def accepted(exercise) -> list[str]:
    """Why each other accepted answer passes too (the content's own words)."""
    return [a.note for a in exercise.accepted if a.note]


def _policy(policy: NetworkPolicy) -> list[str]:
    selects = policy.pod_selector.describe()
    who = "every pod" if selects in ("{}", "everything", "") else f"the pods {selects}"
    types = " and ".join(t.lower() for t in policy.policy_types)
    lines = [f"{policy.key} selects {who} in namespace {policy.namespace} and isolates them for {types}."]
    for direction in policy.policy_types:
        rules = policy.rules(direction)
        word, preposition, everyone = WORD[direction]
        if not rules:
            lines.append(f"It has no {word} rule, so it allows no {word} at all: policies only add, "
                         "so this one denies until another allows.")
        for i, rule in enumerate(rules, 1):
            peers = _peers(rule, policy, everyone)
            lines.append(f"{word.capitalize()} rule {i} allows {preposition} {peers} on {_ports(rule)}.")
    return lines


def _peers(rule: Rule, policy: NetworkPolicy, everyone: str) -> str:
    if not rule.peers:
        return everyone
    return " or ".join(p.describe(policy.namespace) for p in rule.peers)


def _ports(rule: Rule) -> str:
    if not rule.ports:
        return "every port"
    return " or ".join(p.describe() for p in rule.ports)
