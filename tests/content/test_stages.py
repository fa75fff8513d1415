"""The six stages load, and each stage's own YAML gives the reachability its text claims."""

import dataclasses

import pytest

from trainer.catalog import stages as stage_catalog
from trainer.catalog.stages import catalog
from trainer.netpol.evaluation import Analyzer
from trainer.panel.panel import evaluate
from trainer.walkthrough.claims import failures
from trainer.walkthrough.worlds import world_for

STAGES = range(1, 7)


def stage(n):
    return catalog().stage(n)


def result(n, scenario="guide", text=None):
    world = world_for(catalog().scenario(scenario))
    return world, evaluate(world, stage(n).yaml if text is None else text)


def reaching(world, evaluation, port=3306):
    target = world.target.pod
    return {s for s, d, p, proto in evaluation.allowed if d == target and p == port and s != target}


def test_six_stages_load_without_problems():
    assert stage_catalog.problems() == []
    assert [s.number for s in catalog().stages] == [1, 2, 3, 4, 5, 6]
    assert len({s.slug for s in catalog().stages}) == 6


@pytest.mark.parametrize("n", STAGES)
@pytest.mark.parametrize("scenario", ["guide", "split"])
def test_each_stage_yaml_gives_what_its_claims_say(n, scenario):
    world, evaluation = result(n, scenario)
    assert evaluation.ok, evaluation.problems
    assert failures(stage(n).claims[scenario], world, evaluation) == []


def test_the_guides_notes_warning_and_tables_are_in_the_lessons():
    kinds = {(s.number, b.kind) for s in catalog().stages for b in s.body}
    assert (2, "note") in kinds and (3, "note") in kinds and (4, "warning") in kinds
    tables = {b.caption: b for s in catalog().stages for b in s.body if b.kind == "table"}
    assert tables["Selector logic"].rows[0][1].startswith("AND")
    assert tables["Selector logic"].rows[1][1].startswith("OR")
    assert [r[0] for r in tables["Summary of policy types"].rows] == ["Ingress", "Egress"]


def test_stage_yaml_keeps_the_guides_structure():
    # Stage 4: podSelector and namespaceSelector are keys of the same from item (AND).
    lines = stage(4).yaml.splitlines()
    pod = next(i for i, line in enumerate(lines) if "- podSelector:" in line)
    ns = next(i for i, line in enumerate(lines) if "namespaceSelector:" in line)
    assert lines[ns].index("namespaceSelector") == lines[pod].index("podSelector")
    assert "- namespaceSelector" not in stage(4).yaml
    assert "cidr: 192.168.5.10/32" in stage(5).yaml and "- Egress" in stage(6).yaml


def test_stage_1_everything_reaches_the_db():
    world, evaluation = result(1)
    everyone = {p.key for p in world.cluster.pods} - {"prod/db"} | {"192.168.5.10", "203.0.113.50"}
    assert reaching(world, evaluation) == everyone


def test_stage_2_nothing_reaches_the_db_on_any_port():
    world, evaluation = result(2)
    assert reaching(world, evaluation) == set() and reaching(world, evaluation, 80) == set()


def test_stage_3_only_prods_api_pod_and_only_on_3306():
    world, evaluation = result(3)
    assert reaching(world, evaluation) == {"prod/api-pod"}
    assert reaching(world, evaluation, 80) == set()
    # Against the guide's text: an api-pod in dev is not admitted by a podSelector alone.
    assert not Analyzer(evaluation.cluster).check("dev/api-pod", "prod/db", 3306).allowed


def test_stage_4_changes_nothing_here_but_matters_when_the_db_lives_elsewhere():
    world, at3 = result(3)
    _, at4 = result(4)
    assert at3.allowed == at4.allowed
    split, split3 = result(3, "split")
    _, split4 = result(4, "split")
    assert reaching(split, split3) == set()
    assert reaching(split, split4) == {"prod/api-pod"}


def test_stage_4_with_the_dash_ors_the_selectors():
    text = stage(4).yaml.replace("          namespaceSelector:", "        - namespaceSelector:")
    assert text != stage(4).yaml
    world, evaluation = result(4, text=text)
    assert reaching(world, evaluation) == {"prod/api-pod", "prod/web"}


def test_stage_5_adds_the_backup_server():
    world, evaluation = result(5)
    assert reaching(world, evaluation) == {"prod/api-pod", "192.168.5.10"}


def test_stage_6_db_reaches_backup_on_tcp_80_only_and_api_still_gets_replies():
    world, evaluation = result(6)
    from_db = {(d, p) for s, d, p, _ in evaluation.allowed if s == "prod/db" and d != "prod/db"}
    assert from_db == {("192.168.5.10", 80)}
    analyzer = Analyzer(evaluation.cluster)
    assert not analyzer.check("prod/db", "192.168.5.10", 443).allowed
    # The API pod opens the connection; the DB's replies ride on it, no egress rule needed.
    assert analyzer.check("prod/api-pod", "prod/db", 3306).allowed


def test_a_wrong_claim_is_reported():
    world, evaluation = result(3)
    claims = dataclasses.replace(stage(3).claims["guide"], reaches_db=frozenset({"prod/web"}))
    assert failures(claims, world, evaluation) == [
        "those that reach prod/db on TCP 3306: also prod/api-pod; not prod/web"]


def test_problems_reports_a_broken_stage_file(tmp_path, settings):
    root = tmp_path / "lessons"
    (root / "stages").mkdir(parents=True)
    (root / "clusters").mkdir()
    real = stage_catalog.lessons_dir()
    for path in (real / "clusters").glob("*.yaml"):
        (root / "clusters" / path.name).write_text(path.read_text())
    for path in (real / "stages").glob("*.yaml"):
        (root / "stages" / path.name).write_text(path.read_text())
    broken = (root / "stages" / "stage-3.yaml").read_text().replace("title:", "titel:")
    (root / "stages" / "stage-3.yaml").write_text(broken.replace("port: 3306\n", "port: 99999\n", 1))
    (root / "stages" / "stage-5.yaml").unlink()
    settings.LESSONS_DIR = root
    found = stage_catalog.problems()
    assert "lessons/stages/stage-3.yaml: title: is missing" in found
    assert any(p.startswith("lessons/stages/stage-3.yaml: yaml: line ") for p in found)
    assert any(p.startswith("lessons/stages/stage-5.yaml: cannot be read") for p in found)
