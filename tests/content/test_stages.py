"""The six stages load, and each stage's own YAML gives the reachability its text claims."""

import dataclasses
import re
import shutil

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


def body_text(n):
    """A stage's text as the learner reads it: paragraphs, notes, warnings, lists and tables."""
    parts = []
    for block in stage(n).body:
        parts += [block.text, *block.items, block.caption, *block.header]
        parts += [cell for row in block.rows for cell in row]
    return " ".join(" ".join(parts).split())


def test_stage_6_says_the_split_scenario_shuts_the_api_pod_out():
    text = body_text(6)
    # The guide dropped stage 5's ipBlock (and stage 4's namespaceSelector): a mistake, not its ask.
    assert "all the guide asks" not in text
    assert "mistake in the guide" in text
    assert 'In the scenario "DB in its own namespace" it shuts the API pod out' in text
    world, evaluation = result(6, "split")
    assert reaching(world, evaluation) == set()
    assert not Analyzer(evaluation.cluster).check("prod/api-pod", "data/db", 3306).allowed


def all_stage_text():
    return {n: " ".join([stage(n).goal, body_text(n), *stage(n).tries]) for n in STAGES}


DNS_SERVICE = re.compile(r"(?<![\w-])DNS\s+service", re.IGNORECASE)


def test_dns_rules_target_the_dns_pods_never_a_dns_service():
    # NetworkPolicies select pods: after kube-proxy's DNAT a policy sees a CoreDNS pod, not the ClusterIP.
    assert {n for n, text in all_stage_text().items() if DNS_SERVICE.search(text)} == set()
    warning = next(b.text for b in stage(6).body if b.kind == "warning")
    assert "the cluster's DNS pods" in warning and "k8s-app=kube-dns" in warning
    assert "ClusterIP" in warning and "DNAT" in warning


K8S_VERSION = re.compile(r"(?<![\d.])1\.\d\d(?![\d.])")
AUTOMATIC_LABEL_SINCE = "beta and on by default in Kubernetes 1.21, GA in 1.22"


def test_the_automatic_namespace_labels_version_is_the_same_wherever_it_is_given():
    texts = all_stage_text()
    assert AUTOMATIC_LABEL_SINCE in texts[4]
    for n, text in texts.items():
        # Every Kubernetes version a stage names is the automatic label's, in the one wording.
        assert len(K8S_VERSION.findall(text)) == 2 * text.count(AUTOMATIC_LABEL_SINCE), n


def test_stage_2_teaches_that_traffic_from_the_pods_own_node_is_always_allowed():
    text = body_text(2)
    assert "traffic from the node the pod runs on" in text
    assert "always allows traffic to and from a pod's own node" in text and "kubelet" in text
    # Taught where the deny-all is: right after the guide's note.
    kinds = [b.kind for b in stage(2).body]
    note = kinds.index("note")
    assert "node" in stage(2).body[note + 1].text


def test_a_wrong_claim_is_reported():
    world, evaluation = result(3)
    claims = dataclasses.replace(stage(3).claims["guide"], reaches_db=frozenset({"prod/web"}))
    assert failures(claims, world, evaluation) == [
        "those that reach prod/db on TCP 3306: also prod/api-pod; not prod/web"]


# --- broken content is reported with file, line and field ----------------------------


@pytest.fixture
def lessons(tmp_path, settings):
    """A copy of lessons/ that a test may break; the catalog reads it instead of the real one."""
    root = tmp_path / "lessons"
    shutil.copytree(stage_catalog.lessons_dir(), root)
    settings.LESSONS_DIR = root
    return root


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))
    return path.read_text()


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_wrongly_typed_field_is_reported_with_its_file_line_and_path(lessons):
    text = edit(lessons / "stages" / "stage-3.yaml",
                "port: 3306, allowed: true}", "port: 3306, allowed: maybe}")
    line = line_of(text, "allowed: maybe")
    assert stage_catalog.problems() == [
        f"lessons/stages/stage-3.yaml:{line}: claims.guide.probes[0].allowed: "
        "must be true or false, not text"]


