"""The loader: every hostile-input defence, and every form of honest input it accepts.

Hostile input must come back as an InputError naming the problem (and the line,
where there is one), never as another exception. Nothing here is timed: each
case only has to return.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.loading import CLI_LIMITS, WEB_LIMITS, Limits, load_manifests, parse_yaml
from trainer.netpol.problems import InputError

FIXTURES = Path(__file__).parent / "fixtures"
DUMP = (FIXTURES / "kubectl-get-ns-pods-netpol.yaml").read_text()

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
  labels: {app: web}
spec:
  containers:
  - name: nginx
    ports:
    - {name: http, containerPort: 80}
status:
  podIP: 10.0.0.4
"""


def refused(text, limits: Limits = WEB_LIMITS):
    """The one problem a hostile text is refused with."""
    with pytest.raises(InputError) as exc:
        load_manifests(text, "evil.yaml", limits)
    assert type(exc.value) is InputError
    (problem,) = exc.value.problems
    assert problem.source == "evil.yaml"
    assert "Traceback" not in str(problem) and "Error:" not in problem.message
    return problem


def laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    """Merges of merges, nine references a level: 347 bytes that PyYAML 6.0.3 needed minutes for."""
    names = "abcdefghi"
    lines = ["a: &a {x: 1, y: 2}"]
    for prev, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} {{<<: [" + ",".join([f"*{prev}"] * 9) + "]}")
    return "\n".join(lines) + "\n"


def merge_chain(steps: int) -> str:
    """a(i+1) merges a(i) and adds a key: quadratic work for PyYAML's constructor."""
    lines = ["a0: &a0 {k: 0}"]
    lines += [f"a{i + 1}: &a{i + 1}\n  <<: *a{i}\n  k{i}: {i}" for i in range(steps)]
    return "\n".join(lines) + "\n"


# --- size, depth, aliases, nodes, documents, objects -------------------------------------


def test_the_size_cap_is_checked_before_parsing():
    # Broken YAML past the limit: the size is what is reported, so the parser never ran.
    problem = refused("a: [" + "x" * WEB_LIMITS.max_bytes)
    assert problem.message == f"input is {WEB_LIMITS.max_bytes + 4} bytes; the limit is 65536 bytes"
    assert problem.line is None


def test_the_size_cap_counts_bytes_not_characters():
    text = "a: " + "é" * (WEB_LIMITS.max_bytes // 2)
    assert len(text) < WEB_LIMITS.max_bytes
    assert "the limit is 65536 bytes" in refused(text).message
    assert "the limit is 65536 bytes" in refused(text.encode()).message


def test_the_size_cap_admits_exactly_the_limit():
    text = "a: " + "x" * (WEB_LIMITS.max_bytes - 4) + "\n"
    assert len(text.encode()) == WEB_LIMITS.max_bytes
    assert parse_yaml(text, "ok.yaml")[0][0]["a"].startswith("xxx")


def test_the_command_line_cap_is_4_mib():
    assert CLI_LIMITS.max_bytes == 4 * 1024 * 1024
    problem = refused(b"#" * (CLI_LIMITS.max_bytes + 1), CLI_LIMITS)
    assert problem.message == "input is 4194305 bytes; the limit is 4194304 bytes"


def test_nesting_of_64_levels_loads_and_65_is_refused():
    assert parse_yaml("[" * 64 + "]" * 64)
    problem = refused("kind: Pod\nspec: " + "[" * 65 + "]" * 65)
    assert (problem.message, problem.line) == ("nesting deeper than 64 levels", 2)


def test_deep_block_nesting_is_refused():
    text = "".join("  " * i + f"k{i}:\n" for i in range(80))
    assert (refused(text).message, refused(text).line) == ("nesting deeper than 64 levels", 65)
    assert refused("- " * 5000 + "x").message == "nesting deeper than 64 levels"


def test_nesting_far_past_the_limit_is_refused_without_recursion_error():
    problem = refused("[" * 30_000 + "]" * 30_000)
    assert "nesting" in problem.message and problem.line == 1


def test_an_alias_may_not_nest_a_document_deeper_than_the_limit():
    text = "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    assert (refused(text).message, refused(text).line) == ("nesting deeper than 64 levels", 2)


def test_100_aliases_load_and_101_are_refused():
    assert parse_yaml("a: &a 1\nb: [" + ",".join(["*a"] * 100) + "]")
    problem = refused("a: &a 1\nb: [" + ",".join(["*a"] * 101) + "]")
    assert (problem.message, problem.line) == ("more than 100 aliases", 2)


def test_billion_laughs_is_refused_by_its_expanded_size():
    problem = refused(laughs())
    assert problem.message == "document expands to more than 20000 nodes (too large, or too many aliases)"
    assert problem.line == 5  # the first line whose expansion passes the cap


def test_billion_laughs_is_refused_even_when_aliases_are_allowed():
    problem = refused(laughs(), Limits(max_aliases=10_000))
    assert problem.message.startswith("document expands to more than 20000 nodes")


def test_too_many_plain_nodes_are_refused():
    problem = refused("a: [" + ",".join(["1"] * 20_001) + "]")
    assert problem.message.startswith("document expands to more than 20000 nodes")


@pytest.mark.parametrize("text", ["a: &a [*a]", "&a {b: *a}", "a: &a {b: [1, {c: *a}]}"])
def test_a_recursive_alias_is_refused(text):
    problem = refused(text)
    assert (problem.message, problem.line) == ("alias *a is recursive or undefined", 1)


def test_an_undefined_alias_is_refused():
    problem = refused("a: 1\nb: *nowhere")
    assert (problem.message, problem.line) == ("alias *nowhere is recursive or undefined", 2)


def test_a_merge_key_bomb_is_refused():
    text = merge_bomb()
    assert len(text) < 400 and text.count("*") < WEB_LIMITS.max_aliases
    problem = refused(text)
    assert problem.message == "document expands to more than 20000 nodes (too large, or too many aliases)"
    assert problem.line == 5


def test_a_long_merge_chain_is_refused_by_the_keys_it_copies():
    problem = refused(merge_chain(400), Limits(max_aliases=10_000))
    assert problem.message.startswith("document expands to more than 20000 nodes")


def test_a_merge_chain_is_not_mistaken_for_deep_nesting():
    (doc, _, _), = parse_yaml(merge_chain(90))
    assert doc["a90"] == {"k": 0, **{f"k{i}": i for i in range(90)}}


def test_a_merge_needs_a_mapping():
    problem = refused("a: 1\nb:\n  <<: [1, 2]\n")
    assert (problem.message, problem.line) == ("a merge key (<<) needs a mapping or a list of mappings", 3)


def test_more_than_500_documents_are_refused():
    problem = refused("---\na: 1\n" * 501)
    assert (problem.message, problem.line) == ("more than 500 documents", 1001)


def test_more_than_1000_objects_are_refused():
    text = "apiVersion: v1\nkind: List\nitems:\n" + "- {apiVersion: v1, kind: Pod}\n" * 1001
    assert refused(text).message == "more than 1000 objects"


# --- values kubectl would never build ----------------------------------------------------


def test_a_5000_digit_integer_is_refused_with_its_line():
    problem = refused("kind: Pod\nport: " + "9" * 5000)
    assert problem.message == 'number "' + "9" * 77 + '..." is too large'
    assert problem.line == 2


def test_a_5000_digit_tagged_or_hex_integer_is_refused():
    assert refused("port: !!int " + "1" * 5000).message.endswith("is too large")
    assert refused("port: 0x" + "f" * 5000).message.endswith("is too large")


def test_a_very_long_float_is_refused():
    assert refused("a: " + "1" * 200 + ".5").message.endswith("is too long")


@pytest.mark.parametrize("tag, text", [
    ("!!binary", "data: !!binary aGVsbG8="),
    ("!!set", "s: !!set {a, b}"),
    ("!!omap", "o: !!omap [{a: 1}, {b: 2}]"),
    ("!!timestamp", "t: !!timestamp 2001-12-14"),
    ("!!python/object/apply:os.system", 'x: !!python/object/apply:os.system ["true"]'),
    ("!!python/name:os.system", "x: !!python/name:os.system"),
    ("!!python/tuple", "x: !!python/tuple [1, 2]"),
    ("!custom", "x: !custom 1"),
    ("!!python/object:object", "x: !!python/object:object {}"),
])
def test_tags_that_build_other_values_are_refused(tag, text):
    problem = refused("kind: Pod\n" + text)
    assert (problem.message, problem.line) == (f'tag "{tag}" is not allowed', 2)


def test_a_tag_on_a_mapping_key_is_refused():
    assert refused("? !!binary aGk=\n: 1").message == 'tag "!!binary" is not allowed'


def test_a_collection_as_a_mapping_key_is_refused():
    problem = refused("? [a, b]\n: 1")
    assert problem.message == "a mapping key must be a plain string, not a collection"


def test_a_tag_that_contradicts_its_value_is_refused():
    assert refused("port: !!int eighty").message == 'value "eighty" is not a valid !!int'


def test_timestamps_stay_strings_as_kubectl_reads_them():
    (doc, _, _), = parse_yaml("a: 2001-12-14\nb: 2025-03-04T09:05:00Z\nc: 2001-12-14 21:59:43.10 -5")
    assert doc == {"a": "2001-12-14", "b": "2025-03-04T09:05:00Z", "c": "2001-12-14 21:59:43.10 -5"}


def test_base_60_stays_a_string_so_port_1_20_is_a_bad_port_name_not_port_80():
    (doc, _, _), = parse_yaml("port: 1:20\nother: 190:20:30")
    assert doc == {"port": "1:20", "other": "190:20:30"}
    text = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
            "spec:\n  ingress:\n  - ports:\n    - port: 1:20\n")
    with pytest.raises(InputError) as exc:
        load_cluster([(text, "t.yaml")])
    assert [(p.path, p.line) for p in exc.value.problems][0] == ("spec.ingress[0].ports[0].port", 7)
    assert 'Invalid value: "1:20": must contain only alpha-numeric' in exc.value.problems[0].message


def test_scalars_are_read_as_go_yaml_v2_reads_them():
    (doc, _, _), = parse_yaml("a: 0x50\nb: 0o17\nc: 017\nd: 1_000\ne: yes\n"
                              "f: 'yes'\ng: ~\nh: 1e3\ni: 0x_\nj: 08")
    assert doc == {"a": 80, "b": 15, "c": 15, "d": 1000, "e": True, "f": "yes", "g": None,
                   "h": 1000.0, "i": "0x_", "j": 8.0}


# --- structure ---------------------------------------------------------------------------------


def test_a_duplicate_key_is_refused_naming_both_lines():
    problem = refused("kind: Pod\nmetadata:\n  name: a\n  name: b\n")
    assert (problem.message, problem.line) == (
        'the key "name" is already defined at line 3: a key may appear only once in a mapping', 4)


def test_a_duplicate_key_through_an_anchor_is_refused():
    assert refused("&k name: a\n*k : b").message.startswith('the key "name" is already defined at line 1:')


@pytest.mark.parametrize("text, what, line", [
    ("just a string\n", "document 1 is a string", 1),
    ("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n- a\n- b\n", "document 2 is a list", 4),
    ("---\n42\n", "document 1 is a number", 1),
    ("---\ntrue\n", "document 1 is a boolean", 1),
])
def test_a_document_that_is_not_a_mapping_is_refused(text, what, line):
    problem = refused(text)
    assert problem.message == f"{what}, not a Kubernetes object (a mapping with apiVersion and kind)"
    assert problem.line == line


def test_a_list_whose_items_are_not_objects():
    with pytest.raises(InputError) as exc:
        load_manifests("apiVersion: v1\nkind: List\nitems:\n- 1\n- {kind: Pod}\n- x\n", "l.yaml")
    assert [(p.path, p.message, p.line) for p in exc.value.problems] == [
        ("items[0]", "is a number, not an object", 4), ("items[2]", "is a string, not an object", 6)]
    with pytest.raises(InputError) as exc:
        load_manifests("apiVersion: v1\nkind: List\nitems: {a: 1}\n", "l.yaml")
    assert [(p.path, p.message, p.line) for p in exc.value.problems] == [("items", "items must be a list", 3)]


def test_broken_yaml_names_its_line():
    problem = refused("kind: Pod\nmetadata:\n  name: [a, b\n")
    assert problem.message == "invalid YAML: the '[' at column 9 is never closed: end the list with ']'"
    assert problem.line == 3


def test_tab_indentation_is_refused_with_its_line():
    problem = refused("kind: Pod\nmetadata:\n\tname: a\n")
    assert problem.message == ("invalid YAML: a tab character (column 1); YAML indents with spaces only: "
                               "replace the tab with spaces")
    assert problem.line == 3


# --- encodings and characters ----------------------------------------------------------------


def test_invalid_utf8_is_refused_with_its_line():
    problem = refused(b"kind: Pod\nmetadata:\n  name: caf\xe9\n")
    assert (problem.message, problem.line) == ("not UTF-8 text (byte 31)", 3)


def test_utf16_is_not_utf8():
    assert refused("kind: Pod\n".encode("utf-16")).message.startswith("not UTF-8 text")


def test_a_lone_surrogate_is_refused():
    problem = refused("kind: Pod\nname: a\udcff\n")
    assert (problem.message, problem.line) == ("not UTF-8 text (a lone surrogate)", 2)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"])
def test_control_characters_are_refused_with_line_and_column(char):
    problem = refused(f"kind: Pod\nmetadata:\n  name: a{char}b\n")
    assert problem.message == (
        f"invalid YAML: invalid character \"{char.encode('unicode_escape').decode()}\" at column 10")
    assert problem.line == 3


def test_a_control_character_inside_quotes_is_refused_too():
    assert refused('name: "a\x07b"').message == 'invalid YAML: invalid character "\\x07" at column 9'


def test_escaped_control_characters_in_values_are_echoed_safely():
    text = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
            'spec:\n  policyTypes: ["\\e[2J\\x07"]\n')
    with pytest.raises(InputError) as exc:
        load_cluster([(text, "t.yaml")])
    message = exc.value.problems[0].message
    assert "\x1b" not in message and "\x07" not in message and "\\x1b[2J\\x07" in message


