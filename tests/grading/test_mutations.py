"""Every exercise's reference, mutated: a change that alters what is allowed anywhere in
the oracle's world fails; a rewrite that alters nothing passes.

The oracle is the engine on a big random world (mutations.py), not the grader: so
this holds the grader to the semantics, not to itself. Where the grader fails a
change the oracle's world does not show, the grader's own first difference must be
real on the engine (the oracle's world is large, not complete)."""

from __future__ import annotations

import pytest

from trainer.catalog.exercises import all_exercises
from trainer.grading import grade, judge, parse_answer
from trainer.grading.equivalence import MATCHING
from trainer.netpol.evaluation import Analyzer

from .mutations import CHANGES, REWRITES, mutants, oracle_differs

CASES = [(e, m) for e in all_exercises() if e.references for m in mutants(e)]


@pytest.mark.parametrize("exercise, mutant", CASES,
                         ids=[f"{e.id}-{m.kind}-{i}" for i, (e, m) in enumerate(CASES)])
def test_mutant_is_graded_by_what_it_means(exercise, mutant):
    result = grade(exercise, mutant.text)
    assert result.error is None, (mutant.where, result.error_messages)
    differs = oracle_differs(exercise, mutant.text)
    if mutant.kind in REWRITES:
        assert not differs, f"the rewrite {mutant.where} changed what is allowed"
        assert result.passed, (mutant.where, [c.message for c in result.checks if not c.ok])
    elif differs:
        assert not result.passed, f"{mutant.where} changes what is allowed but passed"
    elif not result.passed:
        manifests, answer = parse_answer(mutant.text)
        found = judge(exercise, manifests, answer)
        diff = found.differences[0]
        cluster = found.universe.cluster(found.learner, (diff.src, diff.dst))
        reference = found.universe.cluster(found.world, (diff.src, diff.dst))
        port, protocol = (diff.extra or diff.missing).samples()[0]
        mode = diff.mode == MATCHING
        src, dst = diff.src.engine_object, diff.dst.engine_object
        mine = Analyzer(cluster, mode).allowed(src, dst, port, protocol)
        theirs = Analyzer(reference, mode).allowed(src, dst, port, protocol)
        assert mine != theirs, mutant.where


def test_every_exercise_gets_changes_of_every_kind_and_rewrites():
    kinds = {m.kind for _, m in CASES}
    assert set(CHANGES) <= kinds
    assert {"expressions", "reordered", "json", "two-policies", "named-port"} <= kinds