def test_broken_yaml_syntax_names_its_line(lessons):
    text = edit(lessons / "stages" / "stage-2.yaml", "goal: ", "goal: [unclosed\n  ")
    found = stage_catalog.problems()
    assert len(found) == 1
    message = found[0]
    assert message.startswith("lessons/stages/stage-2.yaml:") and "invalid YAML" in message
    line = int(message.split(":")[1])
    assert line_of(text, "goal: [unclosed") <= line <= line_of(text, "goal: [unclosed") + 2


def test_a_bad_policy_in_the_stage_yaml_names_its_line_in_the_stage_file(lessons):
    text = edit(lessons / "stages" / "stage-3.yaml", "port: 3306\n", "port: 99999\n")
    line = line_of(text, "port: 99999")
    assert stage_catalog.problems() == [
        f"lessons/stages/stage-3.yaml:{line}: yaml: NetworkPolicy prod/db-policy: "
        "spec.ingress[0].ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive"]


def test_missing_unknown_and_unreadable_are_each_reported(lessons):
    text = edit(lessons / "stages" / "stage-3.yaml", "title:", "titel:")
    (lessons / "stages" / "stage-5.yaml").unlink()
    found = stage_catalog.problems()
    assert found == [
        f'lessons/stages/stage-3.yaml:{line_of(text, "titel:")}: titel: unknown field "titel" '
        "(expected one of number, slug, title, goal, body, try, yaml, claims)",
        "lessons/stages/stage-5.yaml: is missing: "
        "stages are numbered from 1 with no gap (found 1, 2, 3, 4, 6)",
    ]
    # What is broken is left out; the rest loads, and keeps its number.
    assert [s.number for s in catalog().stages] == [1, 2, 4, 6]
    assert catalog().stage(4).number == 4 and catalog().stage(3) is None


def test_content_is_loaded_safely_through_the_engines_loader(lessons):
    path = lessons / "stages" / "stage-6.yaml"
    path.write_text(path.read_text() + "evil: !!python/object/apply:os.system ['false']\n")
    line = len(path.read_text().splitlines())
    assert stage_catalog.problems() == [
        f'lessons/stages/stage-6.yaml:{line}: tag "!!python/object/apply:os.system" is not allowed']


def test_a_repeated_key_is_refused(lessons):
    edit(lessons / "stages" / "stage-6.yaml", "number: 6", "number: 6\nnumber: 6")
    assert stage_catalog.problems() == [
        'lessons/stages/stage-6.yaml:2: the key "number" is already defined at line 1: '
        "a key may appear only once in a mapping"]


def test_a_broken_cluster_is_reported_once_with_its_own_line(lessons):
    text = edit(lessons / "clusters" / "split.yaml", "containerPort: 3306", "containerPort: 0")
    found = stage_catalog.problems()
    assert len(found) == 1  # the stages' claims about the split scenario are not reported again
    assert found[0].startswith(
        f"lessons/clusters/split.yaml:{line_of(text, 'containerPort: 0')}: Pod data/db: ")
    assert found[0].endswith("(the cluster of scenario [1] in lessons/stages/scenarios.yaml)")


def test_claims_naming_unknown_endpoints_point_at_them(lessons):
    text = edit(lessons / "stages" / "stage-5.yaml", "reaches_db: [", "reaches_db: [prod/nope, ")
    line = line_of(text, "prod/nope")
    assert stage_catalog.problems() == [
        f"lessons/stages/stage-5.yaml:{line}: claims.guide.reaches_db[0]: "
        "'prod/nope' is no pod or outside host of scenario guide"]


# --- the content decides how many stages there are -----------------------------------


def test_the_number_of_stages_is_the_number_of_stage_files(lessons):
    text = (lessons / "stages" / "stage-6.yaml").read_text().replace("number: 6", "number: 7")
    (lessons / "stages" / "stage-7.yaml").write_text(text.replace("slug: ", "slug: seventh-", 1))
    assert stage_catalog.problems() == []
    assert [s.number for s in catalog().stages] == [1, 2, 3, 4, 5, 6, 7]


