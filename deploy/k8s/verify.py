#!/usr/bin/env python3
"""Check the trainer's NetworkPolicies against the reachability they are meant to give.

    .venv/bin/python deploy/k8s/verify.py

Runs the project's own analyser, `manage.py netpol check --json`, on every
manifest of deploy/k8s/ together with model/cluster.yaml (the pods they stand
for), with the probes of model/reachability.txt, and compares each verdict with
the allow or deny written beside it. Prints one line per probe and exits 1 when
any verdict differs, 2 when the manifests or the expectations cannot be read.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MODEL = HERE / "model" / "cluster.yaml"
EXPECTED = HERE / "model" / "reachability.txt"


@dataclass(frozen=True)
class Expectation:
    line: int
    src: str
    dst: str
    port: str
    allowed: bool

    @property
    def probe(self) -> str:
        return f"{self.src} {self.dst} {self.port}"


def manifests() -> list[Path]:
    return [MODEL, *sorted(HERE.glob("*.yaml"))]


def expectations(path: Path | None = None) -> list[Expectation]:
    path = path or EXPECTED
    found = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 4 or parts[3] not in ("allow", "deny"):
            raise SystemExit(f"{path}:{number}: want SRC DST PORT/PROTOCOL allow|deny, got {raw.strip()!r}")
        found.append(Expectation(number, parts[0], parts[1], parts[2], parts[3] == "allow"))
    return found


def verdicts(expected: list[Expectation]) -> list[dict]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as probes:
        probes.write("".join(e.probe + "\n" for e in expected))
        probes.flush()
        command = [sys.executable, str(ROOT / "manage.py"), "netpol", "check", "--json",
                   "--probes", probes.name]
        for path in manifests():
            command += ["-f", str(path)]
        run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit(2)
    return json.loads(run.stdout)["results"]


def main() -> int:
    expected = expectations()
    results = verdicts(expected)
    wrong = 0
    for e, r in zip(expected, results, strict=True):
        ok = r["allowed"] == e.allowed
        wrong += not ok
        got = "allow" if r["allowed"] else "deny"
        print(f"{'ok  ' if ok else 'FAIL'} {e.probe:70s} {got:5s}"
              + ("" if ok else f"  (line {e.line} wants {'allow' if e.allowed else 'deny'}): "
                               f"{r['explanation']}"))
    print(f"{len(expected)} probes of deploy/k8s/networkpolicies.yaml: "
          f"{'all as intended' if not wrong else f'{wrong} not as intended'}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
