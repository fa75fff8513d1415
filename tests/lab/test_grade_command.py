"""`manage.py grade EXERCISE SOLUTION.yaml [--json]`: DESIGN.md's shape and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from trainer.catalog.exercises import get_exercise

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("grade", *[str(a) for a in args], stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def solution(tmp_path):
    def write(text: str, name: str = "answer.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


def test_json_for_a_passing_answer(solution):
    status, out, err = run("and-peer", solution(get_exercise("and-peer").solution), "--json")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert list(data)[:3] == ["passed", "score", "checks"]
    assert data["passed"] is True and data["score"] == 100
    assert all(set(c) == {"ok", "message"} and c["ok"] is True for c in data["checks"])


def test_json_for_a_failing_answer_exits_zero(solution):
    status, out, err = run("and-peer", solution(get_exercise("and-peer").starter), "--json")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert data["passed"] is False and 0 <= data["score"] < 100
    assert any(not c["ok"] and "shop/frontend can reach data/postgres" in c["message"]
               for c in data["checks"])
    assert any("OR where AND was meant" in d for d in data["diagnoses"])


def test_text_output_names_the_verdict_checks_and_diagnosis(solution):
    status, out, _ = run("and-peer", solution(get_exercise("and-peer").starter))
    assert status == 0
    first, *rest = out.splitlines()
    assert first.startswith("and-peer: NOT YET (score ")
    assert any(line.startswith("  FAIL  ") for line in rest)
    assert "Diagnosis:" in rest


def test_an_exercise_file_path_is_accepted(solution):
    path = get_exercise("two-sources-or").path
    status, out, _ = run(path, solution(get_exercise("two-sources-or").solution), "--json")
    assert status == 0 and json.loads(out)["passed"] is True


def test_an_unknown_exercise_exits_2_listing_the_known_ones(solution):
    status, out, err = run("no-such-exercise", solution("kind: List\n"))
    assert status == 2 and out == ""
    assert 'no exercise "no-such-exercise"' in err and "and-peer" in err


def test_a_broken_exercise_file_exits_2_naming_file_field_and_line(solution, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: t\ntask: t\ncluster: |\n  kind: Pod\nstage: nine\n")
    status, out, err = run(broken, solution("kind: List\n"))
    assert status == 2 and out == ""
    assert f"{broken}:" in err and "cluster" in err


def test_a_missing_solution_file_exits_2(tmp_path):
    status, out, err = run("and-peer", tmp_path / "nope.yaml")
    assert status == 2 and out == ""
    assert "cannot read" in err and "nope.yaml" in err


def test_a_solution_that_does_not_parse_exits_2_with_its_line(solution):
    path = solution("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x\n")
    status, out, err = run("and-peer", path, "--json")
    assert status == 2 and out == ""
    assert f"{path}:" in err and "invalid YAML" in err


def test_a_refused_object_exits_2_with_the_field_path(solution):
    path = solution(get_exercise("and-peer").solution.replace("port: 5432", "port: 70000"))
    status, out, err = run("and-peer", path)
    assert status == 2 and out == ""
    assert "NetworkPolicy data/db-access" in err and "spec.ingress[0].ports[0].port" in err


def test_the_real_command_never_prints_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe not utf-8")
    for args in (["and-peer", str(bad)], ["and-peer", str(tmp_path)],
                 ["no-such-exercise", str(bad), "--json"]):
        proc = subprocess.run([sys.executable, "manage.py", "grade", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == ""
        assert "Traceback" not in proc.stderr and proc.stderr.startswith("grade: ")