# --- honest input that must load -------------------------------------------------------------


def loaded(text, source="ok.yaml"):
    return [(m.data, m.line(("metadata", "name"))) for m in load_manifests(text, source)]


def test_crlf_line_endings_load_with_the_same_lines():
    assert loaded(POD.replace("\n", "\r\n")) == loaded(POD)
    assert loaded(POD)[0][1] == 4


def test_a_utf8_bom_is_ignored_in_text_and_in_bytes():
    assert loaded("\ufeff" + POD) == loaded(POD)
    assert [m.data for m in load_manifests(b"\xef\xbb\xbf" + POD.encode())] == [loaded(POD)[0][0]]


def test_comments_are_ignored_and_comment_only_documents_are_skipped():
    text = ("# cluster\n---\n# nothing here\n---\n"
            + POD.replace("labels: {app: web}", "labels: {app: web}  # who"))
    ((data, line),) = loaded(text)
    assert data["metadata"]["labels"] == {"app": "web"} and line == 8


def test_empty_input_has_no_objects():
    assert load_manifests("", "empty.yaml") == []
    assert load_manifests("---\n...\n", "empty.yaml") == []


def test_flow_style_loads():
    text = ("{apiVersion: v1, kind: Pod, metadata: {name: web, namespace: prod, labels: {app: web}},"
            " spec: {containers: [{name: nginx, ports: [{name: http, containerPort: 80}]}]},"
            " status: {podIP: 10.0.0.4}}")
    assert loaded(text)[0][0] == yaml.safe_load(POD)


