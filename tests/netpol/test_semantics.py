"""The engine's semantics, table-driven: every row of every file in cases/ is a test.

A case file holds a cluster, then cases; each case applies policies (ordinary
YAML text, loaded by the engine's own loader) and states expectations, as rows
`[from, to, port/protocol, allow|deny]` or as upstream-style reachability grids.
See cases/README.md for the format. Truth comes from Kubernetes: a row that
fails here is a bug in the engine until Kubernetes says otherwise.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.netpol import builders
from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.loading import CLI_LIMITS

CASES_DIR = Path(__file__).parent / "cases"
FILE_KEYS = {"about", "cluster", "cases"}
CLUSTER_KEYS = {"namespaces", "pods", "externals"}
STEP_KEYS = {"name", "upstream", "about", "namespaces", "pods", "relabel", "policies", "delete",
             "expect", "grid"}
CASE_KEYS = STEP_KEYS | {"steps"}
POD_KEYS = {"labels", "ip", "ports"}
VERDICTS = {"allow": True, "deny": False}
GRID_CELLS = {".": True, "X": False}  # as upstream's Reachability prints them


class CaseFileError(Exception):
    """A mistake in a case file, reported at collection rather than hidden."""


# --- reading case files ------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One state of the cluster: a file's cluster plus a case's steps up to this one."""

    file: str
    case: str
    index: int  # position in the case's steps, from 1
    id: str  # "and" or "stacked/2"


@dataclass(frozen=True)
class Probe:
    step: Step
    src: str
    dst: str
    port: int
    protocol: str
    allowed: bool

    @property
    def id(self) -> str:
        return f"{self.step.file}::{self.step.id}::{self.src}->{self.dst}:{self.port}/{self.protocol}"


@dataclass(frozen=True)
class Grid:
    step: Step
    port: int
    protocol: str
    cells: tuple[tuple[str, str, bool], ...]  # (from, to, allowed), row by row
    sources: tuple[str, ...]
    targets: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.step.file}::{self.step.id}::grid:{self.port}/{self.protocol}"


def parse_port(text, where: str) -> tuple[int, str]:
    number, _, protocol = str(text).partition("/")
    protocol = protocol or "TCP"
    if not number.isdigit() or protocol not in ("TCP", "UDP", "SCTP"):
        raise CaseFileError(f"{where}: bad port {text!r}; write 80, 53/UDP or 9000/SCTP")
    return int(number), protocol


def _check_keys(mapping, allowed: set, where: str):
    if not isinstance(mapping, dict):
        raise CaseFileError(f"{where}: expected a mapping")
    unknown = set(mapping) - allowed
    if unknown:
        raise CaseFileError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")


@functools.cache
def read_file(name: str) -> dict:
    data = yaml.safe_load((CASES_DIR / name).read_text())
    _check_keys(data, FILE_KEYS, name)
    if not data.get("about") or not data.get("cases"):
        raise CaseFileError(f"{name}: needs `about` and `cases`")
    cluster = data.get("cluster") or {}
    if cluster != "upstream":
        _check_keys(cluster, CLUSTER_KEYS, f"{name}: cluster")
    seen = set()
    for case in data["cases"]:
        _check_keys(case, CASE_KEYS, f"{name}: case {case.get('name')}")
        if not case.get("name") or case["name"] in seen:
            raise CaseFileError(f"{name}: every case needs a unique name ({case.get('name')!r})")
        seen.add(case["name"])
        if "steps" in case:
            if set(case) - {"name", "upstream", "about", "steps"}:
                raise CaseFileError(f"{name}: case {case['name']} has steps; put the rest in them")
            for step in case["steps"]:
                _check_keys(step, STEP_KEYS, f"{name}: case {case['name']} step")
    return data


def case_steps(case: dict) -> list[dict]:
    return case.get("steps") or [case]


def step_of(file: str, case: dict, index: int) -> Step:
    many = "steps" in case
    return Step(file, case["name"], index, f"{case['name']}/{index}" if many else case["name"])


def compact_objects(namespaces, pods, where: str) -> list[dict]:
    """Compact `namespaces:` and `pods:` mappings -> manifests, through the builders."""
    objects = [builders.namespace(name, **(labels or {})) for name, labels in (namespaces or {}).items()]
    for key, spec in (pods or {}).items():
        spec = spec or {}
        _check_keys(spec, POD_KEYS, f"{where}: pod {key}")
        objects.append(builders.pod(key, ip=spec.get("ip"), ports=spec.get("ports") or (),
                                    labels=spec.get("labels") or {}))
    return objects


