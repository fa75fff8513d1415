"""The engine's own defences against what a hostile file can make it say or skip."""

from __future__ import annotations

import pytest

from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.problems import InputError, format_path

NESTED = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: List
  items:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicyList
    items:
    - metadata: {name: deny, namespace: prod}
      spec:
        podSelector: {}
        ingress:
        - ports: [{port: %s}]
"""


def problems(text: str) -> list:
    with pytest.raises(InputError) as exc:
        load_cluster([(text, "t.yaml")])
    return exc.value.problems


def test_lists_inside_lists_are_flattened_as_kubectl_does():
    cluster = load_cluster([(NESTED % 80, "t.yaml")])
    assert [p.key for p in cluster.policies] == ["prod/deny"] and cluster.ignored == ()


def test_a_problem_inside_nested_lists_has_its_line_and_path():
    [problem] = problems(NESTED % 0)
    assert (problem.line, problem.obj, problem.path) == (
        14, "NetworkPolicy prod/deny", "spec.ingress[0].ports[0].port")


def test_a_bad_item_of_a_nested_list_names_where_it_is():
    [problem] = problems("kind: List\nitems:\n- kind: List\n  items: [{kind: Pod}, 5]\n")
    assert (problem.obj, problem.path, problem.message) == (
        "List", "items[0].items[1]", "is a number, not an object")


def test_a_huge_list_kind_is_clipped():
    [problem] = problems("kind: " + "X" * 5000 + "List\nitems: 5\n")
    assert len(str(problem)) < 200 and problem.obj.endswith("...")


@pytest.mark.parametrize("name", ["x\x1b[31m", "\u202eevil", "n" * 5000, "a\nb"])
def test_an_objects_name_is_echoed_escaped_and_clipped(name):
    escaped = name.encode("unicode_escape").decode()
    text = f'apiVersion: v1\nkind: Namespace\nmetadata: {{name: "{escaped}"}}\n'
    [problem] = problems(text)
    assert problem.obj.isprintable() and problem.obj.isascii() and len(problem.obj) < 100


@pytest.mark.parametrize("key", ["k" * 5000, "\x1b]0;owned\x07", "\u202e", "a\nb"])
def test_a_key_in_a_field_path_is_escaped_and_clipped(key):
    path = format_path(("spec", key, 0))
    assert path.isprintable() and path.isascii() and len(path) < 60


def test_an_unknown_pod_is_named_escaped_and_clipped():
    analyzer = Analyzer(load_cluster([("", "t.yaml")]))
    for spec in ("prod/" + "x" * 5000, "prod/\x1b[31m", "x" * 5000):
        with pytest.raises(KeyError) as exc:
            analyzer.endpoint(spec)
        assert len(exc.value.args[0]) < 200 and "\x1b" not in exc.value.args[0]


def test_an_explanation_names_ten_isolating_policies_and_counts_the_rest():
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: prod}\nstatus: {podIP: 10.0.0.1}\n"
    policies = "".join(f"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                       f"metadata: {{name: p{i}, namespace: prod}}\nspec: {{podSelector: {{}}}}\n"
                       for i in range(300))
    verdict = Analyzer(load_cluster([(pod + policies, "t.yaml")])).check("10.9.9.9", "prod/db", 80)
    assert not verdict.allowed
    assert "isolated by prod/p0, prod/p1," in verdict.ingress.text and "and 290 more" in verdict.ingress.text
    assert len(verdict.explanation) < 2000