def test_json_loads():
    assert loaded(json.dumps(yaml.safe_load(POD)))[0][0] == yaml.safe_load(POD)


def test_tab_indented_json_loads_with_lines():
    text = json.dumps(yaml.safe_load(POD), indent="\t")
    ((data, line),) = loaded(text)
    assert data == yaml.safe_load(POD)
    assert line == text.splitlines().index('\t\t"name": "web",') + 1


def test_multiple_documents_with_end_markers():
    text = POD + "...\n---\n" + POD.replace("name: web", "name: api") + "...\n"
    assert [d["metadata"]["name"] for d, _ in loaded(text)] == ["web", "api"]


def test_anchors_do_not_cross_documents():
    text = """\
base: &labels {app: shop, tier: backend}
ports: &ports
- {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: prod
  labels:
    <<: *labels
    tier: api
spec:
  containers:
  - name: api
    ports: *ports
"""
    # Anchors live in their document, as in YAML: the second document cannot see them.
    assert refused(text).message == "alias *labels is recursive or undefined"


def test_sensible_anchors_and_merges_load():
    one = """\
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: prod
  labels: &labels {app: shop, tier: backend}
  annotations:
    <<: *labels
    tier: api
spec:
  containers:
  - name: api
    ports: &ports [{name: http, containerPort: 8080}]
  - name: sidecar
    ports: *ports
"""
    (m,) = load_manifests(one, "a.yaml")
    assert m.data["metadata"]["annotations"] == {"app": "shop", "tier": "api"}
    assert m.data["spec"]["containers"][1]["ports"] == [{"name": "http", "containerPort": 8080}]