def step_sources(step: Step) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """What load_cluster reads for a step: the cluster, then each step's changes in order.

    Later objects of the same kind, namespace and name replace earlier ones, as
    `kubectl apply` does, so a step can relabel a pod or update a policy. Also
    returns, for each policy key a step deletes, the step that deleted it.
    """
    data = read_file(step.file)
    if data["cluster"] == "upstream":
        base = builders.upstream_model()
    else:
        base = compact_objects(data["cluster"].get("namespaces"), data["cluster"].get("pods"),
                               step.file)
    pods = {f"{o['metadata']['namespace']}/{o['metadata']['name']}": o
            for o in base if o["kind"] == "Pod"}
    sources = [(builders.manifests_text(base), f"{step.file}:cluster")]
    deleted = {}
    case = next(c for c in data["cases"] if c["name"] == step.case)
    for i, raw in enumerate(case_steps(case)[: step.index], start=1):
        where = f"{step.file}:{step.case}" + (f"/{i}" if "steps" in case else "")
        changed = compact_objects(raw.get("namespaces"), raw.get("pods"), where)
        for key, labels in (raw.get("relabel") or {}).items():
            if key not in pods:
                raise CaseFileError(f"{where}: relabel names no pod {key}")
            changed.append(relabelled(pods[key], labels or {}))
        for obj in changed:
            if obj["kind"] == "Pod":
                pods[f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"] = obj
        if changed:
            sources.append((builders.manifests_text(changed), f"{where}:changes"))
        if raw.get("policies"):
            sources.append((raw["policies"], where))
        for key in raw.get("delete") or ():
            deleted[key] = len(sources)
    return sources, deleted


def relabelled(manifest: dict, labels: dict) -> dict:
    """The same pod with new labels, as `kubectl label --overwrite` leaves it."""
    meta = {**manifest["metadata"], "labels": dict(labels)}
    return {**manifest, "metadata": meta}


@functools.cache
def analyzer_for(step: Step) -> Analyzer:
    sources, deleted = step_sources(step)
    cluster = load_cluster(sources, limits=CLI_LIMITS)
    if deleted:
        # A deleted policy is gone unless a later source applied it again.
        order = {name: i for i, (_, name) in enumerate(sources)}
        missing = set(deleted) - {p.key for p in cluster.policies}
        if missing:
            raise CaseFileError(f"{step.file}::{step.id}: delete names no policy {sorted(missing)}")
        kept = tuple(p for p in cluster.policies
                     if p.key not in deleted or order[p.source] >= deleted[p.key])
        cluster = dataclasses.replace(cluster, policies=kept)
    return Analyzer(cluster)


def known_endpoints(file: str, step: Step) -> set[str]:
    data = read_file(file)
    if data["cluster"] == "upstream":
        return set(builders.upstream_keys())
    names = set(data["cluster"].get("pods") or {})
    names |= {str(ip) for ip in data["cluster"].get("externals") or ()}
    case = next(c for c in data["cases"] if c["name"] == step.case)
    for raw in case_steps(case)[: step.index]:
        names |= set(raw.get("pods") or {})
    return names


def parse_grid(step: Step, port_text: str, text: str) -> Grid:
    where = f"{step.file}::{step.id} grid {port_text}"
    port, protocol = parse_port(port_text, where)
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    targets = tuple(lines[0][1:])
    cells, sources = [], []
    for row in lines[1:]:
        src, marks = row[0], row[1:]
        if len(marks) != len(targets) or any(m not in GRID_CELLS for m in marks):
            raise CaseFileError(f"{where}: row {src} needs {len(targets)} cells of . or X")
        sources.append(src)
        cells += [(src, dst, GRID_CELLS[m]) for dst, m in zip(targets, marks, strict=True)]
    return Grid(step, port, protocol, tuple(cells), tuple(sources), targets)


def collect():
    probes, grids = [], []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = read_file(path.name)
        for case in data["cases"]:
            for index, raw in enumerate(case_steps(case), start=1):
                step = step_of(path.name, case, index)
                known = known_endpoints(path.name, step)
                if not raw.get("expect") and not raw.get("grid"):
                    raise CaseFileError(f"{path.name}::{step.id}: no expectations")
                for row in raw.get("expect") or ():
                    if len(row) != 4 or row[3] not in VERDICTS:
                        raise CaseFileError(f"{path.name}::{step.id}: bad row {row}")
                    src, dst, port_text, verdict = row
                    for end in (src, dst):
                        if str(end) not in known:
                            raise CaseFileError(f"{path.name}::{step.id}: {end} is neither a pod "
                                                f"nor a listed external host")
                    port, protocol = parse_port(port_text, f"{path.name}::{step.id}")
                    probes.append(Probe(step, str(src), str(dst), port, protocol, VERDICTS[verdict]))
                for port_text, text in (raw.get("grid") or {}).items():
                    grids.append(parse_grid(step, port_text, text))
    ids = [p.id for p in probes] + [g.id for g in grids]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CaseFileError(f"rows stated twice: {duplicates}")
    return probes, grids


PROBES, GRIDS = collect()


# --- the tests ---------------------------------------------------------------


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.id)
def test_row(probe: Probe):
    verdict = analyzer_for(probe.step).check(probe.src, probe.dst, probe.port, probe.protocol)
    want = "allow" if probe.allowed else "deny"
    assert verdict.allowed == probe.allowed, f"expected {want}; the engine says:\n{verdict.explanation}"


