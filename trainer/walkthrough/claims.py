"""Does an evaluation give the reachability a stage claims? Used for completion and by the content tests."""

from __future__ import annotations

from trainer.catalog.stages import Claims
from trainer.netpol.evaluation import Analyzer
from trainer.panel.panel import Evaluation
from trainer.panel.world import World


def failures(claims: Claims, world: World, evaluation: Evaluation) -> list[str]:
    """What the evaluation gets wrong, in words; [] when every claim holds (or the YAML is
    invalid: ['...'])."""
    if not evaluation.ok:
        return ["the YAML has errors"]
    target = world.target
    allowed = evaluation.allowed
    cluster = evaluation.cluster
    ends = [p.key for p in cluster.pods] + [ip for ip, _ in world.externals]
    problems = []
    reaching = {e for e in ends
                if e != target.pod and (e, target.pod, target.port, target.protocol) in allowed}
    if reaching != claims.reaches_db:
        problems.append(_set_words(f"reach {target.pod} on {target.port_label}", reaching, claims.reaches_db))
    if claims.db_reaches is not None:
        reached = {(d, port, proto) for s, d, port, proto in allowed
                   if s == target.pod and d != target.pod and d in ends}
        if reached != claims.db_reaches:
            problems.append(_set_words(f"are reached by {target.pod}", reached, claims.db_reaches))
    analyzer = None
    for probe in claims.probes:
        key = (probe.src, probe.dst, probe.port, probe.protocol)
        if (probe.port, probe.protocol) in world.ports:
            got = key in allowed
        else:
            analyzer = analyzer or Analyzer(cluster)
            got = analyzer.check(*key).allowed
        if got != probe.allowed:
            word = "allowed" if got else "denied"
            problems.append(f"{probe.src} -> {probe.dst} {probe.protocol} {probe.port} is {word}")
    return problems


def _set_words(what: str, got: set, wanted: frozenset) -> str:
    extra, missing = sorted(got - wanted, key=str), sorted(wanted - got, key=str)
    parts = []
    if extra:
        parts.append(f"also {', '.join(map(str, extra))}")
    if missing:
        parts.append(f"not {', '.join(map(str, missing))}")
    return f"those that {what}: " + "; ".join(parts)
