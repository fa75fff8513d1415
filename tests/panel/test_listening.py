"""The panel says when the policies allow a port nothing listens on: the matrix marks the cell and
names it so, the explanation and the probe say it in a sentence; the headline is not affected."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from trainer.netpol.build import load_cluster
from trainer.panel.panel import evaluate, explain
from trainer.panel.world import Target, World

CLUSTER = """
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {role: web}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {role: db}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 3306}]}]}
status: {podIP: 10.0.0.2}
"""

# The DB admits the web pod on every port: TCP 80 and 3307 are allowed, nothing listens there.
ALL_PORTS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: prod}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{podSelector: {matchLabels: {role: web}}}]}]
"""
DENY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: prod}
spec: {podSelector: {matchLabels: {role: db}}}
"""


@pytest.fixture(scope="module")
def world():
    return World(cluster=load_cluster([(CLUSTER, "c.yaml")]), externals=(("203.0.113.5", "internet"),),
                 ports=((3306, "TCP"), (80, "TCP")), target=Target("prod/db", 3306, label="the DB"),
                 apply_namespace="prod")


def cell(evaluation, src: str, dst: str, port: str):
    row = next(r for r in evaluation.matrix.rows if r.members[0] == src)
    column = next(i for i, c in enumerate(evaluation.matrix.columns) if c.members[0] == dst)
    return next(c for c in row.cells[column] if c.port == port)


def test_a_cell_allowed_on_a_port_its_destination_does_not_declare_is_marked_and_named(world):
    evaluation = evaluate(world, ALL_PORTS)
    quiet = cell(evaluation, "prod/web", "prod/db", "TCP 80")
    assert quiet.allowed and quiet.unheard and quiet.css == "yes unheard"
    assert quiet.title == "prod/web to prod/db on TCP 80: allowed, but nothing listens there. Explain"
    declared = cell(evaluation, "prod/web", "prod/db", "TCP 3306")
    assert declared.allowed and not declared.unheard and declared.css == "yes"
    assert declared.title == "prod/web to prod/db on TCP 3306: allowed. Explain"
    assert evaluation.matrix.unheard


def test_denied_cells_pods_declaring_no_ports_and_outside_hosts_get_no_mark(world):
    evaluation = evaluate(world, ALL_PORTS)
    assert not cell(evaluation, "203.0.113.5", "prod/db", "TCP 80").unheard  # denied
    assert cell(evaluation, "prod/db", "prod/web", "TCP 80").allowed  # declares no ports
    assert not cell(evaluation, "prod/db", "prod/web", "TCP 80").unheard
    assert not cell(evaluation, "prod/web", "203.0.113.5", "TCP 80").unheard  # outside the cluster
    closed = evaluate(world, DENY)
    assert not cell(closed, "prod/web", "prod/db", "TCP 80").allowed  # denied, so not quiet
    # A pod may always reach itself, and nothing listens on the DB's TCP 80 there either.
    assert [(r.members[0], c.port) for r in closed.matrix.rows for column in r.cells for c in column
            if c.unheard] == [("prod/db", "TCP 80")]


def test_the_headline_is_about_its_own_port_only(world):
    evaluation = evaluate(world, ALL_PORTS)
    assert evaluation.headline.question == "Who can reach the DB (prod/db) on TCP 3306?"
    assert evaluation.headline.answer == "Only prod/web."


def test_the_explanation_says_nothing_listens_there(world):
    answer = explain(world, ALL_PORTS, "prod/web", "prod/db", 80, "TCP")
    assert answer.verdict.allowed and answer.unheard
    assert answer.listening == ("Allowed by the policies, but nothing listens on TCP 80 in prod/db "
                                "(it declares TCP 3306 only).")


def test_the_probe_says_it_of_any_port(world):
    answer = explain(world, ALL_PORTS, "prod/web", "prod/db", "3307", "tcp")
    assert answer.listening == ("Allowed by the policies, but nothing listens on TCP 3307 in prod/db "
                                "(it declares TCP 3306 only).")
    udp = explain(world, ALL_PORTS, "prod/web", "prod/db", "3306", "UDP")
    assert udp.unheard and "nothing listens on UDP 3306 in prod/db" in udp.listening


def test_a_declared_port_a_denial_and_an_outside_host_say_nothing_of_listening(world):
    for src, dst, port in (("prod/web", "prod/db", 3306), ("203.0.113.5", "prod/db", 3307),
                           ("prod/db", "203.0.113.5", 443)):
        answer = explain(world, ALL_PORTS, src, dst, port, "TCP")
        assert answer.listening == "" and not answer.unheard, (src, dst, port)


def test_a_pod_declaring_no_ports_cannot_be_told(world):
    answer = explain(world, ALL_PORTS, "prod/db", "prod/web", 80, "TCP")
    assert answer.verdict.allowed and not answer.unheard
    assert answer.listening == (
        "Allowed by the policies; prod/web declares no container ports, so whether anything listens "
        "on TCP 80 cannot be told (Kubernetes does not require the declarations).")


def test_the_rendered_matrix_and_explanation_say_it(world):
    evaluation = evaluate(world, ALL_PORTS)
    context = {"evaluation": evaluation, "urls": {"explain": "/explain/", "probe": "/probe/"}}
    html = render_to_string("panel/panel.html#result", context)
    assert ('<td class="cell yes unheard" role="gridcell"><button type="submit" name="cell" '
            'value="prod/web&gt;prod/db&gt;80/TCP" formaction="/explain/#explanation" '
            'aria-label="prod/web to prod/db on TCP 80: allowed, but nothing listens there. Explain">'
            '✓<span class="unheard-mark" aria-hidden="true">∅</span></button></td>') in html
    assert "allowed, but nothing listens there: the destination declares no such container port" in html
    readonly = render_to_string("panel/panel.html#result", {**context, "urls": {}})
    assert ('<span role="img" aria-label="prod/web to prod/db on TCP 80: allowed, but nothing listens '
            'there">✓<span class="unheard-mark" aria-hidden="true">∅</span></span>') in readonly
    answer = explain(world, ALL_PORTS, "prod/web", "prod/db", 80, "TCP")
    shown = render_to_string("panel/panel.html#explanation", {"explanation": answer, "kind": "probe"})
    assert ('<p class="listening unheard">Allowed by the policies, but nothing listens on TCP 80 in '
            'prod/db (it declares TCP 3306 only).</p>') in shown
    quiet = World(cluster=load_cluster([(CLUSTER, "c.yaml")]), ports=((3306, "TCP"),), apply_namespace="prod")
    plain = render_to_string("panel/panel.html#result", {**context, "evaluation": evaluate(quiet, ALL_PORTS)})
    assert "unheard" not in plain and "nothing listens" not in plain  # no mark, no legend entry
