"""Feedback that teaches: the classic mistakes behind the connections that differ.

Each detector is one small function reading the Evidence (the engine's
verdicts on the differing connections, in the answer's world and the
reference's) and returning sentences; it names a mistake only when the
mistake explains a connection that differs. They run in the order below, the
classic mistakes first, and a handful at most are told.
"""

from __future__ import annotations

from . import peers, rules, selection
from .evidence import Evidence

MAX_DIAGNOSES = 4

# Each names a mistake only when it explains a connection that differs.
DETECTORS = (
    peers.or_for_and, rules.dns_forgotten, selection.selects_other_pods, peers.pod_ips,
    peers.and_for_or, rules.ports_as_rule, rules.every_combination, rules.open_to_everyone,
    peers.admits_pods_to_come,
    rules.too_many_ports, peers.ipblock_too_wide, peers.custom_namespace_label, rules.egress_missing,
    rules.ingress_by_default, peers.pod_selector_elsewhere, peers.wrong_namespace,
    peers.replaced_policy, rules.wrong_port, rules.numbers_for_named_port,
)
# These are wrong whatever the result: diagnoses when the answer fails, notes when it passes.
ALWAYS = (rules.ignored_egress_rules, peers.namespace_label_nobody_has, rules.named_port_protocol)


def diagnose(judgement, passed: bool) -> tuple[list[str], list[str]]:
    """(diagnoses, notes): mistakes that explain wrong connections, and harmless oddities."""
    ev = Evidence(judgement)
    diagnoses, notes = [], []
    if not ev.answer_policies():
        if not passed:
            diagnoses.append("The answer holds no NetworkPolicy, so nothing changes in the cluster.")
        return diagnoses, notes
    if judgement.differences:
        for detector in DETECTORS:
            diagnoses += detector(ev)
    for detector in ALWAYS:
        (notes if passed or not judgement.differences else diagnoses).extend(detector(ev))
    diagnoses = list(dict.fromkeys(diagnoses))
    return diagnoses[:MAX_DIAGNOSES], list(dict.fromkeys(notes))
