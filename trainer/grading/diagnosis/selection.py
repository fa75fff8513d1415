"""Mistakes in which pods a policy applies to: too many, too few, and pods to come."""

from __future__ import annotations

from trainer.grading.wording import at, describe, who

from .evidence import selects


def selects_other_pods(ev) -> list[str]:
    """The answer's policy picks other pods than the reference's policy of that name,
    among the pods of its namespace: today's, and the new ones the selectors tell apart."""
    wanted = {p.key: p for p in ev.j.world.policies}
    out = []
    for policy in ev.answer_policies():
        target = wanted.get(policy.key)
        if target is None or target.pod_selector == policy.pod_selector:
            continue
        pods = ev.pods_in(policy.namespace)
        extra = [e for e in pods if selects(policy, e.pod) and not selects(target, e.pod)]
        missing = [e for e in pods if selects(target, e.pod) and not selects(policy, e.pod)]
        involved = ev.differing_keys
        mine = policy.pod_selector.describe()
        if any(e.existing for e in extra) and any(e.key in involved for e in extra):
            today = [e.key for e in extra if e.existing]
            theirs = [e.key for e in pods if e.existing and selects(target, e.pod)]
            out.append(
                f"The policy applies to more pods than the task means: in {at(policy)}, "
                f"`podSelector` ({mine}) also selects {who(today)}, so "
                f"{'they are' if len(today) > 1 else 'it is'} isolated too. Select only "
                f"{who(theirs) or 'the pods the task names'} (e.g. `{target.pod_selector.describe()}`).")
        elif any(e.existing for e in missing) and any(e.key in involved for e in missing):
            today = [e.key for e in missing if e.existing]
            out.append(
                f"The policy misses pods: in {at(policy)}, `podSelector` ({mine}) does not select "
                f"{who(today)}, so the policy does not protect {'them' if len(today) > 1 else 'it'}.")
        elif missing and any(e.key in involved for e in missing):
            fix = ("`podSelector: {}` selects every pod of the namespace, today's and tomorrow's."
                   if target.pod_selector.is_empty else
                   f"Select the pods the way the task says (`{target.pod_selector.describe()}`).")
            out.append(
                f"A selector that misses pods to come: in {at(policy)}, `podSelector` ({mine}) "
                f"selects the pods that exist today but not {describe(missing[0])}, so such a pod "
                f"would be left out of the policy. {fix}")
        elif extra and any(e.key in involved for e in extra):
            out.append(
                f"A selector that would catch pods to come: in {at(policy)}, `podSelector` ({mine}) "
                f"also selects {describe(extra[0])}, which the task leaves alone. Select pods as "
                f"the task says (`{target.pod_selector.describe()}`).")
    return out
