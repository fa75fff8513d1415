"""The playground's two texts, a cluster and policies, as the panel's World and Evaluation.

The cluster is any mix of Namespaces, Pods and NetworkPolicies, one document each or a List of
them (`kubectl get ns,pods,netpol -A -o yaml` prints one); the policies are applied on top, as the
stages' editor applies its YAML to a scenario. Both obey the web editor's limits. Problems say
which text they are in: a policy's line is also highlighted in its editor, a cluster's is named.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from trainer.catalog.stages import catalog, lessons_dir
from trainer.limits import limits
from trainer.netpol.build import load_cluster
from trainer.netpol.problems import InputError
from trainer.panel.panel import Evaluation, Explanation, ProblemLine, evaluate, problem_lines
from trainer.panel.world import World

CLUSTER_SOURCE = "cluster"
PLACE = "playground"  # its draft, and its previous evaluation for the diff
# A matrix cell's or the probe's answer while the cluster cannot be read.
NO_CLUSTER = Explanation(None, "Fix the cluster's YAML first; the panel lists its problems.")


@functools.lru_cache(maxsize=32)
def load_world(cluster_text: str) -> World:
    """The cluster text as a World (kept for the next edit, which usually changes only the
    policies); raises InputError."""
    return World(cluster=load_cluster([(cluster_text, CLUSTER_SOURCE)], limits().web))


def evaluate_texts(cluster_text: str, policies: str, before: frozenset | None = None
                   ) -> tuple[Evaluation, World | None]:
    """The panel for these texts, and the World it was computed in (None when the cluster is bad)."""
    try:
        world = load_world(cluster_text)
    except InputError as exc:
        evaluation = Evaluation(policies)
        evaluation.problems = [_in_cluster(p) for p in problem_lines(exc.problems)]
        evaluation.problem_count = len(exc.problems)
        return evaluation, None
    evaluation = evaluate(world, policies, before)
    # A problem with neither place nor line is about the whole panel (too many connections), unless
    # the policies' text is over the limit: that one is theirs.
    too_long = len(policies.encode("utf-8", "surrogatepass")) > limits().web.max_bytes
    evaluation.problems = [replace(p, where=_joined("Policies", p.where)) if p.where or p.line or too_long
                           else p for p in evaluation.problems]
    return evaluation, world


def _in_cluster(p: ProblemLine) -> ProblemLine:
    # Not in the policies' editor: its line is named, not highlighted there.
    where = f"Cluster, line {p.line}" if p.line else "Cluster"
    return ProblemLine(None, _joined(where, p.where), p.message)


def _joined(first: str, rest: str) -> str:
    return f"{first}: {rest}" if rest else first


@functools.cache
def example() -> tuple[str, str]:
    """What the playground opens with: the guide's cluster and stage 3's policy."""
    cat = catalog()
    scenario = cat.scenarios[0]
    text = (lessons_dir() / "clusters" / scenario.cluster_file.rsplit("/", 1)[-1]).read_text("utf-8")
    lines = text.splitlines(keepends=True)
    # Without the file's opening comment, which speaks of the stages and the command line.
    cluster = "".join(lines[next(i for i, line in enumerate(lines) if not line.startswith("#")):])
    stage = cat.stage(3) or cat.stages[0]
    # The stages apply theirs in the scenario's namespace; here the policy names it.
    namespace = f"  namespace: {scenario.apply_namespace}\n"
    policies = stage.yaml.replace("metadata:\n", "metadata:\n" + namespace, 1)
    return cluster, policies
