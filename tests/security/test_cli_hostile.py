"""`netpol check` and `grade` against hostile files, probes and paths.

Every case ends with exit status 2, nothing on stdout and a message naming the
file (and the line where there is one), or with a correct answer; never a
traceback. Most run in-process through cli.run with the command line's limits;
the ones that could hang or eat memory if a defence regressed (a FIFO,
/dev/zero, the bombs) run as a process with a memory cap and a timeout.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.netpol import cli
from trainer.netpol.loading import CLI_LIMITS

from .hostile import ACCEPTED, REFUSED, echo_bait

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1 << 30  # 1 GiB of address space for a whole `manage.py netpol` process

CLUSTER = """\
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
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-policy, namespace: prod}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {name: api-pod}}}]
    ports: [{port: 3306}]
"""


def check(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """`netpol check ARGV` in-process: (status, stdout, stderr)."""
    parser = cli.argparse.ArgumentParser()
    cli.add_arguments(parser)
    options = vars(parser.parse_args(["check", *argv]))
    options.pop("action")
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(cli.Arguments(**options), out, err, io.BytesIO(stdin), CLI_LIMITS)
    return status, out.getvalue(), err.getvalue()


def process(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`manage.py ARGV` as its own process, with a memory cap and a timeout as guards."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    return subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap, stdin=subprocess.DEVNULL)


def refused(status: int, out: str, err: str, *fragments: str) -> None:
    assert status == 2, (status, out[:500], err[:500])
    assert out == ""
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err[:1000]


@pytest.fixture
def cluster(tmp_path) -> str:
    path = tmp_path / "cluster.yaml"
    path.write_text(CLUSTER)
    return str(path)


def write(tmp_path, data, name="input.yaml") -> str:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


# --- hostile YAML -----------------------------------------------------------------------------


@pytest.mark.parametrize("name, data, fragment", REFUSED, ids=[c[0] for c in REFUSED])
def test_hostile_yaml_is_refused_with_the_file_and_a_reason(tmp_path, name, data, fragment):
    path = write(tmp_path, data)
    refused(*check("-f", path), f"{path}:", fragment)


@pytest.mark.parametrize("name, data", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_what_kubectl_reads_is_read(tmp_path, cluster, name, data):
    status, out, err = check("-f", cluster, "-f", write(tmp_path, data),
                             "--probe", "prod/api", "prod/db", "3306")
    assert (status, err) == (0, "")
    assert out.splitlines()[1].split() == ["prod/api", "prod/db", "3306/TCP", "allowed"]


def test_an_empty_file_alone_gives_an_empty_table(tmp_path):
    assert check("-f", write(tmp_path, "")) == (0, "FROM  TO  PORT  VERDICT\n", "")


def test_a_document_too_large_for_the_node_cap_names_its_line(tmp_path):
    pods = "".join(f"--- {{kind: Pod, metadata: {{name: p{i}}}, spec: {{containers: [{{ports: "
                   f"[{{containerPort: 1}}]}}]}}}}\n" for i in range(32_000))
    assert len(pods) < CLI_LIMITS.max_bytes
    path = write(tmp_path, pods)
    refused(*check("-f", path), f"{path}:29412: document expands to more than 500000 nodes")


def test_a_huge_string_value_is_not_echoed(tmp_path):
    path = write(tmp_path, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                           "spec: {podSelector: {matchLabels: {app: " + "x" * 3_000_000 + "}}}\n")
    status, out, err = check("-f", path)
    refused(status, out, err,
            'spec.podSelector.matchLabels: Invalid value: "xxx', '...": must be no more than 63')
    assert len(err) < 500


def test_ten_thousand_problems_are_summed_up_after_the_first_hundred(tmp_path):
    text = "".join(f"---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: Bad_{i}}}\n"
                   for i in range(10_000))
    status, out, err = check("-f", write(tmp_path, text))
    refused(status, out, err, "metadata.name", "... and 9900 more problems")
    assert len(err.splitlines()) == cli.MAX_PROBLEMS_SHOWN + 1


@pytest.mark.parametrize("name, data, forbidden",
                         [b for b in echo_bait(1_000_000) if b[0] != "script-in-name"],
                         ids=[b[0] for b in echo_bait(1) if b[0] != "script-in-name"])
def test_names_and_keys_come_back_clipped_and_escaped(tmp_path, name, data, forbidden):
    status, out, err = check("-f", write(tmp_path, data))
    refused(status, out, err, "input.yaml:")
    assert forbidden not in err
    assert all(len(line) < 1000 and line.isprintable() for line in err.splitlines())


# --- paths that are not files -------------------------------------------------------------------


def test_a_directory_is_not_a_file(tmp_path):
    refused(*check("-f", str(tmp_path)), f"{tmp_path}: cannot read: Is a directory")


def test_a_missing_file_and_a_name_too_long(tmp_path):
    refused(*check("-f", str(tmp_path / "absent.yaml")), "No such file or directory")
    refused(*check("-f", "x" * 5000), "File name too long")


def test_a_file_name_with_control_characters_is_escaped(tmp_path):
    path = tmp_path / "evil\x1b[31m\nname.yaml"
    path.write_text("a: [1\n")
    status, out, err = check("-f", str(path))
    refused(status, out, err, "evil\\x1b[31m\\nname.yaml:1: invalid YAML")
    assert "\x1b" not in err and len(err.splitlines()) == 1


def test_dev_null_is_an_empty_file():
    assert check("-f", "/dev/null")[0] == 0


def test_dev_zero_is_refused_after_reading_no_more_than_the_limit():
    proc = process("netpol", "check", "-f", "/dev/zero")
    refused(proc.returncode, proc.stdout, proc.stderr,
            "/dev/zero: file is larger than the limit of 4194304 bytes")


def test_a_fifo_nobody_writes_to_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = process("netpol", "check", "-f", str(fifo), timeout=30)
    refused(proc.returncode, proc.stdout, proc.stderr, "a named pipe that nothing writes to")


def test_a_pipe_that_is_written_to_is_read(tmp_path):
    read_end, write_end = os.pipe()
    os.write(write_end, CLUSTER.encode())
    os.close(write_end)
    try:
        status, out, err = check("-f", f"/dev/fd/{read_end}", "--probe", "prod/api", "prod/db", "3306")
    finally:
        os.close(read_end)
    assert (status, err) == (0, "") and "allowed" in out


@pytest.mark.parametrize("name", ["billion-laughs", "merge-chain", "deep-flow-seq", "binary"])
def test_bombs_stay_within_a_gigabyte_as_a_whole_process(tmp_path, name):
    data = dict((c[0], c[1]) for c in REFUSED)[name]
    proc = process("netpol", "check", "-f", write(tmp_path, data))
    refused(proc.returncode, proc.stdout, proc.stderr)


# --- odd probes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("src, dst, port, message", [
    ("::1", "prod/db", "80", '"::1" is neither namespace/pod nor an IPv4 address'),
    ("prod/api", "fe80::1%eth0", "80", "is neither namespace/pod nor an IPv4 address"),
    ("01.2.3.4", "prod/db", "80", "is neither namespace/pod nor an IPv4 address"),
    ("prod/api", "prod/db", "0", 'port "0" must be a number from 1 to 65535'),
    ("prod/api", "prod/db", "65536", 'port "65536" must be a number from 1 to 65535'),
    ("prod/api", "prod/db", "-1", 'port "-1" must be a number from 1 to 65535'),
    ("prod/api", "prod/db", "+80", 'port "+80" must be a number'),
    ("prod/api", "prod/db", "80/ICMP", 'protocol "ICMP" must be TCP, UDP or SCTP'),
    ("prod/api", "prod/db", "80/", 'protocol "" must be TCP, UDP or SCTP'),
    ("prod/api", "prod/db", "/TCP", 'port "" must be a number'),
    ("prod/api", "prod/db", "80/tcp/udp", 'protocol "TCP/UDP" must be'),
    ("prod/api", "prod/db", "\u0663", 'port "\\u0663" must be a number'),  # Arabic-Indic three
    ("prod/api", "prod/db", "\uff13", 'port "\\uff13" must be a number'),  # fullwidth three
    ("prod/api", "prod/db", "9" * 5000, "must be a number from 1 to 65535"),  # int() caps at 4,300 digits
    ("prod/api", "prod/db", "mysql", 'port "mysql" must be a number'),
    ("prod/api/x", "prod/db", "80", "no pod prod/api/x in the cluster"),
    ("prod/" + "x" * 5000, "prod/db", "80", "..."),
    ("prod/\x1b[31mapi", "prod/db", "80", "no pod prod/\\x1b[31mapi"),
])
def test_odd_probes_are_refused_with_a_reason(cluster, src, dst, port, message):
    status, out, err = check("-f", cluster, "--probe", src, dst, port)
    refused(status, out, err, "--probe 1: ", message)
    assert len(err) < 400 and "\x1b" not in err


@pytest.mark.parametrize("src, dst, port, expected", [
    ("0.0.0.0", "prod/db", "3306", ["0.0.0.0", "prod/db", "3306/TCP", "denied"]),
    ("255.255.255.255", "prod/db", "3306", ["255.255.255.255", "prod/db", "3306/TCP", "denied"]),
    ("prod/db", "255.255.255.255", "53/udp", ["prod/db", "255.255.255.255", "53/UDP", "allowed"]),
    ("prod/api", "prod/db", "3306/tcp", ["prod/api", "prod/db", "3306/TCP", "allowed"]),
    ("prod/api", "prod/db", "03306", ["prod/api", "prod/db", "3306/TCP", "allowed"]),
    ("prod/api", "prod/db", "3306/SCTP", ["prod/api", "prod/db", "3306/SCTP", "denied"]),
    ("10.0.1.11", "10.0.1.10", "3306", ["prod/api", "prod/db", "3306/TCP", "allowed"]),
    ("prod/db", "prod/db", "1", ["prod/db", "prod/db", "1/TCP", "allowed"]),
    ("prod/api", "prod/db", "65535", ["prod/api", "prod/db", "65535/TCP", "denied"]),
])
def test_odd_but_valid_probes_get_the_right_answer(cluster, src, dst, port, expected):
    status, out, err = check("-f", cluster, "--probe", src, dst, port)
    assert (status, err) == (0, "")
    assert out.splitlines()[1].split() == expected


def test_a_probes_file_repeating_one_probe_twenty_thousand_times(cluster, tmp_path):
    probes = write(tmp_path, "prod/api prod/db 3306\n" * 20_000, "probes.txt")
    status, out, err = check("-f", cluster, "--probes", probes, "--json")
    assert (status, err) == (0, "")
    results = json.loads(out)["results"]
    assert len(results) == 20_000 and all(r["allowed"] for r in results)


def test_a_probes_file_past_the_size_limit(cluster, tmp_path):
    probes = write(tmp_path, "prod/api prod/db 3306\n" * (CLI_LIMITS.max_bytes // 22 + 1), "probes.txt")
    refused(*check("-f", cluster, "--probes", probes), "larger than the limit")


def test_a_binary_probes_file_names_the_line(cluster, tmp_path):
    probes = write(tmp_path, b"prod/api prod/db 3306\n\xff\xfe\n", "probes.txt")
    refused(*check("-f", cluster, "--probes", probes), f"{probes}:2: not UTF-8 text")


def test_probe_lines_are_numbered_as_an_editor_numbers_them(cluster, tmp_path):
    # \f and \v are no line ends to an editor; str.splitlines() would count them.
    probes = write(tmp_path, "prod/api prod/db 3306\n\f\v\nprod/api prod/db\n", "probes.txt")
    refused(*check("-f", cluster, "--probes", probes), f"{probes}:3: expected 'SRC DST PORT[/PROTOCOL]'")


def test_a_probes_file_may_start_with_a_bom_and_end_lines_with_crlf(cluster, tmp_path):
    probes = write(tmp_path, "\ufeff# who reaches the DB\r\nprod/api prod/db 3306\r\n", "probes.txt")
    status, out, err = check("-f", cluster, "--probes", probes)
    assert (status, err) == (0, "") and out.splitlines()[1].split()[-1] == "allowed"


def test_stdin_cannot_be_read_twice(cluster):
    refused(*check("-f", "-", "--probes", "-", stdin=CLUSTER.encode()), "standard input is already read")


def test_a_fifo_as_probes_file(cluster, tmp_path):
    fifo = tmp_path / "probes"
    os.mkfifo(fifo)
    proc = process("netpol", "check", "-f", cluster, "--probes", str(fifo), timeout=30)
    refused(proc.returncode, proc.stdout, proc.stderr, "a named pipe that nothing writes to")


def test_a_table_too_large_to_print_is_refused_with_a_way_out(tmp_path):
    # 300 pods, each declaring its own port: 300 * 299 * 300 rows.
    pods = "".join(f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns}}\n"
                   f"spec: {{containers: [{{ports: [{{containerPort: {1000 + i}}}]}}]}}\n"
                   for i in range(300))
    path = write(tmp_path, pods)
    refused(*check("-f", path), "the table would have 26910000 rows", "--probe")
    refused(*check("-f", path, "--json"), "the limit is 100000 with --json")
    assert check("-f", path, "--probe", "ns/p1", "ns/p2", "1002")[0] == 0


def test_external_hosts_are_ipv4_addresses(cluster):
    refused(*check("-f", cluster, "--external", "::1"), '--external ::1: "::1" is neither')
    refused(*check("-f", cluster, "--external", "x" * 3000), "--external", "...")
    refused(*check("-f", cluster, "--external", "prod/db"), "an outside host is an IPv4 address")
    refused(*check("-f", cluster, "--external", "10.0.0.0/8"), "an outside host is an IPv4 address")
    refused(*check("-f", cluster, "--external", "\x1b[31m"), "--external \\x1b[31m:")


# --- grade ---------------------------------------------------------------------------------------


def grade(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return process("grade", *argv, timeout=timeout)


def test_grade_refuses_dev_zero_as_an_exercise_file():
    proc = grade("/dev/zero", "/dev/null")
    refused(proc.returncode, proc.stdout, proc.stderr, "/dev/zero: cannot be read: not a regular file")


def test_grade_refuses_dev_zero_as_a_solution():
    proc = grade("deny-db-ingress", "/dev/zero")
    refused(proc.returncode, proc.stdout, proc.stderr, "/dev/zero: file is larger than the limit")


def test_grade_with_fifos(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = grade("deny-db-ingress", str(fifo), timeout=30)
    refused(proc.returncode, proc.stdout, proc.stderr, "a named pipe that nothing writes to")
    proc = grade(str(fifo), "/dev/null", timeout=30)
    refused(proc.returncode, proc.stdout, proc.stderr, "not a regular file")


def test_grade_with_names_too_long_or_hostile():
    proc = grade("x" * 5000, "/dev/null")
    refused(proc.returncode, proc.stdout, proc.stderr, "grade: no exercise", '..."')
    assert len(proc.stderr) < 2000
    proc = grade("deny-db-ingress", "y" * 5000)
    refused(proc.returncode, proc.stdout, proc.stderr, "File name too long")
    proc = grade("\x1b[31m", "/dev/null")
    refused(proc.returncode, proc.stdout, proc.stderr, "no exercise")
    assert "\x1b" not in proc.stderr


def test_grade_with_a_directory(tmp_path):
    proc = grade(str(tmp_path), "/dev/null")
    refused(proc.returncode, proc.stdout, proc.stderr, "not a regular file")
    proc = grade("deny-db-ingress", str(tmp_path))
    refused(proc.returncode, proc.stdout, proc.stderr, "Is a directory")


@pytest.mark.parametrize("name", ["billion-laughs", "merge-bomb", "deep-block", "int-5000-digits", "nul",
                                  "invalid-utf8", "python-tag", "json-array"])
def test_grade_refuses_hostile_solutions_with_the_reason(tmp_path, name):
    from django.core.management import call_command

    data = dict((c[0], (c[1], c[2]) ) for c in REFUSED)[name]
    path = write(tmp_path, data[0])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("grade", "deny-db-ingress", path, stdout=out, stderr=err)
    refused(exc.value.code, out.getvalue(), err.getvalue(), "cannot be graded", data[1])
