"""The playground: any cluster and policies, the stages' panel, messages for bad input."""

import pytest
from django.urls import reverse

from trainer.limits import limits
from trainer.playground.world import example

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

# What `kubectl get ns,pods,netpol -A -o yaml` prints, cut down: one List, server fields and all.
KUBECTL_LIST = """\
apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    creationTimestamp: "2026-01-01T00:00:00Z"
    labels:
      kubernetes.io/metadata.name: shop
    name: shop
    resourceVersion: "1"
    uid: 0b6c7c1e-0000-0000-0000-000000000001
  spec:
    finalizers:
    - kubernetes
  status:
    phase: Active
- apiVersion: v1
  kind: Pod
  metadata:
    labels:
      app: web
    name: web
    namespace: shop
  spec:
    containers:
    - image: nginx:1.27
      name: web
      ports:
      - containerPort: 80
        protocol: TCP
  status:
    phase: Running
    podIP: 10.1.0.5
    podIPs:
    - ip: 10.1.0.5
- apiVersion: v1
  kind: Pod
  metadata:
    labels:
      app: db
    name: db
    namespace: shop
  spec:
    containers:
    - image: postgres:16
      name: db
      ports:
      - containerPort: 5432
        protocol: TCP
  status:
    podIP: 10.1.0.6
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: deny-all
    namespace: shop
  spec:
    podSelector: {}
    policyTypes:
    - Ingress
kind: List
metadata:
  resourceVersion: ""
"""

ALLOW_WEB_TO_DB = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-from-web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: db
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - port: 5432
"""


def evaluate(client, cluster, policies, **extra):
    return client.post(reverse("playground:evaluate"), {"cluster": cluster, "yaml": policies},
                       **HTMX, **extra)


def test_the_playground_opens_with_an_example_and_the_panel(client):
    html = client.get("/playground/").content.decode()
    assert 'id="cluster"' in html and 'id="yaml"' in html and '<table class="matrix"' in html
    assert "name: api-pod" in html and "Share" in html


def test_a_kubectl_list_with_its_policies_and_the_learners_on_top(client):
    html = evaluate(client, KUBECTL_LIST, ALLOW_WEB_TO_DB).content.decode()
    assert html.lstrip().startswith('<section id="result"') and '<table class="matrix"' in html
    assert 'value="shop/web&gt;shop/db&gt;5432/TCP"' in html
    answer = client.post(reverse("playground:probe"), {
        "cluster": KUBECTL_LIST, "yaml": ALLOW_WEB_TO_DB, "probe_from": "shop/web", "probe_to": "shop/db",
        "probe_port": "5432", "probe_protocol": "TCP"}, **HTMX).content.decode()
    assert "allowed" in answer and "db-from-web" in answer
    # without the learner's policy the cluster's own deny-all decides
    denied = client.post(reverse("playground:explain"), {
        "cluster": KUBECTL_LIST, "yaml": "", "cell": "shop/web>shop/db>5432/TCP"}, **HTMX).content.decode()
    assert "denied" in denied and "deny-all" in denied


def test_bad_cluster_yaml_is_a_message_naming_the_cluster_and_its_line_not_a_500(client):
    response = evaluate(client, "kind: List\nitems: [\n", ALLOW_WEB_TO_DB)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your YAML has 1 problem" in html and "Cluster, line" in html
    assert 'data-error-lines=""' in html  # not marked in the policies' editor


def test_a_bad_policy_names_the_policies_its_object_field_and_line(client):
    bad = ALLOW_WEB_TO_DB.replace("port: 5432", "port: 70000")
    html = evaluate(client, KUBECTL_LIST, bad).content.decode()
    assert "Policies: NetworkPolicy shop/db-from-web: spec.ingress[0].ports[0].port" in html
    assert 'data-error-lines="16"' in html


def test_a_text_over_the_web_limit_is_a_message(client):
    too_long = "#" * (limits().web.max_bytes + 1)
    html = evaluate(client, too_long, "").content.decode()
    assert f"the limit is {limits().web.max_bytes} bytes" in html
    assert "Not kept as your draft" in html


def test_a_cluster_too_large_for_the_panel_is_a_message_about_the_panel(client):
    pods = "".join(f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: big}}\n"
                   for i in range(80))
    html = evaluate(client, pods, "").content.decode()
    assert "The panel shows at most" in html and "this cluster has 80 pods" in html
    too_long = "#" * (limits().web.max_bytes + 1)
    html = evaluate(client, KUBECTL_LIST, too_long).content.decode()
    assert '<span class="where">Policies</span>' in html


def test_the_playground_keeps_its_draft_and_resets_to_the_example(client):
    evaluate(client, KUBECTL_LIST, ALLOW_WEB_TO_DB)
    html = client.get("/playground/").content.decode()
    assert "db-from-web" in html and "This is your draft" in html
    assert client.post(reverse("playground:reset"))["Location"] == "/playground/"
    assert "db-from-web" not in client.get("/playground/").content.decode()
    cluster, policies = example()
    evaluate(client, cluster, policies)
    assert "This is your draft" not in client.get("/playground/").content.decode()


def test_the_whole_page_comes_back_without_javascript(client):
    response = client.post(reverse("playground:evaluate"), {"cluster": KUBECTL_LIST, "yaml": ALLOW_WEB_TO_DB})
    assert response.status_code == 200 and "<html" in response.content.decode()


def test_a_form_without_its_fields_is_a_400_and_csrf_is_enforced(client, csrf_client):
    assert client.post(reverse("playground:evaluate"), {"yaml": ""}).status_code == 400
    assert csrf_client.post(reverse("playground:evaluate"), {"cluster": "", "yaml": ""}).status_code == 403


def test_the_nav_links_the_playground(client):
    assert 'href="/playground/"' in client.get("/").content.decode()