def render_grid(grid: Grid, value) -> str:
    width = max(len(k) for k in grid.sources + grid.targets + ("-",))
    lines = [" ".join(k.ljust(width) for k in ("-",) + grid.targets).rstrip()]
    for src in grid.sources:
        cells = [value(src, dst).ljust(width) for dst in grid.targets]
        lines.append(" ".join([src.ljust(width)] + cells).rstrip())
    return "\n".join(lines)


@pytest.mark.parametrize("grid", GRIDS, ids=lambda g: g.id)
def test_grid(grid: Grid):
    analyzer = analyzer_for(grid.step)
    expected = {(s, d): ok for s, d, ok in grid.cells}
    observed = {(s, d): analyzer.allowed(s, d, grid.port, grid.protocol) for s, d, _ in grid.cells}
    wrong = [cell for cell in expected if expected[cell] != observed[cell]]
    if wrong:
        mark = {True: ".", False: "X"}
        first = analyzer.check(*wrong[0], grid.port, grid.protocol)
        pytest.fail(
            f"{len(wrong)} of {len(expected)} cells differ (. allowed, X denied)\n"
            f"expected:\n{render_grid(grid, lambda s, d: mark[expected[s, d]])}\n"
            f"observed:\n{render_grid(grid, lambda s, d: mark[observed[s, d]])}\n"
            f"differences (*):\n"
            f"{render_grid(grid, lambda s, d: '*' if (s, d) in wrong else '.')}\n"
            f"first difference, as the engine explains it:\n{first.explanation}")


def test_case_files_cover_every_rule_of_the_semantics():
    names = {p.name for p in CASES_DIR.glob("*.yaml")}
    for required in ("and_vs_or.yaml", "pod_selector_scope.yaml", "namespace_selector.yaml",
                     "namespace_name_label.yaml", "policy_types.yaml", "match_expressions.yaml",
                     "named_ports.yaml", "end_port.yaml", "protocols.yaml", "ip_block.yaml",
                     "both_sides.yaml", "self_traffic.yaml", "additivity.yaml",
                     "empty_selectors.yaml", "deny_all.yaml"):
        assert required in names
    upstream = sum(
        1 for name in names for case in read_file(name)["cases"] if case.get("upstream"))
    assert upstream >= 25


# --- explanations name what decided -----------------------------------------
# A few verdicts, checked for the policy, rule, peer and port they name (as data
# in Side.match / Side.miss, and in the words of Verdict.explanation).


def shop(*policies: str) -> Analyzer:
    return Analyzer(builders.cluster_of(*builders.SHOP, policies="---\n".join(policies)))