def test_quoted_values_stay_strings():
    (doc, _, _), = parse_yaml("a: \"80\"\nb: '80'\nc: \"true\"\nd: 'null'\ne: \"1:20\"\nf: \"0x50\"")
    assert doc == {"a": "80", "b": "80", "c": "true", "d": "null", "e": "1:20", "f": "0x50"}


def test_kind_list_and_typed_lists_unpack_with_file_lines():
    items = "".join(f"- {{apiVersion: v1, kind: Namespace, metadata: {{name: ns{i}}}}}\n" for i in range(3))
    for kind in ("List", "NamespaceList"):
        manifests = load_manifests(f"apiVersion: v1\nkind: {kind}\nitems:\n{items}", "l.yaml")
        assert [(m.data["metadata"]["name"], m.line()) for m in manifests] == [
            ("ns0", 4), ("ns1", 5), ("ns2", 6)]


def test_an_empty_list_has_no_objects():
    assert load_manifests("apiVersion: v1\nkind: List\nitems: []\n", "l.yaml") == []
    assert load_manifests("apiVersion: v1\nkind: List\nitems:\n", "l.yaml") == []


# --- the output of `kubectl get ns,pods,netpol -A -o yaml` ------------------------------------


def test_a_kubectl_dump_loads_as_it_is():
    cluster = load_cluster([(DUMP, "dump.yaml")])
    assert list(cluster.namespaces) == ["default", "dev", "kube-system", "prod"]
    assert cluster.namespaces["prod"].labels == {
        "env": "prod", "kubernetes.io/metadata.name": "prod", "team": "shop"}
    pods = {p.key: p for p in cluster.pods}
    assert pods["kube-system/coredns-668d6bf9bc-7xq2p"].named_port("dns", "UDP") == 53
    assert pods["kube-system/kube-proxy-9wz4m"].ip == "172.18.0.2"  # hostNetwork
    assert pods["prod/db-0"].ip == "10.244.2.7"
    assert pods["dev/pending"].ip is None
    assert [(p.key, p.policy_types) for p in cluster.policies] == [
        ("prod/default-deny", ("Ingress", "Egress")), ("prod/db-policy", ("Ingress",)),
        ("prod/api-policy", ("Ingress", "Egress"))]
    lines = DUMP.splitlines()
    for p in cluster.policies:
        assert lines[p.line - 1] == "- apiVersion: networking.k8s.io/v1"


