"""Feedback that teaches: the classic mistakes behind the connections that differ.

Each detector is one small function reading the Evidence (the engine's
verdicts on the differing connections, in the answer's world and the
reference's) and returning sentences; it names a mistake only when the
mistake explains a connection that differs. They run in the order below, the
classic mistakes first, and a handful at most are told.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import peers, rules, selection
from .evidence import Evidence

MAX_DIAGNOSES = 4

# Each names a mistake only when it explains a connection that differs.
DETECTORS = (
    peers.or_for_and, peers.namespace_alone, rules.dns_forgotten, selection.selects_other_pods, peers.pod_ips,
    peers.and_for_or, rules.ports_as_rule, rules.every_combination, rules.open_to_everyone,
    peers.admits_pods_to_come,
    rules.too_many_ports, peers.ipblock_too_wide, peers.custom_namespace_label, rules.egress_missing,
    rules.ingress_by_default, peers.pod_selector_elsewhere, peers.wrong_namespace,
    peers.replaced_policy, rules.wrong_port, rules.numbers_for_named_port,
)
# These are wrong whatever the result: diagnoses when the answer fails, notes when it passes.
ALWAYS = (rules.ignored_egress_rules, peers.namespace_label_nobody_has, rules.named_port_protocol)


# What an instructor reads for each mistake, by the detector's name (the id kept with a
# learner's submission, so class views can count them).
MISTAKES = {
    "no_policy": "No NetworkPolicy in the answer",
    "or_for_and": "OR for AND: namespace and pod selectors as two peers",
    "namespace_alone": "A whole namespace admitted (namespaceSelector alone)",
    "and_for_or": "AND for OR: one peer where two were meant",
    "dns_forgotten": "DNS forgotten in an egress policy",
    "selects_other_pods": "The policy selects the wrong pods",
    "pod_ips": "Pod IPs in an ipBlock instead of selectors",
    "ports_as_rule": "Ports as a separate rule (opened to everyone)",
    "every_combination": "Peers and ports combined more widely than asked",
    "open_to_everyone": "A rule open to every source or destination",
    "admits_pods_to_come": "A selector too broad: admits pods yet to come",
    "too_many_ports": "More ports than asked",
    "ipblock_too_wide": "An ipBlock wider than asked",
    "custom_namespace_label": "A namespace label nobody sets",
    "egress_missing": "Egress not isolated (policyTypes)",
    "ingress_by_default": "Ingress isolated by default (policyTypes missing)",
    "pod_selector_elsewhere": "podSelector alone looks in the policy's own namespace",
    "wrong_namespace": "The policy sits in the wrong namespace",
    "replaced_policy": "A policy needed elsewhere was replaced",
    "wrong_port": "The wrong port",
    "numbers_for_named_port": "A number where the named port was meant",
    "ignored_egress_rules": "Egress rules that no policyType enables",
    "namespace_label_nobody_has": "A namespace label no namespace has",
    "named_port_protocol": "A named port with the wrong protocol",
}


@dataclass
class Findings:
    diagnoses: list[str] = field(default_factory=list)  # mistakes behind wrong connections
    notes: list[str] = field(default_factory=list)  # harmless oddities, or wrong whatever the result
    mistakes: list[str] = field(default_factory=list)  # the MISTAKES id of each diagnosis, in step


def findings(judgement, passed: bool) -> Findings:
    """The diagnoses and notes of an answer, with the mistake each diagnosis tells."""
    ev = Evidence(judgement)
    told = Findings()
    if not ev.answer_policies():
        if not passed:
            told.diagnoses.append("The answer holds no NetworkPolicy, so nothing changes in the cluster.")
            told.mistakes.append("no_policy")
        return told
    found: dict[str, str] = {}  # sentence -> mistake, first detector wins
    if judgement.differences:
        for detector in DETECTORS:
            for sentence in detector(ev):
                found.setdefault(sentence, detector.__name__)
    notes: dict[str, None] = {}
    for detector in ALWAYS:
        for sentence in detector(ev):
            if passed or not judgement.differences:
                notes.setdefault(sentence)
            else:
                found.setdefault(sentence, detector.__name__)
    told.diagnoses = list(found)[:MAX_DIAGNOSES]
    told.mistakes = [found[s] for s in told.diagnoses]
    told.notes = list(notes)
    return told
