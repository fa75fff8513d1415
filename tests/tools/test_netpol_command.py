"""`manage.py netpol check`, run as a user would: a separate process, its output and exit status."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CLUSTER = """\
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {name: prod}}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {role: db}}
spec: {containers: [{name: mysql, ports: [{name: mysql, containerPort: 3306}]}]}
status: {podIP: 10.0.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: prod, labels: {name: api-pod}}
status: {podIP: 10.0.1.11}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {name: web}}
status: {podIP: 10.0.1.12}
"""

POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-policy
  namespace: prod
spec:
  podSelector:
    matchLabels:
      role: db
  ingress:
  - from:
    - podSelector:
        matchLabels:
          name: api-pod
    - ipBlock:
        cidr: 192.168.5.10/32
    ports:
    - protocol: TCP
      port: 3306
"""


def netpol(*args, stdin=None):
    return subprocess.run([sys.executable, "manage.py", "netpol", "check", *args], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=60)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cluster.yaml").write_text(CLUSTER)
    (tmp_path / "policy.yaml").write_text(POLICY)
    return ["-f", str(tmp_path / "cluster.yaml"), "-f", str(tmp_path / "policy.yaml")]


def test_json_gives_results_in_probe_order_with_explanations(files, tmp_path):
    probes = tmp_path / "probes.txt"
    probes.write_text("# who reaches the DB\n\nprod/web prod/db 3306\n192.168.5.10 prod/db 3306/tcp\n")
    out = netpol(*files, "--probe", "prod/api", "prod/db", "3306/TCP", "--probes", str(probes), "--json")
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)["results"]
    assert [(r["from"], r["to"], r["port"], r["protocol"], r["allowed"]) for r in results] == [
        ("prod/api", "prod/db", 3306, "TCP", True),
        ("prod/web", "prod/db", 3306, "TCP", False),
        ("192.168.5.10", "prod/db", 3306, "TCP", True),
    ]
    assert "prod/db-policy" in results[0]["explanation"]
    assert "wants name=api-pod, has name=web" in results[1]["explanation"]
    assert set(results[0]) == {"from", "to", "port", "protocol", "allowed", "explanation"}


def test_table_without_probes_covers_every_ordered_pair_and_external_hosts(files):
    out = netpol(*files, "--external", "192.168.5.10")
    assert out.returncode == 0, out.stderr
    rows = [line.split() for line in out.stdout.splitlines()]
    assert rows[0] == ["FROM", "TO", "PORT", "VERDICT"]
    body = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    # 3 pods and 1 host: 3*2 pod pairs + 3 pairs each way with the host, on the one declared port
    assert len(body) == 12
    assert body[("prod/web", "prod/db", "3306/TCP")] == "denied"
    assert body[("prod/api", "prod/db", "3306/TCP")] == "allowed"
    assert body[("192.168.5.10", "prod/db", "3306/TCP")] == "allowed"
    assert body[("prod/db", "192.168.5.10", "3306/TCP")] == "allowed"


def test_stdin_is_read_with_dash(files):
    out = netpol("-f", "-", "--probe", "prod/web", "prod/db", "3306", "--json",
                 stdin=CLUSTER + "---\n" + POLICY)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["allowed"] is False


@pytest.mark.parametrize(
    "text, expected",
    [
        (POLICY.replace("port: 3306", "port: 3306\n      endPort: 80"),
         ["policy.yaml:", "NetworkPolicy prod/db-policy", "spec.ingress[0].ports[0].endPort"]),
        ("a: [1, 2\n", ["policy.yaml:1: invalid YAML: the '[' at column 4 is never closed"]),
        ("a: &x [*x]\n", ["policy.yaml:1", "recursive"]),
    ],
)
def test_invalid_input_exits_2_with_file_object_path_and_line(tmp_path, text, expected):
    (tmp_path / "policy.yaml").write_text(text)
    out = netpol("-f", str(tmp_path / "policy.yaml"))
    assert out.returncode == 2
    assert out.stdout == ""
    for part in expected:
        assert part in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "probe, message",
    [
        (["prod/nope", "prod/db", "3306"], "no pod prod/nope"),
        (["prod/web", "prod/db", "70000"], "must be a number from 1 to 65535"),
        (["prod/web", "prod/db", "80/HTTP"], "must be TCP, UDP or SCTP"),
        (["prod/web", "not-an-ip", "80"], "neither namespace/pod nor an IPv4 address"),
    ],
)
def test_bad_probes_exit_2_with_a_message(files, probe, message):
    out = netpol(*files, "--probe", *probe)
    assert out.returncode == 2
    assert message in out.stderr
    assert out.stdout == "" and "Traceback" not in out.stderr


def test_malformed_probes_file_names_its_line(files, tmp_path):
    probes = tmp_path / "probes.txt"
    probes.write_text("prod/web prod/db 3306\nprod/web prod/db\n")
    out = netpol(*files, "--probes", str(probes))
    assert out.returncode == 2
    assert f"{probes}:2" in out.stderr


def test_missing_file_and_oversized_file_exit_2(tmp_path):
    out = netpol("-f", str(tmp_path / "absent.yaml"))
    assert out.returncode == 2 and "cannot read" in out.stderr
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (4 * 1024 * 1024) + "\n")
    out = netpol("-f", str(big))
    assert out.returncode == 2 and "larger than the limit" in out.stderr


def test_the_management_command_answers_as_manage_py_does(files):
    """manage.py runs netpol before Django starts; call_command goes through Django: same answer."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("netpol", "check", *files, "--external", "192.168.5.10", stdout=out)
    assert out.getvalue() == netpol(*files, "--external", "192.168.5.10").stdout


def test_limits_come_from_the_environment(files):
    import os

    env = {**os.environ, "NETPOL_CLI_MAX_BYTES": "100"}
    out = subprocess.run([sys.executable, "manage.py", "netpol", "check", *files], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2 and "larger than the limit of 100 bytes" in out.stderr


def test_a_reader_that_goes_away_is_no_error(tmp_path):
    """`netpol check ... | head -1`: no traceback when the pipe closes before the table ends."""
    pods = "".join(f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: prod}}\n"
                   f"status: {{podIP: 10.0.0.{i + 1}}}\n" for i in range(80))
    (tmp_path / "pods.yaml").write_text(pods)  # 80 x 79 rows: far more than a pipe buffer holds
    command = [sys.executable, "manage.py", "netpol", "check", "-f", str(tmp_path / "pods.yaml")]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
