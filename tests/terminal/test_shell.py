"""The lab's simulated shell: each command's output, describe in kubectl's layout, nc/curl as
the engine decides."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lab.lab_fixtures import CLUSTER, SOLUTION
from trainer.limits import CONTENT
from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.evaluation import Analyzer
from trainer.panel.panel import explain
from trainer.panel.world import World
from trainer.terminal import Baseline, Changes, current_cluster, run
from trainer.terminal.manifests import policy_manifest
from trainer.terminal.text import human_duration, tabwrite

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=5)
OUTSIDE = "203.0.113.10"
BUG = "could not run that command"


@pytest.fixture(scope="module")
def baseline():
    return Baseline.from_text(CLUSTER, externals=(OUTSIDE,), limits=CONTENT)


class Lab:
    """A terminal session: each call runs one line and keeps the changes."""

    def __init__(self, baseline, editor=""):
        self.baseline, self.editor, self.changes = baseline, editor, Changes.fresh(T0)
        self.outcome = None

    def __call__(self, line: str, editor: str | None = None) -> str:
        self.outcome = run(line, self.baseline, self.changes,
                           editor=self.editor if editor is None else editor, now=NOW)
        self.changes = self.outcome.changes
        assert BUG not in self.outcome.output
        return self.outcome.output

    def apply(self, yaml_text: str) -> str:
        return self("kubectl apply -f -", editor=yaml_text)


@pytest.fixture
def lab(baseline):
    return Lab(baseline)


def policy(name, namespace, spec):
    return (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            f"metadata: {{name: {name}, namespace: {namespace}}}\nspec: {spec}\n")


# --- kubectl get ----------------------------------------------------------------

def test_get_pods_in_a_namespace_is_kubectls_table(lab):
    assert lab("kubectl get pods -n prod") == (
        "NAME      READY   STATUS    RESTARTS   AGE\n"
        "api-pod   1/1     Running   0          5m\n"
        "db        1/1     Running   0          5m\n"
        "web       1/1     Running   0          5m")


def test_get_pods_everywhere_with_labels_adds_namespace_and_labels_columns(lab):
    assert lab("kubectl get pods -A --show-labels") == (
        "NAMESPACE     NAME      READY   STATUS    RESTARTS   AGE   LABELS\n"
        "dev           api-pod   1/1     Running   0          5m    name=api-pod\n"
        "kube-system   coredns   1/1     Running   0          5m    k8s-app=kube-dns\n"
        "prod          api-pod   1/1     Running   0          5m    name=api-pod\n"
        "prod          db        1/1     Running   0          5m    role=db\n"
        "prod          web       1/1     Running   0          5m    app=web")


def test_get_pods_wide_shows_each_pods_ip(lab):
    out = lab("k get po -n prod -o wide")
    assert out.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE",
                                           "NOMINATED", "NODE", "READINESS", "GATES"]
    assert "db        1/1     Running   0          5m    10.1.0.10   node01" in out


def test_get_namespaces_shows_the_automatic_name_label_and_default(lab):
    assert lab("kubectl get ns --show-labels") == (
        "NAME          STATUS   AGE   LABELS\n"
        "default       Active   5m    kubernetes.io/metadata.name=default\n"
        "dev           Active   5m    env=dev,kubernetes.io/metadata.name=dev\n"
        "kube-system   Active   5m    kubernetes.io/metadata.name=kube-system\n"
        "prod          Active   5m    env=prod,kubernetes.io/metadata.name=prod")


def test_get_netpol_shows_the_pod_selector_and_one_by_name(lab):
    assert lab("kubectl get netpol -A") == (
        "NAMESPACE   NAME         POD-SELECTOR   AGE\n"
        "prod        web-policy   app=web        5m")
    assert lab("kubectl get networkpolicy web-policy -n prod") == (
        "NAME         POD-SELECTOR   AGE\n"
        "web-policy   app=web        5m")
    assert lab("kubectl get netpol nope -n prod") == (
        'Error from server (NotFound): networkpolicies.networking.k8s.io "nope" not found')


@pytest.mark.parametrize("names", [("pods", "pod", "po", "pod/"),
                                   ("namespaces", "namespace", "ns", "ns/"),
                                   ("networkpolicies", "networkpolicy", "netpol", "netpol/")])
def test_long_and_short_resource_names_list_the_same(lab, names):
    outputs = {lab(f"kubectl get {n} -n prod") for n in names[:3]}
    assert len(outputs) == 1


@pytest.mark.parametrize("selector, expected", [
    ("name=api-pod", ["dev/api-pod", "prod/api-pod"]),
    ("name==api-pod", ["dev/api-pod", "prod/api-pod"]),
    ("name!=api-pod", ["kube-system/coredns", "prod/db", "prod/web"]),
    ("role in (db,cache)", ["prod/db"]),
    ("app notin (web)", ["dev/api-pod", "kube-system/coredns", "prod/api-pod", "prod/db"]),
    ("k8s-app", ["kube-system/coredns"]),
    ("!name,!app", ["kube-system/coredns", "prod/db"]),
    ("name=api-pod,role=db", []),
])
def test_label_selectors_pick_pods_as_apimachinery_does(lab, selector, expected):
    out = lab(f"kubectl get pods -A -l '{selector}' -o name")
    names = sorted(line.removeprefix("pod/") for line in out.splitlines() if line.startswith("pod/"))
    assert names == sorted(e.split("/")[1] for e in expected)
    if not expected:
        assert out == "No resources found"


def test_a_bad_selector_gets_a_message(lab):
    assert lab("kubectl get pods -l 'role in (db'").startswith("error: ")
    assert lab("kubectl get pods -l 'a b'") == "error: unable to parse requirement: 'a b'"


def test_yaml_output_loads_back_into_the_same_cluster(lab, baseline):
    lab.apply(SOLUTION)
    lab("kubectl label ns dev team=blue")
    out = lab("kubectl get ns,pods,netpol -A -o yaml")
    assert out.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n")
    assert out.endswith("kind: List\nmetadata:\n  resourceVersion: \"\"")
    again = load_cluster([(out, "kubectl")])
    now = current_cluster(baseline, lab.changes)
    assert {p.key: (dict(p.labels), p.ip, p.ports) for p in again.pods} == {
        p.key: (dict(p.labels), p.ip, p.ports) for p in now.pods}
    assert {k: dict(n.labels) for k, n in again.namespaces.items()} == {
        k: dict(n.labels) for k, n in now.namespaces.items()}
    assert sorted(map(policy_manifest, again.policies), key=str) == sorted(
        map(policy_manifest, now.policies), key=str)


def test_one_named_object_prints_alone_and_json_sorts_keys(lab):
    out = lab("kubectl get netpol web-policy -n prod -o yaml")
    assert out.startswith("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
                          "  creationTimestamp: \"2026-11-26T10:00:00Z\"\n")
    assert "  - ports:\n    - port: 80\n      protocol: TCP\n" in out
    out = lab("kubectl get pod db -n prod -o json")
    assert out.startswith('{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {\n')
    assert '"image": "mysql:8.4"' in out and '"podIP": "10.1.0.10"' in out


def test_several_types_prefix_their_names_and_empty_lists_say_so(lab):
    out = lab("kubectl get pods,netpol -n prod")
    assert "pod/db " in out and "networkpolicy.networking.k8s.io/web-policy " in out
    assert "\n\nNAME " in out
    assert lab("kubectl get netpol -n dev") == "No resources found in dev namespace."
    assert lab("kubectl get pods") == "No resources found in default namespace."


def test_names_across_all_namespaces_are_refused_as_kubectl_does(lab):
    assert lab("kubectl get pods db -A") == (
        "error: a resource cannot be retrieved by name across all namespaces")


# --- kubectl describe, against kubectl's own layout ---------------------------------------------------

def described(lab, name, namespace, yaml_text):
    assert "created" in lab.apply(yaml_text)
    return lab(f"kubectl describe netpol {name} -n {namespace}")


HEADER = ("Name:         {name}\n"
          "Namespace:    {ns}\n"
          "Created on:   2026-11-26 10:05:00 +0000 UTC\n"
          "Labels:       <none>\n"
          "Annotations:  <none>\n")


def test_describe_default_deny_matches_kubectl(lab):
    out = described(lab, "default-deny-ingress", "prod",
                    policy("default-deny-ingress", "prod", "{podSelector: {}, policyTypes: [Ingress]}"))
    assert out == HEADER.format(name="default-deny-ingress", ns="prod") + (
        "Spec:\n"
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n"
        "  Allowing ingress traffic:\n"
        "    <none> (Selected pods are isolated for ingress connectivity)\n"
        "  Not affecting egress traffic\n"
        "  Policy Types: Ingress")


def test_describe_port_and_pod_selector_peer_matches_kubectl(lab):
    out = described(lab, "payroll-policy", "prod", policy(
        "payroll-policy", "prod",
        "{podSelector: {matchLabels: {name: payroll}}, policyTypes: [Ingress],"
        " ingress: [{from: [{podSelector: {matchLabels: {name: internal}}}], ports: [{port: 8080}]}]}"))
    assert out.split("Spec:\n")[1] == (
        "  PodSelector:     name=payroll\n"
        "  Allowing ingress traffic:\n"
        "    To Port: 8080/TCP\n"
        "    From:\n"
        "      PodSelector: name=internal\n"
        "  Not affecting egress traffic\n"
        "  Policy Types: Ingress")


def test_describe_ipblock_and_any_port_matches_kubectl(lab):
    out = described(lab, "from-outside", "prod", policy(
        "from-outside", "prod",
        "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [172.16.0.0/16]}}]}]}"))
    assert out.split("Spec:\n")[1] == (
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n"
        "  Allowing ingress traffic:\n"
        "    To Port: <any> (traffic allowed to all ports)\n"
        "    From:\n"
        "      IPBlock:\n"
        "        CIDR: 0.0.0.0/0\n"
        "        Except: 172.16.0.0/16\n"
        "  Not affecting egress traffic\n"
        "  Policy Types: Ingress")


def test_describe_both_directions_matches_kubectl(lab):
    out = described(lab, "backend", "prod", policy(
        "backend", "prod",
        "{podSelector: {matchLabels: {app: backend}}, policyTypes: [Ingress, Egress],"
        " ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}],"
        " egress: [{to: [{podSelector: {}}]}]}"))
    assert out.split("Spec:\n")[1] == (
        "  PodSelector:     app=backend\n"
        "  Allowing ingress traffic:\n"
        "    To Port: <any> (traffic allowed to all ports)\n"
        "    From:\n"
        "      PodSelector: app=frontend\n"
        "  Allowing egress traffic:\n"
        "    To Port: <any> (traffic allowed to all ports)\n"
        "    To:\n"
        "      PodSelector: <none>\n"
        "  Policy Types: Ingress, Egress")


def test_describe_separates_rules_and_shows_and_peers_ranges_and_any_source(lab):
    out = described(lab, "mixed", "prod", policy(
        "mixed", "prod",
        "{podSelector: {matchExpressions: [{key: tier, operator: In, values: [web, api]},"
        " {key: legacy, operator: DoesNotExist}]},"
        " policyTypes: [Egress, Ingress],"
        " ingress: [{ports: [{port: 80}]}],"
        " egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}],"
        "           ports: [{port: 53, protocol: TCP}, {port: 53, protocol: UDP}]},"
        "          {to: [{namespaceSelector: {matchLabels: {env: prod}},"
        " podSelector: {matchLabels: {role: db}}}],"
        "           ports: [{port: 3300, endPort: 3310}, {protocol: SCTP}]}]}"))
    assert out.split("Spec:\n")[1] == (
        "  PodSelector:     !legacy,tier in (api,web)\n"
        "  Allowing ingress traffic:\n"
        "    To Port: 80/TCP\n"
        "    From: <any> (traffic not restricted by source)\n"
        "  Allowing egress traffic:\n"
        "    To Port: 53/TCP\n"
        "    To Port: 53/UDP\n"
        "    To:\n"
        "      NamespaceSelector: kubernetes.io/metadata.name=kube-system\n"
        "    ----------\n"
        "    To Port Range: 3300-3310/TCP\n"
        "    To Port: <nil>/SCTP\n"
        "    To:\n"
        "      NamespaceSelector: env=prod\n"
        "      PodSelector: role=db\n"
        "  Policy Types: Egress, Ingress")


def test_describe_egress_only_says_ingress_is_not_affected(lab):
    out = described(lab, "deny-egress", "prod", policy("deny-egress", "prod",
                                                       "{podSelector: {}, policyTypes: [Egress]}"))
    assert out.split("Spec:\n")[1] == (
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n"
        "  Not affecting ingress traffic\n"
        "  Allowing egress traffic:\n"
        "    <none> (Selected pods are isolated for egress connectivity)\n"
        "  Policy Types: Egress")


def test_describe_a_cluster_policy_and_all_of_a_namespace(lab):
    one = lab("kubectl describe netpol web-policy -n prod")
    assert one.startswith(HEADER.format(name="web-policy", ns="prod").replace("10:05:00", "10:00:00"))
    lab.apply(SOLUTION)
    both = lab("kubectl describe networkpolicies -n prod")
    assert both.index("Name:         db-policy") < both.index("\n\nName:         web-policy")
    assert lab("kubectl describe netpol nope -n prod") == (
        'Error from server (NotFound): networkpolicies.networking.k8s.io "nope" not found')


def test_describe_namespace_aligns_its_labels(lab):
    assert lab("kubectl describe ns prod") == (
        "Name:         prod\n"
        "Labels:       env=prod\n"
        "              kubernetes.io/metadata.name=prod\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.")


# --- kubectl apply / delete / label ----------------------------------------------

def test_apply_creates_then_leaves_unchanged_then_configures(lab):
    assert lab.apply(SOLUTION) == "networkpolicy.networking.k8s.io/db-policy created"
    assert lab.apply(SOLUTION) == "networkpolicy.networking.k8s.io/db-policy unchanged"
    assert lab.apply(SOLUTION.replace("3306", "3307")) == (
        "networkpolicy.networking.k8s.io/db-policy configured")
    assert lab.apply(policy("web-policy", "prod", "{podSelector: {}}")) == (
        "networkpolicy.networking.k8s.io/web-policy configured")


def test_apply_reports_yaml_and_validation_errors_as_kubectl_with_the_engines_words(lab):
    assert lab.apply("a: [\n") == ("error: error parsing STDIN: error converting YAML to JSON: yaml: "
                                   "line 1: the '[' at column 4 is never closed: end the list with ']'")
    out = lab.apply(policy("bad", "prod",
                           "{podSelector: {}, ingress: [{ports: [{port: 3306, endPort: 80}]}]}"))
    assert out == ('The NetworkPolicy "bad" is invalid: spec.ingress[0].ports[0].endPort: '
                   "Invalid value: 80: must be greater than or equal to `port` (line 4)")
    assert lab.changes.is_pristine


def test_apply_needs_an_existing_namespace_and_honours_dash_n(lab):
    assert lab.apply(policy("p", "nowhere", "{podSelector: {}}")) == (
        'Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found')
    no_namespace = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                    "metadata: {name: p}\nspec: {podSelector: {}}\n")
    assert lab("kubectl apply -n dev -f -", editor=no_namespace) == (
        "networkpolicy.networking.k8s.io/p created")
    assert "p      <none>" in lab("kubectl get netpol -n dev")
    assert lab("kubectl apply -f -", editor=no_namespace) == "networkpolicy.networking.k8s.io/p created"
    assert "p      <none>" in lab("kubectl get netpol")
    assert lab("kubectl apply -n dev -f -", editor=SOLUTION).startswith(
        'error: the namespace from the provided object "prod" does not match the namespace "dev".')


def test_apply_takes_policies_only_and_needs_the_editor(lab):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: prod}\n---\n"
    assert lab.apply(pod + SOLUTION) == (
        "error: the practice lab applies NetworkPolicies only; Pod prod/x was left alone\n"
        "networkpolicy.networking.k8s.io/db-policy created")
    assert lab.apply("  \n") == "error: no objects passed to apply"
    assert lab("kubectl apply -f policy.yaml").startswith('error: the path "policy.yaml" does not exist')
    assert lab("kubectl apply") == "error: must specify one of -f and -k"


def test_dry_run_changes_nothing(lab):
    assert lab("kubectl apply --dry-run=client -f -", editor=SOLUTION) == (
        "networkpolicy.networking.k8s.io/db-policy created (dry run)")
    assert lab.changes.is_pristine


def test_delete_removes_lab_and_cluster_policies_and_reset_brings_them_back(lab):
    lab.apply(SOLUTION)
    assert "timed out" in lab("kubectl exec -n prod web -- nc -zv -w 2 10.1.0.10 3306")
    assert lab("kubectl delete netpol db-policy -n prod") == (
        'networkpolicy.networking.k8s.io "db-policy" deleted')
    assert "succeeded" in lab("kubectl exec -n prod web -- nc -zv -w 2 10.1.0.10 3306")
    assert lab("kubectl delete netpol db-policy -n prod") == (
        'Error from server (NotFound): networkpolicies.networking.k8s.io "db-policy" not found')
    assert lab("kubectl delete networkpolicy/web-policy -n prod") == (
        'networkpolicy.networking.k8s.io "web-policy" deleted')
    assert lab("kubectl get netpol -A") == "No resources found"
    assert lab("reset") == "The lab is back as the exercise starts."
    assert lab.outcome.action == "reset"
    assert "web-policy" in lab("kubectl get netpol -A")


def test_delete_refuses_pods_and_needs_a_name(lab):
    assert lab("kubectl delete pod db -n prod").startswith("error: the practice lab keeps its pods")
    assert lab("kubectl delete netpol -n prod") == (
        "error: resource(s) were provided, but no name was specified")
    assert lab("kubectl delete netpol --all -n prod") == (
        'networkpolicy.networking.k8s.io "web-policy" deleted')


def test_labelling_a_namespace_changes_who_a_namespace_selector_admits(lab):
    lab.apply(policy("db-policy", "prod",
                     "{podSelector: {matchLabels: {role: db}},"
                     " ingress: [{from: [{namespaceSelector: {matchLabels: {env: trusted}}}]}]}"))
    probe = "kubectl exec -n dev api-pod -- nc -zv -w 2 10.1.0.10 3306"
    assert "timed out" in lab(probe)
    assert lab("kubectl label ns dev env=trusted") == (
        "error: 'env' already has a value (dev), and --overwrite is false")
    assert lab("kubectl label ns dev env=trusted --overwrite") == "namespace/dev labeled"
    assert "succeeded" in lab(probe)
    assert "env=trusted" in lab("kubectl get ns dev --show-labels")
    assert lab("kubectl label namespace dev env-") == "namespace/dev unlabeled"
    assert "timed out" in lab(probe)


def test_labelling_a_pod_changes_who_a_pod_selector_admits(lab):
    lab.apply(SOLUTION)
    probe = "kubectl exec -n prod web -- nc -zv -w 2 10.1.0.10 3306"
    assert "timed out" in lab(probe)
    assert lab("kubectl label pod web name=api-pod -n prod") == "pod/web labeled"
    assert "succeeded" in lab(probe)
    assert lab("kubectl label pod web name=api-pod -n prod") == "pod/web not labeled"


def test_label_mistakes_get_kubectls_messages(lab):
    assert lab("kubectl label ns dev 'bad key=x'").startswith(
        'The Namespace "dev" is invalid: metadata.labels: Invalid value: "bad key": name part must consist')
    assert lab("kubectl label ns dev a=b=c") == "error: invalid label spec: a=b=c"
    assert lab("kubectl label ns dev a=' x'").startswith(
        'error: invalid label value: "a= x": a valid label must')
    assert lab("kubectl label ns dev") == "error: at least one label update is required"
    assert lab("kubectl label ns nowhere a=b") == (
        'Error from server (NotFound): namespaces "nowhere" not found')
    assert lab("kubectl label ns dev kubernetes.io/metadata.name=other --overwrite") == (
        "namespace/dev not labeled")


# --- connections from inside a pod, as the engine decides ------------------------------------

PROBED_POLICIES = SOLUTION + "---\n" + policy(
    "api-egress", "prod",
    "{podSelector: {matchLabels: {name: api-pod}}, policyTypes: [Egress], egress: ["
    "{to: [{podSelector: {matchLabels: {role: db}}}], ports: [{port: 3306}]},"
    "{to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}],"
    " ports: [{port: 53, protocol: UDP}]},"
    "{to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.10/32]}}], ports: [{port: 443}]}]}")


def test_nc_and_curl_agree_with_the_engine_for_every_pod_pair_and_declared_port(lab, baseline):
    lab.apply(PROBED_POLICIES)
    cluster = current_cluster(baseline, lab.changes)
    analyzer = Analyzer(cluster)
    seen = []
    for src in cluster.pods:
        for dst in cluster.pods:
            for port in dst.ports:
                proto = port.protocol
                flag = " -u" if proto == "UDP" else ""
                out = lab(f"kubectl exec -n {src.namespace} {src.name} -- "
                          f"nc -zv{flag} -w 2 {dst.ip} {port.port}")
                allowed = analyzer.allowed(src, dst, port.port, proto)
                assert ("succeeded!" in out) == allowed, (src.key, dst.key, port, out)
                if proto == "TCP":
                    out = lab(f"kubectl exec -n {src.namespace} {src.name} -- "
                              f"curl -m 2 http://{dst.ip}:{port.port}/")
                    assert out.startswith("Hello from") == allowed, (src.key, dst.key, port, out)
                seen.append(allowed)
    assert len(seen) == 5 * 5  # five pods, five declared ports between them
    assert 0 < seen.count(False) < len(seen)
    assert "timed out" in lab("kubectl exec -n prod web -- nc -zv -w 2 10.1.0.10 3306")
    assert "succeeded" in lab("kubectl exec -n prod api-pod -- nc -zv -w 2 10.1.0.10 3306")


def test_nc_and_curl_words(lab):
    lab.apply(SOLUTION)
    assert lab("kubectl exec -n prod api-pod -- nc -zv -w 2 db 3306") == (
        "Connection to db 3306 port [tcp/mysql] succeeded!")
    assert lab("kubectl exec -n prod web -- nc -zv -w 2 db 3306") == (
        "nc: connect to db port 3306 (tcp) timed out: Operation now in progress\n"
        "command terminated with exit code 1")
    assert lab("kubectl exec -n prod web -- nc -zv 10.1.0.10 3306") == (
        "nc: connect to 10.1.0.10 port 3306 (tcp) failed: Connection timed out\n"
        "command terminated with exit code 1")
    assert lab("kubectl exec -n prod web -- nc -z -w 2 db 3306") == "command terminated with exit code 1"
    assert lab("kubectl exec -n prod web -- nc -z -w 2 api-pod 8080") == ""
    assert lab("kubectl exec -n prod web -- nc -zvu -w 2 coredns 53") == (
        'nc: getaddrinfo for host "coredns" port 53: Name or service not known\n'
        "command terminated with exit code 1")
    assert lab("kubectl exec -n prod web -- nc -zvu -w 2 10.0.0.10 53") == (
        "Connection to 10.0.0.10 53 port [udp/domain] succeeded!")
    assert lab("kubectl exec -n prod web -- curl -m 5 10.1.0.10:3306") == (
        "curl: (28) Connection timed out after 5001 milliseconds\n"
        "command terminated with exit code 28")
    assert lab("kubectl exec -n prod web -- curl -s -m 5 10.1.0.10:3306") == (
        "command terminated with exit code 28")
    assert lab("kubectl exec -n prod api-pod -- curl http://web/health") == (
        "Hello from prod/web (10.1.0.30), port 80, path /health")
    assert lab("kubectl exec -n prod api-pod -- curl -s -o /dev/null -w '%{http_code}' web") == "200"
    assert lab("kubectl exec -n prod api-pod -- wget -qO- -T 2 http://web") == (
        "Hello from prod/web (10.1.0.30), port 80, path /")


def test_a_pod_name_resolves_in_its_own_namespace_only(lab):
    assert "succeeded" in lab("kubectl exec -n prod web -- nc -zv -w 2 db 3306")
    assert lab("kubectl exec -n dev api-pod -- nc -zv -w 2 db 3306") == (
        'nc: getaddrinfo for host "db" port 3306: Name or service not known\n'
        "command terminated with exit code 1")
    assert lab("kubectl exec -n dev api-pod -- curl -m 2 db:3306") == (
        "curl: (6) Could not resolve host: db\ncommand terminated with exit code 6")
    assert "succeeded" in lab("kubectl exec -n dev api-pod -- nc -zv -w 2 10.1.0.10 3306")


def test_egress_without_dns_breaks_names_but_not_addresses(lab):
    lab.apply(policy("deny-egress", "prod", "{podSelector: {}, policyTypes: [Egress],"
                                           " egress: [{to: [{podSelector: {}}]}]}"))
    assert lab("kubectl exec -n prod web -- nc -zv -w 2 db 3306") == (
        'nc: getaddrinfo for host "db" port 3306: Temporary failure in name resolution\n'
        "command terminated with exit code 1")
    assert "succeeded" in lab("kubectl exec -n prod web -- nc -zv -w 2 10.1.0.10 3306")
    lab.apply(policy("allow-dns", "prod",
                     "{podSelector: {}, policyTypes: [Egress], egress: [{to: ["
                     "{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}],"
                     " ports: [{port: 53, protocol: UDP}]}]}"))
    assert "succeeded" in lab("kubectl exec -n prod web -- nc -zv -w 2 db 3306")


def test_an_allowed_port_nobody_listens_on_is_refused_not_timed_out(lab):
    assert lab("kubectl exec -n prod web -- nc -zv -w 2 api-pod 9999") == (
        "nc: connect to api-pod port 9999 (tcp) failed: Connection refused\n"
        "command terminated with exit code 1")
    assert lab("kubectl exec -n prod web -- curl -m 2 api-pod:9999").startswith("curl: (7) Failed to connect")
    # dev/api-pod declares no ports, so the lab assumes it listens on any.
    assert "succeeded" in lab("kubectl exec -n prod web -- nc -zv -w 2 10.2.0.20 9999")


def test_the_protocol_counts_when_a_pod_declares_its_ports(lab):
    # prod/db declares TCP 3306 only: UDP 3306 reaches it (nothing isolates it) and is refused.
    assert "succeeded" in lab("kubectl exec -n prod web -- nc -zv -w 2 db 3306")
    assert lab("kubectl exec -n prod web -- nc -zvu -w 2 db 3306") == (
        "nc: connect to db port 3306 (udp) failed: Connection refused\n"
        "command terminated with exit code 1")
    assert "succeeded" in lab("kubectl exec -n prod web -- nc -zvu -w 2 10.0.0.10 53")  # coredns, UDP 53


@pytest.mark.parametrize("src, dst, port, udp", [
    ("prod/web", "prod/db", 3306, False), ("prod/web", "prod/db", 3307, False),
    ("prod/web", "prod/db", 3306, True), ("prod/db", "prod/api-pod", 8080, False),
    ("prod/db", "prod/api-pod", 80, False), ("prod/db", "dev/api-pod", 9999, False),
    ("prod/api-pod", "kube-system/coredns", 53, True), ("prod/api-pod", "kube-system/coredns", 54, True),
    ("prod/web", "prod/web", 81, False),
])
def test_the_terminal_refuses_where_the_panel_says_nothing_listens(lab, src, dst, port, udp):
    world = World(cluster=lab.baseline.cluster)
    protocol = "UDP" if udp else "TCP"
    answer = explain(world, "", src, dst, port, protocol)
    ns, name = src.split("/")
    ip = lab.baseline.cluster.pod(dst).ip
    out = lab(f"kubectl exec -n {ns} {name} -- nc -zv{'u' if udp else ''} -w 2 {ip} {port}")
    assert answer.verdict.allowed and ("Connection refused" in out) == answer.unheard, out
    assert ("succeeded" in out) == (not answer.unheard)


def test_outside_hosts_answer_as_egress_ipblocks_decide(lab):
    lab.apply(PROBED_POLICIES)
    assert lab(f"kubectl exec -n prod api-pod -- curl -m 2 https://{OUTSIDE}/") == (
        "curl: (28) Connection timed out after 2001 milliseconds\ncommand terminated with exit code 28")
    assert lab("kubectl exec -n prod api-pod -- curl -m 2 https://203.0.113.11/") == (
        "Hello from 203.0.113.11 (outside the cluster), port 443, path /")
    assert lab(f"kubectl exec -n prod web -- nc -zv -w 2 {OUTSIDE} 443") == (
        f"Connection to {OUTSIDE} 443 port [tcp/https] succeeded!")


def test_exec_mistakes_get_short_messages(lab):
    assert lab("kubectl exec -n prod nope -- nc -zv db 1") == (
        'Error from server (NotFound): pods "nope" not found')
    assert lab("kubectl exec -n prod web nc -zv db 1").startswith("error: unknown shorthand flag: 'z' in -zv")
    assert lab("kubectl exec -n prod web ls").startswith(
        "error: exec [POD] [COMMAND] is not supported anymore")
    assert lab("kubectl exec -n prod web -- ping db").startswith("OCI runtime exec failed")
    assert lab("kubectl exec -it -n prod web -- sh").startswith("error: the lab has no interactive shell")
    assert lab("kubectl exec -n prod web -- sh -c 'nc -zv -w 2 api-pod 8080'") == (
        "Connection to api-pod 8080 port [tcp/http-alt] succeeded!")
    assert lab("kubectl exec -n prod web -- nc -zv db http").startswith("nc: port number invalid: http")
    assert lab("kubectl exec -n prod web -- nc -zv db").startswith("usage: nc")
    assert lab("kubectl exec -n prod web -- curl --nope web").startswith("curl: option --nope: is unknown")
    assert lab("kubectl exec -n prod web -- curl ftp://web").startswith(
        'curl: (1) Protocol "ftp" not supported')
    assert lab("nc -zv db 3306").startswith("bash: nc: you are on the lab's workstation")


# --- the shell itself --------------------------------------------------------------------------

def test_help_clear_reset_and_unknown_commands(lab):
    assert "kubectl exec -n NS POD -- nc -zv -w 2 HOST PORT" in lab("help")
    assert lab("clear") == "" and lab.outcome.action == "clear"
    assert lab("ls -la") == "bash: ls: command not found (type help for the lab's commands)"
    assert lab("kubectl frobnicate") == (
        'error: unknown command "frobnicate" for "kubectl"\nRun \'kubectl --help\' for usage.')
    assert lab("kubectl run x --image=nginx").startswith(
        "error: `kubectl run` is not part of the practice lab")
    assert lab("kubectl get pods --watch").startswith("error: unknown flag: --watch")
    assert lab("kubectl get pods -o jsonpath='{.items}'").startswith("error: unable to match a printer")
    assert lab("kubectl get widgets").startswith('error: the server doesn\'t have a resource type "widgets"')
    assert lab("") == ""


def test_pipes_go_to_grep_and_other_operators_are_refused(lab):
    assert lab("kubectl get pods -A | grep prod").count("\n") == 2
    assert "prod" not in lab("kubectl get pods -A | grep -v prod")
    assert lab("kubectl get pods -A --show-labels | grep -i ROLE=DB").startswith("prod ")
    assert lab("kubectl get pods; rm -rf /").startswith("bash: the lab runs one command at a time")
    assert lab("kubectl get pods | sort").startswith("bash: sort: the lab's pipes go to grep only")
    assert lab("kubectl get pods |").startswith("bash: syntax error")


def test_hostile_lines_get_messages(lab):
    assert lab("kubectl get pods " + "x" * 2000).startswith("bash: the lab reads commands of up to")
    assert lab("kubectl get pods -l 'unterminated").startswith(
        "bash: syntax error: unterminated quoted string")
    assert lab("kubectl get pods -n '\x00\u202e'") == "No resources found in \x00\u202e namespace."
    assert lab("kubectl exec -n prod web -- nc -zv " + "9" * 500 + " 80").startswith("nc: getaddrinfo")


TOKENS = ["kubectl", "k", "get", "describe", "apply", "delete", "label", "exec", "pods", "ns", "netpol",
          "db", "web", "-n", "prod", "-A", "-l", "-o", "yaml", "wide", "--show-labels", "-f", "-", "--",
          "nc", "-zv", "-w", "2", "curl", "-m", "wget", "10.1.0.10", "3306", "a=b", "a-", "--overwrite",
          "|", "grep", "'", '"', "(", ")", "=", "!", ",", "sh", "-c", "reset", "help", "netpol/db-policy"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=12), st.text(max_size=40))
def test_no_line_makes_the_shell_fail(baseline, tokens, noise):
    changes = Changes.fresh(T0)
    for line in (" ".join(tokens), " ".join(tokens) + " " + noise, noise):
        outcome = run(line, baseline, changes, editor=SOLUTION, now=NOW)
        assert isinstance(outcome.output, str) and BUG not in outcome.output
        changes = outcome.changes


# --- changes and formatting helpers ------------------------------------------------------------

def test_state_survives_json_and_bad_json_gives_a_fresh_lab(lab, baseline):
    lab.apply(SOLUTION)
    lab("kubectl label ns dev team=x")
    lab("kubectl delete netpol web-policy -n prod")
    again = Changes.from_json(lab.changes.to_json(), NOW)
    assert again == lab.changes
    assert current_cluster(baseline, again).policies == current_cluster(baseline, lab.changes).policies
    for junk in (None, [], {"v": 99}, {"v": 1, "started": "yesterday"},
                 {"v": 1, "started": "2026-01-01T00:00:00Z", "policies": "x"}):
        assert Changes.from_json(junk, NOW) == Changes.fresh(NOW)


def test_unreadable_stored_policies_give_a_clean_lab(baseline):
    changes = Changes.from_json({"v": 1, "started": "2026-11-26T10:00:00Z",
                                "policies": {"prod/x": {"kind": "NetworkPolicy", "spec": "nonsense"}}}, NOW)
    outcome = run("kubectl get netpol -A", baseline, changes, now=NOW)
    assert outcome.output.startswith("NAMESPACE   NAME         POD-SELECTOR")
    assert outcome.changes.is_pristine


def test_stored_policies_are_kept_in_the_api_servers_normal_form(lab):
    lab.apply("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: prod}\n"
              "spec: {podSelector: {}, ingress: [{ports: [{port: 80}]}]}\n")
    stored = lab.changes.policies["prod/p"]
    assert stored["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"],
                              "ingress": [{"ports": [{"protocol": "TCP", "port": 80}]}]}
    assert load_policies(json.dumps(stored)).policies[0].key == "prod/p"


def test_tabwriter_aligns_each_block_of_lines_as_go_does():
    text = "Name:\tx\nLabels:\ta=b\n\tc=d\nSpec:\n  k:\tv\n  longer key:\tw"
    assert tabwrite(text, 0, 2) == ("Name:    x\nLabels:  a=b\n         c=d\nSpec:\n"
                                    "  k:           v\n  longer key:  w")


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (-1, "0s"), (-5, "<invalid>"), (119, "119s"), (120, "2m"), (599, "9m59s"), (600, "10m"),
    (179 * 60, "179m"), (3 * 3600, "3h"), (7 * 3600 + 59 * 60, "7h59m"), (8 * 3600, "8h"),
    (47 * 3600, "47h"), (48 * 3600, "2d"), (49 * 3600, "2d1h"), (8 * 86400, "8d"),
    (2 * 365 * 86400, "2y"), (2 * 365 * 86400 + 86400, "2y1d"), (9 * 365 * 86400, "9y"),
])
def test_ages_read_as_kubectl_prints_them(seconds, text):
    assert human_duration(T0, T0 + timedelta(seconds=seconds)) == text


# --- every real exercise's cluster ---------------------------------------------------------------

def _real_exercises():
    from trainer.catalog.exercises import all_exercises

    return all_exercises()


@pytest.mark.parametrize("exercise", _real_exercises(), ids=lambda e: e.id)
def test_the_terminal_runs_over_every_exercises_cluster(exercise):
    baseline = Baseline.from_text(exercise.cluster_text, f"{exercise.id}:cluster", exercise.externals,
                                  limits=CONTENT, cluster=exercise.cluster)
    lab = Lab(baseline, editor=exercise.solution)
    cluster = baseline.cluster
    listing = lab("kubectl get pods -A -o wide")
    assert all(p.name in listing for p in cluster.pods)
    for p in cluster.policies:
        assert lab(f"kubectl describe netpol {p.name} -n {p.namespace}").startswith(
            f"Name:         {p.name}\n")
    if exercise.solution.strip():
        assert " created" in lab("kubectl apply -f -") or " configured" in lab.outcome.output
    analyzer = Analyzer(current_cluster(baseline, lab.changes))
    for src in cluster.pods:
        for dst in cluster.pods:
            probed = [p for p in dst.ports if p.protocol in ("TCP", "UDP")]  # nc speaks these two
            if dst.ip and probed:
                port = probed[0]
                udp = " -u" if port.protocol == "UDP" else ""
                out = lab(f"kubectl exec -n {src.namespace} {src.name} -- nc -zv{udp}"
                          f" -w 2 {dst.ip} {port.port}")
                assert ("succeeded!" in out) == analyzer.allowed(src, dst, port.port, port.protocol), (
                    src.key, dst.key, out)
