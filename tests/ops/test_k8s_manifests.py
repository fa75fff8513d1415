"""deploy/k8s: the NetworkPolicies give the reachability written in model/reachability.txt, the
model's pods carry the labels the Deployment and Jobs give theirs, and the engine loads the
manifests (ignoring the kinds it does not evaluate)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import yaml

from trainer.netpol.build import build_cluster
from trainer.netpol.loading import CLI_LIMITS, load_manifests

ROOT = Path(__file__).resolve().parent.parent.parent
K8S = ROOT / "deploy" / "k8s"


def objects(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def test_every_probe_gets_the_intended_verdict():
    run = subprocess.run([sys.executable, str(K8S / "verify.py")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "all as intended" in run.stdout and "FAIL" not in run.stdout


def test_a_wrong_expectation_is_caught(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("verify", K8S / "verify.py")
    verify = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "verify", verify)  # dataclasses look their module up
    spec.loader.exec_module(verify)
    wrong = tmp_path / "reachability.txt"
    wrong.write_text("default/debug trainer/trainer-web-a 8000/TCP allow\n")
    monkeypatch.setattr(verify, "EXPECTED", wrong)
    assert verify.main() == 1
    assert "FAIL default/debug trainer/trainer-web-a 8000/TCP" in capsys.readouterr().out


def test_the_engine_loads_the_manifests_and_ignores_other_kinds():
    manifests = []
    for path in [K8S / "model" / "cluster.yaml", *sorted(K8S.glob("*.yaml"))]:
        manifests += load_manifests(path.read_text(), str(path), CLI_LIMITS)
    cluster = build_cluster(manifests)
    assert {p.key for p in cluster.policies} == {
        "trainer/default-deny", "trainer/web-from-ingress-controller", "trainer/dns",
        "trainer/web-to-postgres-and-redis", "trainer/jobs-to-postgres"}
    ignored = " ".join(cluster.ignored)
    for kind in ("Deployment", "Service", "Ingress", "Job", "CronJob", "ConfigMap", "Secret",
                 "EndpointSlice", "PodDisruptionBudget"):
        assert kind in ignored, kind


def test_the_models_pods_carry_the_labels_of_what_they_stand_for():
    model = {(o["metadata"]["namespace"], o["metadata"]["name"]): o["metadata"]["labels"]
             for o in objects(K8S / "model" / "cluster.yaml") if o["kind"] == "Pod"}
    templates = {}
    for path in K8S.glob("*.yaml"):
        for o in objects(path):
            spec = o.get("spec", {})
            template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
            if template:
                templates[o["metadata"]["name"]] = template["metadata"]["labels"]
    assert model[("trainer", "trainer-web-a")] == model[("trainer", "trainer-web-b")] == (
        templates["trainer-web"])
    assert model[("trainer", "trainer-migrate")] == templates["trainer-migrate"]
    assert model[("trainer", "trainer-cleanup")] == templates["trainer-cleanup"]


def test_the_deployment_is_ready_on_readyz_and_alive_on_healthz():
    [deployment] = [o for o in objects(K8S / "app.yaml") if o["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]


def test_the_policies_name_the_addresses_of_the_external_services():
    slices = {o["metadata"]["name"]: o["endpoints"][0]["addresses"][0]
              for o in objects(K8S / "external-services.yaml") if o["kind"] == "EndpointSlice"}
    policies = (K8S / "networkpolicies.yaml").read_text()
    for address in slices.values():
        assert f"cidr: {address}/32" in policies
