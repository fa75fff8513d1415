"""Holding the bank's authored keys against the engine, for `manage.py check`.

A bank question's key is written by hand; the engine must agree with it: each
probe's verdict, each outside host, and for least-permissive questions the one
choice that meets `requires` while allowing least. A template must produce a
proper variant for every seed tried. Each message is in loading's shape, at the
line of the field it names: "lessons/quiz/02-allow-the-api.yaml:40:
questions[3].choices[1].correct: the key says true, but the engine finds ...".
"""

from __future__ import annotations

from trainer.netpol.evaluation import Analyzer
from trainer.netpol.matrix import build_matrix, declared_ports
from trainer.netpol.objects import Pod

from .probes import Probe
from .quiz_objects import Bank, QuestionSpec
from .quiz_variants import VariantError, build_instance, check_choice, load

CHECK_SEEDS = range(8)  # seeds `manage.py check` tries per template; the tests try many more


def engine_problems(current: Bank, seeds=CHECK_SEEDS) -> list[str]:
    """Every bank key the engine disagrees with, and every template that fails to vary."""
    found = []
    for spec in current.questions.values():
        try:
            if spec.is_template:
                for seed in seeds:
                    build_instance(spec, seed, current)
            else:
                found += [spec.origin.problem(field, m) for field, m in key_disagreements(spec, current)]
        except VariantError as exc:
            found.append(spec.origin.problem((), str(exc)))
    return found


def key_disagreements(spec: QuestionSpec, current: Bank) -> list[tuple[tuple, str]]:
    """Where a bank question's authored key differs from what the engine computes: (field, message),
    the field a path from the question, e.g. ("choices", 1, "correct")."""
    if not spec.has_cluster:
        return []
    messages = []
    analyzer = Analyzer(load(spec, current))
    for i, c in enumerate(spec.choices):
        if not c.probe:
            continue
        verdict = check_choice(analyzer, c)
        if (verdict.allowed == c.expect_allowed) != c.correct:
            message = f"the key says {str(c.correct).lower()}, but the engine finds {verdict.summary}"
            messages.append((("choices", i, "correct"), message))
    for i, ip in enumerate(spec.externals):
        if not _is_outside(analyzer, ip):
            messages.append((("externals", i), f"{ip} is not the IP of a host outside the cluster"))
    if spec.requires:
        messages += _least_permissive(spec, current)
    return messages


def _is_outside(analyzer: Analyzer, ip: str) -> bool:
    try:
        return not isinstance(analyzer.endpoint(ip), Pod) and "/" not in ip
    except KeyError:
        return False


def _least_permissive(spec: QuestionSpec, current: Bank) -> list[tuple[tuple, str]]:
    """The key must be the one choice meeting `requires` that allows least.

    Each choice's policies (a policy each: quiz_loading.py holds them to it) are applied
    to the cluster and its reachability taken over every pod pair and outside host, on
    every declared or required port.
    """
    needs = [Probe.parse(r) for r in spec.requires]
    allowed, meets = [], []
    for c in spec.choices:
        analyzer = Analyzer(load(spec, current, extra=c.yaml))
        ports = set(declared_ports(analyzer.cluster)) | {(n.port, n.protocol) for n in needs}
        matrix = build_matrix(analyzer, externals=spec.externals, ports=sorted(ports))
        allowed.append(matrix.allowed)
        meets.append(all(analyzer.allowed(n.src, n.dst, n.port, n.protocol) for n in needs))
    keyed = [i for i, c in enumerate(spec.choices) if c.correct]
    if len(keyed) != 1:
        return [(("choices",), "a least-permissive question has exactly one correct choice")]
    k = keyed[0]
    if not meets[k]:
        return [(("choices", k), "the key does not allow everything in requires")]
    messages = []
    for i, ok in enumerate(meets):
        if i != k and ok and not allowed[k] < allowed[i]:
            extra = sorted(allowed[k] - allowed[i])[:1]
            messages.append((("choices", i), "it meets requires and allows no more than the key"
                             + (f" (the key also allows {extra[0]})" if extra else " (both allow the same)")))
    return messages
