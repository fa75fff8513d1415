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

from . import peers, rules
from .evidence import Evidence
from .wording import describe_differences, join, ports_text

__all__ = ["describe_differences", "diagnose", "join", "ports_text"]

# Each names a mistake only when it explains a connection that differs.
DETECTORS = (
    peers.selects_other_pods, peers.or_for_and, peers.and_for_or, rules.ports_as_rule,
    rules.every_combination, peers.ipblock_too_wide, rules.egress_missing,
    rules.ingress_by_default, peers.pod_selector_elsewhere, rules.dns_forgotten,
    peers.wrong_namespace, peers.replaced_policy, rules.wrong_port, rules.numbers_for_named_port,
)
# These are wrong whatever the result: diagnoses when the answer fails, notes when it passes.
ALWAYS = (rules.ignored_egress_rules, peers.namespace_label_nobody_has, rules.named_port_protocol)


def diagnose(cmp, passed: bool) -> tuple[list[str], list[str]]:
    """(diagnoses, notes): mistakes that explain wrong connections, and harmless oddities."""
    ev = Evidence(cmp)
    diagnoses, notes = [], []
    if not ev.answer_policies():
        if not passed:
            diagnoses.append("The answer holds no NetworkPolicy, so nothing changes in the cluster.")
        return diagnoses, notes
    for detector in DETECTORS:
        diagnoses += detector(ev)
    for detector in ALWAYS:
        (notes if passed or not cmp.differs else diagnoses).extend(detector(ev))
    return list(dict.fromkeys(diagnoses)), list(dict.fromkeys(notes))