def line_of(text: str, fragment: str, nth: int = 1) -> int:
    """1-based line of the nth line of text containing fragment."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[nth - 1]


def test_allowed_ingress_names_policy_rule_peer_and_port():
    verdict = shop(builders.DB_ALLOWS_API).check("prod/api", "prod/db", 3306)
    match = verdict.ingress.match
    assert verdict.allowed
    assert (match.policy.key, match.rule_index, match.peer_index, match.port_index) == (
        "prod/db-allows-api", 0, 1, 1)  # second peer (app=api), second port (mysql)
    assert "rule 1 of prod/db-allows-api" in verdict.explanation
    assert "peer 2 (pods app=api in namespace prod)" in verdict.explanation
    assert "mysql" in verdict.explanation


def test_verdict_lines_point_at_the_deciding_rule_peer_and_port():
    text = builders.DB_ALLOWS_API
    verdict = shop(text).check("prod/api", "prod/db", 3306)
    assert verdict.lines == (
        ("test", line_of(text, "- from:")),
        ("test", line_of(text, "- podSelector:", nth=2)),
        ("test", line_of(text, "- port: mysql")),
    )


def test_accidental_or_admits_a_whole_namespace_by_its_namespace_peer():
    verdict = shop(builders.ACCIDENTAL_OR).check("dev/worker", "prod/db", 3306)
    assert verdict.allowed
    assert verdict.ingress.match.peer_index == 0
    assert "all pods in namespaces env=dev" in verdict.explanation


def test_intended_and_denies_with_the_pod_label_that_failed():
    verdict = shop(builders.INTENDED_AND).check("dev/worker", "prod/db", 3306)
    miss = verdict.ingress.miss
    assert not verdict.allowed
    assert (miss.policy.key, miss.rule_index) == ("prod/intended-and", 0)
    assert "dev/worker wants app=api, has app=worker" in miss.reason
    assert "ingress does not" in verdict.explanation


def test_denial_names_the_namespace_label_wanted_and_found():
    verdict = shop(builders.INTENDED_AND).check("prod/api", "prod/db", 3306)
    assert "namespace prod wants env=dev, has env=prod" in verdict.ingress.miss.reason


def test_pod_selector_alone_is_explained_as_staying_in_the_policy_namespace():
    verdict = shop(builders.DB_ALLOWS_API).check("dev/api", "prod/db", 3306)
    reason = verdict.ingress.miss.reason
    assert "prod/db-allows-api" in reason
    assert "matches pods in prod only" in reason and "dev/api is in dev" in reason


def test_egress_denial_resolves_the_named_port_on_the_destination():
    analyzer = shop(builders.WEB_EGRESS_TO_API_ONLY)
    denied = analyzer.check("prod/web", "prod/api", 8080)
    assert not denied.allowed
    assert denied.egress.isolated and denied.egress.policies == ("prod/web-egress",)
    assert not denied.ingress.isolated and denied.ingress.allowed
    assert "named port http is TCP 9090 on prod/api" in denied.egress.miss.reason
    allowed = analyzer.check("prod/web", "prod/api", 9090)
    assert allowed.egress.match.port_index == 0 and "port TCP http" in allowed.egress.match.text


def test_named_port_of_the_wrong_protocol_is_explained():
    analyzer = Analyzer(builders.cluster_of(
        builders.pod("prod/dns", app="dns", ports=["dns=53/UDP"]),
        builders.pod("prod/client", app="client"),
        policies="""\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: prod}
spec:
  podSelector:
    matchLabels: {app: dns}
  ingress:
  - ports:
    - port: dns
""",
    ))
    verdict = analyzer.check("prod/client", "prod/dns", 53, "TCP")
    assert not verdict.allowed
    assert "named port dns on prod/dns is UDP, not TCP" in verdict.ingress.miss.reason


def test_default_deny_explains_that_the_policy_has_no_rules():
    verdict = shop(builders.DEFAULT_DENY_INGRESS).check("203.0.113.9", "prod/db", 3306)
    assert not verdict.egress.applies  # a host outside the cluster
    miss = verdict.ingress.miss
    assert miss.policy.key == "prod/default-deny-ingress" and miss.rule_index is None
    assert "no ingress rules" in miss.reason


def test_outside_host_is_told_that_only_ip_blocks_match_it():
    verdict = shop(builders.ACCIDENTAL_OR).check("203.0.113.9", "prod/db", 3306)
    assert "matches ipBlock peers only" in verdict.ingress.miss.reason


def test_ip_block_matching_a_pod_is_flagged_as_plugin_dependent():
    analyzer = shop("""\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web-ip, namespace: prod}
spec:
  podSelector:
    matchLabels: {app: db}
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.1.10/32}
""")
    assert "network plugin" in analyzer.check("prod/web", "prod/db", 3306).explanation
    assert "network plugin" not in analyzer.check("prod/api", "prod/db", 3306).explanation


def test_traffic_to_itself_is_explained_without_sides():
    verdict = shop(builders.DEFAULT_DENY_INGRESS).check("prod/db", "prod/db", 3306)
    assert verdict.allowed and verdict.egress is None and verdict.ingress is None
    assert "itself" in verdict.explanation