def test_a_kubectl_dump_evaluates():
    analyzer = Analyzer(load_cluster([(DUMP, "dump.yaml")]))
    assert analyzer.check("prod/api", "prod/db-0", 3306).allowed
    assert not analyzer.check("prod/web-5d8f7c9b6d-k4x8t", "prod/db-0", 3306).allowed
    assert analyzer.check("dev/client", "prod/api", 8080).allowed  # namespace env In (dev, staging)
    assert analyzer.check("prod/api", "kube-system/coredns-668d6bf9bc-7xq2p", 53, "UDP").allowed


def test_the_same_dump_as_tab_indented_json_loads_the_same_cluster():
    as_json = json.dumps(yaml.safe_load(DUMP), indent="\t")
    from_yaml = load_cluster([(DUMP, "dump.yaml")])
    from_json = load_cluster([(as_json, "dump.json")])
    assert from_json.namespaces == from_yaml.namespaces
    assert [(p.key, p.ip, p.ports) for p in from_json.pods] == [
        (p.key, p.ip, p.ports) for p in from_yaml.pods]
    assert [p.key for p in from_json.policies] == [p.key for p in from_yaml.policies]


def test_a_kubectl_dump_with_crlf_and_a_bom_loads_the_same():
    mangled = ("\ufeff" + DUMP.replace("\n", "\r\n")).encode()
    assert load_cluster([(mangled, "dump.yaml")]) == load_cluster([(DUMP, "dump.yaml")])
