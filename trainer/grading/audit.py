"""What an exercise's references must satisfy before the grader can trust them.

Run by `manage.py check` (through the catalog): each reference and accepted
answer means the same whether ipBlocks match pod addresses or not (else no
answer could be right under every plugin), each meets the exercise's probes
under both behaviours, no two references mean the same, and the starter does
not pass.
"""

from __future__ import annotations

from trainer.netpol.build import apply_policies
from trainer.netpol.evaluation import Analyzer

from .equivalence import MATCHING, MODES, PLUGIN_WORDS, SKIPPING, Comparison, Side
from .grade import grade
from .labels import TooComplex
from .universe import Universe
from .wording import describe


def exercise_problems(exercise) -> list[str]:
    """Messages naming what is wrong, each starting with the field it is about
    ("solution", "accepted[0]", "starter"); [] when all is well."""
    problems = []
    references = list(exercise.references)
    worlds = [apply_policies(exercise.cluster, r.policies.policies) for r in references]
    names = ["solution"] + [f"accepted[{i}]" for i in range(len(references) - 1)]
    try:
        universe = Universe(exercise.cluster, worlds, exercise.externals, exercise.pod_network)
    except TooComplex as exc:
        return [f"solution: the references tell apart {exc}, too many to grade"]
    for name, world in zip(names, worlds, strict=True):
        portable = Comparison(universe, Side(world.policies, MATCHING), Side(world.policies, SKIPPING))
        for diff in portable.differences[:1]:
            problems.append(
                f"{name}: means something else depending on the network plugin: from {describe(diff.src)} "
                f"to {describe(diff.dst)} it allows {diff.left.describe()} {PLUGIN_WORDS[MATCHING]}, "
                f"but {diff.right.describe()} {PLUGIN_WORDS[SKIPPING]}")
        for mode in MODES:
            analyzer = Analyzer(world, mode == MATCHING)
            for probe in exercise.expect:
                verdict = analyzer.check(probe.src, probe.dst, probe.port, probe.protocol, explain=False)
                if verdict.allowed != probe.allowed:
                    problems.append(f"{name}: does not meet the probe {probe.describe()} "
                                    f"{PLUGIN_WORDS[mode]}")
    for i in range(len(worlds)):
        for j in range(i + 1, len(worlds)):
            if not any(Comparison(universe, Side(worlds[i].policies, m), Side(worlds[j].policies, m))
                       for m in MODES):
                problems.append(f"{names[j]}: means the same as {names[i]}; one of them is enough")
    if exercise.starter.strip() and grade(exercise, exercise.starter).passed:
        problems.append("starter: passes the grader, so the learner would have nothing to do")
    return problems