def test_a_gap_or_a_missing_first_stage_is_reported_and_a_misnamed_file_too(lessons):
    (lessons / "stages" / "stage-1.yaml").rename(lessons / "stages" / "stage-01.yaml")
    (lessons / "stages" / "stage-4.yaml").unlink()
    assert stage_catalog.problems() == [
        "lessons/stages/stage-1.yaml: is missing: stages are numbered from 1 with no gap (found 2, 3, 5, 6)",
        "lessons/stages/stage-4.yaml: is missing: stages are numbered from 1 with no gap (found 2, 3, 5, 6)",
        "lessons/stages/stage-01.yaml: is not read: stages are stage-N.yaml (N = 1, 2, 3...), "
        "the scenarios scenarios.yaml",
    ]
    assert [s.number for s in catalog().stages] == [2, 3, 5, 6]


def test_a_broken_stage_file_hides_no_problem_of_another(lessons):
    edit(lessons / "stages" / "stage-2.yaml", "goal: ", "goal: [unclosed\n  ")
    text = edit(lessons / "stages" / "stage-5.yaml", "reaches_db: [", "reaches_db: [prod/nope, ")
    found = stage_catalog.problems()
    assert len(found) == 2 and found[0].startswith("lessons/stages/stage-2.yaml:")
    assert found[1] == (f"lessons/stages/stage-5.yaml:{line_of(text, 'prod/nope')}: "
                        "claims.guide.reaches_db[0]: 'prod/nope' is no pod or outside host of scenario guide")


def test_unknown_fields_of_scenarios_focus_externals_tables_and_claims_are_reported(lessons):
    scenarios = edit(lessons / "stages" / "scenarios.yaml",
                     "  cluster: split.yaml", "  cluster: split.yaml\n  clustr: x")
    scenarios = edit(lessons / "stages" / "scenarios.yaml",
                     "{pod: data/db, port: 3306,", "{pod: data/db, prot: 1, port: 3306,")
    scenarios = edit(lessons / "stages" / "scenarios.yaml",
                     "{ip: 203.0.113.50, label: a host on the internet}\n- slug",
                     "{ip: 203.0.113.50, lable: a host on the internet}\n- slug")
    stage = edit(lessons / "stages" / "stage-5.yaml", "      caption: Selector logic\n",
                 "      caption: Selector logic\n      colour: red\n")
    stage = edit(lessons / "stages" / "stage-5.yaml", "  split:\n", "  split:\n    reaches: []\n")
    expected = "expected one of slug, title, summary, cluster, apply_namespace, focus, ports, externals"
    assert stage_catalog.problems() == [
        f'lessons/stages/scenarios.yaml:{line_of(scenarios, "lable")}: [0].externals[1].lable: '
        'unknown field "lable" (expected one of ip, label)',
        f'lessons/stages/scenarios.yaml:{line_of(scenarios, "clustr")}: [1].clustr: '
        f'unknown field "clustr" ({expected})',
        f'lessons/stages/scenarios.yaml:{line_of(scenarios, "prot: 1")}: [1].focus.prot: '
        'unknown field "prot" (expected one of pod, port, protocol, label)',
        f'lessons/stages/stage-5.yaml:{line_of(stage, "colour")}: body[{table_index(stage)}].table.colour: '
        'unknown field "colour" (expected one of caption, header, rows)',
        f'lessons/stages/stage-5.yaml:{line_of(stage, "reaches: []")}: claims.split.reaches: unknown field '
        '"reaches" (expected one of reaches_db, db_reaches, probes)',
    ]


def table_index(text):
    """The index in `body` of the stage's first table."""
    body = text[text.index("body:"):text.index("table:")]
    return body.count("\n  - ") - 1


def test_a_scenario_slug_used_twice_is_reported_once_and_the_second_left_out(lessons):
    path = lessons / "stages" / "scenarios.yaml"
    text = path.read_text()
    first = text[text.index("- slug: guide"):text.index("- slug: split")]
    path.write_text(text + first)
    assert stage_catalog.problems() == [
        f"lessons/stages/scenarios.yaml:{len(text.splitlines()) + 1}: [2].slug: 'guide' is already used at "
        f"lessons/stages/scenarios.yaml:{line_of(text, 'slug: guide')}"]
    assert [s.slug for s in catalog().scenarios] == ["guide", "split"]


def test_the_focus_protocol_is_tcp_unless_given(lessons):
    edit(lessons / "stages" / "scenarios.yaml",
         "{pod: prod/db, port: 3306, protocol: TCP,", "{pod: prod/db, port: 3306,")
    assert stage_catalog.problems() == []
    assert catalog().scenario("guide").focus.protocol == "TCP"
